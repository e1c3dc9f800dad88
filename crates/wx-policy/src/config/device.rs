//! The simulated phone (`device` in wxrun.json): the hardware and system `wx.getSystemInfo*`
//! describe, and the state the simulated APIs answer from — where the phone is, who the user
//! is, how the user answers permission prompts, payment sheets and subscription requests.
//! docs/configuration.md lists the keys with their defaults; docs/device.md says what each
//! default stands for.

use std::{collections::BTreeMap, path::Path, path::PathBuf};

use serde_json::{Map, Value};

use super::{
    ConfigError,
    json::{At, Key, Keys, kind},
};

/// The device wxrun pretends to be.
#[derive(Clone, Debug, PartialEq)]
pub struct DeviceProfile {
    pub brand: String,
    pub model: String,
    pub system: String,
    pub platform: String,
    /// The WeChat client version.
    pub version: String,
    pub language: String,
    pub pixel_ratio: f64,
    pub screen_width: u32,
    pub screen_height: u32,
    pub window_width: u32,
    pub window_height: u32,
    pub status_bar_height: u32,
    pub network_type: String,
    pub theme: Theme,
    /// Where the phone is, for `wx.getLocation` and location updates.
    pub location: Location,
    /// The WeChat user `wx.getUserProfile` and `wx.getUserInfo` describe.
    pub user: User,
    /// The user's answer when a scope is first asked for: `false` refuses. Scopes not named
    /// are granted.
    pub scopes: BTreeMap<String, bool>,
    /// How the user answers a payment sheet.
    pub payment: PaymentAnswer,
    /// How the user answers each template of `wx.requestSubscribeMessage`.
    pub subscribe: SubscribeAnswer,
    /// The folder the media choosers pick files from (absolute), or the built-in image.
    pub media_folder: Option<PathBuf>,
}

impl Default for DeviceProfile {
    fn default() -> Self {
        DeviceProfile {
            brand: "iPhone".into(),
            model: "iPhone 13<iPhone14,5>".into(),
            system: "iOS 18.1".into(),
            platform: "ios".into(),
            version: "8.0.54".into(),
            language: "zh_CN".into(),
            pixel_ratio: 3.0,
            screen_width: 390,
            screen_height: 844,
            window_width: 390,
            window_height: 753,
            status_bar_height: 47,
            network_type: "wifi".into(),
            theme: Theme::Light,
            location: Location::default(),
            user: User::default(),
            scopes: BTreeMap::new(),
            payment: PaymentAnswer::Cancel,
            subscribe: SubscribeAnswer::Accept,
            media_folder: None,
        }
    }
}

impl DeviceProfile {
    /// The network types `wx.getNetworkType` can answer.
    pub const NETWORK_TYPES: [&'static str; 7] =
        ["wifi", "2g", "3g", "4g", "5g", "unknown", "none"];

    /// The authorization scopes a mini-program can ask for (`wx.authorize`).
    pub const SCOPES: [&'static str; 14] = [
        "scope.userInfo",
        "scope.userLocation",
        "scope.userFuzzyLocation",
        "scope.userLocationBackground",
        "scope.werun",
        "scope.record",
        "scope.writePhotosAlbum",
        "scope.camera",
        "scope.bluetooth",
        "scope.addPhoneContact",
        "scope.addPhoneCalendar",
        "scope.address",
        "scope.invoice",
        "scope.invoiceTitle",
    ];
}

/// The system's colour scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// A place on Earth in WGS-84 (what `wx.getLocation` answers by default; `type: 'gcj02'`
/// answers are converted from it).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Location {
    pub latitude: f64,
    pub longitude: f64,
    /// Metres above sea level.
    pub altitude: f64,
}

impl Default for Location {
    /// Guangzhou, by the Canton Tower (23.0999, 113.3245 in GCJ-02).
    fn default() -> Self {
        Location {
            latitude: 23.102514,
            longitude: 113.31909,
            altitude: 0.0,
        }
    }
}

/// The user of the phone, as `wx.getUserProfile` describes one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub nick_name: String,
    pub avatar_url: String,
    /// 0 unknown, 1 male, 2 female.
    pub gender: u8,
    pub country: String,
    pub province: String,
    pub city: String,
    pub language: String,
}

impl Default for User {
    /// The anonymous user phones answer with since base library 2.27.1.
    fn default() -> Self {
        User {
            nick_name: "微信用户".into(),
            avatar_url: "https://thirdwx.qlogo.cn/mmopen/vi_32/POgEwh4mIHO4nibH0KlMECNjjGxQUq24ZEaGT4poC6icRiccVGKSyXwibcPq4BWmiaIGuG1icwxaQX6grC9VemZoJ8rg/132".into(),
            gender: 0,
            country: String::new(),
            province: String::new(),
            city: String::new(),
            language: String::new(),
        }
    }
}

