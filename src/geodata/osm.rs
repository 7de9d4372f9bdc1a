//! Who may walk an OpenStreetMap way: the `highway` class, the explicit `foot=*` and
//! `access=*` tags (as GDAL writes them, as columns or inside `other_tags`), and, where a way
//! says nothing, the country's default foot access from the OSM wiki's
//! "OSM tags for routing/Access restrictions" tables.
//!
//! The decision, in order (as the foot profiles of OSRM and `GraphHopper` take it):
//! 1. `highway` gives the class; values that are not ways at all (`construction`, `proposed`,
//!    `bus_guideway`, `raceway`, ...) are left out.
//! 2. `foot=yes|designated|permissive|destination|customers` opens the way, whatever else it
//!    says; `foot=no|private|use_sidepath|discouraged` closes it.
//! 3. Without `foot`, `access=no|private|agricultural|forestry|delivery` closes it.
//! 4. Otherwise the country's default for the class decides: worldwide a motorway, a cycleway
//!    and a bridleway are closed to walkers, everything else is open; some countries differ
//!    ([`FootDefaults::for_country`]).

use crate::model::StreetClass;

/// The countries whose default foot access differs from the wiki's worldwide table, as
/// (ISO 3166-1 alpha-2, trunk open to walkers, cycleway open to walkers). Germany: trunk roads
/// (Kraftfahrstraßen) are closed to walkers; Finland: a cycleway is a shared foot- and
/// cycleway unless tagged otherwise.
const COUNTRIES: &[(&str, bool, bool)] = &[("DE", false, false), ("FI", true, true)];

/// The default foot access of untagged ways, for one country.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FootDefaults {
    /// `highway=trunk` open to walkers (worldwide: yes).
    pub trunk: bool,
    /// `highway=cycleway` open to walkers (worldwide: no).
    pub cycleway: bool,
}

impl Default for FootDefaults {
    /// The wiki's worldwide table.
    fn default() -> Self {
        Self {
            trunk: true,
            cycleway: false,
        }
    }
}

impl FootDefaults {
    /// The defaults of a country (ISO 3166-1 alpha-2, any case); the worldwide table for a
    /// country the wiki does not single out.
    #[must_use]
    pub fn for_country(code: &str) -> Self {
        COUNTRIES
            .iter()
            .find(|(c, _, _)| c.eq_ignore_ascii_case(code))
            .map_or_else(Self::default, |&(_, trunk, cycleway)| Self {
                trunk,
                cycleway,
            })
    }
}

/// The tags of one OSM way that decide walking.
#[derive(Debug, Default)]
pub struct WayTags<'a> {
    pub highway: &'a str,
    pub foot: Option<&'a str>,
    pub access: Option<&'a str>,
}

/// The class of a way and whether one may walk it; `None` for a way that is not a street or
/// path at all.
#[must_use]
pub fn classify(tags: &WayTags, defaults: FootDefaults) -> Option<(StreetClass, bool)> {
    let base = tags.highway.strip_suffix("_link").unwrap_or(tags.highway);
    let (class, open_by_default) = match base {
        "motorway" => (StreetClass::Arterial, false),
        "trunk" => (StreetClass::Arterial, defaults.trunk),
        "primary" => (StreetClass::Arterial, true),
        "secondary" => (StreetClass::Secondary, true),
        "tertiary" | "residential" | "service" | "living_street" | "unclassified" | "road"
        | "busway" => (StreetClass::Local, true),
        "footway" | "path" | "pedestrian" | "steps" | "track" | "corridor" => {
            (StreetClass::Footpath, true)
        }
        "cycleway" => (StreetClass::Footpath, defaults.cycleway),
        "bridleway" => (StreetClass::Footpath, false),
        _ => return None,
    };
    let walkable = match tags.foot {
        Some("yes" | "designated" | "permissive" | "destination" | "customers") => true,
        Some("no" | "private" | "use_sidepath" | "discouraged") => false,
        _ => match tags.access {
            Some("no" | "private" | "agricultural" | "forestry" | "delivery") => false,
            _ => open_by_default,
        },
    };
    Some((class, walkable))
}

