//! Source mappings: from a line and column of compiled output back to the file the user wrote.
//!
//! Columns count UTF-8 bytes from 1, as QuickJS reports them in stacks, on both sides; the
//! stored form is a version 3 source map (VLQ-encoded by oxc_sourcemap) with those columns.

use oxc_sourcemap::{SourceMap, SourceMapBuilder};

use crate::edits::Segment;

/// Byte offset ↔ line and column (both from 0) of one text.
pub(crate) struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i as u32 + 1),
        );
        LineIndex { starts }
    }

    pub(crate) fn position(&self, offset: u32) -> (u32, u32) {
        let line = self.starts.partition_point(|start| *start <= offset) - 1;
        (line as u32, offset - self.starts[line])
    }

    /// The byte offset of `line` and byte `column` (both from 0).
    pub(crate) fn offset(&self, line: u32, column: u32) -> u32 {
        let start = self
            .starts
            .get(line as usize)
            .or(self.starts.last())
            .copied()
            .unwrap_or(0);
        start + column
    }
}

/// The name marking, in a stored mapping, marks of text the compiler wrote.
const WRITTEN: &str = "wxrun:written";

/// One known correspondence: output line/column → source line/column (all from 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Mark {
    column: u32,
    source_line: u32,
    source_column: u32,
    /// The text from here to the next mark was copied, so columns between them map one to
    /// one; otherwise all of it (text the compiler wrote) maps to this mark's source position.
    copied: bool,
}

/// Where compiled output came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceMapping {
    /// Per output line, its marks by column.
    lines: Vec<Vec<Mark>>,
}

impl SourceMapping {
    fn add(&mut self, line: u32, column: u32, source: (u32, u32), copied: bool) {
        self.add_mark(
            line,
            Mark {
                column,
                source_line: source.0,
                source_column: source.1,
                copied,
            },
        );
    }

    fn add_mark(&mut self, line: u32, mark: Mark) {
        let line = line as usize;
        if self.lines.len() <= line {
            self.lines.resize_with(line + 1, Vec::new);
        }
        self.lines[line].push(mark);
    }

    fn sort(&mut self) {
        for marks in &mut self.lines {
            // Stable, so that of two marks at one column the first added (the exact one) stays.
            marks.sort_by_key(|mark| mark.column);
            marks.dedup_by_key(|mark| mark.column);
        }
    }

    /// The mapping of text edited by [`crate::edits::Edits`]: copied runs map byte for byte,
    /// written text maps to where its edit was made.
    pub(crate) fn from_segments(
        segments: &[Segment],
        output: &str,
        source: &LineIndex,
    ) -> SourceMapping {
        let out = LineIndex::new(output);
        let mut mapping = SourceMapping::default();
        for segment in segments {
            let text = &output[segment.output as usize..(segment.output + segment.len) as usize];
            let mut mark = |output_offset: u32, source_offset: u32| {
                let (line, column) = out.position(output_offset);
                let (source_line, source_column) = source.position(source_offset);
                mapping.add_mark(
                    line,
                    Mark {
                        column,
                        source_line,
                        source_column,
                        copied: segment.copied,
                    },
                );
            };
            mark(segment.output, segment.source);
            for (i, _) in text.bytes().enumerate().filter(|(_, b)| *b == b'\n') {
                let next = i as u32 + 1;
                if next < segment.len {
                    let source_offset = if segment.copied {
                        segment.source + next
                    } else {
                        segment.source
                    };
                    mark(segment.output + next, source_offset);
                }
            }
        }
        mapping.sort();
        mapping
    }

    /// Composes `self` (output → middle) with `earlier` (middle → source). Where `self`
    /// copied text, the marks of `earlier` inside it are carried over one to one, so the
    /// composition is as fine-grained as `earlier`.
    pub(crate) fn then(&self, earlier: &SourceMapping) -> SourceMapping {
        let mut mapping = SourceMapping::default();
        for (line, marks) in self.lines.iter().enumerate() {
            for (index, mark) in marks.iter().enumerate() {
                if let Some(source) = earlier.lookup(mark.source_line, mark.source_column) {
                    mapping.add(line as u32, mark.column, source, mark.copied);
                }
                if !mark.copied {
                    continue;
                }
                let width = marks
                    .get(index + 1)
                    .map_or(u32::MAX, |next| next.column - mark.column);
                let Some(inner) = earlier.lines.get(mark.source_line as usize) else {
                    continue;
                };
                for carried in inner.iter().filter(|inner| {
                    inner.column >= mark.source_column && inner.column - mark.source_column < width
                }) {
                    mapping.add(
                        line as u32,
                        mark.column + (carried.column - mark.source_column),
                        (carried.source_line, carried.source_column),
                        carried.copied,
                    );
                }
            }
        }
        mapping.sort();
        mapping
    }

