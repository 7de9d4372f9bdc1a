//! Who is asking and what they may see. A request's bearer token (a static token or a JWT)
//! names a role and perhaps the communities it is bound to; a request without one is an
//! anonymous reader, served what `--anonymous` allows. The [`gate`] middleware resolves the
//! [`Caller`] once per request; handlers take it as an extractor and narrow what they read
//! with its [`Scope`].

mod jwt;
mod rate;
mod tokens;

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{FromRequestParts, MatchedPath, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};

pub use jwt::{Jwt, JwtKey};
pub use rate::RateLimit;
pub use tokens::Tokens;

use super::{ApiError, AppState};

/// What a token may do; each role includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Read everything its communities hold (personal fields excepted).
    Viewer,
    /// Also write incidents and patrol tracks, and read incidents' personal fields.
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
                "unknown role `{}` (viewer, operator or admin)",
                other.chars().take(32).collect::<String>()
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

/// What a credential grants: a role, and the communities it is bound to (`None`: all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    pub communities: Option<Arc<[u64]>>,
    /// The cities it is bound to (`None`: every city served).
    pub cities: Option<Arc<[crate::model::CityCode]>>,
}

/// What an anonymous reader (no `Authorization` header) is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Anonymous {
    /// Everything a viewer token sees.
    Full,
    /// The base layers, places' analyses and counts only, with cells of fewer than
    /// [`SUPPRESS_BELOW`] incidents left out; no incident or track records.
    Aggregate,
    /// Nothing but the page, its files and the health checks.
    None,
}

pub use crate::model::SUPPRESS_BELOW;

/// What one caller may see of the incidents and tracks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// The communities whose incidents and tracks are visible (`None`: all).
    pub communities: Option<Arc<[u64]>>,
    /// Counts only, small cells suppressed (an anonymous reader under `aggregate`).
    pub aggregate: bool,
}

impl Scope {
    /// Sees everything.
    pub const ALL: Self = Self {
        communities: None,
        aggregate: false,
    };

    /// Whether records in `community` (`None`: outside every community) are visible.
    #[must_use]
    pub fn sees(&self, community: Option<u64>) -> bool {
        match (&self.communities, community) {
            (None, _) => true,
            (Some(bound), Some(id)) => bound.contains(&id),
            (Some(_), None) => false,
        }
    }

    /// A tag naming this scope in cache keys (empty for [`Scope::ALL`]), so an answer drawn
    /// for one scope is never served to another.
    #[must_use]
    pub fn cache_tag(&self) -> String {
        let mut tag = String::new();
        if let Some(bound) = &self.communities {
            tag.push_str("@c");
            for id in bound.iter() {
                let _ = write!(tag, "{id}.");
            }
        }
        if self.aggregate {
            tag.push_str("@agg");
        }
        tag
    }

    /// Whether a count of `n` incidents may be shown (none is no one).
    #[must_use]
    pub fn shows_count(&self, n: u64) -> bool {
        !self.aggregate || n == 0 || n >= SUPPRESS_BELOW
    }
}

/// Who is asking: a role (`None`: anonymous) and what they may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub role: Option<Role>,
    pub scope: Scope,
    /// The cities a token is bound to (`None`: all); checked on admission.
    pub cities: Option<Arc<[crate::model::CityCode]>>,
}

impl Caller {
    /// Whether incidents' personal fields may be shown to this caller.
    #[must_use]
    pub fn sees_personal_fields(&self) -> bool {
        self.role.is_some_and(|r| r >= Role::Operator)
    }

    /// Refuses an aggregate-only reader the records of `what`.
    ///
    /// # Errors
    /// 401 for an aggregate-only reader.
    pub fn needs_records(&self, what: &str) -> Result<(), ApiError> {
        if self.scope.aggregate {
            return Err(ApiError::Unauthorized(format!(
                "anonymous readers get counts only here; {what} need a bearer token"
            )));
        }
        Ok(())
    }

