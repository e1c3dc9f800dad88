//! Code frames: the lines around a location with a caret under it, as compile errors show.

/// Renders lines `line - 2` to `line + 2` of `source` with `line` marked and a caret under
/// `column` (both from 1; the column counts characters).
pub fn code_frame(source: &str, line: u32, column: u32) -> String {
    let mut lines: Vec<&str> = source.split('\n').collect();
    if lines.len() > 1 && lines.last() == Some(&"") {
        lines.pop();
    }
    let line = (line.max(1) as usize).min(lines.len().max(1));
    let first = line.saturating_sub(2).max(1);
    let last = (line + 2).min(lines.len());
    let width = last.to_string().len();
    let mut out = String::new();
    for number in first..=last {
        let text = lines[number - 1].trim_end_matches('\r');
        let marker = if number == line { '>' } else { ' ' };
        out.push_str(&format!("{marker} {number:>width$} | {text}\n"));
        if number == line {
            // Tabs stay tabs so the caret lines up under them.
            let lead: String = text
                .chars()
                .take(column.saturating_sub(1) as usize)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            out.push_str(&format!("  {:width$} | {lead}^\n", ""));
        }
    }
    out
}

/// The line and character column (both from 1) of byte `offset` in `source`.
pub fn line_column(source: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(source.len());
    let before = &source[..floor_char_boundary(source, offset)];
    let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    let column = before[line_start..].chars().count() + 1;
    (line as u32, column as u32)
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_marks_the_line_and_column() {
        let source = "one\ntwo\nthree = ;\nfour\nfive\nsix";
        let frame = code_frame(source, 3, 9);
        assert_eq!(
            frame,
            "  1 | one\n  2 | two\n> 3 | three = ;\n    |         ^\n  4 | four\n  5 | five\n"
        );
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(line_column("a\n中文x", 8), (2, 3));
        assert_eq!(line_column("abc", 0), (1, 1));
    }
}
