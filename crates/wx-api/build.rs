//! Compiles the `wx` layers (every `.js` file under `js/`) to QuickJS bytecode (see
//! wx-bytecode); they are named `wx/<path>` in stacks.

use std::path::Path;

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

fn main() {
    let mut files = Vec::new();
    js_files(Path::new("js"), "", &mut files);
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    println!("cargo:rerun-if-changed=js");
    wx_bytecode::compile_layers("js", "wx/", &files);
}
