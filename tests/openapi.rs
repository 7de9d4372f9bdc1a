//! The OpenAPI document: it parses as OpenAPI 3.0 (the `openapiv3` crate's typed model), it
//! is built from the same table as the router and nothing is routed outside that table, every
//! documented operation reaches a handler (not the router's 404 or 405), each typed answer
//! validates against its schema, and the OGC landing page and conformance point to it.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use axum::http::StatusCode;
use common::{engine, request_to};
use gridwatch::api::AppState;
use gridwatch::index::Engine;

/// The router and the document are both built from `api::routes::ENDPOINTS`; nothing under
/// `src/api` routes a path any other way (a `.route(` or `.nest(` outside that loop would
/// serve what the document does not say).
#[test]
fn nothing_is_routed_outside_the_endpoint_table() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api");
    let mut stray = Vec::new();
    let mut files = vec![root];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        // The table's loop: `….route(e.route(), (e.handler)(e.path))`.
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace(".route(e.route(), (e.handler)(e.path))", "");
        for call in [".route(", ".nest(", ".merge(Router", ".route_service("] {
            for piece in text.split(call).skip(1) {
                // `e.route()`, the endpoint's template, is no routing.
                if !piece.starts_with(')') {
                    stray.push(format!(
                        "{}: {call}{}",
                        path.display(),
                        &piece[..piece.len().min(40)]
                    ));
                }
            }
        }
    }
    assert!(stray.is_empty(), "routed outside the table: {stray:#?}");
}

#[tokio::test]
async fn the_document_is_openapi_3_and_covers_every_route() {
    let state = AppState::new(Engine::clone(&engine()));
    let reply = request_to(state.clone(), "GET", "/api/openapi.json", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.content_type,
        "application/vnd.oai.openapi+json;version=3.0"
    );
    let typed: openapiv3::OpenAPI = serde_json::from_value(reply.json.clone()).unwrap();
    assert!(typed.openapi.starts_with("3.0"));

    assert!(
        typed.paths.paths.len() >= 35,
        "{:?}",
        typed.paths.paths.keys()
    );

    // Operation ids are unique; path parameters are declared.
    let mut ids = BTreeSet::new();
    for (path, item) in &reply.json["paths"].as_object().unwrap().clone() {
        for (method, op) in item.as_object().unwrap() {
            assert!(
                ids.insert(op["operationId"].as_str().unwrap().to_owned()),
                "{method} {path}"
            );
            for name in path.split('{').skip(1).map(|s| &s[..s.find('}').unwrap()]) {
                assert!(
                    op["parameters"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|p| p["name"] == name && p["in"] == "path"),
                    "{method} {path}: `{name}` is not declared"
                );
            }
            // The operation reaches a handler: never the router's own 404 or 405.
            let concrete = path
                .replace("{collection}", "communities")
                .replace("{fid}", "1")
                .replace("{path}", "map.js")
                .replace("{name}", "style.json")
                .replace("{layers}", "communities")
                .replace("{z}", "12")
                .replace("{x}", "3344")
                .replace("{y}", "1690")
                .replace("{id}", "1");
            if concrete == "/api/v1/events" {
                continue; // a stream that never ends
            }
            let answer = request_to(state.clone(), &method.to_uppercase(), &concrete, None).await;
            assert_ne!(
                answer.status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {concrete}"
            );
            let detail = answer.json["detail"].as_str().unwrap_or_default();
            assert!(
                !detail.starts_with("no resource at"),
                "{method} {concrete}: {detail}"
            );
        }
    }
}

#[tokio::test]
async fn the_ogc_landing_page_links_it_and_declares_oas30() {
    let state = AppState::new(Engine::clone(&engine()));
    let landing = request_to(state.clone(), "GET", "/ogc", None).await;
    let desc = landing.json["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "service-desc")
        .unwrap();
    assert_eq!(desc["href"], "http://test.local/ogc/api");
    let ogc_api = request_to(state.clone(), "GET", "/ogc/api", None).await;
    let typed: openapiv3::OpenAPI = serde_json::from_value(ogc_api.json.clone()).unwrap();
    assert_eq!(typed.servers[0].url, "http://test.local/ogc");
    assert!(
        typed
            .paths
            .paths
            .contains_key("/collections/incidents/items")
    );
    assert_eq!(desc["type"], "application/vnd.oai.openapi+json;version=3.0");
    let conformance = request_to(state, "GET", "/ogc/conformance", None).await;
    assert!(
        conformance.json["conformsTo"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30")
    );
}

/// Whether Python can import `module` (both come with `openapi-spec-validator`). Without it the
/// test is skipped, unless `GRIDWATCH_REQUIRE_OPENAPI_VALIDATOR` is set: then it fails.
fn python_module(module: &str) -> bool {
    let probe = std::process::Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .status();
    if probe.is_ok_and(|s| s.success()) {
        return true;
    }
    assert!(
        std::env::var_os("GRIDWATCH_REQUIRE_OPENAPI_VALIDATOR").is_none(),
        "{module} is required here but not installed (pip install openapi-spec-validator)"
    );
    eprintln!("skipped: no {module} (pip install openapi-spec-validator)");
    false
}

/// The document passes `openapi-spec-validator` (from `PyPI`), which checks it against the OpenAPI
/// 3.0 schema and its rules (references resolve, path parameters declared, operation ids
/// unique). Skipped without the validator unless `GRIDWATCH_REQUIRE_OPENAPI_VALIDATOR` is set
/// (scripts/test-all installs it and sets it).
#[tokio::test]
async fn openapi_spec_validator_accepts_the_document() {
    if !python_module("openapi_spec_validator") {
        return;
    }
    let state = AppState::new(Engine::clone(&engine()));
    let reply = request_to(state, "GET", "/api/openapi.json", None).await;
    let file = std::env::temp_dir().join(format!("gridwatch-openapi-{}.json", std::process::id()));
    std::fs::write(&file, &reply.body).unwrap();
    let out = std::process::Command::new("python3")
        .args(["-m", "openapi_spec_validator", "--schema", "3.0"])
        .arg(&file)
        .output()
        .unwrap();
    std::fs::remove_file(&file).unwrap();
    let said =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("OK"), "{said}");
}

/// Points for `POST /api/v1/nearest`, one with an id, one without.
const BATCH: &str = r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[112.2,31.03]}},
        {"type":"Feature","geometry":{"type":"Point","coordinates":[112.19,31.02]}}]}"#;
