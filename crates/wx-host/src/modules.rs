//! Module resolution and loading as a mini-program sees them: relative paths, paths absolute to
//! the mini-program root, `resolveAlias` of app.json, packages in `miniprogram_npm/` (what
//! DevTools' "build npm" writes) then `node_modules/` (for tests), and, as the base library
//! does, a bare name relative to the requiring file. `.js`, `.ts` and `.json` are found
//! without their extension. ES modules (`.mjs`) may import CommonJS files and built-ins.

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

use crate::{
    eval::eval_at_line,
    sources::{SourceError, Sources, read_source},
};

/// What a specifier names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    Builtin(String),
    File(PathBuf),
}

/// How specifiers that are not relative resolve: the mini-program's root and aliases.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleOptions {
    /// The mini-program root: `/utils/x` means `<root>/utils/x`.
    pub root: Option<PathBuf>,
    /// `resolveAlias` of app.json, in its order: pattern → target, either may end in `*`;
    /// targets are relative to the root.
    pub aliases: Vec<(String, String)>,
}

/// One way of resolving a specifier that was tried, and the paths it looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolutionStep {
    pub what: String,
    pub tried: Vec<PathBuf>,
}

/// A module that could not be found, with every step and path tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleNotFound {
    pub specifier: String,
    pub from: Option<PathBuf>,
    pub steps: Vec<ResolutionStep>,
}

