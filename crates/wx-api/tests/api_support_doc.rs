//! docs/api-support.md lists every documented API with how wxrun answers it (real, simulated,
//! recorded only), generated from the inventory and `wx_api::members()`. Run with
//! WXRUN_UPDATE_DOCS=1 to rewrite it.

use std::{collections::BTreeMap, fmt::Write, path::Path};

use wx_api::Support;
use wx_policy::inventory;

fn render() -> String {
    let mut out = String::from(
        "# wx API support\n\n\
         Generated from the official typings' inventory (483 APIs) and the families wxrun \
         answers them with (`wx_api::members()`); `cargo test -p wx-api` fails when this page is \
         out of date (`WXRUN_UPDATE_DOCS=1 cargo test -p wx-api` rewrites it).\n\n\
         Every documented API is on `wx` from its minimum base library (in brackets) on, and \
         `undefined` below it, as on a phone with that base library; `wx.canIUse` agrees. None \
         throws for a call a phone accepts. Each is answered one of three ways:\n\n\
         - **real**: it does the real thing — the network, files, storage, timers, random \
         bytes, the mini-program's own pages and lifecycle.\n\
         - **simulated**: it answers as the simulated phone in its stated default state \
         ([device.md](device.md)): the device profile, location, the user and the scopes, the \
         radios switched off, what is on screen, managers firing the events a phone fires \
         without hardware. Scripts can change each answer (`require('wxrun').device`).\n\
         - **recorded only**: the call is recorded and answered with the default of its kind \
         from the typings (`<api>:ok` with empty result fields, objects with every method and \
         listener pair, listener sets a script can fire); a script can give it any answer.\n\n",
    );
    let mut by_category: BTreeMap<&str, [Vec<String>; 3]> = BTreeMap::new();
    let column = |support: Support| match support {
        Support::Real => 0,
        Support::Simulated => 1,
        Support::Recorded => 2,
    };
    let mut counts = [0; 3];
    for entry in inventory::all() {
        let support = wx_api::support(entry.name).expect("every documented API is on wx");
        let since = entry
            .min_lib
            .map_or_else(|| "1.0.0".to_string(), |v| v.to_string());
        by_category.entry(entry.category).or_default()[column(support)]
            .push(format!("`{}` ({since})", entry.name));
        counts[column(support)] += 1;
    }
    let extra: Vec<String> = wx_api::members()
        .into_iter()
        .filter(|(name, _)| inventory::lookup(name).is_none())
        .map(|(name, support)| format!("`{name}` ({})", support.as_str()))
        .collect();
    let _ = writeln!(
        out,
        "Of the {} documented APIs: {} real, {} simulated, {} recorded only; plus {} members \
         the typings do not list: {}.\n",
        inventory::all().len(),
        counts[0],
        counts[1],
        counts[2],
        extra.len(),
        extra.join(", ")
    );
    out.push_str("| category | real | simulated | recorded only |\n|---|---|---|---|\n");
    for (category, columns) in &by_category {
        let list = |items: &Vec<String>| {
            if items.is_empty() {
                "—".to_string()
            } else {
                items.join(", ")
            }
        };
        let _ = writeln!(
            out,
            "| {category} | {} | {} | {} |",
            list(&columns[0]),
            list(&columns[1]),
            list(&columns[2])
        );
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
