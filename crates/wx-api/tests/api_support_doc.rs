//! docs/api-support.md lists what wxrun implements and what it does not, generated from the
//! inventory and `IMPLEMENTED`. Run with WXRUN_UPDATE_DOCS=1 to rewrite it.

use std::{collections::BTreeMap, fmt::Write, path::Path};

use wx_policy::inventory;

fn render() -> String {
    let mut out = String::from(
        "# wx API support\n\n\
         Generated from the official typings' inventory (483 APIs) and the list of members wxrun \
         implements (`wx_api::IMPLEMENTED`); `cargo test -p wx-api` fails when this page is out \
         of date (`WXRUN_UPDATE_DOCS=1 cargo test -p wx-api` rewrites it).\n\n\
         - An implemented member whose minimum base library is above the configured `libVersion` \
         is `undefined`, as on a phone with that base library.\n\
         - A documented member wxrun does not implement is a function that throws \
         `TypeError: wx.<name> is not supported by wxrun`, so code never silently takes a \
         fallback path a phone would not take. `wx.canIUse` still answers as the platform \
         would.\n\n",
    );
    let mut by_category: BTreeMap<&str, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for entry in inventory::all() {
        let since = entry
            .min_lib
            .map_or_else(|| "1.0.0".to_string(), |v| v.to_string());
        let item = format!("`{}` ({since})", entry.name);
        let slot = by_category.entry(entry.category).or_default();
        if wx_api::IMPLEMENTED.contains(&entry.name) {
            slot.0.push(item);
        } else {
            slot.1.push(item);
        }
    }
    let extra: Vec<String> = wx_api::IMPLEMENTED
        .iter()
        .filter(|name| inventory::lookup(name).is_none())
        .map(|name| format!("`{name}`"))
        .collect();
    let implemented: usize = by_category.values().map(|(done, _)| done.len()).sum();
    let _ = writeln!(
        out,
        "Implemented: {implemented} of {} documented APIs, plus {} members the typings do not list ({}).\n",
        inventory::all().len(),
        extra.len(),
        extra.join(", ")
    );
    out.push_str("| category | implemented | not supported |\n|---|---|---|\n");
    for (category, (done, missing)) in &by_category {
        let list = |items: &Vec<String>| {
            if items.is_empty() {
                "—".to_string()
            } else {
                items.join(", ")
            }
        };
        let _ = writeln!(out, "| {category} | {} | {} |", list(done), list(missing));
    }
    out
}

#[test]
fn api_support_page_is_current() {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/api-support.md");
    let expected = render();
    if std::env::var_os("WXRUN_UPDATE_DOCS").is_some() {
        std::fs::write(&page, &expected).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&page).unwrap_or_default();
    assert!(
        current == expected,
        "docs/api-support.md is out of date: run `WXRUN_UPDATE_DOCS=1 cargo test -p wx-api`"
    );
}
