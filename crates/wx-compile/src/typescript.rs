//! TypeScript → JavaScript with oxc's transformer: types, `import type` and type-only imports
//! removed, enums, namespaces and parameter properties turned into code, `import x =
//! require()` and `export =` into their CommonJS forms. Module syntax is left for
//! [`crate::esm`].

use std::path::Path;

use oxc::{
    allocator::Allocator,
    codegen::{Codegen, CodegenOptions},
    parser::Parser,
    semantic::SemanticBuilder,
    span::SourceType,
    transformer::{Module, TransformOptions, Transformer},
};

use crate::{CompileError, map::SourceMapping};

/// Columns of a source map (UTF-16 units) ↔ byte columns, for one text.
struct Columns<'t> {
    lines: Vec<&'t str>,
}

impl<'t> Columns<'t> {
    fn new(text: &'t str) -> Self {
        Columns {
            lines: text.split('\n').collect(),
        }
    }

    fn byte_column(&self, line: u32, utf16: u32) -> u32 {
        let Some(text) = self.lines.get(line as usize) else {
            return utf16;
        };
        if text.is_ascii() {
            return utf16;
        }
        let mut units = 0;
        for (at, c) in text.char_indices() {
            if units >= utf16 {
                return at as u32;
            }
            units += c.len_utf16() as u32;
        }
        text.len() as u32
    }
}

/// What becomes of the module syntax of TypeScript that is not an ES feature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Modules {
    /// `import x = require()` and `export =` become their CommonJS forms.
    CommonJs,
    /// The file stays an ES module.
    Keep,
}

/// The JavaScript of a TypeScript file, and where each of its positions came from.
pub(crate) fn to_javascript(
    source: &str,
    modules: Modules,
) -> Result<(String, SourceMapping), CompileError> {
    let allocator = Allocator::default();
    let source_type = SourceType::ts().with_unambiguous(true);
    let parsed = Parser::new(&allocator, source, source_type).parse();
    if let Some(error) = parsed.diagnostics.errors().next() {
        return Err(CompileError::from_diagnostic(source, error));
    }
    let mut program = parsed.program;
    let semantic = SemanticBuilder::new().with_enum_eval(true).build(&program);
    let scoping = semantic.semantic.into_scoping();
    let mut options = TransformOptions::default();
    options.env.module = match modules {
        Modules::CommonJs => Module::CommonJS,
        Modules::Keep => Module::Preserve,
    };
    let path = Path::new("source.ts");
    let transformed =
        Transformer::new(&allocator, path, &options).build_with_scoping(scoping, &mut program);
    if let Some(error) = transformed.diagnostics.iter().next() {
        return Err(CompileError::from_diagnostic(source, error));
    }
    let printed = Codegen::new()
        .with_options(CodegenOptions {
            source_map_path: Some(path.to_path_buf()),
            ..CodegenOptions::default()
        })
        .build(&program);
    let code = printed.code;
    let mapping = match printed.map {
        Some(map) => {
            let generated = Columns::new(&code);
            let original = Columns::new(source);
            SourceMapping::from_marks(map.get_tokens().map(|token| {
                let line = token.get_dst_line();
                let source_line = token.get_src_line();
                (
                    line,
                    generated.byte_column(line, token.get_dst_col()),
                    source_line,
                    original.byte_column(source_line, token.get_src_col()),
                )
            }))
        }
        None => SourceMapping::default(),
    };
    Ok((code, mapping))
}
