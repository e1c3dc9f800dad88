//! Evaluation helpers that rquickjs does not offer directly.

use std::ffi::CString;

use rquickjs::{Ctx, Exception, Value, qjs};

/// Evaluates global code whose first line is numbered `first_line`, so that a wrapper placed on
/// line 0 leaves the user's line numbers untouched.
pub(crate) fn eval_at_line<'js>(
    ctx: &Ctx<'js>,
    source: &str,
    filename: &str,
    first_line: i32,
) -> rquickjs::Result<Value<'js>> {
    let length = source.len();
    let source = CString::new(source).map_err(|_| {
        Exception::throw_syntax(
            ctx,
            &format!("{filename}: the source contains a NUL character"),
        )
    })?;
    let filename = CString::new(filename)
        .map_err(|_| Exception::throw_message(ctx, "file name contains a NUL character"))?;
    let mut options = qjs::JSEvalOptions {
        version: qjs::JS_EVAL_OPTIONS_VERSION as _,
        eval_flags: qjs::JS_EVAL_TYPE_GLOBAL as _,
        filename: filename.as_ptr(),
        line_num: first_line,
    };
    // SAFETY: the context pointer is live for 'js, both strings outlive the call, and the
    // returned value is owned by us and handed to rquickjs, which frees it.
    let value = unsafe {
        let raw = qjs::JS_Eval2(
            ctx.as_raw().as_ptr(),
            source.as_ptr(),
            length as _,
            &mut options,
        );
        Value::from_raw(ctx.clone(), raw)
    };
    if value.is_exception() {
        return Err(rquickjs::Error::Exception);
    }
    Ok(value)
}

/// Throws an error that `catch` cannot stop, for `wxrun.exit()`.
pub(crate) fn throw_uncatchable(ctx: &Ctx<'_>, message: &str) -> rquickjs::Error {
    match Exception::from_message(ctx.clone(), message) {
        Ok(error) => {
            // SAFETY: marks a live Error object of this context; QuickJS only sets a flag.
            unsafe { qjs::JS_SetUncatchableError(ctx.as_raw().as_ptr(), error.as_raw()) };
            ctx.throw(error.into_value())
        }
        Err(err) => err,
    }
}
