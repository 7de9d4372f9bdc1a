//! JWT bearer tokens from an identity provider: signed with a shared secret (HS256) or a key
//! pair (RS256, ES256 or `EdDSA`, the public key given as PEM); `exp`, `iss` and `aud` are
//! checked; the role and communities come from the claims `role` and `communities`.

use std::sync::Arc;

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use super::{Grant, Role};
use crate::api::ApiError;

/// The key that checks signatures.
#[derive(Clone)]
pub enum JwtKey {
    /// A shared secret (HS256).
    Secret(Vec<u8>),
    /// A public key in PEM (RSA, EC P-256 or Ed25519).
    PublicPem(Vec<u8>),
}

/// A configured JWT verifier.
#[derive(Clone)]
pub struct Jwt {
    key: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for Jwt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jwt")
            .field("algorithms", &self.validation.algorithms)
            .finish_non_exhaustive()
    }
}

/// The claims gridwatch reads (the standard ones are checked by the library).
#[derive(Deserialize)]
struct Claims {
    role: String,
    #[serde(default)]
    communities: Option<Vec<u64>>,
}

impl Jwt {
    /// A verifier for tokens signed with `key` by `issuer` for `audience`.
    ///
    /// # Errors
    /// A public key that is not RSA, EC or Ed25519 PEM, or an empty secret.
    pub fn new(key: &JwtKey, issuer: &str, audience: &str) -> Result<Self, String> {
        let (key, algorithm) = match key {
            JwtKey::Secret(secret) if secret.is_empty() => {
                return Err("the JWT secret is empty".into());
            }
            JwtKey::Secret(secret) => (DecodingKey::from_secret(secret), Algorithm::HS256),
            JwtKey::PublicPem(pem) => DecodingKey::from_rsa_pem(pem)
                .map(|k| (k, Algorithm::RS256))
                .or_else(|_| DecodingKey::from_ec_pem(pem).map(|k| (k, Algorithm::ES256)))
                .or_else(|_| DecodingKey::from_ed_pem(pem).map(|k| (k, Algorithm::EdDSA)))
                .map_err(|e| format!("the JWT public key is not RSA, EC or Ed25519 PEM: {e}"))?,
        };
        let mut validation = Validation::new(algorithm);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        Ok(Self { key, validation })
    }

    /// What a valid token grants.
    ///
    /// # Errors
    /// 401 for a bad signature, an expired token, the wrong issuer or audience, or claims
    /// without a known role.
    pub fn verify(&self, token: &str) -> Result<Grant, ApiError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.key, &self.validation)
            .map_err(|e| ApiError::Unauthorized(format!("the bearer JWT is not valid: {e}")))?;
        let role: Role = data
            .claims
            .role
            .parse()
            .map_err(|e| ApiError::Unauthorized(format!("the JWT's `role` claim: {e}")))?;
        let communities = match data.claims.communities {
            Some(ids) if ids.is_empty() => {
                return Err(ApiError::Unauthorized(
                    "the JWT's `communities` claim is empty".into(),
                ));
            }
            ids => ids.map(Arc::from),
        };
        Ok(Grant {
            role,
            communities,
            cities: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::{EncodingKey, Header, encode};
    use serde_json::json;

    use super::*;

    const SECRET: &[u8] = b"a shared secret for tests";

    fn token(claims: &serde_json::Value, secret: &[u8]) -> String {
        encode(
            &Header::new(Algorithm::HS256),
            claims,
            &EncodingKey::from_secret(secret),
        )
        .unwrap()
    }

    fn later() -> i64 {
        chrono::Utc::now().timestamp() + 600
    }

    #[test]
    fn a_valid_token_grants_its_role_and_communities() {
        let jwt = Jwt::new(&JwtKey::Secret(SECRET.to_vec()), "idp", "gridwatch").unwrap();
        let grant = jwt
            .verify(&token(
                &json!({ "role": "operator", "communities": [12, 13], "exp": later(), "iss": "idp", "aud": "gridwatch" }),
                SECRET,
            ))
            .unwrap();
        assert_eq!(grant.role, Role::Operator);
        assert_eq!(grant.communities.as_deref(), Some(&[12, 13][..]));
        let all = jwt
            .verify(&token(
                &json!({ "role": "viewer", "exp": later(), "iss": "idp", "aud": "gridwatch" }),
                SECRET,
            ))
            .unwrap();
        assert_eq!(all.communities, None);
    }

    #[test]
    fn expired_foreign_or_forged_tokens_are_refused() {
        let jwt = Jwt::new(&JwtKey::Secret(SECRET.to_vec()), "idp", "gridwatch").unwrap();
        let now = chrono::Utc::now().timestamp();
        for (claims, secret) in [
            (
                json!({ "role": "admin", "exp": now - 3600, "iss": "idp", "aud": "gridwatch" }),
                SECRET,
            ),
            (
                json!({ "role": "admin", "exp": later(), "iss": "other", "aud": "gridwatch" }),
                SECRET,
            ),
            (
                json!({ "role": "admin", "exp": later(), "iss": "idp", "aud": "elsewhere" }),
                SECRET,
            ),
            (
                json!({ "role": "admin", "exp": later(), "iss": "idp", "aud": "gridwatch" }),
                b"not the secret".as_slice(),
            ),
            (
                json!({ "role": "admin", "iss": "idp", "aud": "gridwatch" }),
                SECRET,
            ),
            (
                json!({ "role": "king", "exp": later(), "iss": "idp", "aud": "gridwatch" }),
                SECRET,
            ),
            (
                json!({ "role": "viewer", "communities": [], "exp": later(), "iss": "idp", "aud": "gridwatch" }),
                SECRET,
            ),
        ] {
            assert!(
                matches!(
                    jwt.verify(&token(&claims, secret)),
                    Err(ApiError::Unauthorized(_))
                ),
                "{claims}"
            );
        }
        assert!(jwt.verify("a.b.c").is_err());
        assert!(Jwt::new(&JwtKey::PublicPem(b"not pem".to_vec()), "idp", "gw").is_err());
        assert!(Jwt::new(&JwtKey::Secret(Vec::new()), "idp", "gw").is_err());
    }
}
