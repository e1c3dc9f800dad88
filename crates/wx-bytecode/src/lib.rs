//! wx-bytecode: wxrun's own JavaScript layers (the host's bootstrap, `wx`'s conventions and
//! API families, the test API) as QuickJS bytecode. Build scripts call [`compile_layers`];
//! the runtime calls [`eval`]. Bytecode is read and written by the same QuickJS (one locked
//! version of rquickjs for both), so a layer parsed at build time never is at run time.
//!
//! A layer is a script whose value is a function; its file name, shown in stacks, starts with
//! [`INTERNAL_PREFIX`] so that stacks shown to users can leave its frames out.

use std::{ffi::CString, path::Path};

use rquickjs::{Context, Ctx, Error, Runtime, Value, qjs};

/// File names of wxrun's own layers start with this, so stacks can leave them out.
pub const INTERNAL_PREFIX: &str = "wxrun:internal/";

/// Compiles `source` (a script whose value is the layer's function) named `name` to bytecode,
/// keeping line numbers for stacks and dropping the source text.
pub fn compile(name: &str, source: &str) -> Result<Vec<u8>, String> {
    let runtime = Runtime::new().map_err(|err| err.to_string())?;
    let context = Context::full(&runtime).map_err(|err| err.to_string())?;
    context.with(|ctx| {
        let file = CString::new(format!("{INTERNAL_PREFIX}{name}")).map_err(|e| e.to_string())?;
        let code = CString::new(source).map_err(|_| format!("{name} contains a NUL character"))?;
        // SAFETY: the context is live for this closure; both strings outlive the calls; the
        // compiled function is freed after it is written, and the buffer after it is copied.
        unsafe {
            let raw = ctx.as_raw().as_ptr();
            let compiled = qjs::JS_Eval(
                raw,
                code.as_ptr(),
                source.len() as _,
                file.as_ptr(),
                (qjs::JS_EVAL_TYPE_GLOBAL
                    | qjs::JS_EVAL_FLAG_STRICT
                    | qjs::JS_EVAL_FLAG_COMPILE_ONLY) as i32,
            );
            if qjs::JS_IsException(compiled) {
                let error = ctx.catch();
                return Err(format!("{name} does not compile: {error:?}"));
            }
            let mut length = 0;
            let buffer = qjs::JS_WriteObject(
                raw,
                &mut length,
                compiled,
                (qjs::JS_WRITE_OBJ_BYTECODE | qjs::JS_WRITE_OBJ_STRIP_SOURCE) as i32,
            );
            qjs::JS_FreeValue(raw, compiled);
            if buffer.is_null() {
                return Err(format!("{name}: QuickJS could not write its bytecode"));
            }
            let bytes = std::slice::from_raw_parts(buffer, length as usize).to_vec();
            qjs::js_free(raw, buffer.cast());
            Ok(bytes)
        }
    })
}

/// For a build script: compiles each of `files` (in `dir`, relative to the crate) to
/// `$OUT_DIR/<file>.bc`, for `include_bytes!(concat!(env!("OUT_DIR"), "/<file>.bc"))`. Layers
/// are named `<prefix><file>` in stacks.
pub fn compile_layers(dir: &str, prefix: &str, files: &[&str]) {
    let out = std::env::var("OUT_DIR").expect("OUT_DIR is set for build scripts");
    for file in files {
        let path = Path::new(dir).join(file);
        println!("cargo:rerun-if-changed={}", path.display());
        let source = std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
        let bytecode =
            compile(&format!("{prefix}{file}"), &source).unwrap_or_else(|err| panic!("{err}"));
        let target = Path::new(&out).join(format!("{file}.bc"));
        if let Some(folder) = target.parent() {
            std::fs::create_dir_all(folder)
                .unwrap_or_else(|err| panic!("cannot create {}: {err}", folder.display()));
        }
        std::fs::write(&target, bytecode)
            .unwrap_or_else(|err| panic!("cannot write {}: {err}", target.display()));
    }
}

/// The bytecode of `file`, compiled by this crate's build script with [`compile_layers`].
#[macro_export]
macro_rules! layer {
    ($file:literal) => {
        include_bytes!(concat!(env!("OUT_DIR"), "/", $file, ".bc"))
    };
}

/// Runs a layer compiled by [`compile`]: its value (the layer's function).
pub fn eval<'js>(ctx: &Ctx<'js>, bytecode: &[u8]) -> rquickjs::Result<Value<'js>> {
    // SAFETY: `bytecode` was written by `compile` with the same QuickJS at build time (it is
    // embedded in the binary, never read from outside); the read object is handed to
    // JS_EvalFunction, which takes ownership, and the result to rquickjs, which frees it.
    let value = unsafe {
        let raw = ctx.as_raw().as_ptr();
        let function = qjs::JS_ReadObject(
            raw,
            bytecode.as_ptr(),
            bytecode.len() as _,
            qjs::JS_READ_OBJ_BYTECODE as i32,
        );
        if qjs::JS_IsException(function) {
            return Err(Error::Exception);
        }
        let result = qjs::JS_EvalFunction(raw, function);
        Value::from_raw(ctx.clone(), result)
    };
    if value.is_exception() {
        return Err(Error::Exception);
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rquickjs::Function;

    #[test]
    fn a_layer_round_trips_and_keeps_its_name_and_lines() {
        let bytecode = compile("demo.js", "(function (x) {\n  return x * 2;\n})").unwrap();
        let runtime = Runtime::new().unwrap();
        let context = Context::full(&runtime).unwrap();
        context.with(|ctx| {
            let layer: Function = eval(&ctx, &bytecode).unwrap().into_function().unwrap();
            assert_eq!(layer.call::<_, i32>((21,)).unwrap(), 42);
            let thrower = compile(
                "thrower.js",
                "(function () {\n\n  throw new Error('x');\n})",
            )
            .unwrap();
            let thrower: Function = eval(&ctx, &thrower).unwrap().into_function().unwrap();
            let _ = thrower.call::<_, ()>(());
            let stack: String = ctx.catch().as_object().unwrap().get("stack").unwrap();
            assert!(stack.contains("wxrun:internal/thrower.js:3"), "{stack}");
        });
    }

    #[test]
    fn a_syntax_error_is_named() {
        let error = compile("broken.js", "(function () {").unwrap_err();
        assert!(error.starts_with("broken.js does not compile"), "{error}");
    }
}