impl fmt::Display for ModuleNotFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cannot find module '{}'", self.specifier)?;
        if let Some(from) = &self.from {
            write!(f, " required from {}", from.display())?;
        }
        for (index, step) in self.steps.iter().enumerate() {
            f.write_str(if index == 0 { "; tried " } else { "; then " })?;
            f.write_str(&step.what)?;
            if step.tried.is_empty() {
                f.write_str(" (none exists)")?;
            } else {
                let tried: Vec<String> =
                    step.tried.iter().map(|p| p.display().to_string()).collect();
                write!(f, " ({})", tried.join(", "))?;
            }
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

fn is_relative(specifier: &str) -> bool {
    specifier == "."
        || specifier == ".."
        || specifier.starts_with("./")
        || specifier.starts_with("../")
}

/// Extensions a specifier may leave out, in the order they are tried.
const EXTENSIONS: [&str; 3] = [".js", ".ts", ".json"];

/// Tries `base` as a file, with extensions, and as a folder.
fn load_as_file_or_folder(base: &Path, tried: &mut Vec<PathBuf>) -> Option<PathBuf> {
    let as_text = base.as_os_str().to_string_lossy();
    let mut candidates = vec![base.to_path_buf()];
    for ext in EXTENSIONS {
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
            let mut candidates = vec![main_path.clone()];
            for ext in EXTENSIONS {
                candidates.push(PathBuf::from(format!("{}{ext}", main_path.display())));
            }
            candidates.push(main_path.join("index.js"));
            for candidate in candidates {
                if candidate.is_file() {
                    return Some(candidate);
                }
                tried.push(candidate);
            }
        }
        for ext in EXTENSIONS {
            let candidate = base.join(format!("index{ext}"));
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

/// The target of the first alias whose pattern matches `specifier`.
fn alias_target(specifier: &str, aliases: &[(String, String)]) -> Option<(String, String)> {
    for (pattern, target) in aliases {
        let rewritten = match (pattern.strip_suffix('*'), target.strip_suffix('*')) {
            (Some(prefix), Some(target_prefix)) => specifier
                .strip_prefix(prefix)
                .map(|rest| format!("{target_prefix}{rest}")),
            (Some(_), None) | (None, Some(_)) => None,
            (None, None) => (specifier == pattern).then(|| target.clone()),
        };
        if let Some(rewritten) = rewritten {
            return Some((pattern.clone(), rewritten));
        }
    }
    None
}

/// Resolves `specifier` as required from the file `from` (or the working folder).
pub fn resolve(
    specifier: &str,
    from: Option<&Path>,
    builtins: &[String],
    options: &ModuleOptions,
) -> Result<Resolved, ModuleNotFound> {
    if builtins.iter().any(|name| name == specifier) {
        return Ok(Resolved::Builtin(specifier.to_string()));
    }
    let base_dir = from
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("/"));
    let mut steps: Vec<ResolutionStep> = Vec::new();
    let attempt = |what: String, base: PathBuf, steps: &mut Vec<ResolutionStep>| {
        let mut tried = Vec::new();
        let found = load_as_file_or_folder(&base, &mut tried);
        steps.push(ResolutionStep { what, tried });
        found
    };
    let done = |found: Option<PathBuf>, steps: Vec<ResolutionStep>| {
        found.map(Resolved::File).ok_or_else(|| ModuleNotFound {
            specifier: specifier.to_string(),
            from: from.map(Path::to_path_buf),
            steps,
        })
    };
    if let Some(root) = &options.root
        && let Some((pattern, target)) = alias_target(specifier, &options.aliases)
    {
        let base = normalise(&root.join(target.trim_start_matches('/')));
        let found = attempt(
            format!("the resolveAlias entry \"{pattern}\" of app.json"),
            base,
            &mut steps,
        );
        return done(found, steps);
    }
    if is_relative(specifier) {
        let found = attempt(
            "relative to the requiring file".into(),
            normalise(&base_dir.join(specifier)),
            &mut steps,
        );
        return done(found, steps);
    }
    if specifier.starts_with('/') {
        if let Some(root) = &options.root {
            let found = attempt(
                "from the mini-program root".into(),
                normalise(&root.join(specifier.trim_start_matches('/'))),
                &mut steps,
            );
            if found.is_some() {
                return done(found, steps);
            }
        }
        let found = attempt(
            "as an absolute path".into(),
            normalise(Path::new(specifier)),
            &mut steps,
        );
        return done(found, steps);
    }
    // Packages from the requiring file up, and for `miniprogram_npm` also the mini-program
    // root's, where DevTools' "build npm" writes them (a script or test outside that folder
    // uses the same packages as the app).
    for packages in ["miniprogram_npm", "node_modules"] {
        let mut tried = Vec::new();
        let root_folder = options
            .root
            .as_deref()
            .filter(|root| packages == "miniprogram_npm" && !base_dir.starts_with(root));
        for dir in base_dir.ancestors().chain(root_folder) {
            let folder = dir.join(packages);
            if folder.is_dir()
                && let Some(found) = load_as_file_or_folder(&folder.join(specifier), &mut tried)
            {
                return Ok(Resolved::File(found));
            }
        }
        steps.push(ResolutionStep {
            what: format!("{packages} folders from the requiring file up"),
            tried,
        });
    }
    // The base library reads a bare path such as 'utils/util' relative to the requiring file.
    let found = attempt(
        "relative to the requiring file, as the base library reads a bare path".into(),
        normalise(&base_dir.join(specifier)),
        &mut steps,
    );
    done(found, steps)
}

/// Browser globals DevTools' module wrapper hands every module as `undefined`, so that
/// `typeof window` and friends answer 'undefined' instead of throwing.
const BROWSER_NAMES: &str = "window, document, frames, self, location, navigator, localStorage, \
     history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, \
     webkit, WeixinJSCore";

/// The text placed before a CommonJS file's first line. It shares that line, so line numbers
/// stay right; columns on line 1 are corrected when stacks are shown.
pub(crate) fn common_js_header() -> String {
    format!(
        "(function (exports, require, module, __filename, __dirname, global, {BROWSER_NAMES}) {{"
    )
}

/// Compiles a CommonJS file (after the compile step) into its module function.
pub(crate) fn compile_common_js<'js>(
    ctx: &Ctx<'js>,
    path: &Path,
    sources: &Sources,
) -> rquickjs::Result<Function<'js>> {
    let name = path.to_string_lossy();
    sources.mark_wrapped(&name);
    let code = match sources.code_of(path) {
        Ok(code) => code,
        Err(SourceError::Read(err)) => {
            return Err(Exception::throw_message(
                ctx,
                &format!("cannot read {name}: {err}"),
            ));
        }
        Err(SourceError::Compile(error)) => {
            // The stack holds engine coordinates, as every stack does; the header shares line 1.
            let engine_column = if error.line == 1 {
                error.column + common_js_header().len() as u32
            } else {
                error.column
            };
            return Err(throw_compile_error(
                ctx,
                &name,
                (error.line, engine_column),
                (error.line, error.column),
                &error.message,
                &error.frame,
            ));
        }
    };
    let wrapped = format!("{}{code}\n}})", common_js_header());
    match eval_at_line(ctx, &wrapped, &name, 1) {
        Ok(value) => value.into_function().ok_or_else(|| {
            Exception::throw_internal(ctx, "module wrapper did not compile to a function")
        }),
        Err(Error::Exception) => Err(with_code_frame(ctx, path, sources)),
        Err(other) => Err(other),
    }
}

/// Throws the SyntaxError of a file that could not be compiled and is not wrapped (an entry
/// evaluated as an ES module).
pub(crate) fn compile_failure(
    ctx: &Ctx<'_>,
    file: &str,
    error: &wx_compile::CompileError,
) -> Error {
    let at = (error.line, error.column);
    throw_compile_error(ctx, file, at, at, &error.message, &error.frame)
}