/// (method, documented path, request, body): every typed answer, and each variant of a
/// feature type that has several.
const ASKED: &[(&str, &str, &str, Option<&str>)] = &[
    ("get", "/api/v1/calendar", "/api/v1/calendar", None),
    (
        "get",
        "/api/v1/handling/kpis",
        "/api/v1/handling/kpis?by=department&at=2022-01-01",
        None,
    ),
    (
        "get",
        "/api/v1/handling/queue",
        "/api/v1/handling/queue?alert=amber,red&at=2021-12-31T12:00:00%2B08:00&limit=50",
        None,
    ),
    (
        "get",
        "/api/v1/incidents/{id}/history",
        "/api/v1/incidents/104/history",
        None,
    ),
    (
        "get",
        "/api/v1/calendar/working-hours",
        "/api/v1/calendar/working-hours?from=2021-09-30&to=2021-10-09&kind=dispute",
        None,
    ),
    (
        "get",
        "/api/v1/hexbins",
        "/api/v1/hexbins?res=8&kind=dispute",
        None,
    ),
    ("get", "/api/v1/hotspots", "/api/v1/hotspots?res=9", None),
    (
        "get",
        "/api/v1/hotspots/emerging",
        "/api/v1/hotspots/emerging?res=8&step=month",
        None,
    ),
    ("get", "/api/v1/stats/grids", "/api/v1/stats/grids", None),
    (
        "get",
        "/api/v1/stats/communities",
        "/api/v1/stats/communities?from=2021-01-01&to=2021-03-31",
        None,
    ),
    ("get", "/api/v1/patrol/teams", "/api/v1/patrol/teams", None),
    (
        "get",
        "/api/v1/patrol/coverage",
        "/api/v1/patrol/coverage?community=1",
        None,
    ),
    (
        "get",
        "/api/v1/patrol/suggest",
        "/api/v1/patrol/suggest?route=1",
        None,
    ),
    (
        "get",
        "/api/v1/patrol/dosage",
        "/api/v1/patrol/dosage?community=1&from=2021-01-01&to=2021-12-31",
        None,
    ),
    (
        "get",
        "/api/v1/patrol/timing",
        "/api/v1/patrol/timing?community=1&from=2021-01-01&to=2021-12-31",
        None,
    ),
    (
        "get",
        "/api/v1/route",
        "/api/v1/route?from=112.17889,31.00581&to=112.1746234,31.0073217",
        None,
    ),
    (
        "get",
        "/api/v1/isochrones",
        "/api/v1/isochrones?resource=15",
        None,
    ),
    (
        "get",
        "/api/v1/streets/summary",
        "/api/v1/streets/summary",
        None,
    ),
    (
        "get",
        "/api/v1/nearest",
        "/api/v1/nearest?lon=112.2&lat=31.03&k=3&kind=police_post,school",
        None,
    ),
    (
        "post",
        "/api/v1/nearest",
        "/api/v1/nearest?k=2",
        Some(BATCH),
    ),
    (
        "get",
        "/api/v1/access/gaps",
        "/api/v1/access/gaps?thresholds_m=300",
        None,
    ),
    (
        "get",
        "/api/v1/access/gaps",
        "/api/v1/access/gaps?features=cells&h3_res=8",
        None,
    ),
    (
        "get",
        "/api/v1/access/fca",
        "/api/v1/access/fca?weights=e2sfca",
        None,
    ),
    (
        "post",
        "/api/v1/access/sites",
        "/api/v1/access/sites",
        Some(r#"{"k":2,"threshold_m":500}"#),
    ),
    (
        "post",
        "/api/v1/lists/match",
        "/api/v1/lists/match?quarter=2021Q3&max_walk_m=1500",
        None,
    ),
    (
        "post",
        "/api/v1/inspections/plan",
        "/api/v1/inspections/plan",
        Some(r#"{"start":[112.2,31.03],"budget_min":120,"kinds":["street_vending"]}"#),
    ),
    (
        "get",
        "/api/v1/inspections",
        "/api/v1/inspections?quarter=2021Q3",
        None,
    ),
    (
        "get",
        "/api/v1/communities/{id}/brief",
        "/api/v1/communities/85/brief?quarter=2021Q3&format=json",
        None,
    ),
    (
        "get",
        "/api/v1/communities/ranking",
        "/api/v1/communities/ranking?quarter=2021Q3&format=json",
        None,
    ),
    (
        "get",
        "/api/v1/lists/summary",
        "/api/v1/lists/summary?quarter=2021Q3",
        None,
    ),
    (
        "get",
        "/api/v1/kde",
        "/api/v1/kde?kind=street_vending&from=2021-01-01&to=2021-03-31&cell_m=200",
        None,
    ),
    (
        "get",
        "/api/v1/near-repeat",
        "/api/v1/near-repeat?kind=criminal_case&from=2021-01-01&to=2021-12-31&permutations=19",
        None,
    ),
    (
        "get",
        "/api/v1/aoristic",
        "/api/v1/aoristic?kind=criminal_case",
        None,
    ),
    (
        "get",
        "/api/v1/forecast/backtest",
        "/api/v1/forecast/backtest?kind=dispute&from=2021-10-01&to=2021-12-31",
        None,
    ),
];

/// Each typed answer validates against the response schema the document states for it
/// (closed objects: a field the schema does not name fails), with the OpenAPI 3.0 schema
/// validator of `openapi-schema-validator`. Skipped like the document check above.
#[tokio::test]
async fn typed_answers_match_their_documented_schemas() {
    if !python_module("openapi_schema_validator") {
        return;
    }
    let state = AppState::new(Engine::clone(&engine()));
    let document = request_to(state.clone(), "GET", "/api/openapi.json", None)
        .await
        .json;
    // The typed schemas sit beside the generic ones without replacing them.
    assert!(document["components"]["schemas"]["Feature"]["properties"]["id"]["oneOf"].is_array());
    let dir = std::env::temp_dir().join(format!("gridwatch-answers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("openapi.json"), document.to_string()).unwrap();
    for (i, (method, path, uri, body)) in ASKED.iter().enumerate() {
        let reply = request_to(state.clone(), &method.to_uppercase(), uri, *body).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.json);
        // Timing answers in its summary alone, a route is one feature, the analyst's tables
        // are plain JSON; every other answer here has features.
        let features = reply.json["features"].as_array().map_or(0, Vec::len);
        assert!(
            path.ends_with("timing")
                || path.ends_with("route")
                || reply.content_type == "application/json"
                || features > 0,
            "{uri}"
        );
        std::fs::write(dir.join(format!("{i}.json")), &reply.body).unwrap();
        let schema = &document["paths"][path][method]["responses"]["200"]["content"]
            [reply.content_type.as_str()]["schema"];
        assert!(schema["$ref"].is_string(), "{method} {path}: {schema}");
    }
    // Every typed answer is asked in ASKED.
    for typed in typed_answers(&document) {
        assert!(
            ASKED
                .iter()
                .any(|(m, p, _, _)| (*m, *p) == (typed.0.as_str(), typed.1.as_str())),
            "{typed:?} is typed but not validated here"
        );
    }
    let script = r#"
import json, sys
from openapi_schema_validator import OAS30Validator
doc = json.load(open(sys.argv[1] + "/openapi.json"))
for i, asked in enumerate(sys.argv[2:]):
    method, path = asked.split(" ", 1)
    content = doc["paths"][path][method]["responses"]["200"]["content"]
    schema = dict(next(iter(content.values()))["schema"])
    schema["components"] = doc["components"]
    answer = json.load(open(sys.argv[1] + "/" + str(i) + ".json"))
    OAS30Validator(schema).validate(answer)
    # the check can fail: a field the schema does not name is refused
    if "summary" in answer:
        answer["summary"]["not_documented"] = 1
    elif "properties" in answer:
        answer["properties"]["not_documented"] = 1
    else:
        answer["not_documented"] = 1
    assert not OAS30Validator(schema).is_valid(answer), asked
print("OK")
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&dir)
        .args(ASKED.iter().map(|(m, p, _, _)| format!("{m} {p}")))
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let said =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && said.contains("OK"), "{said}");
}

/// The (method, path) of every answer the document gives a typed (`Answer_…`) schema.
fn typed_answers(document: &serde_json::Value) -> Vec<(String, String)> {
    let mut typed = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let schema =
                &operation["responses"]["200"]["content"]["application/geo+json"]["schema"]["$ref"];
            if schema
                .as_str()
                .is_some_and(|r| r.starts_with("#/components/schemas/Answer_"))
            {
                typed.push((method.clone(), path.clone()));
            }
        }
    }
    typed
}
