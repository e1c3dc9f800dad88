//! The JavaScript layers spell no failure text or errno: they name catalogue entries
//! (wx-policy's catalogue.rs), and every name they use is there.

use std::{fs, path::Path};

fn layers() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("js")];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "js") {
                out.push((
                    path.display().to_string(),
                    fs::read_to_string(&path).unwrap(),
                ));
            }
        }
    }
    out
}

/// The quoted string that starts at `text[at..]`, if any.
fn literal_at(text: &str) -> Option<&str> {
    let text = text.trim_start();
    let quote = text.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let rest = &text[1..];
    rest.find(quote).map(|end| &rest[..end])
}

#[test]
fn every_failure_key_the_layers_name_is_catalogued() {
    let mut keys = 0;
    for (file, text) in layers() {
        for (at, _) in text.match_indices("fail(") {
            let before = &text[..at];
            // core.fail(...), a destructured fail(...), or a layer's own #fail(...).
            if !(before.ends_with("core.")
                || before.ends_with(' ')
                || before.ends_with('(')
                || before.ends_with("this.#"))
            {
                continue;
            }
            // fail(api, 'key', ...): the second argument.
            let args = &text[at + "fail(".len()..];
            let Some(comma) = args.find(',') else {
                continue;
            };
            let second = &args[comma + 1..];
            if let Some(key) = literal_at(second) {
                keys += 1;
                assert!(
                    wx_policy::catalogue::lookup(key).is_some(),
                    "{file}: the failure key {key:?} is not in the catalogue"
                );
            }
        }
    }
    assert!(keys > 30, "only {keys} keys found: the scan is broken");
}

#[test]
fn the_layers_spell_no_failure_text() {
    for (file, text) in layers() {
        for (at, _) in text.match_indices("failResult(") {
            let args = &text[at + "failResult(".len()..];
            let Some(comma) = args.find(',') else {
                continue;
            };
            assert!(
                literal_at(&args[comma + 1..]).is_none(),
                "{file}: failResult with a literal reason; name a catalogue entry with fail(api, key)"
            );
        }
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or("");
            assert!(
                !(code.contains(":fail ") && (code.contains('\'') || code.contains('"')))
                    || code.contains("api + ':fail '"),
                "{file}: a failure text is spelled here: {line}"
            );
        }
    }
}
