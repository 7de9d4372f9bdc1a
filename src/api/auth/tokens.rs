//! Static bearer tokens: `GRIDWATCH_TOKENS` (`role:token` entries, for quick set-ups and
//! tests) or a tokens file of SHA-256 hashes (`role:hex`, one per line, for production), each
//! optionally bound to cities and communities (`role:token:cities=420800:communities=12,13`).
//! Only hashes are kept in memory either way.

use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::Grant;

/// The known tokens, as SHA-256 digests with what each grants.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    entries: Vec<([u8; 32], Grant)>,
}

/// `communities=12,13` (the ids of the communities a token is bound to).
fn communities(spec: &str) -> Result<Arc<[u64]>, String> {
    let list = spec
        .strip_prefix("communities=")
        .ok_or_else(|| format!("`{spec}`: expected communities=ID,ID,…"))?;
    let ids = list
        .split(',')
        .map(|id| {
            id.trim()
                .parse::<u64>()
                .map_err(|_| format!("`{id}` is not a community id"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if ids.is_empty() {
        return Err("a token bound to no community".into());
    }
    Ok(ids.into())
}

/// `cities=420800,420600` (the codes of the cities a token is bound to).
fn cities(spec: &str) -> Result<Arc<[crate::model::CityCode]>, String> {
    let codes = spec
        .split(',')
        .map(|code| {
            code.parse()
                .map_err(|e: crate::model::CityCodeError| e.to_string())
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(codes.into())
}

/// `role`, perhaps with `cities=…` and `communities=…` (`:` between them), as one entry names
/// them.
fn grant(role: &str, bound: Option<&str>) -> Result<Grant, String> {
    let mut grant = Grant {
        role: role.parse()?,
        communities: None,
        cities: None,
    };
    for binding in bound.into_iter().flat_map(|b| b.split(':')) {
        match binding.strip_prefix("cities=") {
            Some(list) if grant.cities.is_none() => grant.cities = Some(cities(list)?),
            Some(_) => return Err(format!("`{binding}`: cities named twice")),
            None if grant.communities.is_none() => {
                grant.communities = Some(communities(binding)?);
            }
            None => return Err(format!("`{binding}`: communities named twice")),
        }
    }
    Ok(grant)
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl Tokens {
    /// No tokens: every write is refused.
    #[must_use]
    pub fn none() -> Self {
        Self::default()
    }

    /// Plain `role:token`, `role:token:communities=ID,ID` or `role:token:cities=CODE,CODE`
    /// (or both, `:` between) entries separated by commas (a piece starting with a digit
    /// continues the entry's last list).
    ///
    /// # Errors
    /// An entry without a role, with an unknown role, an empty token or a bad community id.
    pub fn parse_plain(spec: &str) -> Result<Self, String> {
        // Rejoin the community lists the comma separator split.
        let mut entries: Vec<String> = Vec::new();
        for piece in spec.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            match entries.last_mut() {
                // An entry starts with a role: a piece starting with a digit continues the
                // last list (`…:cities=420800,420600:communities=5,6`).
                Some(last)
                    if (last.contains(":communities=") || last.contains(":cities="))
                        && piece.starts_with(|c: char| c.is_ascii_digit()) =>
                {
                    last.push(',');
                    last.push_str(piece);
                }
                _ => entries.push(piece.to_owned()),
            }
        }
        let mut tokens = Self::none();
        for entry in entries {
            let mut fields = entry.splitn(3, ':');
            let (Some(role), Some(token)) = (fields.next(), fields.next()) else {
                return Err(format!(
                    "`{}…`: expected role:token",
                    entry.chars().take(8).collect::<String>()
                ));
            };
            if token.is_empty() {
                return Err(format!("an empty token for role {role}"));
            }
            tokens
                .entries
                .push((digest(token), grant(role, fields.next())?));
        }
        Ok(tokens)
    }

    /// A tokens file: `role:sha256-hex` or `role:sha256-hex:communities=ID,ID` per line;
    /// blank lines and `#` comments are skipped.
    ///
    /// # Errors
    /// A malformed line (named by number).
    pub fn parse_hashed(text: &str) -> Result<Self, String> {
        let mut tokens = Self::none();
        for (n, line) in text.lines().enumerate().map(|(n, l)| (n + 1, l.trim())) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut fields = line.splitn(3, ':');
            let (Some(role), Some(hex)) = (fields.next(), fields.next()) else {
                return Err(format!("line {n}: expected role:sha256-hex"));
            };
            let bytes: Vec<u8> = (0..hex.len())
                .step_by(2)
                .map(|i| {
                    hex.get(i..i + 2)
                        .and_then(|h| u8::from_str_radix(h, 16).ok())
                })
                .collect::<Option<_>>()
                .filter(|b: &Vec<u8>| b.len() == 32)
                .ok_or_else(|| format!("line {n}: the hash must be 64 hexadecimal digits"))?;
            let mut hash = [0u8; 32];
            hash.copy_from_slice(&bytes);
            tokens.entries.push((
                hash,
                grant(role, fields.next()).map_err(|e| format!("line {n}: {e}"))?,
            ));
        }
        Ok(tokens)
    }

    /// Adds the entries of `other`.
    pub fn extend(&mut self, other: Self) {
        self.entries.extend(other.entries);
    }

    /// Whether no token is configured.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// What `token` grants, if it is known.
    #[must_use]
    pub fn grant(&self, token: &str) -> Option<&Grant> {
        let hash = digest(token);
        self.entries
            .iter()
            .find(|(h, _)| *h == hash)
            .map(|(_, g)| g)
    }

    /// Whether some token is bound to communities but not to cities (ambiguous when several
    /// cities are served: ids are per city).
    #[must_use]
    pub fn communities_without_cities(&self) -> bool {
        self.entries
            .iter()
            .any(|(_, g)| g.communities.is_some() && g.cities.is_none())
    }

    /// Each token's communities with the cities it is bound to (to check against the data
    /// at start-up).
    pub fn bound(&self) -> impl Iterator<Item = (Option<&[crate::model::CityCode]>, &[u64])> + '_ {
        self.entries
            .iter()
            .filter_map(|(_, g)| Some((g.cities.as_deref(), g.communities.as_deref()?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Role;

    fn role(tokens: &Tokens, token: &str) -> Option<Role> {
        tokens.grant(token).map(|g| g.role)
    }

    #[test]
    fn plain_entries_name_a_role_and_perhaps_communities() {
        let tokens = Tokens::parse_plain(
            "operator:op-secret, admin:admin-secret,viewer:look:communities=12,13, operator:x:communities=7",
        )
        .unwrap();
        assert_eq!(role(&tokens, "op-secret"), Some(Role::Operator));
        assert_eq!(role(&tokens, "admin-secret"), Some(Role::Admin));
        assert_eq!(role(&tokens, "guess"), None);
        let look = tokens.grant("look").unwrap();
        assert_eq!(look.role, Role::Viewer);
        assert_eq!(look.communities.as_deref(), Some(&[12, 13][..]));
        assert_eq!(
            tokens.grant("x").unwrap().communities.as_deref(),
            Some(&[7][..])
        );
        assert_eq!(tokens.grant("op-secret").unwrap().communities, None);
        let mut bound: Vec<u64> = tokens
            .bound()
            .flat_map(|(_, c)| c.iter().copied())
            .collect();
        bound.sort_unstable();
        assert_eq!(bound, [7, 12, 13]);
    }

    #[test]
    fn hashed_files_hold_sha256_digests() {
        // sha256("s3cret") from `printf s3cret | sha256sum`.
        let file = "# operations team\n\noperator:1ec1c26b50d5d3c58d9583181af8076655fe00756bf7285940ba3670f99fcba0\nviewer:1ec1c26b50d5d3c58d9583181af8076655fe00756bf7285940ba3670f99fcba1:communities=5,6\n";
        let tokens = Tokens::parse_hashed(file).unwrap();
        assert_eq!(role(&tokens, "s3cret"), Some(Role::Operator));
        assert_eq!(role(&tokens, "s3cre"), None);
        assert_eq!(
            tokens
                .bound()
                .flat_map(|(_, c)| c.iter().copied())
                .collect::<Vec<_>>(),
            [5, 6]
        );
        assert!(Tokens::parse_hashed("operator:abc").is_err());
        assert!(
            Tokens::parse_hashed(
                "boss:1ec1c26b50d5d3c58d9583181af8076655fe00756bf7285940ba3670f99fcba0"
            )
            .is_err()
        );
    }

    #[test]
    fn malformed_entries_are_refused() {
        for bad in [
            "operator",
            "king:x",
            "operator:",
            "operator:x:communities=",
            "operator:x:communities=a",
            "operator:x:towns=1",
        ] {
            assert!(Tokens::parse_plain(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn entries_may_be_bound_to_cities_and_communities() {
        let tokens = Tokens::parse_plain(
            "viewer:v:cities=420800,420600:communities=5,6, operator:o:cities=420600",
        )
        .unwrap();
        let v = tokens.grant("v").unwrap();
        let codes: Vec<String> = v
            .cities
            .as_deref()
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(codes, ["420800", "420600"]);
        assert_eq!(v.communities.as_deref(), Some(&[5, 6][..]));
        let o = tokens.grant("o").unwrap();
        assert_eq!(o.cities.as_deref().map(<[_]>::len), Some(1));
        assert_eq!(o.communities, None);
        assert!(!tokens.communities_without_cities());
        for bad in [
            "operator:x:cities=420801",
            "operator:x:cities=",
            "operator:x:cities=420800:cities=420600",
            "operator:x:communities=1:communities=2",
        ] {
            assert!(Tokens::parse_plain(bad).is_err(), "{bad}");
        }
        assert!(
            Tokens::parse_plain("viewer:w:communities=3")
                .unwrap()
                .communities_without_cities()
        );
    }
}
