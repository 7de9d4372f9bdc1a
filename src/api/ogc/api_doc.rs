//! `/ogc/api`: the OpenAPI 3.0 description of the OGC API alone, with its server at `/ogc`
//! and one items path per collection listing that collection's own query parameters. The
//! landing page points clients at it (`service-desc`): GDAL's OAPIF driver reads the items
//! operation's parameters to learn which property filters the server evaluates and whether
//! `filter-lang` offers `cql-text`, and only then sends a `-where` to the server instead of
//! downloading the whole collection. The whole application's document stays at
//! `/api/openapi.json`.

use serde_json::{Map, Value, json};

use super::collections::CollectionId;
use super::queryables::filters_of;

fn query(name: &str, schema: &Value, description: &str) -> Value {
    json!({ "name": name, "in": "query", "required": false, "schema": schema, "description": description })
}

fn ok(media: &str, description: &str) -> Value {
    json!({
        "200": { "description": description, "content": { media: { "schema": { "type": "object" } } } },
        "400": { "description": "a bad request (application/problem+json)" },
    })
}

fn get(summary: &str, parameters: &[Value], media: &str) -> Value {
    json!({ "get": { "summary": summary, "parameters": parameters, "responses": ok(media, summary) } })
}

fn collection_param() -> Value {
    json!({ "name": "collectionId", "in": "path", "required": true, "schema": { "type": "string" } })
}

/// The items operation's parameters for `id`.
fn items_parameters(id: CollectionId) -> Vec<Value> {
    let mut p = vec![
        query(
            "limit",
            &json!({ "type": "integer", "minimum": 1, "maximum": super::items::MAX_LIMIT }),
            "page size",
        ),
        query(
            "offset",
            &json!({ "type": "integer", "minimum": 0 }),
            "first feature",
        ),
        query(
            "bbox",
            &json!({ "type": "array", "items": { "type": "number" }, "minItems": 4, "maxItems": 4 }),
            "minLon,minLat,maxLon,maxLat (or in bbox-crs)",
        ),
        query("bbox-crs", &json!({ "type": "string" }), "the CRS of bbox"),
        query(
            "crs",
            &json!({ "type": "string" }),
            "the CRS of the answer's coordinates",
        ),
        query(
            "datetime",
            &json!({ "type": "string" }),
            "an instant or an interval a/b",
        ),
        query(
            "filter",
            &json!({ "type": "string" }),
            "a CQL2 filter on the collection's queryables",
        ),
        query(
            "filter-lang",
            &json!({ "type": "string", "enum": ["cql2-text", "cql-text", "cql2-json"], "default": "cql2-text" }),
            "the filter's language (cql-text is read as cql2-text)",
        ),
        query(
            "filter-crs",
            &json!({ "type": "string" }),
            "the CRS of the filter's geometries",
        ),
        query(
            "sortby",
            &json!({ "type": "string" }),
            "sortables, comma-separated, - for descending",
        ),
        query(
            "f",
            &json!({ "type": "string", "enum": ["json", "geojson", "html"] }),
            "format",
        ),
    ];
    for (name, ty) in filters_of(id) {
        p.push(query(
            name,
            &ty.json_schema(),
            "property filter: one value or several, comma-separated",
        ));
    }
    p
}

/// The document, with its server at `{base}/ogc`.
#[must_use]
pub fn document(base: &str) -> Value {
    let mut paths = Map::new();
    paths.insert("/".into(), get("Landing page", &[], "application/json"));
    paths.insert(
        "/conformance".into(),
        get("Conformance classes", &[], "application/json"),
    );
    paths.insert(
        "/collections".into(),
        get("Collections", &[], "application/json"),
    );
    paths.insert(
        "/collections/{collectionId}".into(),
        get("One collection", &[collection_param()], "application/json"),
    );
    for id in CollectionId::ALL {
        paths.insert(
            format!("/collections/{}/items", id.as_str()),
            get(
                &format!("The {} features, filtered and paged", id.as_str()),
                &items_parameters(id),
                "application/geo+json",
            ),
        );
    }
    paths.insert(
        "/collections/{collectionId}/items/{featureId}".into(),
        get(
            "One feature",
            &[
                collection_param(),
                json!({ "name": "featureId", "in": "path", "required": true, "schema": { "type": "string" } }),
                query("crs", &json!({ "type": "string" }), "the CRS of the answer's coordinates"),
            ],
            "application/geo+json",
        ),
    );
    for (path, summary) in [
        ("queryables", "What the items may be filtered on"),
        ("sortables", "What the items may be sorted by"),
    ] {
        paths.insert(
            format!("/collections/{{collectionId}}/{path}"),
            get(summary, &[collection_param()], "application/schema+json"),
        );
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "gridwatch OGC API – Features",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Features (Part 1), CRS (Part 2), CQL2 filters (Part 3) and sorting. The whole API is described at /api/openapi.json.",
        },
        "servers": [{ "url": format!("{base}/ogc") }],
        "paths": paths,
    })
}