/// A syntax error QuickJS found in a file gets the same form as one the compile step found:
/// `file:line:col: message` and a code frame of the user's source.
fn with_code_frame(ctx: &Ctx<'_>, path: &Path, sources: &Sources) -> Error {
    let error = ctx.catch();
    let file = path.to_string_lossy();
    let located = error.as_object().and_then(|object| {
        let name: String = object.get("name").ok()?;
        if name != "SyntaxError" {
            return None;
        }
        let message: String = object.get("message").ok()?;
        let stack: String = object.get("stack").ok()?;
        let at = stack.lines().find_map(|line| {
            let rest = line.trim().strip_prefix("at ")?;
            let rest = rest.trim_start_matches('(').trim_end_matches(')');
            let rest = rest.strip_prefix(file.as_ref())?.strip_prefix(':')?;
            let (line, column) = rest.split_once(':')?;
            Some((line.parse::<u32>().ok()?, column.parse::<u32>().ok()?))
        })?;
        Some((message, at))
    });
    let (Some((message, engine)), Ok(source)) = (located, read_source(path)) else {
        return ctx.throw(error);
    };
    let (line, byte_column) = sources
        .user_location(&file, engine.0, engine.1)
        .unwrap_or(engine);
    // QuickJS counts bytes; the frame counts characters.
    let text = source.split('\n').nth(line as usize - 1).unwrap_or("");
    let prefix = text
        .get(..(byte_column as usize).saturating_sub(1).min(text.len()))
        .unwrap_or(text);
    let column = prefix.chars().count() as u32 + 1;
    let frame = wx_compile::code_frame(&source, line, column);
    throw_compile_error(ctx, &file, engine, (line, column), &message, &frame)
}

/// Throws `SyntaxError: file:line:col: message` with the code frame. Its stack starts at the
/// error's location in engine coordinates (`engine`), which the stack display turns into the
/// user's, like every other frame; `code` marks it so the loader can say what ran before it.
fn throw_compile_error(
    ctx: &Ctx<'_>,
    file: &str,
    engine: (u32, u32),
    (line, column): (u32, u32),
    message: &str,
    frame: &str,
) -> Error {
    let text = format!("{file}:{line}:{column}: {message}\n{}", frame.trim_end());
    let built = (|| -> rquickjs::Result<Value<'_>> {
        let constructor: rquickjs::Constructor = ctx.globals().get("SyntaxError")?;
        let error: Object = constructor.construct((text.as_str(),))?;
        let stack: String = error.get("stack").unwrap_or_default();
        error.set(
            "stack",
            format!("    at {file}:{}:{}\n{stack}", engine.0, engine.1),
        )?;
        error.prop(
            "code",
            rquickjs::object::Property::from(COMPILE_ERROR_CODE)
                .writable()
                .configurable(),
        )?;
        Ok(error.into_value())
    })();
    match built {
        Ok(error) => ctx.throw(error),
        Err(err) => err,
    }
}

/// The `code` of a SyntaxError thrown because a module could not be compiled.
pub(crate) const COMPILE_ERROR_CODE: &str = "WXRUN_COMPILE";

/// The built-in names the ES module resolver recognises, shared with the host.
pub(crate) type BuiltinNames = Rc<RefCell<Vec<String>>>;

pub(crate) struct EsmResolver {
    pub builtins: BuiltinNames,
    pub options: Rc<ModuleOptions>,
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
        match resolve(name, from, &self.builtins.borrow(), &self.options) {
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

fn is_identifier_name(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// An ES module that re-exports a CommonJS or built-in object: `default` is the object (or
/// its `default` when it was compiled from ES-module syntax) and each own key with an
/// identifier name becomes a named export, with the value it has when the module is imported.
fn reexport_source(getter: &str, exports: &Value<'_>) -> String {
    // A module compiled from ES-module syntax marks itself with `__esModule`: its default
    // export is `exports.default`, as Babel's interop reads it; otherwise the whole object.
    let compiled = exports
        .as_object()
        .and_then(|object| object.get::<_, bool>("__esModule").ok())
        .unwrap_or(false);
    let default = if compiled { "m.default" } else { "m" };
    let mut source = format!("const m = {getter};\nexport default {default};\n");
    if let Some(object) = exports.as_object() {
        for (index, key) in object.keys::<String>().flatten().enumerate() {
            if key != "default" && is_identifier_name(&key) {
                source.push_str(&format!(
                    "const e{index} = m[{}];\nexport {{ e{index} as {key} }};\n",
                    wx_compile::string_literal(&key)
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
                wx_compile::string_literal(builtin)
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
                    wx_compile::string_literal(name)
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
                resolve(specifier, Some(&from), &builtins, &ModuleOptions::default()).unwrap(),
                expected,
                "{specifier}"
            );
        }
    }

    #[test]
    fn missing_module_names_paths_and_requester() {
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("main.js");
        let err = resolve("./nope", Some(&from), &[], &ModuleOptions::default()).unwrap_err();
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
