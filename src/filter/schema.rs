//! What a collection may be filtered on: its queryables, each with a type whose values the
//! server knows how to read, compare and list (enumerations come from the code's vocabularies,
//! so a queryables document cannot name a value the server would refuse).

use crate::model::{
    BuildingUse, IncidentKind, IncidentSource, IncidentStatus, ResourceKind, StreetClass,
};

/// The type of a queryable property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Integer,
    Number,
    Boolean,
    Text,
    /// An instant (RFC 3339 in and out, Unix seconds inside).
    Timestamp,
    IncidentKind,
    IncidentStatus,
    IncidentSource,
    ResourceKind,
    BuildingUse,
    StreetClass,
}

/// One property a filter may name.
#[derive(Debug, Clone, Copy)]
pub struct Queryable {
    pub name: &'static str,
    pub ty: Type,
}

/// Shorthand for the schema tables.
#[must_use]
pub const fn q(name: &'static str, ty: Type) -> Queryable {
    Queryable { name, ty }
}

fn names<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| name(*v)).collect()
}

impl Type {
    /// The values of an enumeration, `None` for the other types.
    #[must_use]
    pub fn vocabulary(self) -> Option<Vec<&'static str>> {
        Some(match self {
            Self::IncidentKind => names(IncidentKind::ALL, IncidentKind::as_str),
            Self::IncidentStatus => names(IncidentStatus::ALL, IncidentStatus::as_str),
            Self::IncidentSource => names(IncidentSource::ALL, IncidentSource::as_str),
            Self::ResourceKind => names(ResourceKind::ALL, ResourceKind::as_str),
            Self::BuildingUse => names(BuildingUse::ALL, BuildingUse::as_str),
            Self::StreetClass => names(StreetClass::ALL, StreetClass::as_str),
            Self::Integer | Self::Number | Self::Boolean | Self::Text | Self::Timestamp => {
                return None;
            }
        })
    }

    /// Whether values of this type are text (enumerations included).
    #[must_use]
    pub fn is_text(self) -> bool {
        self == Self::Text || self.vocabulary().is_some()
    }

    /// Whether values of this type are numbers.
    #[must_use]
    pub fn is_number(self) -> bool {
        matches!(self, Self::Integer | Self::Number)
    }

    /// The JSON Schema of this type's values, as a queryables document lists them.
    #[must_use]
    pub fn json_schema(self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Self::Integer => json!({ "type": "integer" }),
            Self::Number => json!({ "type": "number" }),
            Self::Boolean => json!({ "type": "boolean" }),
            Self::Text => json!({ "type": "string" }),
            Self::Timestamp => json!({ "type": "string", "format": "date-time" }),
            _ => json!({ "type": "string", "enum": self.vocabulary().unwrap_or_default() }),
        }
    }

    /// The canonical form of one `?name=value` query value, as the features write it.
    ///
    /// # Errors
    /// A value of the wrong type or an unknown enumeration name, as a message.
    pub fn canonical(self, value: &str) -> Result<String, String> {
        let v = value.trim();
        match self {
            Self::Integer => v
                .parse::<u64>()
                .map(|n| n.to_string())
                .map_err(|_| format!("`{v}` is not a non-negative integer")),
            Self::Number => v
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(|n| n.to_string())
                .ok_or_else(|| format!("`{v}` is not a number")),
            Self::Boolean => match v {
                "true" | "false" => Ok(v.to_owned()),
                _ => Err(format!("`{v}` is not true or false")),
            },
            Self::Text => Ok(v.to_owned()),
            Self::Timestamp => crate::model::parse_instant(v)
                .map(crate::model::format_local)
                .map_err(|e| e.to_string()),
            _ => {
                let names = self.vocabulary().unwrap_or_default();
                if names.contains(&v) {
                    Ok(v.to_owned())
                } else {
                    Err(format!("`{v}` is not one of {}", names.join(", ")))
                }
            }
        }
    }
}
