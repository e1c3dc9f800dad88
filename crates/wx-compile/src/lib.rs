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
//! It knows nothing of `wx`, of the engine or of files: the module loader in wx-host reads,
//! caches and evaluates.

mod edits;
mod esm;
mod frame;
mod map;
mod typescript;

use std::path::Path;

use oxc::{
    allocator::Allocator, diagnostics::OxcDiagnostic, parser::Parser, semantic::SemanticBuilder,
    span::SourceType,
};

pub use esm::string_literal;
pub use frame::{code_frame, line_column};
pub use map::SourceMapping;

/// Changes whenever the output for a given input changes, so that caches of compiled files
/// (keyed by it and the source) never serve an older compiler's output.
pub const OUTPUT_VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "+esm7");

/// The language of a source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    JavaScript,
    TypeScript,
}

impl Lang {
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
    match lang {
        Lang::JavaScript => {
            if !may_have_module_syntax(source) {
                return Ok(Output::Unchanged);
            }
            match convert_modules(source)? {
                Some((code, mapping)) => Ok(Output::Compiled(Compiled { code, mapping })),
                None => Ok(Output::Unchanged),
            }
        }
        Lang::TypeScript => {
            let (javascript, to_typescript) =
                typescript::to_javascript(source, typescript::Modules::CommonJs)?;
            let (code, mapping) = match convert_modules(&javascript).map_err(|error| {
                // The TypeScript output is the compiler's own text: point at the source.
                let (line, column) = to_typescript.original(error.line, 1).unwrap_or((1, 1));
                CompileError {
                    kind: error.kind,
                    message: error.message,
                    line,
                    column,
                    frame: code_frame(source, line, column),
                }
            })? {
                Some((code, to_javascript)) => (code, to_javascript.then(&to_typescript)),
                None => (javascript, to_typescript),
            };
            Ok(Output::Compiled(Compiled { code, mapping }))
        }
    }
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

/// ES-module syntax → CommonJS. `Ok(None)` when the file has none: then a parse error is left
/// for the engine to report, since oxc is stricter than QuickJS about some legacy script forms
/// that old npm packages still use.
fn convert_modules(source: &str) -> Result<Option<(String, SourceMapping)>, CompileError> {
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
    let edits = esm::to_common_js(source, &program, &scoping).map_err(|unsupported| {
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