    /// Lookup with lines and columns from 0.
    fn lookup(&self, line: u32, column: u32) -> Option<(u32, u32)> {
        let marks = self.lines.get(line as usize)?;
        let index = marks.partition_point(|mark| mark.column <= column);
        let mark = if index == 0 {
            marks.first()?
        } else {
            &marks[index - 1]
        };
        let delta = if mark.copied {
            column.saturating_sub(mark.column)
        } else {
            0
        };
        Some((mark.source_line, mark.source_column + delta))
    }

    /// The source line and column (from 1) of output line `line`, column `column` (from 1).
    pub fn original(&self, line: u32, column: u32) -> Option<(u32, u32)> {
        let (line, column) = self.lookup(line.checked_sub(1)?, column.saturating_sub(1))?;
        Some((line + 1, column + 1))
    }

    /// The stored form: a version 3 source map whose columns count UTF-8 bytes; marks of text
    /// the compiler wrote carry the name [`WRITTEN`].
    pub fn to_json(&self) -> String {
        let mut builder = SourceMapBuilder::default();
        let source = builder.add_source_and_content("", "");
        let written = builder.add_name(WRITTEN);
        for (line, marks) in self.lines.iter().enumerate() {
            for mark in marks {
                builder.add_token(
                    line as u32,
                    mark.column,
                    mark.source_line,
                    mark.source_column,
                    Some(source),
                    (!mark.copied).then_some(written),
                );
            }
        }
        builder.into_sourcemap().to_json_string()
    }

    /// Reads what [`SourceMapping::to_json`] wrote; `None` for anything else.
    pub fn from_json(text: &str) -> Option<SourceMapping> {
        let map = SourceMap::from_json_string(text).ok()?;
        let mut mapping = SourceMapping::default();
        for token in map.get_tokens() {
            let written = token
                .get_name_id()
                .and_then(|id| map.get_name(id))
                .is_some_and(|name| name == WRITTEN);
            mapping.add(
                token.get_dst_line(),
                token.get_dst_col(),
                (token.get_src_line(), token.get_src_col()),
                !written,
            );
        }
        mapping.sort();
        Some(mapping)
    }

    /// Builds a mapping from the tokens of a printer (output line, column → source line,
    /// column; from 0), each the start of text copied from the source.
    pub(crate) fn from_marks(marks: impl IntoIterator<Item = (u32, u32, u32, u32)>) -> Self {
        let mut mapping = SourceMapping::default();
        for (line, column, source_line, source_column) in marks {
            mapping.add(line, column, (source_line, source_column), true);
        }
        mapping.sort();
        mapping
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edits::{Edits, Order};

    #[test]
    fn copied_text_maps_byte_for_byte_and_written_text_to_its_edit() {
        let source = "import a from './a';\nconsole.log(a);\n";
        let mut edits = Edits::default();
        edits.insert(0, Order::FIRST, "\"use strict\";");
        edits.replace(0, 20, "var _a = require('./a');");
        edits.replace(33, 34, "_a.default");
        let (output, segments) = edits.apply(source);
        let mapping = SourceMapping::from_segments(&segments, &output, &LineIndex::new(source));
        // `console` on line 2 did not move.
        assert_eq!(mapping.original(2, 1), Some((2, 1)));
        // `)` after `_a.default` is at column 23 in the output, 14 in the source.
        assert_eq!(&output[output.find(");\n").unwrap()..][..1], ")");
        assert_eq!(mapping.original(2, 23), Some((2, 14)));
        // Text the compiler wrote maps to where it was written: the prologue to the file's
        // start, anything inside `_a.default` to the `a` it replaced.
        assert_eq!(mapping.original(1, 3), Some((1, 1)));
        assert_eq!(mapping.original(2, 17), Some((2, 13)));
        let json = mapping.to_json();
        assert_eq!(SourceMapping::from_json(&json), Some(mapping));
    }

    #[test]
    fn composition_follows_both_maps() {
        let later = SourceMapping::from_marks([(0, 0, 5, 0), (0, 10, 6, 2)]);
        let earlier = SourceMapping::from_marks([(5, 0, 1, 4), (6, 0, 9, 0)]);
        let both = later.then(&earlier);
        assert_eq!(both.original(1, 1), Some((2, 5)));
        assert_eq!(both.original(1, 12), Some((10, 4)));
    }
}
