//! `wx.*` called with generated arguments inside one runtime (wx-api over wx-host, offline:
//! mock rules answer, nothing reaches the network).
//!
//! What must hold for any arguments (spec section 0): a documented API never throws (the
//! `*Sync` forms throw an `Error` whose message is `<name>:fail ...`), and every callback
//! receives an object with an `errMsg` string. The harness records each break and the body
//! panics with the list.

use std::{cell::RefCell, sync::Arc, time::Duration};

use wx_host::{Ending, Host, HostOptions};
use wx_offline::StandIn;
use wx_policy::{Config, DomainEntry, DomainList, Interface};

use crate::{Bytes, scratch};

const HARNESS: &str = r#"
(function (wxrun) {
  const violations = [];
  const sockets = [];
  let udp = null;
  const fs = wx.getFileSystemManager();
  wxrun.mock({ url: 'https://api.wxrun.test/json*', response: { body: { ok: true, text: 'caf\u00e9' } } });
  wxrun.mock({ url: 'https://api.wxrun.test/gzip', response: { headers: { 'Content-Encoding': 'gzip' }, bodyBase64: 'H4sIAAAAAAACA6tWSq/KLFCyKikqTa0FAPnq9DYNAAAA' } });
  wxrun.mock({ api: 'connectSocket', url: 'wss://ws.wxrun.test/*', socket: { messages: ['hi'], echo: true } });
  function record(text) {
    if (violations.length < 20) violations.push(text);
  }
  function describe(value) {
    try { return typeof value === 'string' ? JSON.stringify(value) : String(value); } catch (e) { return '<' + typeof value + '>'; }
  }
  function checkResult(api, which, result) {
    if (result === null || typeof result !== 'object' || typeof result.errMsg !== 'string') {
      record(api + ': ' + which + ' received ' + describe(result));
    } else if (result.errMsg.indexOf(':') < 0) {
      record(api + ': ' + which + ' errMsg ' + describe(result.errMsg));
    }
  }
  function withCallbacks(api, options) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) return options;
    options.success = (r) => checkResult(api, 'success', r);
    options.fail = (r) => checkResult(api, 'fail', r);
    options.complete = (r) => checkResult(api, 'complete', r);
    return options;
  }
  function target(path) {
    if (path.startsWith('fs.')) return [fs, path.slice(3)];
    if (path.startsWith('udp.')) {
      if (!udp) {
        udp = wx.createUDPSocket();
        udp.onError((r) => checkResult('UDPSocket', 'onError', r));
      }
      return [udp, path.slice(4)];
    }
    return [wx, path];
  }
  // Calls `path` with `args`; a Sync form may throw its fail Error, nothing else may throw.
  function call(path, args, callbacks) {
    const [owner, name] = target(path);
    if (callbacks && args.length > 0) args[0] = withCallbacks(name, args[0]);
    let returned;
    try {
      returned = owner[name].apply(owner, args);
    } catch (error) {
      // Sync forms, and UDPSocket.bind (documented to throw), throw their fail Error.
      const sync = name.endsWith('Sync') || name === 'bind';
      const message = error && error.message;
      // A getter of the script's own that throws is the script's error, as on a phone.
      const scripts = error instanceof Error && message === 'getter';
      if (!scripts && (!sync || !(error instanceof Error) || typeof message !== 'string' || !message.startsWith(name + ':fail '))) {
        record(path + ' threw ' + describe(error) + (error && error.stack ? '\n' + error.stack : ''));
      }
      return;
    }
    if (returned && typeof returned.close === 'function' && name === 'connectSocket') sockets.push(returned);
    if (returned && typeof returned.then === 'function') returned.then((r) => checkResult(name, 'resolve', r), (r) => checkResult(name, 'reject', r));
  }
  function settle() {
    for (const socket of sockets.splice(0)) {
      try { socket.close({}); } catch (error) { record('SocketTask.close threw ' + describe(error)); }
    }
    if (udp) {
      try { udp.close(); } catch (error) { record('UDPSocket.close threw ' + describe(error)); }
      udp = null;
    }
  }
  function reset() {
    violations.length = 0;
    try { wx.clearStorageSync(); } catch (e) { record('clearStorageSync threw ' + describe(e)); }
    try { fs.rmdirSync('wxfile://usr', true); } catch (e) { /* already empty */ }
  }
  globalThis.__fuzz = { call, settle, reset, violations };
})
"#;

