//! Compiles the `wx` layers (every `.js` file under `js/`) to QuickJS bytecode (see
//! wx-bytecode); they are named `wx/<path>` in stacks. Turns `data/surface.json` into static
//! tables of JSON texts by name, so that nothing parses the whole table at run time.

use std::{fmt::Write as _, path::Path};

fn js_files(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("the js folder is readable")
        .flatten()
        .collect();
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() {
            js_files(&entry.path(), &format!("{prefix}{name}/"), out);
        } else if name.ends_with(".js") {
            out.push(format!("{prefix}{name}"));
        }
    }
}

/// `static NAME: &[(&str, &str)]`: each member of `section` with its JSON text, sorted.
fn table(out: &mut String, name: &str, section: &serde_json::Value) {
    let object = section.as_object().expect("a surface section is an object");
    let mut names: Vec<&String> = object.keys().collect();
    names.sort();
    writeln!(out, "static {name}: &[(&str, &str)] = &[").expect("writing to a String");
    for key in names {
        writeln!(out, "    ({key:?}, {:?}),", object[key].to_string())
            .expect("writing to a String");
    }
    out.push_str("];\n");
}

fn surface() {
    let source = "data/surface.json";
    println!("cargo:rerun-if-changed={source}");
    let text = std::fs::read_to_string(source).expect("data/surface.json is readable");
    let json: serde_json::Value = serde_json::from_str(&text).expect("surface.json is valid JSON");
    let mut out = String::new();
    table(&mut out, "APIS", &json["apis"]);
    table(&mut out, "CLOUD", &json["cloud"]);
    table(&mut out, "INTERFACES", &json["interfaces"]);
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("surface.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

fn main() {
    let mut files = Vec::new();
    js_files(Path::new("js"), "", &mut files);
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    println!("cargo:rerun-if-changed=js");
    wx_bytecode::compile_layers("js", "wx/", &files);
    surface();
}
