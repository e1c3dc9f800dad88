//! Hoisting of `jest.mock(...)`, as babel-jest does before a test file runs: calls of
//! `jest.mock`, `unmock`, `enableAutomock`, `disableAutomock` and `deepUnmock` that are
//! statements of their own move to the top of their block (for the file: above its `require`s
//! and imports), so that the modules the file loads are already mocked. The calls are moved
//! as text edits; their mapping keeps pointing at the lines the user wrote them on.

use oxc::{
    allocator::Allocator,
    ast::ast::{
        Argument, Expression, IdentifierReference, ImportDeclarationSpecifier, Program, Statement,
    },
    ast_visit::{Visit, walk},
    semantic::{Scoping, SemanticBuilder},
    span::GetSpan,
};

use crate::{
    CompileError, Lang,
    edits::{Edits, Order},
    esm::string_literal,
    map::{LineIndex, SourceMapping},
};

/// The `jest` methods Jest hoists.
const HOISTED: [&str; 5] = [
    "mock",
    "unmock",
    "enableAutomock",
    "disableAutomock",
    "deepUnmock",
];

/// Modules whose `jest` export is the `jest` object.
const JEST_MODULES: [&str; 2] = ["@jest/globals", "wxrun"];

/// Whether `source` may call a hoisted `jest` method: without these words it cannot.
pub fn may_hoist(source: &str) -> bool {
    source.contains("jest") && (source.contains("mock") || source.contains("Mock"))
}

/// Where the `jest` of a hoisted call comes from.
pub(crate) enum JestBinding {
    /// The global.
    Global,
    /// An import from one of [`JEST_MODULES`]: moved calls read it with `require` instead.
    Imported(String),
}

/// What a hoisted callee chain starts from.
enum Root<'e, 'a> {
    /// `jest`, a global or an imported binding.
    Name(&'e IdentifierReference<'a>),
    /// `require("@jest/globals").jest`, as moved calls read an imported `jest`.
    Required,
}

/// The start of a callee chain that is hoisted: `jest.mock(...)`, `jest.mock(...).mock(...)`.
fn jest_root<'e, 'a>(expression: &'e Expression<'a>) -> Option<Root<'e, 'a>> {
    let Expression::CallExpression(call) = expression else {
        return None;
    };
    let Expression::StaticMemberExpression(member) = &call.callee else {
        return None;
    };
    if !HOISTED.contains(&member.property.name.as_str()) {
        return None;
    }
    match &member.object {
        Expression::Identifier(identifier) => Some(Root::Name(identifier)),
        Expression::StaticMemberExpression(jest) if jest.property.name == "jest" => {
            let Expression::CallExpression(require) = &jest.object else {
                return None;
            };
            let is_require =
                matches!(&require.callee, Expression::Identifier(name) if name.name == "require");
            let module = match require.arguments.first() {
                Some(Argument::StringLiteral(module)) => module.value.as_str(),
                _ => return None,
            };
            (is_require && JEST_MODULES.contains(&module)).then_some(Root::Required)
        }
        other => jest_root(other),
    }
}

/// Whether `statement` is a hoisted `jest` call; with the `jest` identifier it names and how
/// that is bound.
pub(crate) fn hoisted_call<'s, 'a>(
    statement: &'s Statement<'a>,
    scoping: &Scoping,
    program: &Program<'a>,
) -> Option<(Option<&'s IdentifierReference<'a>>, JestBinding)> {
    let Statement::ExpressionStatement(expression) = statement else {
        return None;
    };
    let root = match jest_root(&expression.expression)? {
        Root::Required => return Some((None, JestBinding::Global)),
        Root::Name(root) => root,
    };
    let reference = scoping.get_reference(root.reference_id());
    match reference.symbol_id() {
        None if root.name == "jest" => Some((Some(root), JestBinding::Global)),
        None => None,
        Some(symbol) => {
            let span = scoping.symbol_span(symbol);
            program.body.iter().find_map(|statement| {
                let Statement::ImportDeclaration(import) = statement else {
                    return None;
                };
                let specifier = import.source.value.as_str();
                if !JEST_MODULES.contains(&specifier) {
                    return None;
                }
                import
                    .specifiers
                    .as_ref()?
                    .iter()
                    .find_map(|item| match item {
                        ImportDeclarationSpecifier::ImportSpecifier(named)
                            if named.local.span == span && named.imported.name() == "jest" =>
                        {
                            Some((Some(root), JestBinding::Imported(specifier.to_string())))
                        }
                        _ => None,
                    })
            })
        }
    }
}

