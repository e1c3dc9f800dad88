//! Fields built when first read: a result can carry a field most scripts never look at (a
//! request's `profile`) without paying for it on every call.

use rquickjs::{
    Ctx, Function, Object, Value,
    function::{Opt, This},
    object::{AsProperty, Property, PropertyFlags},
    qjs,
};

/// The name of the accessor function of a lazy field. The console (inspect.js, told it through
/// the host natives) shows such a field by its value, as it shows a plain one.
pub const LAZY_GETTER_NAME: &str = "wxrun lazy field";

/// Defines `key` on `object` as an enumerable field whose value `build` makes when it is first
/// read. Object.keys, for-in, JSON.stringify and the console see it where a plain field would
/// be; the first read (or a write) turns it into a plain, writable data field in place, so it
/// keeps its position among the keys and `build` runs at most once per object.
pub fn define_lazy_field<'js, F>(
    ctx: &Ctx<'js>,
    object: &Object<'js>,
    key: &'static str,
    build: F,
) -> rquickjs::Result<()>
where
    F: Fn(&Ctx<'js>) -> rquickjs::Result<Value<'js>> + 'js,
{
    // One function serves as getter (called with no argument) and setter (called with one).
    let access = Function::new(
        ctx.clone(),
        move |ctx: Ctx<'js>,
              this: This<Value<'js>>,
              written: Opt<Value<'js>>|
              -> rquickjs::Result<Value<'js>> {
            let value = match written.0 {
                Some(value) => value,
                None => build(&ctx)?,
            };
            settle(&ctx, &this.0, key, value.clone());
            Ok(value)
        },
    )?
    .with_name(LAZY_GETTER_NAME)?;
    object.prop(key, LazyAccessor(access))
}

/// An enumerable, configurable accessor whose getter and setter are one function.
struct LazyAccessor<'js>(Function<'js>);

impl<'js> AsProperty<'js, ()> for LazyAccessor<'js> {
    fn config(
        self,
        ctx: &Ctx<'js>,
    ) -> rquickjs::Result<(PropertyFlags, Value<'js>, Value<'js>, Value<'js>)> {
        let flags = qjs::JS_PROP_HAS_GET
            | qjs::JS_PROP_HAS_SET
            | qjs::JS_PROP_ENUMERABLE
            | qjs::JS_PROP_HAS_ENUMERABLE
            | qjs::JS_PROP_CONFIGURABLE
            | qjs::JS_PROP_HAS_CONFIGURABLE;
        let access = self.0.into_value();
        Ok((
            flags as PropertyFlags,
            Value::new_undefined(ctx.clone()),
            access.clone(),
            access,
        ))
    }
}

/// Replaces the lazy field of `this` with a data field holding `value`. On an object that can
/// no longer change (a frozen one) the field stays lazy and the value is simply returned.
fn settle<'js>(ctx: &Ctx<'js>, this: &Value<'js>, key: &'static str, value: Value<'js>) {
    let Some(object) = this.as_object() else {
        return;
    };
    let data = Property::from(value).writable().enumerable().configurable();
    if object.prop(key, data).is_err() {
        // The define threw: the exception is ours to clear.
        let _ = ctx.catch();
    }
}
