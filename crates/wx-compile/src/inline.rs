//! Writing inline snapshots into a test file: the `toMatchInlineSnapshot()` (or
//! `toThrowErrorMatchingInlineSnapshot()`) call at a location gets its snapshot as a template
//! literal argument, indented as Jest indents it, and nothing else in the file changes.

use oxc::{
    allocator::Allocator,
    ast::ast::{Argument, CallExpression, Expression},
    ast_visit::{Visit, walk},
    parser::Parser,
    span::{GetSpan, Span},
};

use crate::{CompileError, Lang, edits::Edits, map::LineIndex};

/// A snapshot to write: the call's location as a stack shows it (line from 1, column from 1
/// in bytes) and the serialized value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlineSnapshot {
    pub line: u32,
    pub column: u32,
    pub snapshot: String,
}

const MATCHERS: [&str; 2] = [
    "toMatchInlineSnapshot",
    "toThrowErrorMatchingInlineSnapshot",
];

struct Call {
    span: Span,
    /// Where the matcher's name starts.
    property: u32,
    matcher: String,
    /// The spans of the arguments.
    arguments: Vec<(Span, bool)>,
}

#[derive(Default)]
struct Finder {
    calls: Vec<Call>,
}

impl<'a> Visit<'a> for Finder {
    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        if let Expression::StaticMemberExpression(member) = &it.callee
            && MATCHERS.contains(&member.property.name.as_str())
        {
            self.calls.push(Call {
                span: it.span,
                property: member.property.span.start,
                matcher: member.property.name.to_string(),
                arguments: it
                    .arguments
                    .iter()
                    .map(|argument| {
                        (
                            argument.span(),
                            matches!(argument, Argument::ObjectExpression(_)),
                        )
                    })
                    .collect(),
            });
        }
        walk::walk_call_expression(self, it);
    }
}

/// `text` as a template literal, escaped as Jest escapes snapshots.
fn template_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('`');
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '`' || c == '\\' || rest.starts_with("${") {
            out.push('\\');
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out.push('`');
    out
}

/// A multi-line snapshot indented one level deeper than the line the call starts on (its
/// first and last lines empty, the last at the call's level), as Jest writes it.
fn indented(snapshot: &str, indentation: &str, unit: &str) -> String {
    if !snapshot.contains('\n') {
        return snapshot.to_string();
    }
    let body = format!("\n{snapshot}\n");
    let lines: Vec<&str> = body.split('\n').collect();
    let last = lines.len() - 1;
    lines
        .iter()
        .enumerate()
        .map(|(index, line)| {
            if index == 0 || (index != last && line.is_empty()) {
                line.to_string()
            } else if index == last {
                format!("{indentation}{line}")
            } else {
                format!("{indentation}{unit}{line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `source` with each snapshot written into the inline-snapshot call at its location. A
/// location that names no such call is an error naming it.
pub fn write_inline_snapshots(
    source: &str,
    lang: Lang,
    snapshots: &[InlineSnapshot],
) -> Result<String, CompileError> {
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, source, lang.source_type()).parse();
    if let Some(error) = parsed.diagnostics.errors().next() {
        return Err(CompileError::from_diagnostic(source, error));
    }
    let mut finder = Finder::default();
    finder.visit_program(&parsed.program);
    let lines = LineIndex::new(source);
    let unit = if source.contains("\n\t") { "\t" } else { "  " };
    let mut edits = Edits::default();
    let mut done: Vec<usize> = Vec::new();
    for snapshot in snapshots {
        let line = snapshot.line.saturating_sub(1);
        // The call on that line whose matcher name is nearest the column.
        let found = finder
            .calls
            .iter()
            .enumerate()
            .filter(|(_, call)| {
                let (first, _) = lines.position(call.span.start);
                let (last, _) = lines.position(call.span.end);
                first <= line && line <= last
            })
            .min_by_key(|(_, call)| {
                let (at_line, at_column) = lines.position(call.property);
                (
                    at_line.abs_diff(line),
                    at_column.abs_diff(snapshot.column.saturating_sub(1)),
                )
            });
        let Some((index, call)) = found else {
            return Err(CompileError::at(
                source,
                lines.offset(line, 0),
                format!(
                    "no toMatchInlineSnapshot() call found on line {} to write the snapshot into",
                    snapshot.line
                ),
            ));
        };
        if done.contains(&index) {
            continue;
        }
        done.push(index);
        let (call_line, _) = lines.position(call.span.start);
        let line_start = lines.offset(call_line, 0) as usize;
        let indentation: String = source[line_start..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        let literal = template_literal(&indented(&snapshot.snapshot, &indentation, unit));
        // toMatchInlineSnapshot(propertyMatchers?, snapshot?)
        let position = usize::from(
            call.matcher == "toMatchInlineSnapshot"
                && call.arguments.first().is_some_and(|(_, object)| *object),
        );
        match call.arguments.get(position) {
            Some((span, _)) => edits.replace(span.start, span.end, literal),
            None => match call.arguments.last() {
                Some((span, _)) => {
                    edits.insert(span.end, crate::edits::Order::LAST, format!(", {literal}"))
                }
                None => {
                    // Before the closing parenthesis.
                    let close = source[..call.span.end as usize]
                        .rfind(')')
                        .map_or(call.span.end, |at| at as u32);
                    edits.insert(close, crate::edits::Order::LAST, literal);
                }
            },
        }
    }
    Ok(edits.apply(source).0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_go_into_their_calls_indented_as_jest_does() {
        let source = "test('a', () => {\n  expect(1).toMatchInlineSnapshot();\n  expect({ a: 1 }).toMatchInlineSnapshot(`old`);\n  expect(f).toThrowErrorMatchingInlineSnapshot();\n});\n";
        let out = write_inline_snapshots(
            source,
            Lang::JavaScript,
            &[
                InlineSnapshot {
                    line: 2,
                    column: 13,
                    snapshot: "1".into(),
                },
                InlineSnapshot {
                    line: 3,
                    column: 20,
                    snapshot: "{\n  \"a\": 1,\n}".into(),
                },
                InlineSnapshot {
                    line: 4,
                    column: 13,
                    snapshot: "\"it's `bad` \\\\ ${x}\"".into(),
                },
            ],
        )
        .unwrap();
        assert_eq!(
            out,
            "test('a', () => {\n  expect(1).toMatchInlineSnapshot(`1`);\n  expect({ a: 1 }).toMatchInlineSnapshot(`\n    {\n      \"a\": 1,\n    }\n  `);\n  expect(f).toThrowErrorMatchingInlineSnapshot(`\"it's \\`bad\\` \\\\\\\\ \\${x}\"`);\n});\n"
        );
    }

    #[test]
    fn property_matchers_stay_first() {
        let source = "expect(o).toMatchInlineSnapshot({ id: expect.any(Number) });\n";
        let out = write_inline_snapshots(
            source,
            Lang::JavaScript,
            &[InlineSnapshot {
                line: 1,
                column: 1,
                snapshot: "{}".into(),
            }],
        )
        .unwrap();
        assert_eq!(
            out,
            "expect(o).toMatchInlineSnapshot({ id: expect.any(Number) }, `{}`);\n"
        );
    }

    #[test]
    fn a_location_without_a_call_is_named() {
        let error = write_inline_snapshots(
            "expect(1).toBe(1);\n",
            Lang::JavaScript,
            &[InlineSnapshot {
                line: 1,
                column: 1,
                snapshot: "1".into(),
            }],
        )
        .unwrap_err();
        assert!(error.message.contains("line 1"), "{}", error.message);
    }
}
