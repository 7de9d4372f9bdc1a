//! Closed vocabularies of the data model. Each is parsed once at the edge (`FromStr`) and carried
//! as a one-byte enum afterwards, so filters compare integers, never strings.

/// A name that is not one of an enum's variants.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{given}`; expected one of: {expected}")]
pub struct UnknownVariant {
    pub what: &'static str,
    pub given: String,
    pub expected: String,
}

/// Declares a `#[repr(u8)]` enum with its `snake_case` names, `ALL`, `as_str`, `FromStr`,
/// `Display`, serde impls that use those names and a JSON schema that enumerates them.
macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every variant, in declaration order (the order of their `u8` codes).
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The contract name of this variant.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The variant whose code is `code`, if any.
            #[must_use]
            pub fn from_code(code: u8) -> Option<Self> {
                Self::ALL.get(usize::from(code)).copied()
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::model::UnknownVariant;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::model::UnknownVariant {
                        what: $what,
                        given: s.chars().take(64).collect(),
                        expected: Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "),
                    }),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "enum": [$($text),+] })
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use named_enum;

named_enum!(
    /// What an incident is about (PRODUCT.md, data model).
    IncidentKind, "incident kind" {
        Dispute => "dispute",
        SafetyHazard => "safety_hazard",
        PoliceCall => "police_call",
        CriminalCase => "criminal_case",
        PropertyDispute => "property_dispute",
        IllegalConstruction => "illegal_construction",
        StreetVending => "street_vending",
        SchoolSurroundings => "school_surroundings",
        MarketSanitation => "market_sanitation",
        Drainage => "drainage",
        Petition => "petition",
    }
);

impl IncidentKind {
    /// The kind's name on the command centre's screens and in the briefs (as the web map's).
    #[must_use]
    pub const fn name_zh(self) -> &'static str {
        match self {
            Self::Dispute => "纠纷",
            Self::SafetyHazard => "安全隐患",
            Self::PoliceCall => "警情",
            Self::CriminalCase => "刑事案件",
            Self::PropertyDispute => "物业纠纷",
            Self::IllegalConstruction => "违章建筑",
            Self::StreetVending => "占道经营",
            Self::SchoolSurroundings => "校园周边",
            Self::MarketSanitation => "市场卫生",
            Self::Drainage => "排水",
            Self::Petition => "信访",
        }
    }
}

named_enum!(
    /// Where an incident is in its handling.
    IncidentStatus, "incident status" {
        Open => "open",
        Assigned => "assigned",
        Resolved => "resolved",
    }
);

named_enum!(
    /// Who reported an incident.
    IncidentSource, "incident source" {
        Patrol => "patrol",
        Hotline => "hotline",
        Police => "police",
        GridWorker => "grid_worker",
        PartyMember => "party_member",
    }
);

named_enum!(
    /// What a point resource is.
    ResourceKind, "resource kind" {
        ServiceComplex => "service_complex",
        PoliceStation => "police_station",
        PolicePost => "police_post",
        CommunityOffice => "community_office",
        School => "school",
        Market => "market",
        Clinic => "clinic",
        PartyHousehold => "party_household",
    }
);

named_enum!(
    /// The main use of a building.
    BuildingUse, "building use" {
        Residential => "residential",
        Commercial => "commercial",
        School => "school",
        Market => "market",
        Office => "office",
        Other => "other",
    }
);

named_enum!(
    /// What a street is, for drawing and for planners (PRODUCT.md, data model).
    StreetClass, "street class" {
        Arterial => "arterial",
        Secondary => "secondary",
        Local => "local",
        Footpath => "footpath",
    }
);

named_enum!(
    /// Where an incident is in its handling (立案 filed, 派遣 dispatched, 处置 handled,
    /// 核查结案 closed, 回退 returned, 重办 redo, 挂账 parked).
    HandlingState, "handling state" {
        Reported => "reported",
        Filed => "filed",
        Dispatched => "dispatched",
        Handled => "handled",
        Closed => "closed",
        Returned => "returned",
        Redo => "redo",
        Parked => "parked",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_codes_are_positions() {
        for (code, kind) in IncidentKind::ALL.iter().enumerate() {
            assert_eq!(kind.as_str().parse::<IncidentKind>(), Ok(*kind));
            assert_eq!(*kind as usize, code);
            assert_eq!(IncidentKind::from_code(code as u8), Some(*kind));
        }
        assert_eq!(IncidentKind::from_code(11), None);
    }

    #[test]
    fn unknown_names_list_the_choices() {
        let err = "riot".parse::<IncidentStatus>().unwrap_err();
        assert_eq!(err.given, "riot");
        assert_eq!(err.expected, "open, assigned, resolved");
    }
}
