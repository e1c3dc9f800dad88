//! Turns the copy of the official API inventory into a static, sorted table so that wxrun
//! never parses JSON at start-up to know which `wx` members exist.

use std::{env, fmt::Write as _, fs, path::PathBuf};

fn main() {
    let source = "data/wx_api_inventory.json";
    println!("cargo:rerun-if-changed={source}");
    let text = fs::read_to_string(source).expect("data/wx_api_inventory.json is readable");
    let json: serde_json::Value = serde_json::from_str(&text).expect("inventory is valid JSON");
    let apis = json["apis"]
        .as_object()
        .expect("inventory has an `apis` object");
    let mut names: Vec<&String> = apis.keys().collect();
    names.sort();
    let mut out = String::from("&[\n");
    for name in names {
        let api = &apis[name];
        let min = match api["minBaseLib"].as_str() {
            Some(version) => {
                let mut parts = version
                    .split('.')
                    .map(|p| p.parse::<u16>().expect("numeric"));
                let mut next = || parts.next().unwrap_or(0);
                format!("Some(LibVersion::new({}, {}, {}))", next(), next(), next())
            }
            None => "None".to_string(),
        };
        writeln!(
            out,
            "    ApiEntry {{ name: {name:?}, category: {:?}, min_lib: {min}, deprecated: {}, doc: {:?} }},",
            api["category"].as_str().unwrap_or(""),
            api["deprecated"].as_bool().unwrap_or(false),
            api["doc"].as_str().unwrap_or(""),
        )
        .expect("writing to a String");
    }
    out.push_str("]\n");
    let dest = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR")).join("inventory.rs");
    fs::write(dest, out).expect("OUT_DIR is writable");
}
