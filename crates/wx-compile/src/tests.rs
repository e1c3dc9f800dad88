//! The compile step checked two ways: the text it writes, and what that text does when QuickJS
//! runs a set of modules through a small CommonJS loader.

use std::collections::BTreeMap;

use rquickjs::{Context, Function, Runtime};

use super::*;

fn compiled(source: &str, lang: Lang) -> Compiled {
    match compile(source, lang) {
        Ok(Output::Compiled(compiled)) => compiled,
        Ok(Output::Unchanged) => panic!("expected a compiled file for:\n{source}"),
        Err(error) => panic!("{error}\n{}", error.frame),
    }
}

/// Runs `main` of `files` (name → source; `.ts` names are TypeScript) with a CommonJS loader
/// as wx-host's (module wrapper, cache, cycles), returning what `main` exported as JSON.
fn run(files: &[(&str, &str)], main: &str) -> String {
    run_with(files, main, Passes::default())
}

/// [`run`] with `passes`. A `jest.mock(name, factory)` records the factory, and a `require`
/// of a mocked name returns what the factory made; `__wxrun$coverage` keeps the counters of
/// the last instrumented file in `globalThis.__counters`.
fn run_with(files: &[(&str, &str)], main: &str, passes: Passes) -> String {
    let mut sources = BTreeMap::new();
    for (name, source) in files {
        let lang = if name.ends_with(".ts") {
            Lang::TypeScript
        } else {
            Lang::JavaScript
        };
        let code = match compile_with(source, lang, passes) {
            Ok(Output::Compiled(compiled)) => compiled.code,
            Ok(Output::Unchanged) => source.to_string(),
            Err(error) => panic!("{name}: {error}\n{}", error.frame),
        };
        let key = name
            .trim_end_matches(".ts")
            .trim_end_matches(".js")
            .to_string();
        sources.insert(key, code);
    }
    let runtime = Runtime::new().unwrap();
    let context = Context::full(&runtime).unwrap();
    context.with(|ctx| {
        let wrappers = rquickjs::Object::new(ctx.clone()).unwrap();
        for (name, code) in &sources {
            let wrapper: Function = ctx
                .eval(format!(
                    "(function (exports, require, module, __filename, __dirname) {{{code}\n}})"
                ))
                .unwrap_or_else(|_| panic!("{name} does not parse:\n{code}"));
            wrappers.set(name.as_str(), wrapper).unwrap();
        }
        let loader: Function = ctx
            .eval(
                r#"(function (wrappers, main) {
                    const cache = {};
                    const mocks = {};
                    globalThis.jest = { mock(name, factory) { mocks[name.replace(/^\.\//, '')] = factory; return this; } };
                    globalThis.__wxrun$coverage = (file, map) => {
                        const counters = { s: new Array(map.s.length / 4).fill(0), f: new Array(map.f.length).fill(0), b: map.b.map((b) => new Array(b[5].length / 4).fill(0)) };
                        globalThis.__counters = counters;
                        return counters;
                    };
                    function load(name) {
                        name = name.replace(/^\.\//, '');
                        if (mocks[name]) return mocks[name]();
                        if (cache[name]) return cache[name].exports;
                        const module = { exports: {} };
                        cache[name] = module;
                        wrappers[name].call(module.exports, module.exports, load, module, name, '.');
                        return module.exports;
                    }
                    globalThis.__result = load(main);
                })"#,
            )
            .unwrap();
        let () = loader.call((wrappers, main)).unwrap();
    });
    while runtime.is_job_pending() {
        runtime.execute_pending_job().unwrap();
    }
    context.with(|ctx| {
        let json: String = ctx
            .eval("JSON.stringify(globalThis.__counters || (globalThis.__result.report ? globalThis.__result.report() : globalThis.__result))")
            .unwrap_or_else(|_| {
                let error = ctx.catch();
                panic!("running {main} failed: {error:?}")
            });
        json
    })
}

#[test]
fn plain_commonjs_is_not_touched() {
    let source = "const x = require('./x');\nmodule.exports = { x };\n";
    assert!(matches!(
        compile(source, Lang::JavaScript),
        Ok(Output::Unchanged)
    ));
    assert!(!may_have_module_syntax(
        "module.exports = x; exports.y = obj.import(z);"
    ));
    assert!(may_have_module_syntax("export default 1"));
    assert!(may_have_module_syntax("const m = import('./m');"));
    // The words alone are not module syntax.
    let words = "// import this, export that\nexports.a = 'import';\n";
    assert!(matches!(
        compile(words, Lang::JavaScript),
        Ok(Output::Unchanged)
    ));
}

#[test]
fn lines_do_not_move() {
    let source = "import a from './a';\nimport { b } from './b';\n\nexport const c = a + b;\nthrow new Error('x');\n";
    let out = compiled(source, Lang::JavaScript);
    assert_eq!(out.code.lines().count(), source.lines().count() + 1); // helpers appended
    let throw_line = out
        .code
        .lines()
        .position(|l| l.starts_with("throw"))
        .unwrap();
    assert_eq!(throw_line, 4);
    assert_eq!(out.mapping.original(5, 7), Some((5, 7)));
    // `b` on line 4 became `_b.b`; what follows it still maps back.
    let line4 = out.code.lines().nth(3).unwrap();
    assert!(line4.starts_with("const c = _a.default + _b.b;"), "{line4}");
    assert_eq!(out.mapping.original(4, 28), Some((4, 23)));
}

#[test]
fn default_import_of_commonjs_is_module_exports() {
    let result = run(
        &[
            (
                "cjs.js",
                "module.exports = function hello() { return 'hi'; }; module.exports.named = 7;",
            ),
            (
                "main.js",
                "import hello, { named } from './cjs';\nimport * as ns from './cjs';\nexport default { a: hello(), named, nsNamed: ns.named, nsDefault: ns.default === hello };",
            ),
        ],
        "main",
    );
    assert_eq!(
        result,
        r#"{"default":{"a":"hi","named":7,"nsNamed":7,"nsDefault":true}}"#
    );
}

#[test]
fn commonjs_requiring_an_es_module_sees_esmodule_and_default() {
    let result = run(
        &[
            (
                "esm.js",
                "export default 41;\nexport const answer = 42;\nexport function f() { return 'f'; }",
            ),
            (
                "main.js",
                "const m = require('./esm');\nmodule.exports = { es: m.__esModule, d: m.default, a: m.answer, f: m.f(), keys: Object.keys(m) };",
            ),
        ],
        "main",
    );
    assert_eq!(
        result,
        r#"{"es":true,"d":41,"a":42,"f":"f","keys":["default","answer","f"]}"#
    );
}

#[test]
fn named_imports_are_live_and_exports_follow_assignments() {
    let result = run(
        &[
            (
                "counter.js",
                "export let count = 0;\nexport function increment() { count++; return count; }\nexport let list;\nlist = [];\n[count] = [10];",
            ),
            (
                "main.js",
                "import { count, increment, list } from './counter';\nconst before = count;\nconst returned = increment();\nexport const report = () => ({ before, after: count, returned, list });",
            ),
        ],
        "main",
    );
    assert_eq!(
        result,
        r#"{"before":10,"after":11,"returned":11,"list":[]}"#
    );
}

#[test]
fn update_expressions_keep_their_value() {
    let result = run(
        &[(
            "main.js",
            "export let n = 5;\nconst post = n++;\nconst pre = ++n;\nconst assigned = (n += 10);\nexport const report = () => ({ post, pre, assigned, n, exported: exports.n });",
        )],
        "main",
    );
    assert_eq!(
        result,
        r#"{"post":5,"pre":7,"assigned":17,"n":17,"exported":17}"#
    );
}

#[test]
fn cycles_see_hoisted_functions() {
    let result = run(
        &[
            (
                "a.js",
                "import { b } from './b';\nexport function a() { return 'a'; }\nexport const fromB = b();",
            ),
            (
                "b.js",
                "import { a } from './a';\nexport function b() { return 'b sees ' + a(); }",
            ),
        ],
        "a",
    );
    assert_eq!(result, r#"{"fromB":"b sees a"}"#);
}

#[test]
fn re_exports_are_getters() {
    let result = run(
        &[
            (
                "lib.js",
                "export let v = 1;\nexport function bump() { v++; }\nexport default 'lib';",
            ),
            ("other.js", "exports.x = 'x'; exports.y = 'y';"),
            (
                "index.js",
                "export { v, bump, default as lib } from './lib';\nexport * from './other';\nexport * as nsOther from './other';\nimport { v as local } from './lib';\nexport { local as again };",
            ),
            (
                "main.js",
                "import * as index from './index';\nimport { bump } from './index';\nconst first = index.v;\nbump();\nexport const report = () => ({ first, then: index.v, again: index.again, lib: index.lib, x: index.x, ns: index.nsOther.y });",
            ),
        ],
        "main",
    );
    assert_eq!(
        result,
        r#"{"first":1,"then":2,"again":2,"lib":"lib","x":"x","ns":"y"}"#
    );
}

#[test]
fn default_exports_of_every_form() {
    let result = run(
        &[
            ("fn.js", "export default function () { return 'anon'; }"),
            (
                "named.js",
                "export default function named() { return named.name; }",
            ),
            (
                "cls.js",
                "export default class { hi() { return 'class'; } }",
            ),
            ("expr.js", "export default 1 + 2;"),
            (
                "main.js",
                "import f from './fn';\nimport n from './named';\nimport C from './cls';\nimport e from './expr';\nexport default [f(), n(), new C().hi(), e];",
            ),
        ],
        "main",
    );
    assert_eq!(result, r#"{"default":["anon","named","class",3]}"#);
}

#[test]
fn calls_of_imports_get_no_this_and_top_level_this_is_undefined() {
    let result = run(
        &[
            (
                "lib.js",
                "exports.who = function () { return this === undefined ? 'undefined' : typeof this; };",
            ),
            (
                "main.js",
                "import { who } from './lib';\nimport * as lib from './lib';\nexport const report = () => ({ plain: who(), tagged: who`x`, member: lib.who(), top: String(topThis), shorthand: { who }.who === lib.who });\nconst topThis = this;",
            ),
        ],
        "main",
    );
    assert_eq!(
        result,
        r#"{"plain":"undefined","tagged":"undefined","member":"object","top":"undefined","shorthand":true}"#
    );
}

#[test]
fn side_effect_imports_run_in_order_and_dynamic_import_resolves() {
    let result = run(
        &[
            ("log.js", "exports.lines = [];"),
            ("one.js", "require('./log').lines.push('one');"),
            ("two.js", "require('./log').lines.push('two');"),
            (
                "main.js",
                "import './one';\nimport './two';\nimport { lines } from './log';\nlet loaded;\nimport('./two').then((m) => { loaded = typeof m.default; });\nexport const report = () => ({ lines, loaded });",
            ),
        ],
        "main",
    );
    assert_eq!(result, r#"{"lines":["one","two"],"loaded":"object"}"#);
}

#[test]
fn typescript_types_enums_namespaces_and_parameter_properties() {
    let result = run(
        &[
            (
                "types.ts",
                "export interface Shape { area(): number }\nexport type Id = string;",
            ),
            (
                "shapes.ts",
                "import type { Shape } from './types';\nimport { Id } from './types';\nexport enum Kind { Square = 'square', Circle = 'circle' }\nexport namespace Util { export const twice = (n: number): number => n * 2; }\nexport class Square implements Shape {\n  constructor(private side: number, public id: Id = 'sq') {}\n  area(): number { return Util.twice(this.side) * this.side / 2; }\n}\nconst x = <number>(1 as unknown);\nexport default x!;",
            ),
            (
                "main.ts",
                "import one, { Kind, Square } from './shapes';\nconst s = new Square(3);\nexport const report = (): object => ({ one, kind: Kind.Circle, area: s.area(), id: s.id });",
            ),
        ],
        "main",
    );
    assert_eq!(result, r#"{"one":1,"kind":"circle","area":9,"id":"sq"}"#);
}

#[test]
fn typescript_import_equals_and_export_assignment() {
    let result = run(
        &[
            (
                "legacy.ts",
                "const value = { legacy: true };\nexport = value;",
            ),
            (
                "main.ts",
                "import legacy = require('./legacy');\nexport const report = () => legacy;",
            ),
        ],
        "main",
    );
    assert_eq!(result, r#"{"legacy":true}"#);
}

#[test]
fn typescript_locations_map_to_the_source() {
    let source = "interface A { a: number }\n\nexport function f(a: A): number {\n  throw new Error('at line 4');\n}\n";
    let out = compiled(source, Lang::TypeScript);
    let line = out
        .code
        .lines()
        .position(|l| l.contains("throw new Error"))
        .unwrap() as u32
        + 1;
    let column = out
        .code
        .lines()
        .nth(line as usize - 1)
        .unwrap()
        .find("throw")
        .unwrap() as u32
        + 1;
    assert_eq!(out.mapping.original(line, column), Some((4, 3)));
}

#[test]
fn syntax_errors_name_line_column_and_frame() {
    let source = "import a from './a';\nconst x = ;\n";
    let error = compile(source, Lang::JavaScript).unwrap_err();
    assert_eq!((error.line, error.column), (2, 11));
    assert!(error.frame.contains("> 2 | const x = ;"), "{}", error.frame);
    assert!(error.frame.contains("|           ^"), "{}", error.frame);

    let ts = "let a: number = 1;\nfunction f(: number) {}\n";
    let error = compile(ts, Lang::TypeScript).unwrap_err();
    assert_eq!(error.line, 2, "{error:?}");
}

#[test]
fn a_broken_script_without_module_syntax_is_left_to_the_engine() {
    // oxc rejects this; QuickJS will report it with its own location.
    let source = "var import_count = 1;\nvar x = ;\n";
    assert!(matches!(
        compile(source, Lang::JavaScript),
        Ok(Output::Unchanged)
    ));
}

#[test]
fn what_cannot_be_converted_is_named() {
    let error = compile(
        "export const a = 1;\nconsole.log(import.meta.url);",
        Lang::JavaScript,
    )
    .unwrap_err();
    assert!(error.message.contains("import.meta"), "{error}");
    assert_eq!(error.line, 2);
    let error = compile("import a from 'a';\nconst exports = 1;", Lang::JavaScript).unwrap_err();
    assert!(error.message.contains("`exports`"), "{error}");
}

#[test]
fn mapping_survives_its_stored_form() {
    let out = compiled(
        "import a from './a';\nexport default a;\n",
        Lang::JavaScript,
    );
    let stored = out.mapping.to_json();
    assert_eq!(SourceMapping::from_json(&stored), Some(out.mapping));
}

#[test]
fn directives_stay_first() {
    let out = compiled(
        "'use strict';\nimport a from './a';\nexport default function f() { return this; }\n",
        Lang::JavaScript,
    );
    assert!(
        out.code
            .starts_with("'use strict'; Object.defineProperty(exports"),
        "{}",
        out.code
    );
    assert_eq!(out.code.matches("use strict").count(), 1, "{}", out.code);
    // The module is strict: a plain call gets no `this`.
    let result = run(
        &[(
            "main.ts",
            "export const report = (): unknown => ({ strict: (function (this: unknown) { return this === undefined; })() });",
        )],
        "main",
    );
    assert_eq!(result, r#"{"strict":true}"#);
}

#[test]
fn top_level_await_is_named_and_compiles_as_a_module() {
    let source = "import a from './a';\nconst b = await a;\nexport default b;\n";
    let error = compile(source, Lang::JavaScript).unwrap_err();
    assert_eq!(error.kind, ErrorKind::TopLevelAwait);
    assert_eq!((error.line, error.column), (2, 11));
    // `await` inside functions is not top level.
    assert!(compile("export async function f() { await 1; for await (const x of y) {} }\nexport const g = async () => await 2;", Lang::JavaScript).is_ok());
    let ts = "import type { A } from './a';\nconst n: number = await Promise.resolve(1);\nexport { n };\n";
    assert_eq!(
        compile(ts, Lang::TypeScript).unwrap_err().kind,
        ErrorKind::TopLevelAwait
    );
    match compile_as_module(ts, Lang::TypeScript).unwrap() {
        Output::Compiled(out) => {
            assert!(
                out.code.contains("await Promise.resolve(1)"),
                "{}",
                out.code
            );
            assert!(out.code.contains("export { n }"), "{}", out.code);
            assert!(!out.code.contains("import type"), "{}", out.code);
        }
        Output::Unchanged => panic!("TypeScript is always compiled"),
    }
}

#[test]
fn jest_mock_calls_run_before_the_imports_and_requires() {
    let hoisting = Passes {
        hoist_jest_mocks: true,
        coverage: false,
    };
    let real = ("dep.js", "module.exports = { value: 'real' };");
    for main in [
        // CommonJS: the call moves above the require.
        "const dep = require('./dep');\njest.mock('./dep', () => ({ value: 'mocked' }));\nmodule.exports = { value: dep.value };",
        // ES module: above the import, and imports after code still come after the call.
        "import dep from './dep';\nconst x = 1;\njest.mock('./dep', () => ({ __esModule: true, default: { value: 'mocked' } }));\nexport const value = dep.value;",
        // `jest` imported from @jest/globals is read with require where the call moved.
        "import { jest as j } from '@jest/globals';\nimport dep from './dep';\nj.mock('./dep', () => ({ __esModule: true, default: { value: 'mocked' } }));\nexport const value = dep.value;",
        // TypeScript.
        "import dep from './dep';\nconst n: number = 1;\njest.mock('./dep', () => ({ __esModule: true, default: { value: 'mocked' } })).mock('./other');\nexport const value: string = dep.value;",
    ] {
        let name = if main.contains(": number") {
            "main.ts"
        } else {
            "main.js"
        };
        let globals = (
            "@jest/globals.js",
            "module.exports = { jest: globalThis.jest };",
        );
        let result = run_with(&[real, globals, (name, main)], "main", hoisting);
        assert!(result.contains(r#""value":"mocked""#), "{main}\n{result}");
    }
    // Without the pass nothing moves: the real module is loaded first.
    let result = run(
        &[
            real,
            (
                "main.js",
                "const dep = require('./dep');\njest.mock('./dep', () => ({ value: 'mocked' }));\nmodule.exports = { value: dep.value };",
            ),
        ],
        "main",
    );
    assert_eq!(result, r#"{"value":"real"}"#);
}

#[test]
fn hoisted_calls_map_back_to_their_lines_and_stay_in_their_block() {
    let source = "const a = require('./a');\n\nfunction f() {\n  const b = require('./b');\n  jest.mock('./b');\n  return b;\n}\njest.mock('./a', () => {\n  throw new Error('x');\n});\n";
    let passes = Passes {
        hoist_jest_mocks: true,
        coverage: false,
    };
    let out = match compile_with(source, Lang::JavaScript, passes).unwrap() {
        Output::Compiled(out) => out,
        Output::Unchanged => panic!("the calls move"),
    };
    let top = out.code.find("jest.mock('./a'").unwrap();
    assert!(
        top < out.code.find("require('./a')").unwrap(),
        "{}",
        out.code
    );
    let inner = out.code.find("jest.mock('./b')").unwrap();
    assert!(
        inner < out.code.find("require('./b')").unwrap(),
        "{}",
        out.code
    );
    assert!(inner > out.code.find("function f").unwrap(), "{}", out.code);
    // `throw` moved to line 2 of the output; it maps to line 9 where it was written.
    assert_eq!(original_of(&out, "throw"), Some((9, 3)));
}

/// Where the first `needle` of the compiled output came from in the source.
fn original_of(out: &Compiled, needle: &str) -> Option<(u32, u32)> {
    let (line, text) = out
        .code
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(needle))?;
    let column = text.find(needle)? as u32 + 1;
    out.mapping.original(line as u32 + 1, column)
}

/// Runs `source` instrumented; returns its counters as JSON (`{"s":[..],"f":[..],"b":[[..]]}`)
/// and what they count.
fn counters(source: &str, lang: Lang) -> (String, CoverageMap) {
    let name = if lang == Lang::TypeScript {
        "main.ts"
    } else {
        "main.js"
    };
    let passes = Passes {
        hoist_jest_mocks: false,
        coverage: true,
    };
    let counts = run_with(&[(name, source)], "main", passes);
    (counts, coverage_map(source, lang).unwrap().unwrap())
}

const COVERED: &str = r#"function add(a, b = 1) {
  return a + b;
}
const double = (x) => x * 2;
let label = 'none';
if (add(1) > 1) {
  label = 'big';
} else label = 'small';
const pick = label === 'big' ? double(2) : 0;
const flag = null || (label && 'x');
switch (label) {
  case 'big': label += '!'; break;
  case 'none':
  default: label = '?';
}
for (let i = 0; i < 2; i++) label += i;
outer: for (const c of 'ab') { if (c === 'b') continue outer; }
class Box { size = 3; get area() { return this.size ** 2; } }
/* istanbul ignore next */
function never() { return 1; }
module.exports = { add, double, label, pick, flag, area: new Box().area };
"#;

#[test]
fn coverage_counts_statements_functions_and_branches_as_istanbul() {
    let (counts, map) = counters(COVERED, Lang::JavaScript);
    // Statements in file order; the ignored function is left out; the `else` that was not
    // written still counts as a path of its `if`.
    assert_eq!(
        counts,
        r#"{"s":[1,1,1,1,1,1,0,1,1,1,1,1,0,1,1,2,1,1,2,1,1,1,1],"f":[1,1,1],"b":[[1],[1,0],[1,0],[1,1,1],[1,0,0],[1,1]]}"#
    );
    let lines: Vec<u32> = map.statements.iter().map(|s| s.start.line).collect();
    assert_eq!(
        lines,
        [
            2, 4, 4, 5, 6, 7, 8, 9, 10, 11, 12, 12, 14, 16, 16, 16, 17, 17, 17, 17, 18, 18, 21
        ]
    );
    let kinds: Vec<&str> = map.branches.iter().map(|b| b.kind.name()).collect();
    assert_eq!(
        kinds,
        [
            "default-arg",
            "if",
            "cond-expr",
            "binary-expr",
            "switch",
            "if"
        ]
    );
    assert_eq!(map.functions[0].name, "add");
    assert_eq!(map.functions[1].name, "(anonymous_1)");
    // A declarator's statement is its value (istanbul's choice): `x * 2` on line 4 is the
    // arrow's body, `(x) => x * 2` the declarator.
    assert_eq!(map.statements[1].start.column, 15);
    assert_eq!(map.statements[2].start.column, 22);
}

#[test]
fn coverage_of_typescript_is_located_in_the_typescript() {
    let source = "interface P { n: number }\nenum E { A = 1 }\nexport function area(p: P): number {\n  return p.n ** 2;\n}\nexport const value: number = area({ n: 3 }) + E.A;\nexport const later = (): never => {\n  throw new Error('later');\n};\n";
    let (counts, map) = counters(source, Lang::TypeScript);
    assert_eq!(counts, r#"{"s":[1,1,1,0],"f":[1,0],"b":[]}"#);
    let lines: Vec<u32> = map.statements.iter().map(|s| s.start.line).collect();
    assert_eq!(lines, [4, 6, 7, 8]);
    // An error thrown by instrumented TypeScript still points at its line and column.
    let passes = Passes {
        hoist_jest_mocks: false,
        coverage: true,
    };
    let out = match compile_with(source, Lang::TypeScript, passes).unwrap() {
        Output::Compiled(out) => out,
        Output::Unchanged => unreachable!(),
    };
    assert_eq!(original_of(&out, "throw"), Some((8, 3)));
}

#[test]
fn coverage_keeps_directives_first_and_function_names() {
    let source = "'use strict';\nconst f = function () { 'use strict'; return this; };\nconst g = () => 1;\nmodule.exports = { strict: f() === undefined, names: [f.name, g.name] };\n";
    let passes = Passes {
        hoist_jest_mocks: false,
        coverage: true,
    };
    let result = run_with(&[("main.js", source)], "main", passes);
    assert_eq!(result, r#"{"s":[1,1,1,0,1],"f":[1,0],"b":[]}"#);
    let out = match compile_with(source, Lang::JavaScript, passes).unwrap() {
        Output::Compiled(out) => out,
        Output::Unchanged => unreachable!(),
    };
    assert!(
        out.code.starts_with("'use strict';var __wxrun$cov"),
        "{}",
        out.code
    );
    assert_eq!(out.code.lines().count(), source.lines().count());
    let checked = run(
        &[(
            "main.js",
            &out.code
                .replace("__wxrun$coverage(", "(() => ({ s: [], f: [], b: [[]] }))("),
        )],
        "main",
    );
    assert_eq!(checked, r#"{"strict":true,"names":["f","g"]}"#);
}
