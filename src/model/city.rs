//! The city a dataset belongs to: its administrative division code (GB/T 2260) and name.
//! Every entity of a dataset is of its city; stores key every row by the city's code, so two
//! cities' ids never meet.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A prefecture-level city's 6-digit code, `PPCC00`: province `PP`, city `CC` (not `00`,
/// which is the province itself), and `00` for the city as a whole (Jingmen is `420800`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CityCode(u32);

/// The seed city of the bundled dataset.
pub const JINGMEN: CityCode = CityCode(420_800);

impl CityCode {
    /// The code as a number (`420800`).
    #[must_use]
    pub const fn get(self) -> u32 {
        self.0
    }

    /// The code from a number, if it is a prefecture-level city's.
    #[must_use]
    pub const fn new(code: u32) -> Option<Self> {
        if code >= 110_000
            && code <= 829_900
            && code.is_multiple_of(100)
            && !code.is_multiple_of(10_000)
        {
            Some(Self(code))
        } else {
            None
        }
    }

    /// The 4-digit prefix its districts' and communities' codes start with (`4208`).
    #[must_use]
    pub const fn prefix(self) -> u32 {
        self.0 / 100
    }
}

impl fmt::Display for CityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:06}", self.0)
    }
}

/// A code that is not a prefecture-level city's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a city code: six digits PPCC00, province PP, city CC other than 00 (Jingmen is 420800)"
)]
pub struct CityCodeError(pub String);

impl FromStr for CityCode {
    type Err = CityCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let refused = || CityCodeError(s.chars().take(16).collect());
        if t.len() != 6 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(refused());
        }
        t.parse().ok().and_then(Self::new).ok_or_else(refused)
    }
}

impl Serialize for CityCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CityCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for CityCode {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "CityCode".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[1-8][0-9][0-9][0-9]00$",
            "description": "A prefecture-level city's administrative division code (GB/T 2260)",
        })
    }
}

/// A city: its code and name, as `city.json` of a dataset directory states them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct City {
    pub code: CityCode,
    pub name: String,
}

impl City {
    /// The seed city, Jingmen (a dataset without `city.json` is of it: it predates cities).
    #[must_use]
    pub fn jingmen() -> Self {
        Self {
            code: JINGMEN,
            name: "Jingmen".to_owned(),
        }
    }
}

impl Default for City {
    fn default() -> Self {
        Self::jingmen()
    }
}

#[cfg(test)]
mod tests {
    use super::{CityCode, JINGMEN};

    #[test]
    fn city_codes_are_six_digits_of_a_prefecture() {
        assert_eq!("420800".parse(), Ok(JINGMEN));
        assert_eq!(JINGMEN.to_string(), "420800");
        assert_eq!(JINGMEN.prefix(), 4208);
        for good in ["110100", "420500", "654300", "820100"] {
            assert!(good.parse::<CityCode>().is_ok(), "{good}");
        }
        // a province, a district, too short, too long, a sign, not digits, out of range
        for bad in [
            "420000", "420802", "42080", "4208000", "+20800", "42o800", "000100", "990100", "",
        ] {
            assert!(bad.parse::<CityCode>().is_err(), "{bad}");
        }
    }
}
