use std::{fmt, path::PathBuf};

/// A configuration problem, naming the file (or the command line), the key, the value and
/// what is allowed instead. wxrun exits with code 2 on these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// `None` when the value came from the command line.
    pub file: Option<PathBuf>,
    /// The key path, such as `requestdomain[2]` or `limits.maxRequestConcurrent`.
    pub key: String,
    /// What is wrong and what to write instead.
    pub message: String,
}

impl ConfigError {
    pub(crate) fn in_file(
        file: &std::path::Path,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        ConfigError {
            file: Some(file.to_path_buf()),
            key: key.into(),
            message: message.into(),
        }
    }

    pub(crate) fn on_command_line(flag: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigError {
            file: None,
            key: flag.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(file) if self.key.is_empty() => write!(f, "{}: {}", file.display(), self.message),
            Some(file) => write!(
                f,
                "{}: key `{}`: {}",
                file.display(),
                self.key,
                self.message
            ),
            None => write!(f, "command line: {}: {}", self.key, self.message),
        }
    }
}

impl std::error::Error for ConfigError {}
