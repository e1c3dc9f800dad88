use std::fs;

use super::*;
use crate::config::{DeviceProfile, Location, PaymentAnswer, SubscribeAnswer, Theme};

struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new() -> Project {
        Project {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn file(&self, name: &str, text: &str) -> &Self {
        let path = self.dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
        self
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn load(&self) -> Result<Config, ConfigError> {
        load(self.dir.path(), &Overrides::default())
    }

    fn error(&self, wxrun_json: &str) -> ConfigError {
        self.file("wxrun.json", wxrun_json);
        self.load().expect_err(wxrun_json)
    }
}

#[test]
fn defaults_without_any_file() {
    let project = Project::new();
    let config = project.load().unwrap();
    assert_eq!(config.appid.value, "touristappid");
    assert_eq!(config.lib_version.value, LibVersion::NEWEST_MODELLED);
    assert!(config.url_check.value);
    assert_eq!(config.release.value, ReleaseLabel::Develop);
    assert_eq!(config.project_root, None);
    assert!(
        config
            .describe()
            .iter()
            .all(|(_, _, source)| *source == Source::Default)
    );
}

#[test]
fn project_files_are_found_by_walking_up() {
    let project = Project::new();
    project
        .file(
            "project.config.json",
            r#"{"appid": "wx0123", "libVersion": "2.9.0", "setting": {"urlCheck": true, "es6": true}, "compileType": "miniprogram"}"#,
        )
        .file("project.private.config.json", r#"{"setting": {"urlCheck": false}}"#)
        .file("app.json", r#"{"pages": ["pages/index/index"], "networkTimeout": {"request": 5000, "downloadFile": 7000}}"#)
        .file("pages/index/index.js", "");
    let config = load(&project.path("pages/index"), &Overrides::default()).unwrap();
    assert_eq!(config.project_root.as_deref(), Some(project.dir.path()));
    assert_eq!(config.appid.value, "wx0123");
    assert_eq!(
        config.appid.source,
        Source::File(project.path("project.config.json"))
    );
    assert_eq!(config.lib_version.value, LibVersion::new(2, 9, 0));
    assert!(!config.url_check.value, "the private file wins");
    assert_eq!(
        config.url_check.source,
        Source::File(project.path("project.private.config.json"))
    );
    assert_eq!(config.network_timeout.request.value, Some(5000));
    assert_eq!(config.network_timeout.download_file.value, Some(7000));
    assert_eq!(config.network_timeout.upload_file.value, None);
    assert_eq!(config.files.len(), 3);
}

#[test]
fn miniprogram_root_locates_app_json() {
    let project = Project::new();
    project
        .file(
            "project.config.json",
            r#"{"miniprogramRoot": "miniprogram/"}"#,
        )
        .file(
            "miniprogram/app.json",
            r#"{"networkTimeout": {"connectSocket": 3000}}"#,
        );
    let config = project.load().unwrap();
    assert_eq!(config.network_timeout.connect_socket.value, Some(3000));
    assert_eq!(config.miniprogram_root, Some(project.path("miniprogram/")));
    project.file("project.config.json", r#"{"miniprogramRoot": "missing/"}"#);
    let err = project.load().unwrap_err();
    assert_eq!(err.key, "miniprogramRoot");
}

#[test]
fn wxrun_json_sets_everything() {
    let project = Project::new();
    project.file("certs/ca.pem", "not checked here").file(
        "wxrun.json",
        r#"{
            "requestdomain": ["https://api.example.com", "pay.example.com:8443"],
            "wsrequestdomain": "wss://ws.example.com",
            "lan": "192.168.1.23/24",
            "connectTo": {"api.example.com:443": "127.0.0.1:8443"},
            "ca": "certs/ca.pem",
            "version": "devtools",
            "userAgent": "custom",
            "limits": {"maxRequestConcurrent": 2, "maxDownloadFileSize": 1024},
            "networkTimeout": {"uploadFile": 1000},
            "device": {"platform": "android", "networkType": "4g", "pixelRatio": 2.5}
        }"#,
    );
    let config = project.load().unwrap();
    assert_eq!(config.domains(Interface::Request).entries().len(), 2);
    assert_eq!(
        config.domains(Interface::Socket).entries()[0].host(),
        "ws.example.com"
    );
    assert_eq!(config.lan.value.unwrap().to_string(), "192.168.1.23/24");
    assert_eq!(config.connect_to[0].value.target_port, 8443);
    assert_eq!(config.ca_files[0].value, project.path("certs/ca.pem"));
    assert_eq!(config.release.value, ReleaseLabel::DevTools);
    assert_eq!(config.limits.pool_size(Interface::Request), 2);
    assert_eq!(config.limits.pool_size(Interface::UploadFile), 10);
    assert_eq!(config.limits.max_download_file_size.value, 1024);
    assert_eq!(config.network_timeout.upload_file.value, Some(1000));
    assert_eq!(config.device.value.platform, "android");
    assert_eq!(config.device.value.network_type, "4g");
    let wxrun = Source::File(project.path("wxrun.json"));
    assert_eq!(config.limits.max_request_concurrent.source, wxrun);
    assert_eq!(config.limits.max_upload_concurrent.source, Source::Default);
}

#[test]
fn errors_name_file_key_value_and_fix() {
    let project = Project::new();
    let twenty_one: Vec<String> = (0..21).map(|i| format!("\"d{i}.example.com\"")).collect();
    let cases = [
        (
            format!("{{\"requestdomain\": [{}]}}", twenty_one.join(",")),
            "requestdomain",
            "at most 20",
        ),
        (
            r#"{"requestdomain": ["a.example.com", "192.168.1.1"]}"#.to_string(),
            "requestdomain[1]",
            "\"192.168.1.1\" is an IP address",
        ),
        (
            r#"{"uploaddomain": ["localhost"]}"#.to_string(),
            "uploaddomain[0]",
            "is localhost",
        ),
        (
            r#"{"requestdomain": ["https://api.weixin.qq.com"]}"#.to_string(),
            "requestdomain[0]",
            "can never be configured",
        ),
        (
            r#"{"requestDomain": []}"#.to_string(),
            "requestDomain",
            "did you mean `requestdomain`",
        ),
        (
            r#"{"urlCheck": "no"}"#.to_string(),
            "urlCheck",
            "expected true or false, found a string (\"no\")",
        ),
        (
            r#"{"lan": "192.168.1.0/33"}"#.to_string(),
            "lan",
            "not an IPv4 address with a prefix length",
        ),
        (
            r#"{"lan": 24}"#.to_string(),
            "lan",
            "expected a string, found a number (24)",
        ),
        (
            r#"{"limits": {"maxRequestConcurrent": 0}}"#.to_string(),
            "limits.maxRequestConcurrent",
            "out of range: expected a whole number from 1 to 1000",
        ),
        (
            r#"{"limits": {"pool": 1}}"#.to_string(),
            "limits.pool",
            "unknown key",
        ),
        (
            r#"{"connectTo": {"api.example.com": "127.0.0.1:1"}}"#.to_string(),
            "connectTo.api.example.com",
            "is not HOST:PORT",
        ),
        (
            r#"{"ca": ["missing.pem"]}"#.to_string(),
            "ca[0]",
            "does not exist",
        ),
        (
            r#"{"version": "beta"}"#.to_string(),
            "version",
            "is not a release label",
        ),
        (
            r#"{"libVersion": "2.x"}"#.to_string(),
            "libVersion",
            "not a base-library version",
        ),
        (
            r#"{"device": {"networkType": "lte"}}"#.to_string(),
            "device.networkType",
            "use one of wifi",
        ),
        (
            r#"{"wsrequestdomain": ["https://ws.example.com"]}"#.to_string(),
            "wsrequestdomain[0]",
            "uses scheme \"https\"",
        ),
    ];
    for (text, key, fragment) in cases {
        let err = project.error(&text);
        assert_eq!(
            err.file.as_deref(),
            Some(project.path("wxrun.json").as_path()),
            "{text}"
        );
        assert_eq!(err.key, key, "{text}");
        let shown = err.to_string();
        assert!(shown.contains(fragment), "{text}: {shown}");
        assert!(shown.contains("wxrun.json"), "{shown}");
    }
}

#[test]
fn syntax_errors_give_line_and_column() {
    let project = Project::new();
    let err = project.error("{\n  \"appid\": \"x\",\n}");
    let file = project.path("wxrun.json").display().to_string();
    assert!(
        err.to_string()
            .starts_with(&format!("{file}: not valid JSON at line 3")),
        "{err}"
    );
    // With a key, the message names it.
    let err = project.error(r#"{"lan": 5}"#);
    assert!(
        err.to_string().starts_with(&format!("{file}: key `lan`: ")),
        "{err}"
    );
}

#[test]
fn every_device_and_limits_key_is_read() {
    let project = Project::new();
    project.file(
        "wxrun.json",
        r#"{
            "device": {"brand": "HUAWEI", "model": "P60", "system": "Android 13",
                "platform": "android", "version": "8.0.49", "language": "en",
                "pixelRatio": 2.75, "screenWidth": 412, "screenHeight": 915,
                "windowWidth": 412, "windowHeight": 840, "statusBarHeight": 30,
                "networkType": "5g"},
            "limits": {"maxRequestConcurrent": 3, "maxUploadConcurrent": 4,
                "maxDownloadConcurrent": 5, "maxDownloadFileSize": 2048,
                "localServiceDiscoveryTimeout": 2000}
        }"#,
    );
    let config = project.load().unwrap();
    let expected = DeviceProfile {
        brand: "HUAWEI".into(),
        model: "P60".into(),
        system: "Android 13".into(),
        platform: "android".into(),
        version: "8.0.49".into(),
        language: "en".into(),
        pixel_ratio: 2.75,
        screen_width: 412,
        screen_height: 915,
        window_width: 412,
        window_height: 840,
        status_bar_height: 30,
        network_type: "5g".into(),
        ..DeviceProfile::default()
    };
    assert_eq!(config.device.value, expected);
    let limits = &config.limits;
    assert_eq!(
        [
            Interface::Request,
            Interface::UploadFile,
            Interface::DownloadFile
        ]
        .map(|i| limits.pool_size(i)),
        [3, 4, 5]
    );
    assert_eq!(limits.max_download_file_size.value, 2048);
    assert_eq!(limits.local_service_discovery_timeout.value, 2000);
    assert_eq!(
        project.error(r#"{"device": {"pixelRatio": 0}}"#).key,
        "device.pixelRatio"
    );
}

#[test]
fn the_simulated_device_state_is_read_and_checked() {
    let project = Project::new();
    project.file("photos/a.jpg", "not really a jpeg");
    project.file(
        "wxrun.json",
        r#"{
            "device": {"theme": "dark", "payment": "success", "subscribe": "reject",
                "location": {"latitude": 31.2304, "longitude": 121.4737, "altitude": 12.5},
                "user": {"nickName": "Ada", "avatarUrl": "https://example.com/a.png", "gender": 2,
                    "country": "China", "province": "Shanghai", "city": "Shanghai", "language": "zh_CN"},
                "scopes": {"scope.userLocation": false, "scope.camera": true},
                "mediaFolder": "photos"}
        }"#,
    );
    let device = project.load().unwrap().device.value;
    assert_eq!(device.theme, Theme::Dark);
    assert_eq!(device.payment, PaymentAnswer::Success);
    assert_eq!(device.subscribe, SubscribeAnswer::Reject);
    assert_eq!(
        device.location,
        Location {
            latitude: 31.2304,
            longitude: 121.4737,
            altitude: 12.5
        }
    );
    assert_eq!(device.user.nick_name, "Ada");
    assert_eq!(device.user.gender, 2);
    assert_eq!(device.user.city, "Shanghai");
    assert_eq!(device.scopes.get("scope.userLocation"), Some(&false));
    assert_eq!(device.scopes.get("scope.camera"), Some(&true));
    assert!(device.media_folder.unwrap().join("a.jpg").is_file());

    // Each bad value names its key and says what to write instead.
    let cases = [
        (
            r#"{"device": {"theme": "sepia"}}"#,
            "device.theme",
            "use one of light, dark",
        ),
        (
            r#"{"device": {"payment": "maybe"}}"#,
            "device.payment",
            "use one of cancel, success",
        ),
        (
            r#"{"device": {"subscribe": "yes"}}"#,
            "device.subscribe",
            "accept, reject, ban, filter",
        ),
        (
            r#"{"device": {"location": {"latitude": 91}}}"#,
            "device.location.latitude",
            "from -90 to 90",
        ),
        (
            r#"{"device": {"location": {"longitude": "east"}}}"#,
            "device.location.longitude",
            "found a string",
        ),
        (
            r#"{"device": {"location": {"lat": 1}}}"#,
            "device.location.lat",
            "takes latitude, longitude",
        ),
        (
            r#"{"device": {"location": [1, 2]}}"#,
            "device.location",
            "expected an object",
        ),
        (
            r#"{"device": {"user": {"gender": 3}}}"#,
            "device.user.gender",
            "from 0 to 2",
        ),
        (
            r#"{"device": {"user": {"name": "x"}}}"#,
            "device.user.name",
            "takes nickName",
        ),
        (
            r#"{"device": {"scopes": {"userLocation": false}}}"#,
            "device.scopes.userLocation",
            "did you mean \"scope.userLocation\"",
        ),
        (
            r#"{"device": {"scopes": {"scope.camera": "no"}}}"#,
            "device.scopes.scope.camera",
            "true or false",
        ),
        (
            r#"{"device": {"mediaFolder": "missing"}}"#,
            "device.mediaFolder",
            "is not a folder",
        ),
        (
            r#"{"device": {"colour": "red"}}"#,
            "device.colour",
            "mediaFolder",
        ),
    ];
    for (text, key, fix) in cases {
        let err = project.error(text);
        assert_eq!(err.key, key, "{text}");
        assert!(err.message.contains(fix), "{text}: {}", err.message);
        assert!(err.file.is_some(), "{text}");
    }
}

#[test]
fn a_domain_list_holds_twenty_entries() {
    let project = Project::new();
    let entries: Vec<String> = (0..20).map(|i| format!("\"h{i}.example.com\"")).collect();
    project.file(
        "wxrun.json",
        &format!(r#"{{"requestdomain": [{}]}}"#, entries.join(", ")),
    );
    let config = project.load().unwrap();
    assert_eq!(config.domains(Interface::Request).entries().len(), 20);
}

#[test]
fn network_timeouts_per_interface() {
    let project = Project::new();
    project.file("project.config.json", "{}").file(
        "app.json",
        r#"{"networkTimeout": {"request": 1, "connectSocket": 2, "uploadFile": 3, "downloadFile": 4}}"#,
    );
    let config = project.load().unwrap();
    assert_eq!(
        Interface::ALL.map(|i| config.network_timeout.for_interface(i)),
        [Some(1), Some(3), Some(4), Some(2), None, None]
    );
}

#[test]
fn describe_lists_every_value_with_its_source() {
    let project = Project::new();
    project.file(
        "wxrun.json",
        r#"{"requestdomain": ["api.example.com", "pay.example.com:8443"],
            "connectTo": {"api.example.com:443": "127.0.0.1:8443"}}"#,
    );
    let overrides = Overrides {
        appid: Some("wxflag".into()),
        ..Overrides::default()
    };
    let config = load(project.dir.path(), &overrides).unwrap();
    let rows = config.describe();
    let row = |key: &str| {
        rows.iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, value, source)| (value.clone(), source.to_string()))
            .unwrap_or_else(|| panic!("no {key} row"))
    };
    let file = project.path("wxrun.json").display().to_string();
    assert_eq!(
        row("requestdomain"),
        (
            "[api.example.com, pay.example.com:8443]".into(),
            file.clone()
        )
    );
    assert_eq!(
        row("connectTo"),
        ("api.example.com:443 -> 127.0.0.1:8443".into(), file)
    );
    assert_eq!(row("appid"), ("wxflag".into(), "flag --appid".into()));
    assert_eq!(row("libVersion").1, "default");
    assert_eq!(
        Source::Detected("eth0".into()).to_string(),
        "detected: eth0"
    );
}

#[test]
fn flags_win_and_are_checked() {
    let project = Project::new();
    project.file(
        "wxrun.json",
        r#"{"appid": "wxfile", "libVersion": "2.0.0"}"#,
    );
    let overrides = Overrides {
        appid: Some("wxflag".into()),
        url_check: Some(false),
        connect_to: vec!["api.example.com:443:127.0.0.1:9443".into()],
        lan: Some("10.0.0.2/8".into()),
        ..Overrides::default()
    };
    let config = load(project.dir.path(), &overrides).unwrap();
    assert_eq!(config.appid.value, "wxflag");
    assert_eq!(config.appid.source, Source::Flag("--appid"));
    assert_eq!(config.lib_version.value, LibVersion::new(2, 0, 0));
    assert!(!config.url_check.value);
    assert_eq!(config.connect_to[0].value.host, "api.example.com");
    assert_eq!(config.connect_to[0].value.target_host, "127.0.0.1");

    let bad = Overrides {
        connect_to: vec!["api.example.com:443".into()],
        ..Overrides::default()
    };
    let err = load(project.dir.path(), &bad).unwrap_err();
    assert_eq!(err.file, None);
    assert!(
        err.to_string().starts_with("command line: --connect-to"),
        "{err}"
    );

    let missing = Overrides {
        config_file: Some(project.path("nope.json")),
        ..Overrides::default()
    };
    assert_eq!(
        load(project.dir.path(), &missing).unwrap_err().key,
        "--config"
    );
}

#[test]
fn config_flag_is_layered_over_the_project_file() {
    let project = Project::new();
    project
        .file(
            "wxrun.json",
            r#"{"limits": {"maxRequestConcurrent": 2}, "appid": "wxproject"}"#,
        )
        .file(
            "ci.json",
            r#"{"appid": "wxci", "requestdomain": ["api.example.com"]}"#,
        );
    let overrides = Overrides {
        config_file: Some(project.path("ci.json")),
        ..Overrides::default()
    };
    let config = load(project.dir.path(), &overrides).unwrap();
    assert_eq!(
        config.limits.pool_size(Interface::Request),
        2,
        "kept from the project file"
    );
    assert_eq!(config.appid.value, "wxci", "the --config file wins");
    assert_eq!(config.domains(Interface::Request).entries().len(), 1);
    assert_eq!(
        config.files,
        vec![project.path("wxrun.json"), project.path("ci.json")]
    );
}

#[test]
fn mounts_and_data_dir() {
    let project = Project::new();
    project
        .file("fixtures/a.txt", "a")
        .file("wxrun.json", r#"{"mount": {"fixtures": "fixtures"}}"#);
    let overrides = Overrides {
        data_dir: Some(project.path("data")),
        ..Overrides::default()
    };
    let config = load(project.dir.path(), &overrides).unwrap();
    assert_eq!(
        config.mounts[0].value,
        ("fixtures".to_string(), project.path("fixtures"))
    );
    assert_eq!(config.data_dir.value, Some(project.path("data")));
    assert_eq!(
        project.error(r#"{"mount": {"a/b": "fixtures"}}"#).key,
        "mount.a/b"
    );
    for name in [".", ".."] {
        assert_eq!(
            project
                .error(&format!(r#"{{"mount": {{"{name}": "fixtures"}}}}"#))
                .key,
            format!("mount.{name}")
        );
    }
    assert_eq!(
        project.error(r#"{"mount": {"x": "missing"}}"#).key,
        "mount.x"
    );
}

#[test]
fn files_named_in_the_configuration_and_on_the_command_line_must_exist() {
    let project = Project::new();
    project
        .file("rules.json", "[]")
        .file("ca.pem", "not checked here")
        .file("wxrun.json", r#"{"mock": "rules.json"}"#);
    std::fs::create_dir(project.path("data")).unwrap();
    let overrides = Overrides {
        mocks: vec![project.path("rules.json")],
        ca_files: vec![project.path("ca.pem")],
        data_dir: Some(project.path("data")),
        ..Overrides::default()
    };
    let config = load(project.dir.path(), &overrides).unwrap();
    assert_eq!(
        config
            .mocks
            .iter()
            .map(|m| m.value.clone())
            .collect::<Vec<_>>(),
        [project.path("rules.json"), project.path("rules.json")]
    );
    assert_eq!(config.ca_files[0].value, project.path("ca.pem"));
    assert_eq!(config.data_dir.value, Some(project.path("data")));
    assert_eq!(
        project.error(r#"{"mock": "missing.json"}"#).key,
        "mock",
        "a missing rules file"
    );
    project.file("wxrun.json", "{}");
    for (bad, flag) in [
        (
            Overrides {
                mocks: vec![project.path("missing.json")],
                ..Overrides::default()
            },
            "--mock",
        ),
        (
            Overrides {
                ca_files: vec![project.path("missing.pem")],
                ..Overrides::default()
            },
            "--ca-file",
        ),
        (
            Overrides {
                data_dir: Some(project.path("rules.json")),
                ..Overrides::default()
            },
            "--data-dir",
        ),
    ] {
        assert_eq!(load(project.dir.path(), &bad).unwrap_err().key, flag);
    }
}

#[test]
fn connect_to_never_routes_to_the_banned_host() {
    let project = Project::new();
    for (from, to) in [
        ("api.wxrun.test:443", "api.weixin.qq.com:443"),
        ("api.wxrun.test:443", "API.Weixin.qq.com.:8443"),
        ("api.wxrun.test:443", "%61pi.weixin.qq.com:443"),
    ] {
        let error = project.error(&format!(r#"{{"connectTo": {{"{from}": "{to}"}}}}"#));
        assert_eq!(error.key, format!("connectTo.{from}"));
        assert!(error.message.contains("can never be reached"), "{error}");
    }
    // A rule for the banned name leads away from it: a URL naming the host is refused before
    // any connection whatever connectTo says (tests route it to a sentinel this way).
    project.file(
        "wxrun.json",
        r#"{"connectTo": {"api.weixin.qq.com:443": "127.0.0.1:8443"}}"#,
    );
    let config = load(project.dir.path(), &Overrides::default()).unwrap();
    assert_eq!(config.connect_to[0].value.target_host, "127.0.0.1");
    project.file("wxrun.json", "{}");
    let flag = load(
        project.dir.path(),
        &Overrides {
            connect_to: vec!["api.wxrun.test:443:api.weixin.qq.com:443".into()],
            ..Overrides::default()
        },
    );
    let error = flag.expect_err("the flag is refused too");
    assert_eq!(error.key, "--connect-to");
    assert!(error.message.contains("api.weixin.qq.com"), "{error}");
}

#[test]
fn appid_and_user_agent_hold_only_what_a_header_carries() {
    let project = Project::new();
    for appid in ["wx 1", "wx/1", "", "wx\u{e9}"] {
        let config = serde_json::json!({ "appid": appid }).to_string();
        assert_eq!(project.error(&config).key, "appid", "{appid:?}");
    }
    project.file("project.config.json", r#"{"appid": "a?b"}"#);
    assert_eq!(project.load().unwrap_err().key, "appid");
    fs::remove_file(project.path("project.config.json")).unwrap();
    assert_eq!(project.error(r#"{"userAgent": "x\ny"}"#).key, "userAgent");
    project.file(
        "wxrun.json",
        r#"{"appid": "wx0123456789abcdef", "userAgent": "Mozilla/5.0 (iPhone)\tMicroMessenger"}"#,
    );
    let config = project.load().unwrap();
    assert_eq!(config.appid.value, "wx0123456789abcdef");
    assert_eq!(
        config.user_agent.value.as_deref(),
        Some("Mozilla/5.0 (iPhone)\tMicroMessenger")
    );
    for (overrides, flag) in [
        (
            Overrides {
                appid: Some("a b".into()),
                ..Overrides::default()
            },
            "--appid",
        ),
        (
            Overrides {
                user_agent: Some("a\u{7}".into()),
                ..Overrides::default()
            },
            "--user-agent",
        ),
    ] {
        assert_eq!(load(project.dir.path(), &overrides).unwrap_err().key, flag);
    }
}

#[test]
fn a_ca_file_that_is_no_readable_file_says_what_it_is() {
    let project = Project::new();
    std::fs::create_dir(project.path("certs")).unwrap();
    for (ca, says) in [
        ("missing.pem", "does not exist"),
        ("certs", "is a folder, not a file"),
        ("/dev/null", "is not a regular file"),
        // A path through a file: neither missing nor a folder, so the system's reason is given.
        ("wxrun.json/ca.pem", "cannot be read: Not a directory"),
    ] {
        let err = project.error(&serde_json::json!({ "ca": ca }).to_string());
        assert!(err.message.contains(says), "{ca}: {err}");
        let flag = Overrides {
            ca_files: vec![project.path(ca)],
            ..Overrides::default()
        };
        project.file("wxrun.json", "{}");
        let err = load(project.dir.path(), &flag).unwrap_err();
        assert!(err.message.contains(says), "--ca-file {ca}: {err}");
    }
}

#[test]
fn without_miniprogram_root_the_nearest_folder_with_app_json_is_the_mini_program() {
    let project = Project::new();
    project
        .file("project.config.json", "{}")
        .file("shop/app.json", r#"{"networkTimeout": {"request": 1234}}"#)
        .file("shop/pages/index/index.js", "")
        .file("game/game.json", "{}")
        .file("game/main.js", "");
    let config = load(&project.path("shop/pages/index"), &Overrides::default()).unwrap();
    assert_eq!(config.miniprogram_root, Some(project.path("shop")));
    assert_eq!(config.network_timeout.request.value, Some(1234));
    let config = load(&project.path("game"), &Overrides::default()).unwrap();
    assert_eq!(config.miniprogram_root, Some(project.path("game")));
}

#[test]
fn compile_type_names() {
    let project = Project::new();
    for (name, kind) in CompileType::NAMES {
        project.file(
            "project.config.json",
            &format!(r#"{{"compileType": "{name}"}}"#),
        );
        assert_eq!(project.load().unwrap().compile_type.value, kind);
        assert_eq!(kind.name(), name);
    }
    project.file("project.config.json", r#"{"compileType": "widget"}"#);
    assert_eq!(project.load().unwrap_err().key, "compileType");
}

#[test]
fn app_json_module_settings() {
    let project = Project::new();
    project.file("project.config.json", "{}").file(
        "app.json",
        r#"{"useExtendedLib": {"weui": true, "kbone": false},
            "resolveAlias": {"@/*": "/*", "~utils": "utils/index"}}"#,
    );
    let config = project.load().unwrap();
    assert_eq!(config.extended_libs, ["weui"]);
    assert_eq!(
        config
            .resolve_alias
            .iter()
            .map(|a| a.value.clone())
            .collect::<Vec<_>>(),
        [
            ("@/*".to_string(), "/*".to_string()),
            ("~utils".to_string(), "utils/index".to_string())
        ]
    );
    for (alias, key) in [
        (r#"{"": "x"}"#, "resolveAlias."),
        (r#"{"@": ""}"#, "resolveAlias.@"),
        (r#"{"@/*": "src"}"#, "resolveAlias.@/*"),
        (r#"{"@": "src/*"}"#, "resolveAlias.@"),
        (r#"{"./x": "y"}"#, "resolveAlias../x"),
        (r#"{"../x": "y"}"#, "resolveAlias.../x"),
    ] {
        project.file("app.json", &format!(r#"{{"resolveAlias": {alias}}}"#));
        assert_eq!(project.load().unwrap_err().key, key, "{alias}");
    }
}

#[test]
fn redact_names_and_the_response_limit() {
    let project = Project::new();
    project.file(
        "wxrun.json",
        r#"{"redact": ["member_id", " X-Shop-Token "], "limits": {"maxResponseSize": 4096}}"#,
    );
    let config = project.load().unwrap();
    assert_eq!(
        config
            .redact
            .iter()
            .map(|r| r.value.as_str())
            .collect::<Vec<_>>(),
        ["member_id", "X-Shop-Token"]
    );
    assert_eq!(config.limits.max_response_size.value, 4096);
    for name in ["", "a b", "a=b", " "] {
        let text = serde_json::json!({ "redact": [name] }).to_string();
        assert_eq!(project.error(&text).key, "redact[0]", "{name:?}");
    }
}

/// The backticked names in the first column of the table that follows `heading` in
/// docs/configuration.md (up to the next heading).
fn documented_keys(heading: &str) -> Vec<String> {
    let page = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/configuration.md"),
    )
    .unwrap();
    let section = page.split_once(heading).unwrap().1;
    let section = section.split("\n#").next().unwrap();
    let mut keys = Vec::new();
    for line in section.lines() {
        let Some(first) = line
            .strip_prefix('|')
            .and_then(|rest| rest.split('|').next())
        else {
            continue;
        };
        keys.extend(first.split('`').skip(1).step_by(2).map(str::to_string));
    }
    keys
}

#[test]
fn every_wxrun_json_key_is_documented_read_and_suggested() {
    let known = wxrun_json_keys();
    let mut documented = documented_keys("## wxrun.json");
    documented.push("$schema".into());
    documented.sort();
    let mut listed: Vec<String> = known.iter().map(|key| key.to_string()).collect();
    listed.sort();
    assert_eq!(
        listed, documented,
        "the keys wxrun.json takes and those docs/configuration.md's table names"
    );
    let project = Project::new();
    for key in known.iter().filter(|key| !key.starts_with('$')) {
        // Whatever the value, a known key is never an unknown one.
        let json = format!(r#"{{"{key}": null}}"#);
        project.file("wxrun.json", &json);
        if let Err(error) = project.load() {
            assert!(
                !error.to_string().contains("unknown key"),
                "{json}: {error}"
            );
        }
        // Spelt in another letter case, it is refused with the right spelling suggested,
        // and the list of keys names every key.
        let json = format!(r#"{{"{}": null}}"#, key.to_uppercase());
        let error = project.error(&json).to_string();
        assert!(error.contains(&format!("did you mean `{key}`")), "{error}");
        for other in known.iter().filter(|key| !key.starts_with('$')) {
            assert!(error.contains(other), "{other} missing from: {error}");
        }
    }
}

#[test]
fn every_device_and_limits_key_is_documented_and_listed() {
    let mut documented = documented_keys("### `device`");
    documented.sort();
    let mut read: Vec<String> = crate::config::device::DEVICE_KEYS
        .names()
        .map(str::to_string)
        .collect();
    read.sort();
    assert_eq!(
        read, documented,
        "device's keys and docs/configuration.md's table"
    );
    let project = Project::new();
    let error = project
        .error(r#"{"device": {"colour": "red"}}"#)
        .to_string();
    for key in &read {
        assert!(error.contains(key.as_str()), "{key} missing from: {error}");
    }
    let error = project
        .error(r#"{"limits": {"maxrequestconcurrent": 2}}"#)
        .to_string();
    assert!(
        error.contains("did you mean `maxRequestConcurrent`"),
        "{error}"
    );
    let page = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/configuration.md"),
    )
    .unwrap();
    for key in LIMITS.names() {
        assert!(error.contains(key), "{key} missing from: {error}");
        assert!(
            page.contains(&format!("`{key}`")),
            "limits.{key} is not documented"
        );
    }
}
