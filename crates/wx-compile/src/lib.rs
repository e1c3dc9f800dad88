//! wx-compile: the compile step of wxrun. WeChat DevTools compiles every file of a
//! mini-program before the base library sees it; phones run that output. This crate does the
//! same for one file at a time, as pure functions from source text to the CommonJS JavaScript
//! QuickJS runs plus a [`SourceMapping`] back to the original lines and columns:
//!
//! - ES-module syntax becomes CommonJS with Babel's interop ([`esm`]);
//! - TypeScript loses its types, and its enums, namespaces and parameter properties become
//!   code (oxc's transformer, [`typescript`]);
//! - a file with neither is returned unchanged, usually without being parsed.
//!
//! Two more passes run when the caller asks ([`Passes`]): `jest.mock` calls move above the
//! imports as babel-jest moves them ([`hoist`]), and coverage counters go into the project's
//! files for `wxrun test --coverage` ([`coverage`]). And [`write_inline_snapshots`] puts
//! snapshots into the `toMatchInlineSnapshot()` calls of a test file.
//!
//! It knows nothing of `wx`, of the engine or of files: the module loader in wx-host reads,
//! caches and evaluates.

pub mod coverage;
mod edits;
mod esm;
mod frame;
mod hoist;
mod inline;
mod map;
mod typescript;

use std::path::Path;

use oxc::{
    allocator::Allocator, diagnostics::OxcDiagnostic, parser::Parser, semantic::SemanticBuilder,
    span::SourceType,
};

pub use coverage::CoverageMap;
pub use esm::string_literal;
pub use frame::{code_frame, line_column};
pub use inline::{InlineSnapshot, write_inline_snapshots};
pub use map::SourceMapping;

/// Changes whenever the output for a given input changes, so that caches of compiled files
/// (keyed by it, the passes and the source) never serve an older compiler's output.
pub const OUTPUT_VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "+esm8");

/// The passes that run besides the module conversion and TypeScript, chosen per file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Passes {
    /// Move `jest.mock(...)` calls above the file's imports and requires (`wxrun test`).
    pub hoist_jest_mocks: bool,
    /// Insert coverage counters (`wxrun test --coverage`, for the project's own files).
    pub coverage: bool,
}

impl Passes {
    /// A number naming the passes, for cache keys: outputs of different passes never mix.
    pub fn tag(self) -> u8 {
        u8::from(self.hoist_jest_mocks) | (u8::from(self.coverage) << 1)
    }

    /// Whether JavaScript `source` needs the compile step at all under these passes: without
    /// module syntax, a hoisted `jest` call or coverage, it runs as written.
    pub fn needs_compile(self, source: &str) -> bool {
        self.coverage
            || may_have_module_syntax(source)
            || (self.hoist_jest_mocks && hoist::may_hoist(source))
    }
}

/// The language of a source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    JavaScript,
    TypeScript,
}

impl Lang {
    /// How oxc parses a file of this language: JavaScript as a module or a script, whichever
    /// it is; TypeScript likewise.
    pub(crate) fn source_type(self) -> SourceType {
        match self {
            Lang::JavaScript => SourceType::unambiguous(),
            Lang::TypeScript => SourceType::ts().with_unambiguous(true),
        }
    }

    /// The language of a file the module loader compiles, by its extension: `.js` and `.cjs`
    /// are JavaScript, `.ts` TypeScript; anything else (`.mjs`, `.json`) is not compiled.
    pub fn of_path(path: &Path) -> Option<Lang> {
        match path.extension()?.to_str()? {
            "js" | "cjs" => Some(Lang::JavaScript),
            "ts" | "cts" | "mts" => Some(Lang::TypeScript),
            _ => None,
        }
    }
}

/// What the compile step made of a file.
#[derive(Debug)]
pub enum Output {
    /// Plain CommonJS or script code: run as written.
    Unchanged,
    Compiled(Compiled),
}

/// Compiled code and where its positions came from.
#[derive(Debug)]
pub struct Compiled {
    pub code: String,
    pub mapping: SourceMapping,
}

/// A file that cannot be compiled: a syntax error, or a form the conversion cannot express.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CompileError {
    pub kind: ErrorKind,
    pub message: String,
    /// From 1.
    pub line: u32,
    /// From 1, in characters.
    pub column: u32,
    /// The lines around the location with a caret under it.
    pub frame: String,
}

