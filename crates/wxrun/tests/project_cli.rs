//! Real project shapes through the binary: the project root and `miniprogramRoot`, the compile
//! step (TypeScript, ES-module syntax, Babel's interop), module resolution as the base library
//! does it, source-mapped locations and code frames, the compile cache, and the runner fixes
//! real projects needed (`--call` beside an open socket, domain hints).

mod common;

use std::{fs, path::Path};

use common::{Run, fixtures, run_in, wxrun};

/// Runs `wxrun ARGS` in `dir` with a compile cache of the test's own.
fn run_cached(dir: &Path, cache: &Path, args: &[&str]) -> Run {
    wxrun()
        .args(args)
        .env("WXRUN_CACHE_DIR", cache)
        .current_dir(dir)
        .output()
        .expect("wxrun starts")
        .into()
}

fn project(name: &str) -> std::path::PathBuf {
    fixtures("projects").join(name)
}

/// The 1-based line of `file` holding `needle`, and the column where `needle` starts.
fn position_of(file: &Path, needle: &str) -> (usize, usize) {
    let text = fs::read_to_string(file).unwrap();
    text.lines()
        .enumerate()
        .find_map(|(index, line)| line.find(needle).map(|at| (index + 1, at + 1)))
        .unwrap_or_else(|| panic!("{needle:?} is not in {}", file.display()))
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

#[test]
fn typescript_project_runs_from_its_root_and_from_its_miniprogram_root() {
    let cache = tempfile::tempdir().unwrap();
    let root = project("ts-project");
    for dir in [root.clone(), root.join("miniprogram")] {
        let out = run_cached(&dir, cache.path(), &["app", "."]);
        assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
        assert_eq!(
            out.stdout,
            "[app:Info] launched with mp-ui 1.4.2 at 2024/01/02 03:04:05\nindex: Ann #07c160 launched at 0\n",
            "from {}",
            dir.display()
        );
    }
}

#[test]
fn typescript_errors_name_the_ts_file_line_and_column() {
    let cache = tempfile::tempdir().unwrap();
    let root = project("ts-project");
    let out = run_cached(&root, cache.path(), &["app", ".", "--call", "onTapFail"]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    let page = root.join("miniprogram/pages/index/index.ts");
    let (line, _) = position_of(&page, "throw new Error(reason)");
    let (_, column) = position_of(&page, "reason)");
    let location = format!("{}:{line}:{column}", page.display());
    // App.onError gets the message and the source-mapped frame, as does the printed error.
    assert!(
        out.stdout.contains(&format!(
            "App.onError: Error: failing on purpose | at onTapFail ({location})"
        )),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains(&format!("at onTapFail ({location})")),
        "{}",
        out.stderr
    );
}

#[test]
fn typescript_project_tests_and_scripts_run() {
    let cache = tempfile::tempdir().unwrap();
    let root = project("ts-project");
    let out = run_cached(&root, cache.path(), &["test"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("test/app.test.ts"), "{}", out.stdout);
    assert!(out.stdout.contains("2 passed, 0 failed"), "{}", out.stdout);
    let out = run_cached(&root, cache.path(), &["run", "scripts/check.ts"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "1970/01/01 00:00:00 #07c160 #ee0a24\n");
}

#[test]
fn the_private_project_config_is_layered_over_the_shared_one() {
    let out = run_in(&project("ts-project"), &["config", "."]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let line = |key: &str| {
        out.stdout
            .lines()
            .find(|line| line.starts_with(key))
            .unwrap_or_else(|| panic!("no {key} in {}", out.stdout))
            .to_string()
    };
    let lib = line("libVersion ");
    assert!(
        lib.contains("3.5.0") && lib.contains("project.private.config.json"),
        "{lib}"
    );
    let appid = line("appid ");
    assert!(
        appid.contains("wx0000000000ts0001") && appid.contains("project.config.json"),
        "{appid}"
    );
    assert!(line("compileType ").contains("miniprogram"));
    assert!(line("miniprogramRoot ").contains("ts-project/miniprogram"));
}

#[test]
fn es_module_syntax_and_commonjs_interoperate_as_devtools_compiles_them() {
    let cache = tempfile::tempdir().unwrap();
    let root = project("esm-project");
    let out = run_cached(&root, cache.path(), &["app", "."]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    // A default import of CommonJS is module.exports; require() of an ES module sees
    // __esModule, default and its names; named imports stay live.
    assert_eq!(
        out.stdout,
        "interop esm-project 03 true function https://api.example.test/v1 2024-05-06\n\
         index: 2 notices, calls 0 -> 1, default esm-project, started 2024-05-06\n"
    );
    let out = run_cached(&root, cache.path(), &["test"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("1 passed, 0 failed"), "{}", out.stdout);
    let out = run_cached(&root, cache.path(), &["run", "scripts/notices.js"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "esm-project: maintenance, new menu from https://api.example.test/v1 (default export esm-project)\n"
    );
}

#[test]
fn aliases_absolute_paths_bare_paths_and_require_async_resolve() {
    let cache = tempfile::tempdir().unwrap();
    let root = project("alias-project");
    let out = run_cached(&root, cache.path(), &["app", "."]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(
        out.stdout,
        "resolve abs true HI! legacy dark\nrequire.async: packageA/sub\nindex: async\ndetail: OK!\n"
    );
    assert_eq!(
        out.stderr.matches("useExtendedLib (weui)").count(),
        1,
        "{}",
        out.stderr
    );
}

#[test]
fn a_module_not_found_names_every_step_tried() {
    let cache = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app.json",
        r#"{"pages": ["pages/a/a"], "resolveAlias": {"@/*": "/*"}}"#,
    );
    write(
        dir.path(),
        "main.js",
        "try { require('@/utils/nope'); } catch (e) { console.log(e.message); }\ntry { require('left-pad'); } catch (e) { console.log(e.message); }\n",
    );
    let out = run_cached(dir.path(), cache.path(), &["run", "main.js"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut lines = out.stdout.lines();
    let alias = lines.next().unwrap();
    assert!(
        alias.contains("tried the resolveAlias entry \"@/*\" of app.json ("),
        "{alias}"
    );
    assert!(alias.contains("/utils/nope.ts"), "{alias}");
    let bare = lines.next().unwrap();
    for step in [
        "tried miniprogram_npm folders from the requiring file up",
        "then node_modules folders from the requiring file up",
        "then relative to the requiring file, as the base library reads a bare path (",
    ] {
        assert!(bare.contains(step), "{step} in {bare}");
    }
}

#[test]
fn a_call_runs_while_a_websocket_stays_open() {
    let cache = tempfile::tempdir().unwrap();
    let root = project("socket-project");
    let out = run_cached(
        &root,
        cache.path(),
        &[
            "app",
            ".",
            "--timeout",
            "20000",
            "--trace",
            "--call",
            r#"send:{"detail":{"text":"hi"}}"#,
            "--call",
            r#"send:{"detail":{"text":"bye"}}"#,
        ],
    );
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(
        out.stdout,
        "chat: open\nchat: received welcome\nchat: received hi\nchat: received bye\nchat: closed 1000 done\n"
    );
    for line in [
        "socket #1 connect wss://chat.example.test",
        "socket #1 open wss://chat.example.test",
        "socket #1 <- 18 chars",
        "socket #1 -> 13 chars",
        "socket #1 close 1000 done",
    ] {
        assert!(out.stderr.contains(line), "{line} in {}", out.stderr);
    }
}

/// A syntax error in a module names the file, line and column with a code frame, and what had
/// run before it, in `run`, `app` and `test` alike; the exit code is 1.
#[test]
fn syntax_errors_show_location_and_code_frame_everywhere() {
    let cache = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "app.json", r#"{"pages": ["pages/index/index"]}"#);
    write(
        root,
        "app.js",
        "import { ok } from './utils/ok';\nApp({ onLaunch() { console.log(ok); } });\n",
    );
    write(root, "utils/ok.js", "export const ok = 'ok';\n");
    write(
        root,
        "pages/index/index.js",
        "import { ok } from '../../utils/ok';\n\nconst broken = ;\nPage({});\n",
    );
    write(
        root,
        "bad.test.ts",
        "const n: number = 1;\ntest('x', () => {\n  expect(n).toBe(1)\n  let = ;\n});\n",
    );
    let frame = [
        "  2 | ",
        "> 3 | const broken = ;",
        "    |                ^",
        "  4 | Page({});",
    ];
    let page = root.join("pages/index/index.js");
    let located = format!("SyntaxError: {}:3:16: Unexpected token", page.display());

    let out = run_cached(root, cache.path(), &["app", "."]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(out.stdout, "ok\n", "app.js ran before the page failed");
    assert!(out.stderr.contains(&located), "{}", out.stderr);
    for line in frame {
        assert!(out.stderr.contains(line), "{line:?} in {}", out.stderr);
    }
    assert!(
        out.stderr.contains("2 modules had run before it: ")
            && out.stderr.contains("utils/ok.js, ")
            && out.stderr.contains("app.js)"),
        "{}",
        out.stderr
    );

    let out = run_cached(root, cache.path(), &["run", "pages/index/index.js"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains(&located), "{}", out.stderr);
    assert!(out.stderr.contains(frame[2]), "{}", out.stderr);

    let out = run_cached(root, cache.path(), &["test", "bad.test.ts"]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    let all = format!("{}{}", out.stdout, out.stderr);
    let test_file = root.join("bad.test.ts");
    assert!(
        all.contains(&format!("{}:4:9: Unexpected token", test_file.display())),
        "{all}"
    );
    assert!(all.contains("> 4 |   let = ;"), "{all}");
}

#[test]
fn a_typescript_syntax_error_names_the_ts_file() {
    let cache = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app.json",
        r#"{"pages": ["pages/index/index"]}"#,
    );
    write(
        dir.path(),
        "app.ts",
        "interface A { a: number }\nconst a: A = { a: 1 };\nApp({ onLaunch(): void { console.log(a.a) }, });\nfunction f(: number) {}\n",
    );
    let out = run_cached(dir.path(), cache.path(), &["app", "."]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    let file = dir.path().join("app.ts");
    assert!(
        out.stderr.contains(&format!("{}:4:12: ", file.display())),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("> 4 | function f(: number) {}"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("before any module ran"),
        "{}",
        out.stderr
    );
}

#[test]
fn compiled_files_are_cached_outside_the_project() {
    let cache = tempfile::tempdir().unwrap();
    let root = project("ts-project");
    let before = listing(&root);
    let first = run_cached(&root, cache.path(), &["run", "scripts/check.ts"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let cached = listing(cache.path());
    // Each compiled file: its code and its mapping.
    let maps = cached.iter().filter(|p| p.ends_with(".map")).count();
    assert!(maps >= 2, "{cached:?}");
    assert_eq!(cached.len(), 2 * maps, "{cached:?}");
    let second = run_cached(&root, cache.path(), &["run", "scripts/check.ts"]);
    assert_eq!(second.stdout, first.stdout);
    assert_eq!(
        listing(cache.path()),
        cached,
        "the second run compiled nothing new"
    );
    assert_eq!(
        listing(&root),
        before,
        "nothing was written into the project"
    );
    // --no-cache keeps nothing.
    let empty = tempfile::tempdir().unwrap();
    let out = run_cached(
        &root,
        empty.path(),
        &["run", "--no-cache", "scripts/check.ts"],
    );
    assert_eq!(out.stdout, first.stdout);
    assert!(listing(empty.path()).is_empty());
}

fn listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn no_app_json_names_every_place_looked_and_the_key_that_fixes_it() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "project.config.json",
        r#"{"appid": "wx1", "compileType": "miniprogram"}"#,
    );
    write(dir.path(), "client/app.json", r#"{"pages": ["pages/a/a"]}"#);
    let out = run_in(dir.path(), &["app", "."]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("no app.json found: looked at"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains(&dir.path().join("app.json").display().to_string()),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("set \"miniprogramRoot\": \"client/\" in ")
            && out.stderr.contains("project.config.json"),
        "{}",
        out.stderr
    );
    // With miniprogramRoot set, it runs.
    write(
        dir.path(),
        "project.config.json",
        r#"{"appid": "wx1", "miniprogramRoot": "client/"}"#,
    );
    write(
        dir.path(),
        "client/app.js",
        "App({ onLaunch() { console.log('launched'); } });",
    );
    write(dir.path(), "client/pages/a/a.js", "Page({});");
    let out = run_in(dir.path(), &["app", "."]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "launched\n");
}

#[test]
fn a_listed_page_without_its_script_says_so() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app.json",
        r#"{"pages": ["pages/gone/gone", "pages/a/a"]}"#,
    );
    write(dir.path(), "app.js", "App({});");
    write(
        dir.path(),
        "pages/a/a.js",
        "Page({ onLoad() { wx.navigateTo({ url: '/pages/gone/gone', fail: (r) => console.log(r.errMsg) }); } });",
    );
    let out = run_in(dir.path(), &["app", "."]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("app.json lists the page \"pages/gone/gone\", but neither ")
            && out.stderr.contains("gone.js nor .ts exists"),
        "{}",
        out.stderr
    );
    let out = run_in(dir.path(), &["app", ".", "--page", "pages/a/a"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "navigateTo:fail page \"pages/gone/gone\" is not found\n"
    );
    assert_eq!(
        out.stderr
            .matches("lists the page \"pages/gone/gone\"")
            .count(),
        1,
        "{}",
        out.stderr
    );
}

#[test]
fn a_domain_refusal_prints_the_fix_once_per_run() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.js",
        "const call = () => new Promise((resolve) => wx.request({ url: 'https://unlisted.example.test/a', fail: resolve }));\ncall().then(call).then((res) => console.log(res.errMsg));\n",
    );
    let out = run_in(dir.path(), &["run", "main.js"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "request:fail url not in domain list\n");
    let hint = "add \"https://unlisted.example.test\" to \"requestdomain\" in wxrun.json";
    assert_eq!(out.stderr.matches(hint).count(), 1, "{}", out.stderr);
}

#[test]
fn the_module_environment_is_the_mini_program_one() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.json", r#"{"pages": ["pages/a/a"]}"#);
    write(
        dir.path(),
        "lib/shared.ts",
        "export const value: string = 'from ts';\n",
    );
    write(
        dir.path(),
        "main.js",
        "global.seen = (global.seen || 0) + 1;\n\
         const names = ['window', 'document', 'navigator', 'localStorage', 'XMLHttpRequest', 'self'].map((n) => typeof eval(n)).join(',');\n\
         console.log(names, global === globalThis, require('/lib/shared').value);\n\
         require.async('./lib/shared').then((m) => console.log('async', m.value, global.seen));\n",
    );
    let out = run_in(dir.path(), &["run", "main.js"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "undefined,undefined,undefined,undefined,undefined,undefined true from ts\nasync from ts 1\n"
    );
}

#[test]
fn exit_when_idle_ends_a_run_that_an_open_socket_keeps_alive() {
    let cache = tempfile::tempdir().unwrap();
    let root = project("socket-project");
    let out = run_cached(
        &root,
        cache.path(),
        &[
            "app",
            ".",
            "--timeout",
            "20000",
            "--exit-when-idle",
            "--call",
            r#"send:{"detail":{"text":"hi"}}"#,
        ],
    );
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(
        out.stdout,
        "chat: open\nchat: received welcome\nchat: received hi\n"
    );
    // Without it, only the timeout ends the run; errors reported before it are still named.
    let out = run_cached(
        &root,
        cache.path(),
        &[
            "app",
            ".",
            "--timeout",
            "1500",
            "--call",
            r#"send:{"detail":null}"#,
        ],
    );
    assert_eq!(out.code, 124, "{}", out.stderr);
    assert!(
        out.stderr.contains("1 error reported during the run"),
        "{}",
        out.stderr
    );
}

#[test]
fn behaviors_definition_filters_and_the_callback_form_of_require() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.json", r#"{"pages": ["pages/a/a"]}"#);
    write(dir.path(), "app.js", "App({});");
    write(dir.path(), "lib.js", "exports.x = 1;");
    write(
        dir.path(),
        "pages/a/a.js",
        "const inner = Behavior({ definitionFilter(def) { def.data = Object.assign({ fromInner: true }, def.data); } });\n\
         const filtered = Behavior({\n\
           behaviors: [inner],\n\
           definitionFilter(def, innerFilters) {\n\
             def.methods = def.methods || {};\n\
             def.methods.addedByFilter = function () { return 'ok'; };\n\
             innerFilters.forEach((filter) => filter(def));\n\
           },\n\
           lifetimes: { created() { console.log('created sees', typeof this.addedByFilter); } },\n\
         });\n\
         Component({ behaviors: [filtered], methods: { onLoad() {\n\
           console.log('onLoad', this.addedByFilter(), this.data.fromInner);\n\
           require('../../lib', (m) => console.log('loaded', m.x));\n\
           require('../../nope', null, (e) => console.log('failed', e.mod));\n\
         } } });\n",
    );
    let out = run_in(dir.path(), &["app", "."]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "created sees function\nonLoad ok true\nloaded 1\nfailed ../../nope\n"
    );
}