/// What the generator calls: a path (`fs.` for the file-system manager), whether its first
/// argument is an options object that gets checking callbacks, and how many arguments.
const APIS: &[(&str, bool, usize)] = &[
    ("request", true, 1),
    ("uploadFile", true, 1),
    ("downloadFile", true, 1),
    ("connectSocket", true, 1),
    ("sendSocketMessage", true, 1),
    ("closeSocket", true, 1),
    ("setStorage", true, 1),
    ("getStorage", true, 1),
    ("removeStorage", true, 1),
    ("batchSetStorage", true, 1),
    ("batchGetStorage", true, 1),
    ("getStorageInfo", true, 1),
    ("setStorageSync", false, 2),
    ("getStorageSync", false, 1),
    ("removeStorageSync", false, 1),
    ("batchSetStorageSync", false, 1),
    ("batchGetStorageSync", false, 1),
    ("saveFile", true, 1),
    ("getFileInfo", true, 1),
    ("removeSavedFile", true, 1),
    ("getSavedFileList", true, 1),
    ("getSystemInfo", true, 1),
    ("getNetworkType", true, 1),
    ("showToast", true, 1),
    ("showModal", true, 1),
    ("login", true, 1),
    ("fs.readFile", true, 1),
    ("fs.writeFile", true, 1),
    ("fs.appendFile", true, 1),
    ("fs.access", true, 1),
    ("fs.stat", true, 1),
    ("fs.unlink", true, 1),
    ("fs.mkdir", true, 1),
    ("fs.readdir", true, 1),
    ("fs.rmdir", true, 1),
    ("fs.copyFile", true, 1),
    ("fs.rename", true, 1),
    ("fs.saveFile", true, 1),
    ("fs.getFileInfo", true, 1),
    ("fs.readFileSync", false, 4),
    ("fs.writeFileSync", false, 3),
    ("fs.appendFileSync", false, 3),
    ("fs.accessSync", false, 1),
    ("fs.statSync", false, 2),
    ("fs.unlinkSync", false, 1),
    ("fs.mkdirSync", false, 2),
    ("fs.readdirSync", false, 1),
    ("fs.rmdirSync", false, 2),
    ("fs.copyFileSync", false, 2),
    ("fs.renameSync", false, 2),
    ("fs.saveFileSync", false, 2),
    ("udp.bind", false, 1),
    ("udp.send", false, 1),
    ("udp.connect", false, 1),
    ("udp.write", false, 1),
    ("udp.setTTL", false, 1),
];

const KEYS: [&str; 29] = [
    "url",
    "data",
    "header",
    "method",
    "dataType",
    "responseType",
    "timeout",
    "filePath",
    "name",
    "formData",
    "encoding",
    "position",
    "length",
    "key",
    "kvList",
    "keyList",
    "protocols",
    "code",
    "reason",
    "srcPath",
    "destPath",
    "dirPath",
    "recursive",
    "tempFilePath",
    "address",
    "port",
    "message",
    "offset",
    "setBroadcast",
];

const STRINGS: [&str; 20] = [
    "https://api.wxrun.test/json",
    "https://api.wxrun.test/gzip",
    "https://api.wxrun.test/json?access_token=abc&x=1",
    "https://user:pw@api.wxrun.test/json",
    "wss://ws.wxrun.test/chat",
    "https://api.weixin.qq.com/sns/jscode2session",
    "http://127.0.0.1:9/",
    "ftp://x",
    "wxfile://usr/a.txt",
    "wxfile://usr",
    "wxfile://usr/dir/",
    "wxfile://tmp_x.txt",
    "wxfile://usr/../../etc/passwd",
    "/etc/passwd",
    "utf8",
    "base64",
    "hex",
    "POST",
    "arraybuffer",
    "json",
];

/// Builds JavaScript source for one value from the fuzzer's bytes.
struct Generator<'a> {
    bytes: Bytes<'a>,
    budget: usize,
}

