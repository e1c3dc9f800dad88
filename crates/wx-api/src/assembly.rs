//! Building `wx`: one property per member available at the run's base library, defined from
//! Rust. Members of the base family are what core.js and base.js defined; members of a lazy
//! family are stand-ins that load their layer on first call (the layer then puts the real
//! members on `wx`); every other documented member is a stand-in of the generic layer, which
//! answers it from the surface table. Done natively because a JavaScript call and property
//! descriptor per member made this the largest part of start-up.

use std::collections::HashSet;

use rquickjs::{
    Ctx, Function, Object, Value,
    function::{Rest, This},
    object::Property,
};
use wx_policy::{LibVersion, inventory};

use crate::{BASE_MEMBERS, GENERIC_LAYER, LAZY_LAYERS, OBJECT_MEMBERS};

/// Where a member of `wx` comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Member {
    /// Defined by core.js or base.js before `wx` is built.
    Base,
    /// Defined by the lazy layer of this name when it loads.
    Lazy(&'static str),
}

/// The members `wx` holds at base library `lib`, sorted by name.
pub(crate) fn plan(lib: LibVersion) -> Vec<(&'static str, Member)> {
    let available = |name: &str| crate::available(name, lib);
    let mut plan = Vec::with_capacity(inventory::all().len() + 8);
    for (name, _) in BASE_MEMBERS {
        plan.push((*name, Member::Base));
    }
    for layer in LAZY_LAYERS {
        for name in layer.members {
            plan.push((*name, Member::Lazy(layer.name)));
        }
    }
    let defined: HashSet<&str> = plan.iter().map(|(name, _)| *name).collect();
    for entry in inventory::all() {
        if !defined.contains(entry.name) {
            plan.push((entry.name, Member::Lazy(GENERIC_LAYER)));
        }
    }
    plan.retain(|(name, _)| available(name));
    plan.sort_unstable_by_key(|(name, _)| *name);
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

/// Builds `wx` for `lib`, the object of its stand-ins by name, and the `[member, layer]` pairs
/// of the lazy members that are objects, which core.js makes accessors that load their layer
/// when first read. `base(name)` gives the value of a base member as core.js defined it;
/// `shown`, when given (`--api-coverage`), is core.js's function that wraps every member's
/// value.
pub(crate) fn assemble<'js>(
    ctx: &Ctx<'js>,
    lib: LibVersion,
    base: impl Fn(&str) -> rquickjs::Result<Value<'js>>,
    shown: Option<&Function<'js>>,
) -> rquickjs::Result<(Object<'js>, Object<'js>, Vec<Vec<&'static str>>)> {
    let wx = Object::new(ctx.clone())?;
    let stand_ins = Object::new(ctx.clone())?;
    let mut objects = Vec::new();
    for (name, member) in plan(lib) {
        if let Member::Lazy(layer) = member
            && OBJECT_MEMBERS.contains(&name)
        {
            objects.push(vec![name, layer]);
            continue;
        }
        let value = match member {
            Member::Base => base(name)?,
            Member::Lazy(layer) => stand_in(ctx, name, layer)?.into_value(),
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
    Ok((wx, stand_ins, objects))
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
        assert_eq!(find("onThemeChange"), Some(Member::Lazy(GENERIC_LAYER)));
        assert_eq!(find("getLocation"), Some(Member::Lazy("location")));
        // wx.cloud, which the inventory does not list, came with base library 2.2.3.
        assert_eq!(find("cloud"), Some(Member::Lazy("cloud")));
        assert!(
            !plan(LibVersion::new(2, 2, 2))
                .iter()
                .any(|(name, _)| *name == "cloud")
        );
        assert!(crate::base::can_i_use("cloud", LibVersion::new(2, 2, 3)));
        assert!(!crate::base::can_i_use("cloud", LibVersion::new(2, 2, 2)));
    }

    /// `if (wx.x)` and `wx.canIUse('x')` agree for every documented API at every base
    /// library where one appears or a neighbour of it, and every documented API is on `wx` at
    /// the newest.
    #[test]
    fn wx_and_can_i_use_agree_at_every_base_library() {
        let mut versions: Vec<LibVersion> = inventory::all()
            .iter()
            .filter_map(|entry| entry.min_lib)
            .flat_map(|v| {
                [
                    LibVersion::new(v.major, v.minor, v.patch.saturating_sub(1)),
                    v,
                ]
            })
            .collect();
        versions.push(LibVersion::new(1, 0, 0));
        versions.push(LibVersion::NEWEST_MODELLED);
        versions.sort_unstable();
        versions.dedup();
        for lib in versions {
            let names: HashSet<&str> = plan(lib).iter().map(|(name, _)| *name).collect();
            for entry in inventory::all() {
                assert_eq!(
                    names.contains(entry.name),
                    crate::base::can_i_use(entry.name, lib),
                    "{} at {lib}",
                    entry.name
                );
            }
        }
        let newest: HashSet<&str> = plan(LibVersion::NEWEST_MODELLED)
            .iter()
            .map(|(name, _)| *name)
            .collect();
        assert!(
            inventory::all()
                .iter()
                .all(|entry| newest.contains(entry.name))
        );
    }
}
