//! The simulated device's natives: the surface table of every documented API (what the
//! generic answers are built from, data/surface.json), how wxrun answers each member, the
//! device profile of the run, and random bytes from the operating system.

use rquickjs::{
    ArrayBuffer, Ctx, Exception, Object, Value,
    prelude::{Func, Opt},
};
use wx_bridge::{Natives, Text, declared::wx};
use wx_policy::{RunPolicy, inventory, limits::MAX_RANDOM_BYTES};

include!(concat!(env!("OUT_DIR"), "/surface.rs"));

/// The table section named by `section` (`api`, `cloud`, `interface`).
fn section(section: &str) -> Option<&'static [(&'static str, &'static str)]> {
    match section {
        "api" => Some(APIS),
        "cloud" => Some(CLOUD),
        "interface" => Some(INTERFACES),
        _ => None,
    }
}

/// The JSON text of `name` in a section of the surface table.
pub fn surface(section_name: &str, name: &str) -> Option<&'static str> {
    let table = section(section_name)?;
    table
        .binary_search_by(|(known, _)| (*known).cmp(name))
        .ok()
        .map(|index| table[index].1)
}

/// Every name of a section of the surface table, sorted.
pub fn surface_names(section_name: &str) -> Vec<&'static str> {
    section(section_name)
        .map(|table| table.iter().map(|(name, _)| *name).collect())
        .unwrap_or_default()
}

fn profile<'js>(ctx: &Ctx<'js>, policy: &RunPolicy) -> rquickjs::Result<Object<'js>> {
    let device = &policy.device;
    let out = Object::new(ctx.clone())?;
    let location = Object::new(ctx.clone())?;
    location.set("latitude", device.location.latitude)?;
    location.set("longitude", device.location.longitude)?;
    location.set("altitude", device.location.altitude)?;
    out.set("location", location)?;
    let user = Object::new(ctx.clone())?;
    user.set("nickName", device.user.nick_name.as_str())?;
    user.set("avatarUrl", device.user.avatar_url.as_str())?;
    user.set("gender", device.user.gender)?;
    user.set("country", device.user.country.as_str())?;
    user.set("province", device.user.province.as_str())?;
    user.set("city", device.user.city.as_str())?;
    user.set("language", device.user.language.as_str())?;
    out.set("user", user)?;
    let scopes = Object::new(ctx.clone())?;
    for (scope, granted) in &device.scopes {
        scopes.set(scope.as_str(), *granted)?;
    }
    out.set("scopes", scopes)?;
    out.set("payment", device.payment.as_str())?;
    out.set("userAgent", policy.fixed_headers.user_agent.as_str())?;
    out.set("subscribe", device.subscribe.as_str())?;
    out.set(
        "mediaFolder",
        device
            .media_folder
            .as_ref()
            .map(|dir| dir.to_string_lossy().into_owned()),
    )?;
    Ok(out)
}

pub(crate) fn install<'js>(native: &mut Natives<'js>, policy: &RunPolicy) -> rquickjs::Result<()> {
    native.set(
        &wx::SURFACE,
        Func::from(
            |ctx: Ctx<'js>, section: Text, name: Opt<Text>| -> rquickjs::Result<Value<'js>> {
                use rquickjs::IntoJs;
                match name.0 {
                    Some(name) => surface(&section, &name).into_js(&ctx),
                    None => surface_names(&section).into_js(&ctx),
                }
            },
        ),
    )?;
    native.set(
        &wx::API_INFO,
        Func::from(|name: Text| {
            crate::support(&name).map(|support| {
                // Members the inventory does not list (wx.cloud) are traced under their layer.
                let category = inventory::lookup(&name)
                    .map_or_else(|| crate::layer_of(&name), |entry| entry.category);
                vec![support.as_str(), category, crate::layer_of(&name)]
            })
        }),
    )?;
    let device = policy.clone();
    native.set(
        &wx::PROFILE,
        Func::from(move |ctx: Ctx<'js>| profile(&ctx, &device)),
    )?;
    native.set(&wx::RANDOM_LIMIT, MAX_RANDOM_BYTES)?;
    native.set(
        &wx::RANDOM_VALUES,
        Func::from(
            |ctx: Ctx<'js>, length: f64| -> rquickjs::Result<Option<ArrayBuffer<'js>>> {
                if !(0.0..=MAX_RANDOM_BYTES as f64).contains(&length) || length.fract() != 0.0 {
                    return Ok(None);
                }
                let mut bytes = vec![0u8; length as usize];
                getrandom::fill(&mut bytes).map_err(|err| {
                    Exception::throw_internal(&ctx, &format!("no random bytes: {err}"))
                })?;
                ArrayBuffer::new(ctx, bytes).map(Some)
            },
        ),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Support;

    /// The table describes every API of the inventory and nothing else; availability by base
    /// library comes from the inventory alone (the table holds no version).
    #[test]
    fn the_surface_covers_the_inventory() {
        let names = surface_names("api");
        let inventory: Vec<&str> = inventory::all().iter().map(|entry| entry.name).collect();
        assert_eq!(names, inventory);
        for name in &names {
            let entry: serde_json::Value =
                serde_json::from_str(surface("api", name).unwrap()).unwrap();
            let kind = entry["kind"].as_str().unwrap();
            assert!(
                ["async", "sync", "on", "off", "factory", "other"].contains(&kind),
                "{name}: {kind}"
            );
            assert!(
                !entry.to_string().contains("minBaseLib"),
                "{name} carries a version: the inventory gates"
            );
            if let Some(interface) = entry["returns"].as_str() {
                assert!(
                    surface("interface", interface).is_some(),
                    "{name} returns {interface}, which the table does not describe"
                );
            }
        }
    }

    /// Every interface a method or property names is in the table too, so an object built
    /// from it never reaches a missing description.
    #[test]
    fn interfaces_are_closed() {
        for name in surface_names("interface") {
            let text = surface("interface", name).unwrap();
            for (at, _) in text.match_indices("\"$interface\":\"") {
                let rest = &text[at + "\"$interface\":\"".len()..];
                let named = &rest[..rest.find('"').unwrap()];
                assert!(
                    surface("interface", named).is_some(),
                    "{name} names {named}"
                );
            }
            let entry: serde_json::Value = serde_json::from_str(text).unwrap();
            for (method, description) in entry["methods"].as_object().unwrap() {
                if let Some(returned) = description["returns"].as_str() {
                    assert!(
                        surface("interface", returned).is_some(),
                        "{name}.{method} returns {returned}"
                    );
                }
            }
        }
    }

    #[test]
    fn unknown_names_and_sections_have_no_entry() {
        assert!(surface("api", "notAnApi").is_none());
        assert!(surface("elsewhere", "request").is_none());
        assert!(surface_names("elsewhere").is_empty());
        assert!(surface("interface", "UpdateManager").is_some());
        assert_eq!(Support::Real.as_str(), "real");
    }
}
