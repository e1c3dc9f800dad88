//! Reading configuration values out of parsed JSON with errors that name the file and key.

use std::path::Path;

use serde_json::{Map, Value};

use super::ConfigError;

/// A JSON value together with where it sits, for error messages.
#[derive(Clone, Copy)]
pub(crate) struct At<'a> {
    pub file: &'a Path,
    pub key: &'a str,
    pub value: &'a Value,
}

pub(crate) fn kind(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("a boolean ({b})"),
        Value::Number(n) => format!("a number ({n})"),
        Value::String(s) => format!("a string ({s:?})"),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

impl<'a> At<'a> {
    pub fn error(&self, message: impl Into<String>) -> ConfigError {
        ConfigError::in_file(self.file, self.key, message)
    }

    fn wrong_type(&self, expected: &str) -> ConfigError {
        self.error(format!("expected {expected}, found {}", kind(self.value)))
    }

    pub fn str(&self) -> Result<&'a str, ConfigError> {
        self.value
            .as_str()
            .ok_or_else(|| self.wrong_type("a string"))
    }

    pub fn bool(&self) -> Result<bool, ConfigError> {
        self.value
            .as_bool()
            .ok_or_else(|| self.wrong_type("true or false"))
    }

    /// A whole number within `min..=max`.
    pub fn integer(&self, min: u64, max: u64) -> Result<u64, ConfigError> {
        let expected = format!("a whole number from {min} to {max}");
        match self.value.as_u64() {
            Some(n) if (min..=max).contains(&n) => Ok(n),
            Some(_) => Err(self.error(format!(
                "{} is out of range: expected {expected}",
                self.value
            ))),
            None => Err(self.wrong_type(&expected)),
        }
    }

    pub fn object(&self) -> Result<&'a Map<String, Value>, ConfigError> {
        self.value
            .as_object()
            .ok_or_else(|| self.wrong_type("an object"))
    }

    /// A string, or an array of strings, as a list with each element's key.
    pub fn strings(&self) -> Result<Vec<(String, &'a str)>, ConfigError> {
        if let Some(single) = self.value.as_str() {
            return Ok(vec![(self.key.to_string(), single)]);
        }
        let items = self
            .value
            .as_array()
            .ok_or_else(|| self.wrong_type("an array of strings"))?;
        items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                let key = format!("{}[{index}]", self.key);
                item.as_str().map(|s| (key.clone(), s)).ok_or_else(|| {
                    ConfigError::in_file(
                        self.file,
                        key,
                        format!("expected a string, found {}", kind(item)),
                    )
                })
            })
            .collect()
    }
}

/// Parses a configuration file's text, naming the line and column of a syntax error.
pub(crate) fn parse_file(file: &Path, text: &str) -> Result<Value, ConfigError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str(text).map_err(|err| {
        ConfigError::in_file(
            file,
            "",
            format!(
                "not valid JSON at line {} column {}: {err}",
                err.line(),
                err.column()
            ),
        )
    })
}

/// How one key of a configuration object is read into `T`.
pub(crate) type Reader<T> = fn(&mut T, At<'_>) -> Result<(), ConfigError>;

/// One key an object of a configuration file takes.
pub(crate) struct Key<T: 'static> {
    pub name: &'static str,
    /// Shown after the name where the keys are listed, such as a unit (` (bytes)`).
    pub note: &'static str,
    pub read: Reader<T>,
}

/// The keys an object of a configuration file takes, each with how its value is read: the one
/// place those keys are defined. Reading dispatches through it, and an unknown key's error
/// lists it, so a key cannot be read without being listed (or listed without being read).
pub(crate) struct Keys<T: 'static> {
    /// Where the keys sit, for the error: `wxrun.json`, `limits`, `device`.
    pub owner: &'static str,
    pub keys: &'static [Key<T>],
}

impl<T> Keys<T> {
    pub fn find(&self, name: &str) -> Option<&'static Key<T>> {
        self.keys.iter().find(|key| key.name == name)
    }

    /// The names, in the table's order.
    #[cfg(test)]
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.keys.iter().map(|key| key.name)
    }

    /// Reads every member of `at` (an object) into `target`, refusing an unknown key.
    pub fn read_object(&self, target: &mut T, at: At<'_>) -> Result<(), ConfigError> {
        for (key, value) in at.object()? {
            let full_key = if at.key.is_empty() {
                key.clone()
            } else {
                format!("{}.{key}", at.key)
            };
            let member = At {
                file: at.file,
                key: &full_key,
                value,
            };
            match self.find(key) {
                Some(known) => (known.read)(target, member)?,
                None => return Err(self.unknown(member, key, &[])),
            }
        }
        Ok(())
    }

    /// The error of an unknown `key` at `at`: the keys taken (these, then `more`), and the one
    /// it differs from only in letter case, if any. Names starting with `$` (JSON Schema's
    /// `$schema`) are taken but not listed.
    pub fn unknown(&self, at: At<'_>, key: &str, more: &[&'static str]) -> ConfigError {
        let listed: Vec<(&str, &str)> = self
            .keys
            .iter()
            .map(|known| (known.name, known.note))
            .chain(more.iter().map(|name| (*name, "")))
            .collect();
        let suggestion = listed
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(key))
            .map(|(name, _)| format!(" (did you mean `{name}`?)"))
            .unwrap_or_default();
        let names: Vec<String> = listed
            .iter()
            .filter(|(name, _)| !name.starts_with('$'))
            .map(|(name, note)| format!("{name}{note}"))
            .collect();
        at.error(format!(
            "unknown key{suggestion}; {} takes {}",
            self.owner,
            names.join(", ")
        ))
    }
}