/// What the user does with a payment sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentAnswer {
    /// Closes it: `requestPayment:fail cancel`.
    Cancel,
    /// Pays.
    Success,
}

impl PaymentAnswer {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentAnswer::Cancel => "cancel",
            PaymentAnswer::Success => "success",
        }
    }
}

/// The user's choice for each template of a subscription request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubscribeAnswer {
    Accept,
    Reject,
    Ban,
    Filter,
}

impl SubscribeAnswer {
    const ALL: [SubscribeAnswer; 4] = [
        SubscribeAnswer::Accept,
        SubscribeAnswer::Reject,
        SubscribeAnswer::Ban,
        SubscribeAnswer::Filter,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SubscribeAnswer::Accept => "accept",
            SubscribeAnswer::Reject => "reject",
            SubscribeAnswer::Ban => "ban",
            SubscribeAnswer::Filter => "filter",
        }
    }
}

/// One of `choices` (named by their text), or an error listing them.
fn one_of<T: Copy>(
    at: At<'_>,
    choices: &[T],
    name: impl Fn(T) -> &'static str,
) -> Result<T, ConfigError> {
    let text = at.str()?;
    choices
        .iter()
        .copied()
        .find(|choice| name(*choice) == text)
        .ok_or_else(|| {
            let names: Vec<&str> = choices.iter().map(|choice| name(*choice)).collect();
            at.error(format!(
                "{text:?} is not allowed; use one of {}",
                names.join(", ")
            ))
        })
}

/// A number within `min..=max`.
fn number(at: At<'_>, min: f64, max: f64) -> Result<f64, ConfigError> {
    match at.value.as_f64() {
        Some(n) if (min..=max).contains(&n) => Ok(n),
        Some(n) => Err(at.error(format!(
            "{n} is out of range: expected a number from {min} to {max}"
        ))),
        None => Err(at.error(format!(
            "expected a number from {min} to {max}, found {}",
            kind(at.value)
        ))),
    }
}

/// The members of an object key, each with its full key for messages.
fn members<'a>(at: At<'a>) -> Result<Vec<(String, &'a String, &'a Value)>, ConfigError> {
    let object: &Map<String, Value> = at.object()?;
    Ok(object
        .iter()
        .map(|(key, value)| (format!("{}.{key}", at.key), key, value))
        .collect())
}

fn read_location(at: At<'_>, location: &mut Location) -> Result<(), ConfigError> {
    for (full_key, key, value) in members(at)? {
        let at = At {
            file: at.file,
            key: &full_key,
            value,
        };
        match key.as_str() {
            "latitude" => location.latitude = number(at, -90.0, 90.0)?,
            "longitude" => location.longitude = number(at, -180.0, 180.0)?,
            "altitude" => location.altitude = number(at, -1000.0, 100_000.0)?,
            _ => {
                return Err(at.error(
                    "unknown key; device.location takes latitude, longitude (WGS-84 degrees) and altitude (metres)",
                ));
            }
        }
    }
    Ok(())
}

fn read_user(at: At<'_>, user: &mut User) -> Result<(), ConfigError> {
    for (full_key, key, value) in members(at)? {
        let at = At {
            file: at.file,
            key: &full_key,
            value,
        };
        let text = || at.str().map(str::to_string);
        match key.as_str() {
            "nickName" => user.nick_name = text()?,
            "avatarUrl" => user.avatar_url = text()?,
            "gender" => user.gender = at.integer(0, 2)? as u8,
            "country" => user.country = text()?,
            "province" => user.province = text()?,
            "city" => user.city = text()?,
            "language" => user.language = text()?,
            _ => {
                return Err(at.error(
                    "unknown key; device.user takes nickName, avatarUrl, gender (0 unknown, 1 male, 2 female), country, province, city, language",
                ));
            }
        }
    }
    Ok(())
}

fn read_scopes(at: At<'_>, scopes: &mut BTreeMap<String, bool>) -> Result<(), ConfigError> {
    for (full_key, key, value) in members(at)? {
        let at = At {
            file: at.file,
            key: &full_key,
            value,
        };
        if !DeviceProfile::SCOPES.contains(&key.as_str()) {
            let hint = DeviceProfile::SCOPES
                .iter()
                .find(|known| {
                    known.eq_ignore_ascii_case(key) || known.ends_with(&format!(".{key}"))
                })
                .map(|known| format!(" (did you mean {known:?}?)"))
                .unwrap_or_default();
            return Err(at.error(format!(
                "{key:?} is not a scope{hint}; scopes are {}",
                DeviceProfile::SCOPES.join(", ")
            )));
        }
        scopes.insert(key.clone(), at.bool()?);
    }
    Ok(())
}

