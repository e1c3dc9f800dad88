//! Every documented `wx` API with its minimum base library, from the official typings
//! (`data/wx_api_inventory.json`, turned into a static table at build time).

use crate::LibVersion;

/// One documented `wx` member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApiEntry {
    pub name: &'static str,
    pub category: &'static str,
    /// `None` when the API exists since the first base library.
    pub min_lib: Option<LibVersion>,
    pub deprecated: bool,
    pub doc: &'static str,
}

impl ApiEntry {
    pub fn available_in(&self, lib: LibVersion) -> bool {
        self.min_lib.is_none_or(|min| min <= lib)
    }
}

static INVENTORY: &[ApiEntry] = include!(concat!(env!("OUT_DIR"), "/inventory.rs"));

/// All documented APIs, sorted by name.
pub fn all() -> &'static [ApiEntry] {
    INVENTORY
}

/// The entry for `name`, if the platform documents it.
pub fn lookup(name: &str) -> Option<&'static ApiEntry> {
    INVENTORY
        .binary_search_by(|entry| entry.name.cmp(name))
        .ok()
        .map(|index| &INVENTORY[index])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_the_whole_inventory_sorted() {
        assert_eq!(all().len(), 483);
        assert!(all().windows(2).all(|w| w[0].name < w[1].name));
    }

    #[test]
    fn versions_come_from_the_typings() {
        let udp = lookup("createUDPSocket").unwrap();
        assert_eq!(udp.min_lib, Some(LibVersion::new(2, 7, 0)));
        assert!(!udp.available_in(LibVersion::new(2, 6, 9)));
        assert!(udp.available_in(LibVersion::new(2, 7, 0)));
        assert_eq!(lookup("request").unwrap().min_lib, None);
        assert_eq!(lookup("request").unwrap().category, "network");
        assert!(lookup("notAnApi").is_none());
    }
}