/// Why a file could not be compiled to CommonJS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// A syntax error, or a form with no CommonJS equivalent.
    Invalid,
    /// `await` at the top level: the file can run only as an ES module ([`compile_as_module`]).
    TopLevelAwait,
}

impl CompileError {
    fn at(source: &str, offset: u32, message: String) -> CompileError {
        let (line, column) = line_column(source, offset as usize);
        CompileError {
            kind: ErrorKind::Invalid,
            message,
            line,
            column,
            frame: code_frame(source, line, column),
        }
    }

    pub(crate) fn from_diagnostic(source: &str, diagnostic: &OxcDiagnostic) -> CompileError {
        let offset = diagnostic
            .labels
            .iter()
            .find(|label| label.primary())
            .or_else(|| diagnostic.labels.first())
            .map_or(0, |label| label.offset());
        let mut message = diagnostic.message.to_string();
        if let Some(help) = &diagnostic.help {
            message.push_str(&format!(" ({help})"));
        }
        CompileError::at(source, offset, message)
    }
}

/// Whether JavaScript `source` may hold module syntax or `import()`: without either word it
/// cannot, and [`compile`] returns it unchanged without parsing it.
pub fn may_have_module_syntax(source: &str) -> bool {
    let bytes = source.as_bytes();
    let is_name = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
    ["import", "export"].iter().any(|word| {
        source.match_indices(word).any(|(at, _)| {
            let before = at.checked_sub(1).map(|i| bytes[i]);
            let after = bytes.get(at + word.len()).copied();
            // `module.exports`, `exportsFoo` and `obj.import()` are not module syntax.
            !before.is_some_and(|b| is_name(b) || b == b'.') && !after.is_some_and(is_name)
        })
    })
}

/// Compiles one file.
pub fn compile(source: &str, lang: Lang) -> Result<Output, CompileError> {
    compile_with(source, lang, Passes::default())
}

/// `later` (output → middle) after `earlier` (middle → source, when there is a middle).
fn compose(later: SourceMapping, earlier: Option<&SourceMapping>) -> SourceMapping {
    match earlier {
        Some(earlier) => later.then(earlier),
        None => later,
    }
}

/// An error found in text a pass wrote, moved to the user's `source` through `mapping`.
fn relocate(error: CompileError, mapping: &SourceMapping, source: &str) -> CompileError {
    let (line, column) = mapping.original(error.line, 1).unwrap_or((1, 1));
    CompileError {
        kind: error.kind,
        message: error.message,
        line,
        column,
        frame: code_frame(source, line, column),
    }
}

/// Compiles one file with `passes`: coverage counters first (so that what they count is
/// located in the original), then `jest.mock` hoisting, TypeScript, and the module
/// conversion; the mappings of the passes compose.
pub fn compile_with(source: &str, lang: Lang, passes: Passes) -> Result<Output, CompileError> {
    if lang == Lang::JavaScript && !passes.needs_compile(source) {
        return Ok(Output::Unchanged);
    }
    // The text so far, and its mapping back to `source` once a pass changed it.
    let mut text = std::borrow::Cow::Borrowed(source);
    let mut mapping: Option<SourceMapping> = None;
    if passes.coverage
        && let Some(instrumented) = coverage::instrument(source, lang)?
    {
        text = instrumented.code.into();
        mapping = Some(instrumented.mapping);
    }
    if passes.hoist_jest_mocks && hoist::may_hoist(&text) {
        let hoisted = hoist::hoist(&text, lang).map_err(|error| match &mapping {
            Some(mapping) => relocate(error, mapping, source),
            None => error,
        })?;
        if let Some((code, moved)) = hoisted {
            mapping = Some(compose(moved, mapping.as_ref()));
            text = code.into();
        }
    }
    let hoisting = passes.hoist_jest_mocks;
    let (code, mapping) = match lang {
        Lang::JavaScript => {
            let converted = if may_have_module_syntax(&text) {
                convert_modules(&text, hoisting).map_err(|error| match &mapping {
                    Some(mapping) => relocate(error, mapping, source),
                    None => error,
                })?
            } else {
                None
            };
            match (converted, mapping) {
                (Some((code, converted)), earlier) => (code, compose(converted, earlier.as_ref())),
                (None, Some(earlier)) => (text.into_owned(), earlier),
                (None, None) => return Ok(Output::Unchanged),
            }
        }
        Lang::TypeScript => {
            let (javascript, to_typescript) =
                typescript::to_javascript(&text, typescript::Modules::CommonJs).map_err(
                    |error| match &mapping {
                        Some(mapping) => relocate(error, mapping, source),
                        None => error,
                    },
                )?;
            let to_source = compose(to_typescript, mapping.as_ref());
            // The TypeScript output is the compiler's own text: errors point at the source.
            match convert_modules(&javascript, hoisting)
                .map_err(|error| relocate(error, &to_source, source))?
            {
                Some((code, converted)) => (code, converted.then(&to_source)),
                None => (javascript, to_source),
            }
        }
    };
    Ok(Output::Compiled(Compiled { code, mapping }))
}

