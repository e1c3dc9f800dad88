//! Module resolution and loading: CommonJS as mini-programs and Node use it (relative paths,
//! extensions, `index.js`, `.json`, `miniprogram_npm/` then `node_modules/` packages) and ES
//! modules for `.mjs` files, which may import CommonJS files and built-ins.

use std::{
    cell::RefCell,
    fmt, fs,
    path::{Component, Path, PathBuf},
    rc::Rc,
};

use rquickjs::{
    Ctx, Error, Exception, Function, Module, Object, Value,
    loader::{ImportAttributes, Loader, Resolver},
    module::Declared,
};

use crate::eval::eval_at_line;

/// What a specifier names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    Builtin(String),
    File(PathBuf),
}

/// A module that could not be found, with every path tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleNotFound {
    pub specifier: String,
    pub from: Option<PathBuf>,
    pub tried: Vec<PathBuf>,
}

impl fmt::Display for ModuleNotFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cannot find module '{}'", self.specifier)?;
        if let Some(from) = &self.from {
            write!(f, " required from {}", from.display())?;
        }
        if !self.tried.is_empty() {
            let tried: Vec<String> = self.tried.iter().map(|p| p.display().to_string()).collect();
            write!(f, " (tried {})", tried.join(", "))?;
        }
        Ok(())
    }
}

/// Removes `.` and `..` components without touching the file system.
pub fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn is_path_like(specifier: &str) -> bool {
    specifier == "."
        || specifier == ".."
        || specifier.starts_with("./")
        || specifier.starts_with("../")
        || specifier.starts_with('/')
}

/// Tries `base` as a file, with extensions, and as a folder.
fn load_as_file_or_folder(base: &Path, tried: &mut Vec<PathBuf>) -> Option<PathBuf> {
    let as_text = base.as_os_str().to_string_lossy();
    let mut candidates = vec![base.to_path_buf()];
    for ext in [".js", ".json"] {
        candidates.push(PathBuf::from(format!("{as_text}{ext}")));
    }
    for candidate in candidates {
        if candidate.is_file() {
            return Some(candidate);
        }
        tried.push(candidate);
    }
    if base.is_dir() {
        let manifest = base.join("package.json");
        if let Some(main) = fs::read_to_string(&manifest)
            .ok()
            .and_then(|text| package_main(&text))
        {
            let main_path = normalise(&base.join(main));
            for candidate in [
                main_path.clone(),
                PathBuf::from(format!("{}.js", main_path.display())),
                main_path.join("index.js"),
            ] {
                if candidate.is_file() {
                    return Some(candidate);
                }
                tried.push(candidate);
            }
        }
        for index in ["index.js", "index.json"] {
            let candidate = base.join(index);
            if candidate.is_file() {
                return Some(candidate);
            }
            tried.push(candidate);
        }
    }
    None
}

/// The `main` field of a package.json; a malformed manifest falls back to `index.js` as in
/// Node.
fn package_main(text: &str) -> Option<String> {
    let manifest: serde_json::Value = serde_json::from_str(text).ok()?;
    let main = manifest.get("main")?.as_str()?;
    (!main.is_empty()).then(|| main.to_string())
}

/// Resolves `specifier` as required from the file `from` (or the working folder).
pub fn resolve(
    specifier: &str,
    from: Option<&Path>,
    builtins: &[String],
) -> Result<Resolved, ModuleNotFound> {
    if builtins.iter().any(|name| name == specifier) {
        return Ok(Resolved::Builtin(specifier.to_string()));
    }
    let base_dir = from
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("/"));
    let mut tried = Vec::new();
    let not_found = |tried| ModuleNotFound {
        specifier: specifier.to_string(),
        from: from.map(Path::to_path_buf),
        tried,
    };
    if is_path_like(specifier) {
        let target = normalise(&base_dir.join(specifier));
        return load_as_file_or_folder(&target, &mut tried)
            .map(Resolved::File)
            .ok_or_else(|| not_found(tried));
    }
    for dir in base_dir.ancestors() {
        for packages in ["miniprogram_npm", "node_modules"] {
            let folder = dir.join(packages);
            if folder.is_dir()
                && let Some(found) = load_as_file_or_folder(&folder.join(specifier), &mut tried)
            {
                return Ok(Resolved::File(found));
            }
        }
    }
    Err(not_found(tried))
}

/// Reads a source file as text, dropping a BOM and a `#!` line (kept as an empty comment so
/// that line numbers stay right).
pub fn read_source(path: &Path) -> std::io::Result<String> {
    let text = fs::read_to_string(path)?;
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    Ok(match text.strip_prefix("#!") {
        Some(rest) => format!("//{rest}"),
        None => text,
    })
}

/// The text placed before a CommonJS file's first line. It shares that line, so line numbers
/// stay right; columns on line 1 are corrected when stacks are shown.
pub(crate) const COMMON_JS_HEADER: &str =
    "(function (exports, require, module, __filename, __dirname) {";

/// Compiles a CommonJS file into its module function.
pub fn compile_common_js<'js>(ctx: &Ctx<'js>, path: &Path) -> rquickjs::Result<Function<'js>> {
    let source = read_source(path).map_err(|err| {
        Exception::throw_message(ctx, &format!("cannot read {}: {err}", path.display()))
    })?;
    let wrapped = format!("{COMMON_JS_HEADER}{source}\n}})");
    let value = eval_at_line(ctx, &wrapped, &path.to_string_lossy(), 1)?;
    value.into_function().ok_or_else(|| {
        Exception::throw_internal(ctx, "module wrapper did not compile to a function")
    })
}