/// Reads the `device` object of `file` over `device`. Relative paths start at the file's
/// folder.
pub(crate) fn read_device(
    file: &Path,
    value: &Value,
    device: &mut DeviceProfile,
) -> Result<(), ConfigError> {
    let top = At {
        file,
        key: "device",
        value,
    };
    DEVICE_KEYS.read_object(device, top)
}

fn text(at: At<'_>) -> Result<String, ConfigError> {
    at.str().map(str::to_string)
}

/// A size in points.
fn size(at: At<'_>) -> Result<u32, ConfigError> {
    at.integer(1, 100_000).map(|n| n as u32)
}

/// The keys of `device`, each with how it is read.
pub(crate) const DEVICE_KEYS: Keys<DeviceProfile> = Keys {
    owner: "device",
    keys: &[
        Key {
            name: "brand",
            note: "",
            read: |device, at| {
                device.brand = text(at)?;
                Ok(())
            },
        },
        Key {
            name: "model",
            note: "",
            read: |device, at| {
                device.model = text(at)?;
                Ok(())
            },
        },
        Key {
            name: "system",
            note: "",
            read: |device, at| {
                device.system = text(at)?;
                Ok(())
            },
        },
        Key {
            name: "platform",
            note: "",
            read: |device, at| {
                device.platform = text(at)?;
                Ok(())
            },
        },
        Key {
            name: "version",
            note: "",
            read: |device, at| {
                device.version = text(at)?;
                Ok(())
            },
        },
        Key {
            name: "language",
            note: "",
            read: |device, at| {
                device.language = text(at)?;
                Ok(())
            },
        },
        Key {
            name: "pixelRatio",
            note: "",
            read: |device, at| {
                device.pixel_ratio =
                    at.value
                        .as_f64()
                        .filter(|ratio| *ratio > 0.0)
                        .ok_or_else(|| {
                            at.error(format!(
                                "expected a positive number, found {}",
                                kind(at.value)
                            ))
                        })?;
                Ok(())
            },
        },
        Key {
            name: "screenWidth",
            note: "",
            read: |device, at| {
                device.screen_width = size(at)?;
                Ok(())
            },
        },
        Key {
            name: "screenHeight",
            note: "",
            read: |device, at| {
                device.screen_height = size(at)?;
                Ok(())
            },
        },
        Key {
            name: "windowWidth",
            note: "",
            read: |device, at| {
                device.window_width = size(at)?;
                Ok(())
            },
        },
        Key {
            name: "windowHeight",
            note: "",
            read: |device, at| {
                device.window_height = size(at)?;
                Ok(())
            },
        },
        Key {
            name: "statusBarHeight",
            note: "",
            read: |device, at| {
                device.status_bar_height = at.integer(0, 1000)? as u32;
                Ok(())
            },
        },
        Key {
            name: "networkType",
            note: "",
            read: |device, at| {
                let network = at.str()?;
                if !DeviceProfile::NETWORK_TYPES.contains(&network) {
                    return Err(at.error(format!(
                        "{network:?} is not a network type; use one of {}",
                        DeviceProfile::NETWORK_TYPES.join(", ")
                    )));
                }
                device.network_type = network.to_string();
                Ok(())
            },
        },
        Key {
            name: "theme",
            note: "",
            read: |device, at| {
                device.theme = one_of(at, &[Theme::Light, Theme::Dark], Theme::as_str)?;
                Ok(())
            },
        },
        Key {
            name: "location",
            note: "",
            read: |device, at| read_location(at, &mut device.location),
        },
        Key {
            name: "user",
            note: "",
            read: |device, at| read_user(at, &mut device.user),
        },
        Key {
            name: "scopes",
            note: "",
            read: |device, at| read_scopes(at, &mut device.scopes),
        },
        Key {
            name: "payment",
            note: "",
            read: |device, at| {
                device.payment = one_of(
                    at,
                    &[PaymentAnswer::Cancel, PaymentAnswer::Success],
                    PaymentAnswer::as_str,
                )?;
                Ok(())
            },
        },
        Key {
            name: "subscribe",
            note: "",
            read: |device, at| {
                device.subscribe = one_of(at, &SubscribeAnswer::ALL, SubscribeAnswer::as_str)?;
                Ok(())
            },
        },
        Key {
            name: "mediaFolder",
            note: "",
            read: |device, at| {
                let dir = at.file.parent().unwrap_or(Path::new(".")).join(at.str()?);
                if !dir.is_dir() {
                    return Err(at.error(format!(
                        "{} is not a folder (relative paths start at this file's folder)",
                        dir.display()
                    )));
                }
                device.media_folder = Some(std::fs::canonicalize(&dir).unwrap_or(dir));
                Ok(())
            },
        },
    ],
};
