//! Bearer tokens and roles. Reads are open; writes need `Authorization: Bearer <token>` of a
//! role allowed to make them. Tokens come from `GRIDWATCH_TOKENS` (`role:token` entries, for
//! quick set-ups and tests) or a tokens file of SHA-256 hashes (`role:hex`, one per line, for
//! production). Only hashes are kept in memory either way.

use axum::http::{HeaderMap, header};
use sha2::{Digest, Sha256};

use super::ApiError;

/// What a token may do; each role includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Read (reads are open; the role exists so a token can be handed out safely).
    Viewer,
    /// Also write incidents and patrol tracks.
    Operator,
    /// Also write resources.
    Admin,
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "viewer" => Ok(Self::Viewer),
            "operator" => Ok(Self::Operator),
            "admin" => Ok(Self::Admin),
            other => Err(format!(
                "unknown role `{other}` (viewer, operator or admin)"
            )),
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Viewer => "viewer",
            Self::Operator => "operator",
            Self::Admin => "admin",
        })
    }
}

/// The known tokens, as SHA-256 digests with their roles.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    entries: Vec<([u8; 32], Role)>,
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

    /// Plain `role:token` entries separated by commas.
    ///
    /// # Errors
    /// An entry without a role, with an unknown role, or with an empty token.
    pub fn parse_plain(spec: &str) -> Result<Self, String> {
        let mut tokens = Self::none();
        for entry in spec.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (role, token) = entry.split_once(':').ok_or_else(|| {
                format!(
                    "`{}…`: expected role:token",
                    entry.chars().take(8).collect::<String>()
                )
            })?;
            if token.is_empty() {
                return Err(format!("an empty token for role {role}"));
            }
            tokens.entries.push((digest(token), role.parse()?));
        }
        Ok(tokens)
    }

    /// A tokens file: `role:sha256-hex` per line; blank lines and `#` comments are skipped.
    ///
    /// # Errors
    /// A malformed line (named by number).
    pub fn parse_hashed(text: &str) -> Result<Self, String> {
        let mut tokens = Self::none();
        for (n, line) in text.lines().enumerate().map(|(n, l)| (n + 1, l.trim())) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (role, hex) = line
                .split_once(':')
                .ok_or_else(|| format!("line {n}: expected role:sha256-hex"))?;
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
            tokens
                .entries
                .push((hash, role.parse().map_err(|e| format!("line {n}: {e}"))?));
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

    /// The role of the request's bearer token, if it is at least `needed`.
    ///
    /// # Errors
    /// 403 when no tokens are configured or the role is too low; 401 for a missing or unknown
    /// token.
    pub fn authorize(&self, headers: &HeaderMap, needed: Role) -> Result<Role, ApiError> {
        if self.is_empty() {
            return Err(ApiError::Forbidden(
                "writes are disabled: this server has no tokens configured (set GRIDWATCH_TOKENS or --tokens-file)".into(),
            ));
        }
        let token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::Unauthorized(
                    "this write needs an `Authorization: Bearer <token>` header".into(),
                )
            })?;
        let hash = digest(token);
        let role = self
            .entries
            .iter()
            .find(|(h, _)| *h == hash)
            .map(|(_, r)| *r)
            .ok_or_else(|| {
                ApiError::Unauthorized("the bearer token is not known to this server".into())
            })?;
        if role < needed {
            return Err(ApiError::Forbidden(format!(
                "a {role} token may not do this; it needs {needed}"
            )));
        }
        Ok(role)
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn bearer(token: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
        );
        h
    }

    #[test]
    fn roles_include_the_lower_ones() {
        let tokens =
            Tokens::parse_plain("operator:op-secret, admin:admin-secret,viewer:look").unwrap();
        assert_eq!(
            tokens
                .authorize(&bearer("op-secret"), Role::Operator)
                .unwrap(),
            Role::Operator
        );
        assert_eq!(
            tokens
                .authorize(&bearer("admin-secret"), Role::Operator)
                .unwrap(),
            Role::Admin
        );
        assert!(matches!(
            tokens.authorize(&bearer("op-secret"), Role::Admin),
            Err(ApiError::Forbidden(_))
        ));
        assert!(matches!(
            tokens.authorize(&bearer("look"), Role::Operator),
            Err(ApiError::Forbidden(_))
        ));
        assert!(matches!(
            tokens.authorize(&bearer("guess"), Role::Viewer),
            Err(ApiError::Unauthorized(_))
        ));
        assert!(matches!(
            tokens.authorize(&HeaderMap::new(), Role::Viewer),
            Err(ApiError::Unauthorized(_))
        ));
        assert!(matches!(
            Tokens::none().authorize(&bearer("op-secret"), Role::Viewer),
            Err(ApiError::Forbidden(_))
        ));
    }

    #[test]
    fn hashed_files_hold_sha256_digests() {
        // sha256("s3cret") from `printf s3cret | sha256sum`.
        let file = "# operations team\n\noperator:1ec1c26b50d5d3c58d9583181af8076655fe00756bf7285940ba3670f99fcba0\n";
        let tokens = Tokens::parse_hashed(file).unwrap();
        assert_eq!(
            tokens.authorize(&bearer("s3cret"), Role::Operator).unwrap(),
            Role::Operator
        );
        assert!(matches!(
            tokens.authorize(&bearer("s3cre"), Role::Operator),
            Err(ApiError::Unauthorized(_))
        ));
        assert!(Tokens::parse_hashed("operator:abc").is_err());
        assert!(
            Tokens::parse_hashed(
                "boss:1ec1c26b50d5d3c58d9583181af8076655fe00756bf7285940ba3670f99fcba0"
            )
            .is_err()
        );
        assert!(Tokens::parse_plain("operator").is_err());
        assert!(Tokens::parse_plain("king:x").is_err());
        assert!(Tokens::parse_plain("operator:").is_err());
    }
}