    /// Refuses a write to `community` by a token bound elsewhere.
    ///
    /// # Errors
    /// 403 naming the community.
    pub fn may_write_in(&self, community: Option<u64>) -> Result<(), ApiError> {
        if self.scope.sees(community) {
            return Ok(());
        }
        Err(ApiError::Forbidden(match community {
            Some(id) => format!("this token may not write in community {id}"),
            None => "this token may write only inside its communities".into(),
        }))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        // Set by `gate` on every route; its absence is a wiring bug, never "see everything".
        parts
            .extensions
            .get::<Self>()
            .cloned()
            .ok_or_else(|| ApiError::Internal("no caller on this route".into()))
    }
}

/// Every way to prove who one is, what anonymous readers get, and how often a token may ask.
#[derive(Debug, Clone)]
pub struct Access {
    pub tokens: Tokens,
    pub jwt: Option<Jwt>,
    pub anonymous: Anonymous,
    /// Requests per token (`None`: unlimited).
    pub rate: Option<RateLimit>,
}

impl From<Tokens> for Access {
    fn from(tokens: Tokens) -> Self {
        Self {
            tokens,
            jwt: None,
            anonymous: Anonymous::Full,
            rate: None,
        }
    }
}

impl Access {
    /// Whether any credential is configured (if not, every write is refused).
    #[must_use]
    pub fn has_credentials(&self) -> bool {
        !self.tokens.is_empty() || self.jwt.is_some()
    }

    /// The caller behind `headers`.
    ///
    /// # Errors
    /// 401 for an `Authorization` header that is not a known bearer token or a valid JWT: a
    /// wrong token never falls back to anonymous reading. On a server with no credentials at
    /// all no token can be right, and a request is read as anonymous (a write then hears that
    /// writes are disabled, which is the useful answer).
    pub fn identify(&self, headers: &HeaderMap) -> Result<Caller, ApiError> {
        let value = headers
            .get(header::AUTHORIZATION)
            .filter(|_| self.has_credentials());
        let Some(value) = value else {
            return Ok(Caller {
                role: None,
                scope: Scope {
                    communities: None,
                    aggregate: self.anonymous == Anonymous::Aggregate,
                },
                cities: None,
            });
        };
        let token = bearer(value).ok_or_else(|| {
            ApiError::Unauthorized("`Authorization` must be `Bearer <token>`".into())
        })?;
        let grant = match (self.tokens.grant(token), &self.jwt) {
            (Some(grant), _) => grant.clone(),
            (None, Some(jwt)) if token.matches('.').count() == 2 => jwt.verify(token)?,
            (None, _) => {
                return Err(ApiError::Unauthorized(
                    "the bearer token is not known to this server".into(),
                ));
            }
        };
        Ok(Caller {
            role: Some(grant.role),
            scope: Scope {
                communities: grant.communities,
                aggregate: false,
            },
            cities: grant.cities,
        })
    }

    /// The caller's role, if it is at least `needed`.
    ///
    /// # Errors
    /// 403 when no credentials are configured or the role is too low; 401 for an anonymous
    /// caller.
    pub fn require(&self, caller: &Caller, needed: Role) -> Result<Role, ApiError> {
        if !self.has_credentials() {
            return Err(ApiError::Forbidden(
                "writes are disabled: this server has no tokens configured (set GRIDWATCH_TOKENS, --tokens-file or --jwt-*)".into(),
            ));
        }
        let role = caller.role.ok_or_else(|| {
            ApiError::Unauthorized("this needs an `Authorization: Bearer <token>` header".into())
        })?;
        if role < needed {
            return Err(ApiError::Forbidden(format!(
                "a {role} token may not do this; it needs {needed}"
            )));
        }
        Ok(role)
    }

    /// Whether an anonymous reader may use `route` (a route template; `None` for a path no
    /// route matched, which answers 404 anyway).
    fn admits_anonymous(&self, route: Option<&str>) -> bool {
        let Some(route) = route else { return true };
        match self.anonymous {
            Anonymous::Full => true,
            Anonymous::None => SHELL.contains(&route),
            Anonymous::Aggregate => {
                SHELL.contains(&route)
                    || COUNTS.contains(&route)
                    || route.starts_with("/api/v1/access/")
            }
        }
    }
}

