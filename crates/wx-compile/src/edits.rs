//! Text edits on a source file, applied in one pass, with the record of which output bytes
//! were copied from where. The module conversion works this way rather than by printing a new
//! tree: code it does not touch keeps its text, its line numbers and (on lines without an
//! edit) its columns, so a converted file still reads like the one the user wrote.

/// Where an edit's text goes among edits at the same offset. Lower sorts first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Order(i64);

impl Order {
    /// Before everything else at the offset (the prologue at offset 0).
    pub(crate) const FIRST: Order = Order(i64::MIN);
    /// After everything else at the offset (helpers appended at the end).
    pub(crate) const LAST: Order = Order(i64::MAX);

    /// Text placed after a statement, before any wrapper that opens at the same offset.
    pub(crate) const AFTER_STATEMENT: Order = Order(0);

    /// The opening text of the `seq`-th wrapper (numbered in visiting order, outer first): an
    /// outer wrapper opens before an inner one that starts at the same offset.
    pub(crate) fn opening(seq: u32) -> Order {
        Order(i64::from(seq) + 1)
    }

    /// The closing text of the `seq`-th wrapper: an inner wrapper closes before an outer one
    /// that ends at the same offset, and both before what follows a statement.
    pub(crate) fn closing(seq: u32) -> Order {
        Order(-i64::from(seq) - 1)
    }
}

#[derive(Debug)]
struct Edit {
    start: u32,
    end: u32,
    order: Order,
    text: String,
    /// Inserts the source text of this range (moved code) instead of `text`, with these
    /// replacements inside it.
    copy: Option<Copy>,
}

/// Source text placed again elsewhere: `start..end` with `replacements` (ranges inside it,
/// in order, that do not overlap) applied.
#[derive(Debug)]
struct Copy {
    start: u32,
    end: u32,
    replacements: Vec<(u32, u32, String)>,
}

/// A run of output bytes: copied from the source at `source`, or written by an edit made at
/// `source` (then `copied` is false).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Segment {
    pub output: u32,
    pub source: u32,
    pub len: u32,
    pub copied: bool,
}

/// Edits to one source text. Replaced ranges never overlap; insertions may sit at the edges of
/// a replaced range, never inside one.
#[derive(Debug, Default)]
pub(crate) struct Edits {
    edits: Vec<Edit>,
}

impl Edits {
    pub(crate) fn replace(&mut self, start: u32, end: u32, text: impl Into<String>) {
        self.edits.push(Edit {
            start,
            end,
            order: Order::LAST,
            text: text.into(),
            copy: None,
        });
    }

    pub(crate) fn insert(&mut self, at: u32, order: Order, text: impl Into<String>) {
        self.edits.push(Edit {
            start: at,
            end: at,
            order,
            text: text.into(),
            copy: None,
        });
    }

    /// Inserts at `at` the source text of `from..to` (code moved there; remove the original
    /// with [`Edits::replace`]), with `replacements` applied inside it. The copied runs keep
    /// mapping to where they were written.
    pub(crate) fn insert_copy(
        &mut self,
        at: u32,
        order: Order,
        (from, to): (u32, u32),
        replacements: Vec<(u32, u32, String)>,
    ) {
        self.edits.push(Edit {
            start: at,
            end: at,
            order,
            text: String::new(),
            copy: Some(Copy {
                start: from,
                end: to,
                replacements,
            }),
        });
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    /// The edited text and where each of its runs came from.
    pub(crate) fn apply(mut self, source: &str) -> (String, Vec<Segment>) {
        // Insertions before replacements at the same offset; then by their order.
        self.edits
            .sort_by_key(|edit| (edit.start, edit.start != edit.end, edit.order));
        let extra: usize = self
            .edits
            .iter()
            .map(|edit| {
                edit.text.len() + edit.copy.as_ref().map_or(0, |c| (c.end - c.start) as usize)
            })
            .sum();
        let mut output = String::with_capacity(source.len() + extra);
        let mut segments = Vec::with_capacity(self.edits.len() * 2 + 1);
        let mut copied_to = 0u32;
        let mut push = |output: &mut String, text: &str, at: u32, copied: bool| {
            if text.is_empty() {
                return;
            }
            segments.push(Segment {
                output: output.len() as u32,
                source: at,
                len: text.len() as u32,
                copied,
            });
            output.push_str(text);
        };
        for edit in &self.edits {
            debug_assert!(edit.start >= copied_to, "overlapping edits: {edit:?}");
            let start = edit.start.max(copied_to);
            push(
                &mut output,
                &source[copied_to as usize..start as usize],
                copied_to,
                true,
            );
            match &edit.copy {
                None => push(&mut output, &edit.text, edit.start, false),
                Some(copy) => {
                    let mut at = copy.start;
                    for (start, end, text) in &copy.replacements {
                        push(&mut output, &source[at as usize..*start as usize], at, true);
                        push(&mut output, text, *start, false);
                        at = *end;
                    }
                    push(
                        &mut output,
                        &source[at as usize..copy.end as usize],
                        at,
                        true,
                    );
                }
            }
            copied_to = edit.end.max(start);
        }
        push(&mut output, &source[copied_to as usize..], copied_to, true);
        (output, segments)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrappers_nest_and_statements_follow() {
        // `a = b = 1;` with both wrapped, and text after the statement.
        let source = "a = b = 1;";
        let mut edits = Edits::default();
        edits.insert(0, Order::opening(0), "(A ");
        edits.insert(9, Order::closing(0), " A)");
        edits.insert(4, Order::opening(1), "(B ");
        edits.insert(9, Order::closing(1), " B)");
        edits.insert(10, Order::AFTER_STATEMENT, " after;");
        edits.insert(0, Order::FIRST, "first;");
        let (out, segments) = edits.apply(source);
        assert_eq!(out, "first;(A a = (B b = 1 B) A); after;");
        let copied: Vec<_> = segments.iter().filter(|s| s.copied).collect();
        assert_eq!(copied[0].source, 0);
        assert_eq!(copied[0].output, 9);
    }

    #[test]
    fn replacements_and_insertions_at_their_edges() {
        let source = "x(y);";
        let mut edits = Edits::default();
        edits.replace(0, 1, "(0, _m.x)");
        edits.insert(0, Order::opening(0), "[");
        edits.replace(2, 3, "_m.y");
        let (out, _) = edits.apply(source);
        assert_eq!(out, "[(0, _m.x)(_m.y);");
    }
}
