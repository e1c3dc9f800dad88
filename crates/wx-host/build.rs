//! Compiles the host's JavaScript layers to QuickJS bytecode (see wx-bytecode).

fn main() {
    wx_bytecode::compile_layers("js", "", &["inspect.js", "bootstrap.js"]);
}