/// The page, its files, health, metrics and the documents that describe the data: served to
/// everyone.
const SHELL: &[&str] = &[
    "/",
    "/cities",
    "/cities/{code}",
    "/cities/{code}/{*path}",
    "/web/{*path}",
    "/healthz",
    "/readyz",
    "/metrics",
    "/ogc",
    "/ogc/",
    "/ogc/conformance",
    "/ogc/collections",
    "/ogc/collections/{collection}",
    "/ogc/collections/{collection}/queryables",
    "/ogc/collections/{collection}/sortables",
    "/ogc/api",
    "/api/v1/calendar",
    "/api/v1/calendar/working-hours",
    "/ogc/collections/{collection}/tiles",
    "/ogc/collections/{collection}/tiles/{tileMatrixSetId}",
    "/ogc/tileMatrixSets",
    "/ogc/tileMatrixSets/{tileMatrixSetId}",
    "/ogc/tiles",
    "/ogc/tiles/{tileMatrixSetId}",
    "/tiles/{name}",
    "/api/openapi.json",
];

/// Routes an aggregate-only reader may use besides the shell: counts (small cells suppressed
/// by the handlers), the base layers (items of incidents and tracks are refused by the
/// handler) and analyses of places, not people.
const COUNTS: &[&str] = &[
    "/api/v1/cities/stats",
    "/api/v1/hexbins",
    "/api/v1/hotspots",
    "/api/v1/hotspots/emerging",
    "/api/v1/stats/grids",
    "/api/v1/stats/communities",
    "/api/v1/route",
    "/api/v1/isochrones",
    "/api/v1/streets/summary",
    "/api/v1/nearest",
    "/ogc/collections/{collection}/items",
    "/ogc/collections/{collection}/items/{fid}",
    "/tiles/{layers}/{z}/{x}/{y}",
];

