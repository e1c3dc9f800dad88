//! JavaScript values the natives read and build the way the platform's JavaScript would: the
//! conversions option rules are stated in (`String(v)`, `Object.prototype.toString`, plain
//! objects, `encodeURIComponent`), and the objects results and events are made of (header
//! objects, fail results).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use rquickjs::{Array, ArrayBuffer, Ctx, Function, Object, Value, function::This};
use wx_policy::Failure;

/// `String(value)`, with a lone surrogate as U+FFFD (as the platform's bridge passes text); a
/// value String() cannot convert (an array holding a symbol, an object whose toString throws)
/// gives `Object.prototype.toString` of it instead of throwing, as core.js's `text` does.
pub(crate) fn js_string<'js>(ctx: &Ctx<'js>, value: &Value<'js>) -> rquickjs::Result<String> {
    if let Some(number) = value.as_int() {
        return Ok(number.to_string());
    }
    let text = if value.is_string() {
        value.clone()
    } else {
        // The global String, as a script's own `String(value)` would call it: symbols get their
        // description, objects their toString.
        let string: Function = ctx.globals().get("String")?;
        match string.call::<_, Value>((value.clone(),)) {
            Ok(text) => text,
            Err(rquickjs::Error::Exception) => {
                ctx.catch();
                return object_to_string(ctx, value);
            }
            Err(other) => return Err(other),
        }
    };
    Ok(wx_bridge::text_of(ctx, &text)?.unwrap_or_default())
}

/// `Object.prototype.toString.call(value)`, e.g. `[object Object]`.
pub(crate) fn object_to_string<'js>(
    ctx: &Ctx<'js>,
    value: &Value<'js>,
) -> rquickjs::Result<String> {
    let to_string: Function = Object::new(ctx.clone())?
        .get_prototype()
        .ok_or(rquickjs::Error::Unknown)?
        .get("toString")?;
    let text: Value = to_string.call((This(value.clone()),))?;
    Ok(wx_bridge::text_of(ctx, &text)?.unwrap_or_default())
}

/// The type names of the platform's parameter errors: `Undefined`, `Null`, `Function`, else
/// what `Object.prototype.toString` says (`Number`, `Array`, ...).
pub(crate) fn type_name<'js>(ctx: &Ctx<'js>, value: &Value<'js>) -> rquickjs::Result<String> {
    if value.is_undefined() {
        return Ok("Undefined".into());
    }
    if value.is_null() {
        return Ok("Null".into());
    }
    if value.is_function() {
        return Ok("Function".into());
    }
    let tagged = object_to_string(ctx, value)?;
    Ok(tagged
        .strip_prefix("[object ")
        .and_then(|rest| rest.strip_suffix(']'))
        .unwrap_or(&tagged)
        .to_string())
}

/// An object whose prototype is Object.prototype or null (an option that must be an object).
pub(crate) fn plain_object<'js>(
    ctx: &Ctx<'js>,
    value: &Value<'js>,
) -> rquickjs::Result<Option<Object<'js>>> {
    let Some(object) = value.as_object().filter(|_| !value.is_function()) else {
        return Ok(None);
    };
    let plain = match object.get_prototype() {
        None => true,
        Some(proto) => Some(proto) == Object::new(ctx.clone())?.get_prototype(),
    };
    Ok(plain.then(|| object.clone()))
}

/// An ArrayBuffer (a detached one included).
pub(crate) fn is_array_buffer(value: &Value<'_>) -> bool {
    value
        .as_object()
        .is_some_and(|object| ArrayBuffer::from_object(object.clone()).is_some())
}

/// What `encodeURIComponent` leaves as it is.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// `encodeURIComponent(text)` of a well-formed text.
pub(crate) fn encode_component(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// Own enumerable string keys, as `Object.keys` lists them (a lone surrogate as U+FFFD).
pub(crate) fn keys<'js>(ctx: &Ctx<'js>, object: &Object<'js>) -> rquickjs::Result<Vec<String>> {
    object
        .keys::<rquickjs::String>()
        .map(|key| {
            let key = key?.into_value();
            Ok(wx_bridge::text_of(ctx, &key)?.unwrap_or_default())
        })
        .collect()
}

/// `header` of a response (repeated names joined with `,`, each under the first spelling the
/// server used) and the `Set-Cookie` values in order.
pub(crate) fn header_object<'js>(
    ctx: &Ctx<'js>,
    headers: Vec<(String, String)>,
) -> rquickjs::Result<(Object<'js>, Array<'js>)> {
    let cookies = Array::new(ctx.clone())?;
    let mut merged: Vec<(String, String)> = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        if name.eq_ignore_ascii_case("set-cookie") {
            cookies.set(cookies.len(), value.as_str())?;
        }
        match merged
            .iter_mut()
            .find(|(known, _)| known.eq_ignore_ascii_case(&name))
        {
            Some((_, joined)) => {
                joined.push(',');
                joined.push_str(&value);
            }
            None => merged.push((name, value)),
        }
    }
    let header = Object::new(ctx.clone())?;
    for (name, value) in merged {
        header.set(name, value)?;
    }
    Ok((header, cookies))
}

/// The fail result `{errMsg, errno, errCode}` of `api`, as core.js's `fail` builds it (errno
/// only where the base library gives one, errCode only where the catalogue has one).
pub(crate) fn fail_result<'js>(
    ctx: &Ctx<'js>,
    api: &str,
    failure: &Failure,
    errno_enabled: bool,
) -> rquickjs::Result<Object<'js>> {
    let result = Object::new(ctx.clone())?;
    result.set("errMsg", failure.err_msg(api))?;
    if errno_enabled && let Some(errno) = failure.errno() {
        result.set("errno", errno)?;
    }
    if let Some(code) = failure.err_code() {
        result.set("errCode", code)?;
    }
    Ok(result)
}

/// Calls the script's `console.warn(text)` (a console warning, not a conformance warning).
pub(crate) fn console_warn(ctx: &Ctx<'_>, text: &str) -> rquickjs::Result<()> {
    let console: Object = ctx.globals().get("console")?;
    let warn: Function = console.get("warn")?;
    warn.call::<_, Value>((This(console), text))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::encode_component;

    #[test]
    fn components_encode_as_encode_uri_component() {
        assert_eq!(encode_component("a b&c=d"), "a%20b%26c%3Dd");
        assert_eq!(encode_component("-_.!~*'()"), "-_.!~*'()");
        assert_eq!(encode_component("ä/?#{}"), "%C3%A4%2F%3F%23%7B%7D");
        assert_eq!(encode_component("\u{fffd}"), "%EF%BF%BD");
    }
}
