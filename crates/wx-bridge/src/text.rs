//! Strings as they cross into Rust.

use rquickjs::{Ctx, FromJs, Function, Value, function::This};

/// A string argument as the platform's bridge delivers it: a `String` object as its text, and
/// a lone surrogate as U+FFFD (phones pass options as JSON, which cannot carry one). A native
/// that takes `Text` where it would take `String` never fails on either.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text(pub String);

impl Text {
    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<Text> for String {
    fn from(text: Text) -> String {
        text.0
    }
}

impl<'js> FromJs<'js> for Text {
    fn from_js(ctx: &Ctx<'js>, value: Value<'js>) -> rquickjs::Result<Self> {
        match text_of(ctx, &value)? {
            Some(text) => Ok(Text(text)),
            None => Err(rquickjs::Error::new_from_js(value.type_name(), "string")),
        }
    }
}

/// The text of a string or a `String` object (see [`Text`]); `None` for anything else.
pub fn text_of<'js>(ctx: &Ctx<'js>, value: &Value<'js>) -> rquickjs::Result<Option<String>> {
    let string = if let Some(string) = value.as_string() {
        string.clone()
    } else if let Some(object) = value.as_object()
        && object.is_instance_of(ctx.globals().get::<_, Function>("String")?)
    {
        let value_of: Function = object.get("valueOf")?;
        match value_of
            .call::<_, Value>((This(object.clone()),))?
            .into_string()
        {
            Some(string) => string,
            None => return Ok(None),
        }
    } else {
        return Ok(None);
    };
    match string.to_string() {
        Ok(text) => Ok(Some(text)),
        // Only a lone surrogate makes the text invalid UTF-8: ask the engine for the
        // well-formed form (each lone surrogate as U+FFFD), which is rare enough to cost nothing.
        Err(_) => {
            let well_formed: Function = ctx
                .globals()
                .get::<_, rquickjs::Object>("String")?
                .get::<_, rquickjs::Object>("prototype")?
                .get("toWellFormed")?;
            let fixed: rquickjs::String = well_formed.call((This(string),))?;
            fixed.to_string().map(Some)
        }
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl Text {
    /// `[name, value, name, value...]` as pairs; an odd last item is dropped.
    pub fn pairs(list: Vec<Text>) -> Vec<(String, String)> {
        let mut pairs = Vec::with_capacity(list.len() / 2);
        let mut items = list.into_iter();
        while let (Some(name), Some(value)) = (items.next(), items.next()) {
            pairs.push((name.0, value.0));
        }
        pairs
    }

    /// Every item as a `String`.
    pub fn strings(list: Vec<Text>) -> Vec<String> {
        list.into_iter().map(|text| text.0).collect()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl AsRef<std::path::Path> for Text {
    fn as_ref(&self) -> &std::path::Path {
        self.0.as_ref()
    }
}

impl AsRef<std::ffi::OsStr> for Text {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.as_ref()
    }
}