/// The value of `key` in GDAL's `other_tags` column (PostgreSQL hstore text:
/// `"foot"=>"yes","bicycle"=>"designated"`), unescaping `\"` and `\\`.
#[must_use]
pub fn other_tag(other_tags: &str, key: &str) -> Option<String> {
    let mut rest = other_tags;
    loop {
        let (k, after) = quoted(rest.trim_start_matches([',', ' ']))?;
        let after = after.trim_start().strip_prefix("=>")?.trim_start();
        let (v, after) = quoted(after)?;
        if k == key {
            return Some(v);
        }
        rest = after;
    }
}

/// One double-quoted hstore string at the start of `s`, unescaped, and what follows it.
fn quoted(s: &str) -> Option<(String, &str)> {
    let body = s.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?.1),
            '"' => return Some((out, &body[i + 1..])),
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(highway: &str, foot: Option<&str>, access: Option<&str>) -> Option<bool> {
        classify(
            &WayTags {
                highway,
                foot,
                access,
            },
            FootDefaults::default(),
        )
        .map(|(_, w)| w)
    }

    #[test]
    fn worldwide_defaults_follow_the_wiki_table() {
        assert_eq!(walk("motorway", None, None), Some(false));
        assert_eq!(walk("motorway_link", None, None), Some(false));
        assert_eq!(walk("trunk", None, None), Some(true));
        assert_eq!(walk("cycleway", None, None), Some(false));
        assert_eq!(walk("bridleway", None, None), Some(false));
        for open in [
            "primary",
            "residential",
            "living_street",
            "footway",
            "path",
            "steps",
        ] {
            assert_eq!(walk(open, None, None), Some(true), "{open}");
        }
        assert_eq!(walk("construction", None, None), None);
        assert_eq!(walk("proposed", Some("yes"), None), None);
    }

    #[test]
    fn foot_tags_override_defaults_and_access() {
        assert_eq!(walk("cycleway", Some("designated"), None), Some(true));
        assert_eq!(walk("cycleway", Some("yes"), None), Some(true));
        assert_eq!(walk("motorway", Some("yes"), None), Some(true));
        assert_eq!(walk("footway", Some("no"), None), Some(false));
        assert_eq!(walk("primary", Some("use_sidepath"), None), Some(false));
        assert_eq!(walk("service", None, Some("private")), Some(false));
        assert_eq!(
            walk("service", Some("permissive"), Some("private")),
            Some(true)
        );
        assert_eq!(walk("residential", None, Some("destination")), Some(true));
    }

    #[test]
    fn countries_differ_where_the_wiki_says() {
        let fi = FootDefaults::for_country("fi");
        let de = FootDefaults::for_country("DE");
        let tags = |highway| WayTags {
            highway,
            ..WayTags::default()
        };
        assert_eq!(classify(&tags("cycleway"), fi).map(|c| c.1), Some(true));
        assert_eq!(classify(&tags("trunk"), de).map(|c| c.1), Some(false));
        assert_eq!(FootDefaults::for_country("CN"), FootDefaults::default());
    }

    #[test]
    fn other_tags_are_read_as_gdal_writes_them() {
        let tags = r#""bicycle"=>"designated","foot"=>"designated","name:sv"=>"Ö \"x\"""#;
        assert_eq!(other_tag(tags, "foot").as_deref(), Some("designated"));
        assert_eq!(other_tag(tags, "name:sv").as_deref(), Some("Ö \"x\""));
        assert_eq!(other_tag(tags, "access"), None);
        assert_eq!(other_tag("", "foot"), None);
        assert_eq!(other_tag(r#""foot"=>"#, "foot"), None);
    }
}