/// Moves hoisted calls to the top of their blocks. `Ok(None)` when nothing moves.
pub(crate) fn hoist(
    source: &str,
    lang: Lang,
) -> Result<Option<(String, SourceMapping)>, CompileError> {
    let allocator = Allocator::default();
    let Some(program) = crate::parse_for_pass(&allocator, source, lang)? else {
        return Ok(None);
    };
    let scoping = SemanticBuilder::new()
        .build(&program)
        .semantic
        .into_scoping();
    let mut hoister = Hoister {
        scoping: &scoping,
        program: &program,
        edits: Edits::default(),
        moved: 0,
    };
    hoister.block(&program.body);
    hoister.visit_program(&program);
    if hoister.moved == 0 {
        return Ok(None);
    }
    let (code, segments) = hoister.edits.apply(source);
    let mapping = SourceMapping::from_segments(&segments, &code, &LineIndex::new(source));
    Ok(Some((code, mapping)))
}

struct Hoister<'s, 'a> {
    scoping: &'s Scoping,
    program: &'s Program<'a>,
    edits: Edits,
    moved: usize,
}

impl<'a> Hoister<'_, 'a> {
    /// Moves the hoisted calls of one block before its first other statement (so after the
    /// directives, and in the order they were written).
    fn block(&mut self, statements: &[Statement<'a>]) {
        let Some(first_other) = statements
            .iter()
            .position(|s| hoisted_call(s, self.scoping, self.program).is_none())
        else {
            return;
        };
        let target = statements[first_other].span().start;
        for statement in &statements[first_other..] {
            let Some((root, binding)) = hoisted_call(statement, self.scoping, self.program) else {
                continue;
            };
            let span = statement.span();
            let replacements = match (root, binding) {
                (Some(root), JestBinding::Imported(module)) => vec![(
                    root.span.start,
                    root.span.end,
                    format!("require({}).jest", string_literal(&module)),
                )],
                _ => Vec::new(),
            };
            let text = &source_of(self.program)[span.start as usize..span.end as usize];
            self.edits.insert_copy(
                target,
                Order::AFTER_STATEMENT,
                (span.start, span.end),
                replacements,
            );
            let tail = if text.trim_end().ends_with(';') {
                " "
            } else {
                "; "
            };
            self.edits.insert(target, Order::AFTER_STATEMENT, tail);
            self.edits.replace(span.start, span.end, "");
            self.moved += 1;
        }
    }
}

fn source_of<'a>(program: &Program<'a>) -> &'a str {
    program.source_text
}

impl<'a> Visit<'a> for Hoister<'_, 'a> {
    fn visit_statement(&mut self, it: &Statement<'a>) {
        // A moved call is copied whole: nothing inside it moves on its own.
        if hoisted_call(it, self.scoping, self.program).is_none() {
            walk::walk_statement(self, it);
        }
    }

    fn visit_function_body(&mut self, it: &oxc::ast::ast::FunctionBody<'a>) {
        self.block(&it.statements);
        walk::walk_function_body(self, it);
    }

    fn visit_block_statement(&mut self, it: &oxc::ast::ast::BlockStatement<'a>) {
        self.block(&it.body);
        walk::walk_block_statement(self, it);
    }
}
