//! `GET /api/openapi.json`: an OpenAPI 3.0 document of every endpoint, linked from the OGC
//! landing page as `service-desc`. It is built from [`super::routes::ENDPOINTS`], with every
//! enumeration (incident kinds, statuses, sources, resource kinds, collections, tile layers)
//! taken from the code itself, each typed parameter's range and default from the value the
//! handler reads (`api::params`), and the typed answers' response schemas generated from their
//! types (`v1::answer`, schemars); `tests/openapi.rs` checks that each route of the router is in
//! it, that nothing in it is missing from the router, and that it parses as OpenAPI 3.0.

pub(super) mod params;

use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::routes::{ENDPOINTS, Endpoint, TAGS};

/// The media type of the document (OGC API – Features, Part 1, `oas30`).
pub const MEDIA_TYPE: &str = "application/vnd.oai.openapi+json;version=3.0";

/// `GET /api/openapi.json`.
pub(super) async fn openapi(headers: HeaderMap) -> Response {
    let base = super::ogc::base_url(&headers);
    (
        [(header::CONTENT_TYPE, MEDIA_TYPE)],
        serde_json::to_vec(&document(&base)).unwrap_or_default(),
    )
        .into_response()
}

/// The whole document, for a server reached at `base`.
#[must_use]
pub fn document(base: &str) -> Value {
    // Typed answers state their own schemas, written into `components/schemas`.
    let mut generator = schemars::generate::SchemaSettings::openapi3().into_generator();
    let mut paths = Map::new();
    for e in ENDPOINTS {
        let item = paths
            .entry(e.path.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        item[e.method] = operation(e, &mut generator);
    }
    let mut document = json!({
        "openapi": "3.0.3",
        "info": {
            "title": "gridwatch",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Spatial analytics for community governance, one city or many (`/cities`): OGC API – Features, vector tiles, hot spots, patrol coverage and dosage, walking access, and the write API. Reads are open unless the server says otherwise (--anonymous); writes need a bearer token (a static token or a JWT) of the right role, perhaps bound to communities.",
            "license": { "name": "see the repository" },
        },
        "servers": [{ "url": base }],
        "tags": TAGS.iter().map(|(name, description)| json!({ "name": name, "description": description })).collect::<Vec<_>>(),
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A static token (GRIDWATCH_TOKENS, --tokens-file) or a JWT (--jwt-*); roles viewer < operator < admin, perhaps bound to communities",
                },
            },
            "schemas": {
                "Problem": {
                    "type": "object",
                    "description": "RFC 9457 problem details",
                    "properties": {
                        "type": { "type": "string" },
                        "title": { "type": "string" },
                        "status": { "type": "integer" },
                        "detail": { "type": "string" },
                    },
                    "required": ["title", "status"],
                },
                "FeatureCollection": {
                    "type": "object",
                    "properties": {
                        "type": { "type": "string", "enum": ["FeatureCollection"] },
                        "features": { "type": "array", "items": { "$ref": "#/components/schemas/Feature" } },
                        "summary": { "type": "object", "additionalProperties": true },
                    },
                    "required": ["type", "features"],
                },
                "Feature": {
                    "type": "object",
                    "properties": {
                        "type": { "type": "string", "enum": ["Feature"] },
                        "id": { "oneOf": [{ "type": "string" }, { "type": "integer" }] },
                        "geometry": { "type": "object", "nullable": true, "additionalProperties": true },
                        "properties": { "type": "object", "nullable": true, "additionalProperties": true },
                    },
                    "required": ["type", "geometry"],
                },
            },
        },
    });
    if let Some(schemas) = document["components"]["schemas"].as_object_mut() {
        // Typed names (`Answer_…`, `Cell_…`) never replace the generic ones above.
        for (name, schema) in generator.take_definitions(true) {
            schemas.entry(name).or_insert(schema);
        }
    }
    document
}

/// One operation object.
fn operation(e: &Endpoint, generator: &mut schemars::SchemaGenerator) -> Value {
    let mut op = json!({
        "tags": [e.tag],
        "summary": e.summary,
        "operationId": operation_id(e),
        "parameters": (e.params)(),
        "responses": responses(e, generator),
    });
    if !e.body.is_empty() {
        let content: Map<String, Value> = e
            .body
            .iter()
            .map(|media| ((*media).to_owned(), json!({ "schema": body_schema(media) })))
            .collect();
        op["requestBody"] = json!({ "required": true, "content": content });
    }
    op["security"] = match e.role {
        Some(role) => {
            op["description"] = json!(format!("Needs a bearer token of role {role} or above."));
            json!([{ "bearer": [] }])
        }
        // Reads: anonymous unless the server closes them (`--anonymous`), or with a token.
        None => json!([{}, { "bearer": [] }]),
    };
    op
}

/// `get_api_v1_patrol_coverage` and the like: unique, from the method and the path.
fn operation_id(e: &Endpoint) -> String {
    let path: String = e
        .path
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let mut id = format!("{}_{}", e.method, path.trim_matches('_'));
    while id.contains("__") {
        id = id.replace("__", "_");
    }
    id.trim_end_matches('_').to_owned()
}

fn body_schema(media: &str) -> Value {
    if media.contains("json") {
        json!({ "type": "object", "additionalProperties": true })
    } else {
        json!({ "type": "string" })
    }
}

fn responses(e: &Endpoint, generator: &mut schemars::SchemaGenerator) -> Value {
    let (status, media) = e.ok;
    let typed = e.schema;
    let schema = match (media, typed) {
        (_, Some(schema)) => schema(generator).to_value(),
        (m, None) if m.contains("geo+json") => {
            json!({ "$ref": "#/components/schemas/FeatureCollection" })
        }
        (m, None) if m.contains("json") => {
            json!({ "type": "object", "additionalProperties": true })
        }
        ("application/vnd.mapbox-vector-tile", None) => {
            json!({ "type": "string", "format": "binary" })
        }
        (_, None) => json!({ "type": "string" }),
    };
    let mut responses = Map::new();
    responses.insert(
        status.to_string(),
        json!({ "description": "the answer", "content": { media: { "schema": schema } } }),
    );
    if e.tag == "tiles" && e.ok.1 == "application/vnd.mapbox-vector-tile" {
        responses.insert("204".into(), json!({ "description": "an empty tile" }));
        responses.insert(
            "304".into(),
            json!({ "description": "not modified (If-None-Match)" }),
        );
    }
    responses.insert(
        "default".into(),
        json!({
            "description": "an error: 400 bad parameters, 401 no or unknown token, 403 not allowed, 404 no such thing, 413 too large, 415 unsupported media type, 422 invalid content, 429 the token is over its rate (with Retry-After), 503 overloaded or the store unavailable (with Retry-After)",
            "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } },
        }),
    );
    Value::Object(responses)
}