/// The token of an `Authorization: Bearer <token>` header.
fn bearer(value: &axum::http::HeaderValue) -> Option<&str> {
    value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// Resolves the [`Caller`] of a request and puts it in the request's extensions for the
/// handler; or the answer instead of the handler's: 401 for a bad credential or an anonymous
/// reader on a route `--anonymous` closes, 429 for a token over its rate. Called by the one
/// middleware every route passes ([`super::metrics::admit_and_count`]): a middleware of its
/// own cost a boxed future and a `Next` per request, a quarter of a cached tile's time.
///
/// # Errors
/// The problem to answer instead of the handler.
pub fn admit(state: &AppState, request: &mut Request) -> Result<(), ApiError> {
    let caller = state.access.identify(request.headers())?;
    // A known token is held to its rate (an unknown one was refused above).
    if let (Some(rate), Some(_)) = (&state.access.rate, caller.role)
        && let Some(token) = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(bearer)
    {
        rate.check(token)?;
    }
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str);
    // A token bound to other cities reaches only the documents every reader gets here.
    if let Some(cities) = &caller.cities {
        let city = state.engine().city.code;
        if !cities.contains(&city) && !route.is_some_and(|r| SHELL.contains(&r)) {
            return Err(ApiError::Forbidden(format!(
                "this token is bound to cities {}, not {city}",
                cities
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    if caller.role.is_none() && !state.access.admits_anonymous(route) {
        return Err(ApiError::Unauthorized(
            "this server serves anonymous readers less than this: send an `Authorization: Bearer <token>` header".into(),
        ));
    }
    request.extensions_mut().insert(caller);
    Ok(())
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

    fn access(spec: &str, anonymous: Anonymous) -> Access {
        Access {
            anonymous,
            ..Access::from(Tokens::parse_plain(spec).unwrap())
        }
    }

    #[test]
    fn roles_read_and_print_by_name_and_a_refusal_names_both() {
        for (role, name) in [
            (Role::Viewer, "viewer"),
            (Role::Operator, "operator"),
            (Role::Admin, "admin"),
        ] {
            assert_eq!(role.to_string(), name);
            assert_eq!(name.parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
        let a = access("viewer:look", Anonymous::Full);
        let viewer = a.identify(&bearer("look")).unwrap();
        let Err(ApiError::Forbidden(detail)) = a.require(&viewer, Role::Admin) else {
            panic!("a viewer may not do an admin's work");
        };
        assert!(
            detail.contains("viewer") && detail.contains("admin"),
            "{detail}"
        );
    }

    #[test]
    fn roles_include_the_lower_ones() {
        let a = access(
            "operator:op-secret, admin:admin-secret,viewer:look",
            Anonymous::Full,
        );
        let who = |t: &str| a.identify(&bearer(t)).unwrap();
        assert_eq!(
            a.require(&who("op-secret"), Role::Operator).unwrap(),
            Role::Operator
        );
        assert_eq!(
            a.require(&who("admin-secret"), Role::Operator).unwrap(),
            Role::Admin
        );
        assert!(matches!(
            a.require(&who("op-secret"), Role::Admin),
            Err(ApiError::Forbidden(_))
        ));
        assert!(matches!(
            a.require(&who("look"), Role::Operator),
            Err(ApiError::Forbidden(_))
        ));
        assert!(matches!(
            a.identify(&bearer("guess")),
            Err(ApiError::Unauthorized(_))
        ));
        let anonymous = a.identify(&HeaderMap::new()).unwrap();
        assert_eq!(anonymous.role, None);
        assert!(matches!(
            a.require(&anonymous, Role::Viewer),
            Err(ApiError::Unauthorized(_))
        ));
        let none = Access::from(Tokens::none());
        assert!(matches!(
            none.require(&anonymous, Role::Viewer),
            Err(ApiError::Forbidden(_))
        ));
        assert!(who("op-secret").sees_personal_fields());
        assert!(!who("look").sees_personal_fields());
        assert!(!anonymous.sees_personal_fields());
    }

    #[test]
    fn bound_tokens_see_and_write_only_their_communities() {
        let a = access("viewer:v:communities=12,13", Anonymous::Full);
        let caller = a.identify(&bearer("v")).unwrap();
        assert!(caller.scope.sees(Some(12)) && caller.scope.sees(Some(13)));
        assert!(!caller.scope.sees(Some(14)) && !caller.scope.sees(None));
        assert!(caller.may_write_in(Some(13)).is_ok());
        assert!(matches!(
            caller.may_write_in(Some(14)),
            Err(ApiError::Forbidden(_))
        ));
        assert_ne!(caller.scope.cache_tag(), Scope::ALL.cache_tag());
    }

    #[test]
    fn anonymous_readers_get_what_the_setting_allows() {
        let full = access("viewer:v", Anonymous::Full);
        let aggregate = access("viewer:v", Anonymous::Aggregate);
        let none = access("viewer:v", Anonymous::None);
        for route in ["/api/v1/events", "/api/v1/patrol/teams", "/api/v1/hexbins"] {
            assert!(full.admits_anonymous(Some(route)));
            assert!(!none.admits_anonymous(Some(route)));
        }
        assert!(aggregate.admits_anonymous(Some("/api/v1/hexbins")));
        assert!(aggregate.admits_anonymous(Some("/api/v1/access/gaps")));
        assert!(!aggregate.admits_anonymous(Some("/api/v1/events")));
        assert!(!aggregate.admits_anonymous(Some("/api/v1/patrol/dosage")));
        assert!(none.admits_anonymous(Some("/")) && none.admits_anonymous(Some("/healthz")));
        let reader = aggregate.identify(&HeaderMap::new()).unwrap();
        assert!(reader.scope.aggregate);
        assert!(!reader.scope.shows_count(1) && !reader.scope.shows_count(2));
        assert!(reader.scope.shows_count(0) && reader.scope.shows_count(3));
        assert!(reader.needs_records("incidents").is_err());
        assert!(Scope::ALL.shows_count(1));
    }
}
