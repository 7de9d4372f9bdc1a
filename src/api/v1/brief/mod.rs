//! The quarterly briefs for the committee's meeting (季度联席会商):
//! `GET /api/v1/communities/{id}/brief?quarter=2021Q3` (one community: incidents with 同比 and
//! 环比, handling, a map the server draws, patrols, what patrols found, the life circles, the
//! lists and projects, joint inspections) and `GET /api/v1/communities/ranking?quarter=` (every
//! community on the seed's indicators).
//!
//! Both answer a printable page (A4, print CSS; Chinese, or `lang=en`) unless asked for
//! `format=json`, or a client's `Accept` puts JSON before HTML. The page is a view of the JSON,
//! and every figure in the JSON is copied from the API answer its section names. PDF is the
//! browser's print of the page (the page has the button); the server renders none itself.

mod figures;
mod html;
mod map;
mod ranking;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};

use self::figures::Asker;
use self::html::Lang;
use super::AnswerCache;
use crate::api::{ApiError, AppState, Caller, QueryParams};

/// What the client asked for: the page or its JSON, and the page's language.
#[derive(Clone, Copy)]
struct Form {
    json: bool,
    lang: Lang,
}

impl Form {
    fn of(params: &QueryParams, headers: &HeaderMap) -> Result<Self, ApiError> {
        let json = match params.get("format") {
            Some("json") => true,
            Some("html") => false,
            Some("pdf") => {
                return Err(ApiError::BadRequest(
                    "the server draws no PDF: open the page (format=html) and print it, or save it as PDF from the browser".into(),
                ));
            }
            Some(other) => {
                return Err(ApiError::BadRequest(format!(
                    "`format` is html or json, not `{}`",
                    other.chars().take(32).collect::<String>()
                )));
            }
            None => headers
                .get(header::ACCEPT)
                .and_then(|a| a.to_str().ok())
                .is_some_and(|accept| {
                    let json = accept.find("json");
                    let html = accept.find("text/html");
                    json.is_some_and(|j| html.is_none_or(|h| j < h))
                }),
        };
        let lang = match params.get("lang") {
            None | Some("zh") => Lang::Zh,
            Some("en") => Lang::En,
            Some(other) => {
                return Err(ApiError::BadRequest(format!(
                    "`lang` is zh or en, not `{}`",
                    other.chars().take(32).collect::<String>()
                )));
            }
        };
        Ok(Self { json, lang })
    }

    const fn media(self) -> &'static str {
        if self.json {
            "application/json"
        } else {
            "text/html; charset=utf-8"
        }
    }
}

/// Computes `make` on a blocking slot, cached under `name`, the query and the snapshot.
async fn serve(
    state: AppState,
    name: String,
    params: QueryParams,
    form: Form,
    make: impl FnOnce(&AppState, &QueryParams) -> Result<Vec<u8>, ApiError> + Send + 'static,
) -> Result<Response, ApiError> {
    // The form may come from `Accept`, which the query does not show.
    let name = format!("{name}.{}", if form.json { "json" } else { "html" });
    let key = AnswerCache::key(&name, &params, state.engine().version);
    let (body, hit) = if let Some(hit) = state.answers.get(&key) {
        (hit, true)
    } else {
        let slot = state.limits.slot().await?;
        let limits = state.limits.clone();
        limits
            .run(slot, move || {
                state.answers.get_or_try(key, || make(&state, &params))
            })
            .await?
    };
    Ok((
        [
            (header::CONTENT_TYPE, form.media()),
            (
                header::HeaderName::from_static("x-cache"),
                if hit { "hit" } else { "miss" },
            ),
            (header::VARY, "Accept"),
        ],
        std::sync::Arc::unwrap_or_clone(body),
    )
        .into_response())
}

/// `GET /api/v1/communities/{id}/brief`.
pub(in crate::api) async fn community_brief(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = QueryParams::parse(raw.as_deref())?.within(caller.scope);
    params.only(&["quarter", "format", "lang"])?;
    let form = Form::of(&params, &headers)?;
    let engine = state.engine();
    // A community the caller may not see is as unknown as a missing one.
    let id = id
        .parse::<u64>()
        .ok()
        .filter(|&id| engine.communities.get(id).is_some() && params.scope().sees(Some(id)))
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "there is no community {}",
                id.chars().take(32).collect::<String>()
            ))
        })?;
    let quarter = super::lists::quarter(&engine, &params)?;
    serve(
        state,
        format!("brief/{id}"),
        params,
        form,
        move |state, params| {
            let ask = Asker {
                engine: &engine,
                areas: &state.study_areas,
                scope: params.scope(),
            };
            let brief = figures::brief(&ask, id, quarter)?;
            if form.json {
                return serde_json::to_vec(&brief).map_err(|e| ApiError::Internal(e.to_string()));
            }
            let drawn = map::draw(&engine, &brief, quarter);
            Ok(html::community(&brief, &drawn, form.lang).into_bytes())
        },
    )
    .await
}

/// `GET /api/v1/communities/ranking`.
pub(in crate::api) async fn community_ranking(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = QueryParams::parse(raw.as_deref())?.within(caller.scope);
    params.only(&["quarter", "format", "lang"])?;
    let form = Form::of(&params, &headers)?;
    let engine = state.engine();
    let quarter = super::lists::quarter(&engine, &params)?;
    serve(
        state,
        "ranking".to_owned(),
        params,
        form,
        move |state, params| {
            let ask = Asker {
                engine: &engine,
                areas: &state.study_areas,
                scope: params.scope(),
            };
            let r = ranking::ranking(&ask, quarter)?;
            if form.json {
                return serde_json::to_vec(&r).map_err(|e| ApiError::Internal(e.to_string()));
            }
            Ok(html::ranking(&r, form.lang).into_bytes())
        },
    )
    .await
}
