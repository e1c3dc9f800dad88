//! Compiles the `wx` layers to QuickJS bytecode (see wx-bytecode); they are named `wx/<file>`
//! in stacks.

fn main() {
    let files: Vec<String> = std::fs::read_dir("js")
        .expect("crates/wx-api/js exists")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".js"))
        .collect();
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    println!("cargo:rerun-if-changed=js");
    wx_bytecode::compile_layers("js", "wx/", &files);
}