/// The built-in names the ES module resolver recognises, shared with the host.
pub(crate) type BuiltinNames = Rc<RefCell<Vec<String>>>;

pub(crate) struct EsmResolver {
    pub builtins: BuiltinNames,
}

impl Resolver for EsmResolver {
    fn resolve<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        base: &str,
        name: &str,
        _attributes: Option<ImportAttributes<'js>>,
    ) -> rquickjs::Result<String> {
        let from = Path::new(base);
        let from = from.is_absolute().then_some(from);
        match resolve(name, from, &self.builtins.borrow()) {
            Ok(Resolved::Builtin(builtin)) => Ok(format!("builtin:{builtin}")),
            Ok(Resolved::File(path)) => Ok(path.to_string_lossy().into_owned()),
            Err(missing) => Err(Exception::throw_message(ctx, &missing.to_string())),
        }
    }
}

/// Loads ES modules and records the files it loaded.
pub(crate) struct EsmLoader {
    pub loaded: Rc<RefCell<Vec<String>>>,
}

fn js_string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn is_identifier_name(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// An ES module that re-exports a CommonJS or built-in object: `default` is the object and
/// each own key with an identifier name becomes a named export.
fn reexport_source(getter: &str, exports: &Value<'_>) -> String {
    let mut source = format!("const m = {getter};\nexport default m;\n");
    if let Some(object) = exports.as_object() {
        for (index, key) in object.keys::<String>().flatten().enumerate() {
            if key != "default" && is_identifier_name(&key) {
                source.push_str(&format!(
                    "const e{index} = m[{}];\nexport {{ e{index} as {key} }};\n",
                    js_string_literal(&key)
                ));
            }
        }
    }
    source
}

impl Loader for EsmLoader {
    fn load<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        name: &str,
        _attributes: Option<ImportAttributes<'js>>,
    ) -> rquickjs::Result<Module<'js, Declared>> {
        let bridge: Object = ctx.eval("globalThis[Symbol.for('wxrun.esm')]")?;
        if let Some(builtin) = name.strip_prefix("builtin:") {
            let exports: Value = bridge.get::<_, Function>("builtin")?.call((builtin,))?;
            let getter = format!(
                "globalThis[Symbol.for('wxrun.esm')].builtin({})",
                js_string_literal(builtin)
            );
            return Module::declare(ctx.clone(), name, reexport_source(&getter, &exports));
        }
        let path = Path::new(name);
        self.loaded.borrow_mut().push(name.to_string());
        match path.extension().and_then(|ext| ext.to_str()) {
            Some("mjs") => {
                let source = read_source(path).map_err(|err| {
                    Exception::throw_message(ctx, &format!("cannot read {name}: {err}"))
                })?;
                Module::declare(ctx.clone(), name, source)
            }
            _ => {
                let exports: Value = bridge
                    .get::<_, Function>("requireCommonJs")?
                    .call((name,))?;
                let getter = format!(
                    "globalThis[Symbol.for('wxrun.esm')].requireCommonJs({})",
                    js_string_literal(name)
                );
                Module::declare(ctx.clone(), name, reexport_source(&getter, &exports))
            }
        }
    }
}

/// Errors of module loading that are not exceptions are reported as such.
pub(crate) fn to_exception(ctx: &Ctx<'_>, error: Error) -> Error {
    match error {
        Error::Exception => error,
        other => Exception::throw_message(ctx, &other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[test]
    fn resolves_every_form() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for rel in [
            "main.js",
            "a.js",
            "data.json",
            "lib/index.js",
            "sub/b.js",
            "node_modules/pkg/lib/entry.js",
            "miniprogram_npm/mp/index.js",
            "node_modules/mp/index.js",
        ] {
            touch(root, rel, "");
        }
        touch(
            root,
            "node_modules/pkg/package.json",
            r#"{"name": "pkg", "main": "lib/entry.js"}"#,
        );
        let from = root.join("sub/b.js");
        let builtins = vec!["wxrun".to_string()];
        let file = |s: &str| Resolved::File(root.join(s));
        let cases = [
            ("../a", file("a.js")),
            ("../a.js", file("a.js")),
            ("../data.json", file("data.json")),
            ("../data", file("data.json")),
            ("../lib", file("lib/index.js")),
            ("./b", file("sub/b.js")),
            ("pkg", file("node_modules/pkg/lib/entry.js")),
            ("mp", file("miniprogram_npm/mp/index.js")),
            ("wxrun", Resolved::Builtin("wxrun".into())),
        ];
        for (specifier, expected) in cases {
            assert_eq!(
                resolve(specifier, Some(&from), &builtins).unwrap(),
                expected,
                "{specifier}"
            );
        }
    }

    #[test]
    fn missing_module_names_paths_and_requester() {
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("main.js");
        let err = resolve("./nope", Some(&from), &[]).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("Cannot find module './nope' required from "),
            "{text}"
        );
        assert!(
            text.contains(&dir.path().join("nope.js").display().to_string()),
            "{text}"
        );
        assert!(text.contains(&from.display().to_string()), "{text}");
    }

    #[test]
    fn package_main_is_read() {
        assert_eq!(
            package_main(r#"{"name":"x","main" : "dist/x.js"}"#).as_deref(),
            Some("dist/x.js")
        );
        assert_eq!(package_main(r#"{"name":"x"}"#), None);
    }
}
