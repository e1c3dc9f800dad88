//! Compiles the test API's layers to QuickJS bytecode (see wx-bytecode); they are named
//! `test/<file>` in stacks.

fn main() {
    wx_bytecode::compile_layers(
        "js",
        "test/",
        &[
            "expect.js",
            "testing.js",
            "pretty.js",
            "mock.js",
            "timers.js",
            "snapshot.js",
        ],
    );
}
