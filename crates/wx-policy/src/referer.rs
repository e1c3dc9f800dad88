//! The fixed `Referer` every request, transfer and WebSocket handshake carries.

use std::{fmt, str::FromStr};

/// The `{version}` part of the Referer: `0` for develop, trial and review builds, `devtools`
/// to imitate WeChat DevTools, or a release number.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ReleaseLabel {
    #[default]
    Develop,
    DevTools,
    Release(String),
}

/// Why a text is not a release label.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a release label: use \"0\" (develop, trial, review), \"devtools\", or a release number such as \"12\""
)]
pub struct BadReleaseLabel(pub String);

impl FromStr for ReleaseLabel {
    type Err = BadReleaseLabel;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "0" => Ok(ReleaseLabel::Develop),
            "devtools" => Ok(ReleaseLabel::DevTools),
            release
                if !release.is_empty()
                    && release.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                    && !release.starts_with('.')
                    && !release.ends_with('.') =>
            {
                Ok(ReleaseLabel::Release(release.to_string()))
            }
            other => Err(BadReleaseLabel(other.to_string())),
        }
    }
}

impl fmt::Display for ReleaseLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReleaseLabel::Develop => f.write_str("0"),
            ReleaseLabel::DevTools => f.write_str("devtools"),
            ReleaseLabel::Release(release) => f.write_str(release),
        }
    }
}

/// `https://servicewechat.com/{appid}/{version}/page-frame.html`
pub fn referer(appid: &str, label: &ReleaseLabel) -> String {
    format!("https://servicewechat.com/{appid}/{label}/page-frame.html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referer_forms() {
        assert_eq!(
            referer("touristappid", &ReleaseLabel::Develop),
            "https://servicewechat.com/touristappid/0/page-frame.html"
        );
        assert_eq!(
            referer("wx123", &"devtools".parse().unwrap()),
            "https://servicewechat.com/wx123/devtools/page-frame.html"
        );
        assert_eq!(
            referer("wx123", &"27".parse().unwrap()),
            "https://servicewechat.com/wx123/27/page-frame.html"
        );
        for bad in ["", "dev", "1..", ".1", "1 2"] {
            assert!(bad.parse::<ReleaseLabel>().is_err(), "{bad}");
        }
    }
}