impl Generator<'_> {
    fn string_literal(&mut self) -> String {
        let mut text = String::from("\"");
        for _ in 0..self.bytes.choose(12) {
            match self.bytes.choose(10) {
                0 => text.push_str("\\ud800"),
                1 => text.push_str("\\r\\n"),
                2 => text.push_str("\\u0000"),
                3 => text.push_str("\\u00e9"),
                4 => text.push_str("\\\""),
                5 => text.push('/'),
                6 => text.push('%'),
                _ => text.push(char::from(b'a' + self.bytes.byte() % 26)),
            }
        }
        text.push('"');
        text
    }

    fn number(&mut self) -> String {
        [
            "0", "-1", "1", "1.5", "NaN", "Infinity", "-0", "1e30", "2 ** 53", "60001", "3000",
            "4999", "1000", "65536", "123", "-1e30",
        ][self.bytes.choose(16)]
        .to_string()
    }

    fn value(&mut self, depth: usize) -> String {
        if self.budget == 0 {
            return "undefined".into();
        }
        self.budget -= 1;
        match self.bytes.choose(18) {
            0 => "undefined".into(),
            1 => "null".into(),
            2 => self.number(),
            3 => self.string_literal(),
            4 => ["true", "false"][self.bytes.choose(2)].into(),
            5 | 6 if depth < 3 => {
                let mut fields = Vec::new();
                for _ in 0..self.bytes.choose(5) {
                    let key = KEYS[self.bytes.choose(KEYS.len())];
                    fields.push(format!("{key}: {}", self.value(depth + 1)));
                }
                format!("({{{}}})", fields.join(", "))
            }
            7 if depth < 3 => {
                let items: Vec<String> = (0..self.bytes.choose(4))
                    .map(|_| self.value(depth + 1))
                    .collect();
                format!("[{}]", items.join(", "))
            }
            8 => "(function () {})".into(),
            9 => format!("new ArrayBuffer({})", self.bytes.choose(64)),
            10 => format!("new String({})", self.string_literal()),
            11 => format!("new Uint8Array({}).subarray(1)", 1 + self.bytes.choose(16)),
            12 => "Symbol('s')".into(),
            13 => "10n".into(),
            14 => "(() => { const o = {}; o.self = o; return o; })()".into(),
            15 => "({ get url() { throw new Error('getter'); } })".into(),
            16 => format!("new Number({})", self.number()),
            _ => format!("\"{}\"", STRINGS[self.bytes.choose(STRINGS.len())]),
        }
    }

    /// One call: `__fuzz.call(path, [args], callbacks)`.
    fn call(&mut self) -> String {
        let (path, callbacks, arity) = APIS[self.bytes.choose(APIS.len())];
        let args: Vec<String> = (0..arity).map(|_| self.value(0)).collect();
        format!("__fuzz.call('{path}', [{}], {callbacks});", args.join(", "))
    }
}

struct Runtime {
    tokio: tokio::runtime::Runtime,
    host: RefCell<Option<Host>>,
}

thread_local! {
    static RUNTIME: Runtime = Runtime {
        tokio: tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime"),
        host: RefCell::new(None),
    };
}

fn config() -> Config {
    let mut config = Config::default();
    for (interface, entry) in [
        (Interface::Request, "api.wxrun.test"),
        (Interface::UploadFile, "api.wxrun.test"),
        (Interface::DownloadFile, "api.wxrun.test"),
        (Interface::Socket, "ws.wxrun.test"),
    ] {
        config.domains[interface as usize].value = DomainList::new(vec![
            DomainEntry::parse(entry, interface).expect("a valid entry"),
        ])
        .expect("a short list");
    }
    config.data_dir.value = Some(scratch().join("js-data"));
    config
}

fn new_host() -> Host {
    let host = Host::new(HostOptions {
        max_memory: Some(512 * 1024 * 1024),
        ..HostOptions::default()
    })
    .expect("a host");
    let extras = wx_api::Extras {
        stand_in: Arc::new(
            StandIn::new(&[], None, true, None, Default::default()).expect("an offline stand-in"),
        ),
        ..wx_api::Extras::default()
    };
    wx_api::install_with(&host, config(), extras).expect("wx installs");
    host.with(|ctx, internals| {
        let install: rquickjs::Function = ctx.eval(HARNESS)?;
        install.call::<_, ()>((internals.builtin("wxrun")?,))
    })
    .expect("the harness installs");
    host
}

/// Runs a few generated `wx` calls and the loop until they have settled.
pub fn js_wx(data: &[u8]) {
    let mut generator = Generator {
        bytes: Bytes::new(data),
        budget: 64,
    };
    let mut source = String::from("__fuzz.reset();\n");
    for _ in 0..=generator.bytes.choose(4) {
        source.push_str(&generator.call());
        source.push('\n');
    }
    source.push_str("__fuzz.settle();\n");
    RUNTIME.with(|runtime| {
        runtime.tokio.block_on(async {
            let host = runtime.host.borrow_mut().take().unwrap_or_else(new_host);
            let evaluated = host.with(|ctx, _| ctx.eval::<(), _>(source.as_str()));
            let ending = tokio::time::timeout(Duration::from_secs(5), host.run_loop()).await;
            let violations: Vec<String> = host
                .with(|ctx, _| {
                    ctx.globals()
                        .get::<_, rquickjs::Object>("__fuzz")?
                        .get("violations")
                })
                .unwrap_or_default();
            // An uncaught error ends a host for good: the next input starts with a fresh one.
            if evaluated.is_some() && matches!(ending, Ok(Ending::Completed)) {
                *runtime.host.borrow_mut() = Some(host);
            }
            assert!(
                violations.is_empty(),
                "{}\nwhile running:\n{source}",
                violations.join("\n")
            );
            assert!(
                evaluated.is_some(),
                "the generated calls threw past the harness:\n{source}"
            );
            assert!(
                ending.is_ok(),
                "the calls had not settled after 5 s:\n{source}"
            );
        });
    });
}