/// What coverage counts in `source` (for a file no test loaded, reported as never run).
pub fn coverage_map(source: &str, lang: Lang) -> Result<Option<CoverageMap>, CompileError> {
    Ok(coverage::instrument(source, lang)?.map(|instrumented| instrumented.map))
}

/// Compiles a file to run as a native ES module (an entry script with top-level `await`):
/// TypeScript loses its types and keeps its module syntax; JavaScript runs as written.
pub fn compile_as_module(source: &str, lang: Lang) -> Result<Output, CompileError> {
    match lang {
        Lang::JavaScript => Ok(Output::Unchanged),
        Lang::TypeScript => {
            let (code, mapping) = typescript::to_javascript(source, typescript::Modules::Keep)?;
            Ok(Output::Compiled(Compiled { code, mapping }))
        }
    }
}

/// Parses `source` for a pass that edits it. A syntax error of TypeScript or of an ES module
/// is the user's to see; one of a plain script is left to the engine (`Ok(None)`): oxc is
/// stricter than QuickJS about some legacy script forms old npm packages still use.
pub(crate) fn parse_for_pass<'a>(
    allocator: &'a Allocator,
    source: &'a str,
    lang: Lang,
) -> Result<Option<oxc::ast::ast::Program<'a>>, CompileError> {
    let parsed = Parser::new(allocator, source, lang.source_type()).parse();
    if let Some(error) = parsed.diagnostics.errors().next() {
        return if lang == Lang::TypeScript || parsed.program.source_type.is_module() {
            Err(CompileError::from_diagnostic(source, error))
        } else {
            Ok(None)
        };
    }
    Ok(Some(parsed.program))
}

/// ES-module syntax → CommonJS. `Ok(None)` when the file has none: then a parse error is left
/// for the engine to report, since oxc is stricter than QuickJS about some legacy script forms
/// that old npm packages still use.
fn convert_modules(
    source: &str,
    hoisting: bool,
) -> Result<Option<(String, SourceMapping)>, CompileError> {
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, source, SourceType::unambiguous()).parse();
    let program = parsed.program;
    let is_module = program.source_type.is_module();
    if let Some(error) = parsed.diagnostics.errors().next() {
        return if is_module || parsed.module_record.has_module_syntax {
            Err(CompileError::from_diagnostic(source, error))
        } else {
            Ok(None)
        };
    }
    let semantic = SemanticBuilder::new()
        .with_check_syntax_error(is_module)
        .build(&program);
    if is_module && let Some(error) = semantic.diagnostics.errors().next() {
        return Err(CompileError::from_diagnostic(source, error));
    }
    let scoping = semantic.semantic.into_scoping();
    let edits = esm::to_common_js(source, &program, &scoping, hoisting).map_err(|unsupported| {
        let mut error = CompileError::at(source, unsupported.offset, unsupported.message);
        if unsupported.top_level_await {
            error.kind = ErrorKind::TopLevelAwait;
        }
        error
    })?;
    let Some(edits) = edits else {
        return Ok(None);
    };
    let (code, segments) = edits.apply(source);
    let mapping = SourceMapping::from_segments(&segments, &code, &map::LineIndex::new(source));
    Ok(Some((code, mapping)))
}

#[cfg(test)]
mod tests;
