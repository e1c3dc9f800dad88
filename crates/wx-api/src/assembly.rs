//! Building `wx`: one property per member available at the run's base library, defined from
//! Rust. Members of the base family are what core.js and base.js defined; members of a lazy
//! family are stand-ins that load their layer on first call (the layer then puts the real
//! members on `wx`); documented members wxrun does not implement throw a clear TypeError.
//! Done natively because a JavaScript call and property descriptor per member made this the
//! largest part of start-up.

use rquickjs::{
    Ctx, Exception, Function, Object, Value,
    function::{Rest, This},
    object::Property,
};
use wx_policy::{LibVersion, inventory};

use crate::{IMPLEMENTED, LAZY_LAYERS};

/// Where a member of `wx` comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Member {
    /// Defined by core.js or base.js before `wx` is built.
    Base,
    /// Defined by the lazy layer of this name when it loads.
    Lazy(&'static str),
    /// Documented, but not implemented by wxrun.
    Unsupported,
}

/// The members `wx` holds at base library `lib`, in a stable order.
pub(crate) fn plan(lib: LibVersion) -> Vec<(&'static str, Member)> {
    let available =
        |name: &str| inventory::lookup(name).is_none_or(|entry| entry.available_in(lib));
    let mut plan = Vec::with_capacity(inventory::all().len() + 8);
    for name in IMPLEMENTED.iter().copied().filter(|name| available(name)) {
        let member = LAZY_LAYERS
            .iter()
            .find(|layer| layer.members.contains(&name))
            .map_or(Member::Base, |layer| Member::Lazy(layer.name));
        plan.push((name, member));
    }
    for entry in inventory::all() {
        if entry.available_in(lib) && !IMPLEMENTED.contains(&entry.name) {
            plan.push((entry.name, Member::Unsupported));
        }
    }
    plan
}

/// The JavaScript function a stand-in calls: `(name, layer, this, args)` loads the layer and
/// calls the real member (core.js, `callLazily`), registered under a global symbol.
const LAZY_CALL: &str = "globalThis[Symbol.for('wxrun.callLazily')]";

fn stand_in<'js>(
    ctx: &Ctx<'js>,
    name: &'static str,
    layer: &'static str,
) -> rquickjs::Result<Function<'js>> {
    Function::new(
        ctx.clone(),
        move |ctx: Ctx<'js>,
              this: This<Value<'js>>,
              args: Rest<Value<'js>>|
              -> rquickjs::Result<Value<'js>> {
            let call: Function = ctx.eval(LAZY_CALL)?;
            call.call((name, layer, this.0, args.0))
        },
    )?
    .with_name(name)
}

fn unsupported<'js>(ctx: &Ctx<'js>, name: &'static str) -> rquickjs::Result<Function<'js>> {
    Function::new(ctx.clone(), move |ctx: Ctx<'js>| -> rquickjs::Result<()> {
        Err(Exception::throw_type(
            &ctx,
            &format!("wx.{name} is not supported by wxrun"),
        ))
    })?
    .with_name(name)
}

/// Builds `wx` for `lib`, and the object of its stand-ins by name. `base(name)` gives the
/// value of a base member as core.js defined it; `shown`, when given (`--api-coverage`), is
/// core.js's function that wraps every member's value.
pub(crate) fn assemble<'js>(
    ctx: &Ctx<'js>,
    lib: LibVersion,
    base: impl Fn(&str) -> rquickjs::Result<Value<'js>>,
    shown: Option<&Function<'js>>,
) -> rquickjs::Result<(Object<'js>, Object<'js>)> {
    let wx = Object::new(ctx.clone())?;
    let stand_ins = Object::new(ctx.clone())?;
    for (name, member) in plan(lib) {
        let value = match member {
            Member::Base => base(name)?,
            Member::Lazy(layer) => stand_in(ctx, name, layer)?.into_value(),
            Member::Unsupported => unsupported(ctx, name)?.into_value(),
        };
        let value = match shown {
            Some(shown) => shown.call((name, value))?,
            None => value,
        };
        if matches!(member, Member::Lazy(_)) {
            stand_ins.set(name, value.clone())?;
        }
        wx.prop(
            name,
            Property::from(value).writable().configurable().enumerable(),
        )?;
    }
    Ok((wx, stand_ins))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plan lists each available member once, with its layer, and leaves out members
    /// newer than the base library.
    #[test]
    fn the_plan_lists_members_by_family() {
        let newest = plan(LibVersion::NEWEST_MODELLED);
        let find = |name: &str| newest.iter().find(|(n, _)| *n == name).map(|(_, m)| *m);
        assert_eq!(find("request"), Some(Member::Lazy("http")));
        assert_eq!(find("canIUse"), Some(Member::Base));
        let mut names: Vec<&str> = newest.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "a member is listed twice");
        assert_eq!(find("createTCPSocket"), Some(Member::Lazy("tcp")));
        let before_tcp = plan(LibVersion::new(2, 17, 9));
        assert!(
            !before_tcp
                .iter()
                .any(|(name, _)| *name == "createTCPSocket"),
            "a 2.18.0 member at 2.17.9"
        );
        assert!(
            plan(LibVersion::new(2, 18, 0)).contains(&("createTCPSocket", Member::Lazy("tcp")))
        );
        let old = plan(LibVersion::new(1, 0, 0));
        assert!(
            !old.iter().any(|(name, _)| *name == "batchGetStorageSync"),
            "a 2.25.0 member at 1.0.0"
        );
    }
}
