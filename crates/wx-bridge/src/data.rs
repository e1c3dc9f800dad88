//! Data as scripts pass it to the network and file APIs: text or an ArrayBuffer.

use rquickjs::{ArrayBuffer, Ctx, Value};

use crate::text_of;

/// A message or body: text (sent as UTF-8) or an ArrayBuffer's bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Data {
    Text(String),
    Bytes(Vec<u8>),
}

impl Data {
    pub fn into_bytes(self) -> Vec<u8> {
        match self {
            Data::Text(text) => text.into_bytes(),
            Data::Bytes(bytes) => bytes,
        }
    }
}

/// `value` as [`Data`]: a string or `String` object as text (see [`crate::Text`]), an
/// ArrayBuffer as a copy of its bytes; `None` for anything else.
pub fn data_of<'js>(ctx: &Ctx<'js>, value: &Value<'js>) -> rquickjs::Result<Option<Data>> {
    if let Some(text) = text_of(ctx, value)? {
        return Ok(Some(Data::Text(text)));
    }
    Ok(with_buffer(value, <[u8]>::to_vec).map(Data::Bytes))
}

/// Calls `use_bytes` with the bytes of `value` when it is an ArrayBuffer that is not detached.
///
/// `use_bytes` must not run JavaScript (nothing it can reach does: it gets a byte slice and no
/// context), so the buffer can be neither detached nor resized while the slice is alive.
pub fn with_buffer<R>(value: &Value<'_>, use_bytes: impl FnOnce(&[u8]) -> R) -> Option<R> {
    let buffer = ArrayBuffer::from_object(value.as_object()?.clone())?;
    // SAFETY: see above; the slice does not outlive this call.
    let bytes = unsafe { buffer.as_bytes() }?;
    Some(use_bytes(bytes))
}

impl<'js> rquickjs::FromJs<'js> for Data {
    fn from_js(ctx: &Ctx<'js>, value: Value<'js>) -> rquickjs::Result<Self> {
        data_of(ctx, &value)?
            .ok_or_else(|| rquickjs::Error::new_from_js(value.type_name(), "string or ArrayBuffer"))
    }
}
