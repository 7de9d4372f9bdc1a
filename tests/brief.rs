//! The quarterly briefs (`/api/v1/communities/{id}/brief`, `/api/v1/communities/ranking`):
//! every figure equals the API answer its section names, asked again here over HTTP; the
//! page shows the JSON's figures in Chinese or English; the ranking's order and its count of
//! communities without a criminal case follow from the answers it names; bad questions are
//! refused; and the page printed to PDF by headless Chromium is one or two A4 pages whose
//! text (pdftotext) carries the figures, rendered to PNG by pdftoppm.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use common::callers::{access, get, two_communities};
use common::writable;
use gridwatch::api::{Anonymous, AppState};
use serde_json::Value;

/// The answer at `source` (a path and query the brief names).
async fn source(state: &AppState, source: &str) -> Value {
    let reply = get(state, source, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{source}: {}", reply.json);
    reply.json
}

async fn brief(state: &AppState, id: u64, quarter: &str) -> Value {
    let reply = get(
        state,
        &format!("/api/v1/communities/{id}/brief?quarter={quarter}&format=json"),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    assert_eq!(reply.content_type, "application/json");
    reply.json
}

fn n(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

/// Checks every section of `brief` against the answers it names.
async fn check_against_sources(state: &AppState, brief: &Value) {
    let id = brief["community"]["id"].as_u64().unwrap();
    check_incidents(state, brief, id).await;
    check_handling(state, brief).await;
    check_patrol(state, brief, id).await;
    check_the_rest(state, brief).await;
}

async fn check_incidents(state: &AppState, brief: &Value, id: u64) {
    // Incidents: this quarter, the one before, the one a year before.
    let incidents = &brief["incidents"];
    let answers = [
        source(state, incidents["sources"][0].as_str().unwrap()).await,
        source(state, incidents["sources"][1].as_str().unwrap()).await,
        source(state, incidents["sources"][2].as_str().unwrap()).await,
    ];
    let props: Vec<&Value> = answers
        .iter()
        .map(|a| {
            let f = &a["features"][0];
            assert_eq!(f["id"], id);
            &f["properties"]
        })
        .collect();
    assert_eq!(n(&incidents["total"]), n(&props[0]["count"]));
    assert_eq!(n(&incidents["previous"]), n(&props[1]["count"]));
    assert_eq!(n(&incidents["year_ago"]), n(&props[2]["count"]));
    assert_eq!(
        incidents["rate_per_1000_households"],
        props[0]["rate_per_1000_households"]
    );
    let mut kinds = 0;
    for line in incidents["by_kind"].as_array().unwrap() {
        let kind = line["kind"].as_str().unwrap();
        assert_eq!(n(&line["count"]), n(&props[0]["counts"][kind]), "{kind}");
        assert_eq!(n(&line["previous"]), n(&props[1]["counts"][kind]), "{kind}");
        assert_eq!(n(&line["year_ago"]), n(&props[2]["counts"][kind]), "{kind}");
        // The changes, computed here from the counts.
        let pct = |now: u64, before: u64| {
            (before > 0)
                .then(|| ((now as f64 - before as f64) / before as f64 * 1000.0).round() / 10.0)
        };
        let (c, p, y) = (
            n(&line["count"]),
            n(&line["previous"]),
            n(&line["year_ago"]),
        );
        assert_eq!(line["quarter_on_quarter_pct"].as_f64(), pct(c, p), "{kind}");
        assert_eq!(line["year_on_year_pct"].as_f64(), pct(c, y), "{kind}");
        kinds += c;
    }
    assert_eq!(
        kinds,
        n(&incidents["total"]),
        "the kinds add up to the total"
    );
}

async fn check_handling(state: &AppState, brief: &Value) {
    // Handling.
    let handling = &brief["handling"];
    let kpis = source(state, handling["source"].as_str().unwrap()).await;
    let row = &kpis["rows"][0];
    for key in [
        "count",
        "closed",
        "closed_on_time",
        "on_time_share",
        "return_rate",
        "grade",
    ] {
        assert_eq!(handling[key], row[key], "handling {key}");
    }
}

async fn check_patrol(state: &AppState, brief: &Value, id: u64) {
    // Patrols: coverage, dosage, timing.
    let patrol = &brief["patrol"];
    if patrol.get("detail").is_none() {
        let coverage = source(state, patrol["sources"][0].as_str().unwrap()).await;
        let dosage = source(state, patrol["sources"][1].as_str().unwrap()).await;
        let timing = source(state, patrol["sources"][2].as_str().unwrap()).await;
        let summary = &coverage["summary"];
        assert_eq!(patrol["length_m"], summary["length_m"]);
        assert_eq!(patrol["incident_share"], summary["incident_share"]);
        let reached: Vec<&Value> = summary["hotspots_reached"]
            .as_array()
            .unwrap()
            .iter()
            .collect();
        let missed = summary["hotspots_missed"].as_array().unwrap();
        assert_eq!(n(&patrol["hotspots_missed"]), missed.len() as u64);
        assert_eq!(
            patrol["hotspots"].as_array().unwrap().len(),
            reached.len() + missed.len()
        );
        for spot in patrol["hotspots"].as_array().unwrap() {
            assert_eq!(
                spot["reached"].as_bool().unwrap(),
                reached.contains(&&spot["h3"])
            );
            let dosed = dosage["features"]
                .as_array()
                .unwrap()
                .iter()
                .find(|dosed_cell| dosed_cell["properties"]["h3"] == spot["h3"]);
            match dosed {
                Some(dosed_cell) => {
                    assert_eq!(spot["minutes"], dosed_cell["properties"]["minutes"]);
                    assert_eq!(
                        n(&spot["visits"]),
                        dosed_cell["properties"]["visits"].as_array().unwrap().len() as u64
                    );
                }
                None => assert_eq!(n(&spot["visits"]), 0),
            }
        }
        assert_eq!(patrol["tracks"], dosage["summary"]["tracks"]);
        assert_eq!(patrol["visits"], dosage["summary"]["visits"]);
        for key in ["timing_score", "best_slot", "best_score"] {
            assert_eq!(patrol[key], timing["summary"][key], "timing {key}");
        }
        // Routes: the community'summary, as the OGC collection lists them.
        let routes = source(
            state,
            &format!("/ogc/collections/patrol_routes/items?community_id={id}&limit=100"),
        )
        .await;
        assert_eq!(
            n(&patrol["routes"]),
            routes["features"].as_array().unwrap().len() as u64
        );
    }
}

/// What patrols found, the life circles, the lists and the joint inspections.
async fn check_the_rest(state: &AppState, brief: &Value) {
    // What patrols found.
    let found = &brief["findings"];
    let quarter = source(state, found["sources"][0].as_str().unwrap()).await;
    let to_date = source(state, found["sources"][1].as_str().unwrap()).await;
    let counts = |a: &Value, k: &str| n(&a["features"][0]["properties"]["counts"][k]);
    assert_eq!(
        n(&found["safety_hazards"]),
        counts(&quarter, "safety_hazard")
    );
    assert_eq!(n(&found["disputes"]), counts(&quarter, "dispute"));
    assert_eq!(
        n(&found["safety_hazards_to_date"]),
        counts(&to_date, "safety_hazard")
    );
    assert_eq!(n(&found["disputes_to_date"]), counts(&to_date, "dispute"));
    // The life circles.
    let circles = &brief["life_circles"];
    let gaps = source(state, circles["source"].as_str().unwrap()).await;
    assert_eq!(
        circles["households_total"],
        gaps["summary"]["households_total"]
    );
    let beyond: Vec<Value> = gaps["summary"]["beyond"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["households_beyond"].clone())
        .collect();
    assert_eq!(circles["households_beyond"], Value::from(beyond));
    // The lists: the whole summary, as the endpoint answers it.
    let lists = source(state, brief["lists_source"].as_str().unwrap()).await;
    assert_eq!(brief["lists"], lists);
    // Joint inspections.
    let done = &brief["inspections"];
    let inspections = source(state, done["source"].as_str().unwrap()).await;
    for key in ["inspections", "problems_found", "problems_solved"] {
        assert_eq!(done[key], inspections["summary"][key], "inspections {key}");
    }
}

#[tokio::test]
async fn every_figure_in_a_brief_equals_the_answer_it_comes_from() {
    let (state, _store) = writable("brief-figures", access(Anonymous::Full));
    let truth: Value = serde_json::from_str(
        &std::fs::read_to_string(common::geodata_dir().join("truth.json")).unwrap(),
    )
    .unwrap();
    let rise = &truth["rise"];
    let planted = rise["community_id"].as_u64().unwrap();
    for (id, quarter) in [(planted, "2021Q3"), (85, "2021Q3"), (1, "2020Q1")] {
        let b = brief(&state, id, quarter).await;
        assert_eq!(b["quarter"], quarter);
        check_against_sources(&state, &b).await;
    }
    // The planted rise shows: the community's 2021 Q3 is up on 2020 Q3 in the planted kinds.
    let b = brief(&state, planted, "2021Q3").await;
    assert!(
        b["incidents"]["year_on_year_pct"].as_f64().unwrap() > 0.0,
        "{}",
        b["incidents"]
    );
}

#[tokio::test]
async fn the_page_shows_the_figures_in_chinese_or_english() {
    let (state, _store) = writable("brief-page", access(Anonymous::Full));
    let b = brief(&state, 85, "2021Q3").await;
    let page = get(&state, "/api/v1/communities/85/brief?quarter=2021Q3", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.content_type.starts_with("text/html"),
        "{}",
        page.content_type
    );
    let html = &page.body;
    assert!(html.contains(b["community"]["name"].as_str().unwrap()));
    assert!(html.contains("2021年第3季度"));
    assert!(html.contains("同比") && html.contains("环比"));
    assert!(html.contains("<svg"), "the map is drawn into the page");
    assert!(html.contains("@page") && html.contains("A4"));
    for line in b["incidents"]["by_kind"].as_array().unwrap() {
        assert!(html.contains(line["name_zh"].as_str().unwrap()));
    }
    // Every section's source is named on the page.
    assert!(
        html.contains(
            &b["handling"]["source"]
                .as_str()
                .unwrap()
                .replace('&', "&amp;")
        )
    );
    let en = get(
        &state,
        "/api/v1/communities/85/brief?quarter=2021Q3&lang=en",
        None,
    )
    .await;
    assert!(en.body.contains("quarterly brief") && en.body.contains("Incidents by kind"));
    assert!(en.body.contains(r#"<html lang="en">"#));
    // A client that asks for JSON first gets the figures.
    let json = common::request_with_headers(
        state.clone(),
        "GET",
        "/api/v1/communities/85/brief?quarter=2021Q3",
        None,
        &[("accept", "application/json, text/html;q=0.5")],
    )
    .await;
    assert_eq!(json.json, b);
}

#[tokio::test]
#[allow(
    clippy::too_many_lines,
    reason = "the ranking's lines, its order and a sample against their answers, top to bottom"
)]
async fn the_ranking_follows_from_the_answers_it_names() {
    let (state, _store) = writable("brief-ranking", access(Anonymous::Full));
    let reply = get(
        &state,
        "/api/v1/communities/ranking?quarter=2021Q3&format=json",
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    let r = &reply.json;
    let lines = r["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 222);
    assert_eq!(n(&r["communities"]), 222);
    let crime = source(
        &state,
        "/api/v1/stats/communities?kind=criminal_case&from=2021-01-01&to=2021-09-30",
    )
    .await;
    let stats = source(
        &state,
        "/api/v1/stats/communities?from=2021-07-01&to=2021-09-30",
    )
    .await;
    let without = crime["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| n(&f["properties"]["count"]) == 0)
        .count() as u64;
    assert_eq!(n(&r["without_criminal_case_year"]), without);
    for (k, line) in lines.iter().enumerate() {
        assert_eq!(n(&line["rank"]), k as u64 + 1);
        let id = &line["id"];
        let of = |a: &Value| {
            a["features"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| &f["id"] == id)
                .unwrap()["properties"]
                .clone()
        };
        assert_eq!(n(&line["criminal_cases_year"]), n(&of(&crime)["count"]));
        let s = of(&stats);
        assert_eq!(n(&line["incidents"]), n(&s["count"]));
        assert_eq!(n(&line["criminal_cases"]), n(&s["counts"]["criminal_case"]));
        assert_eq!(
            line["rate_per_1000_households"],
            s["rate_per_1000_households"]
        );
        // The order: fewest criminal cases in the year, then the lowest rate.
        if k > 0 {
            let before = &lines[k - 1];
            let key = |l: &Value| {
                (
                    n(&l["criminal_cases_year"]),
                    l["rate_per_1000_households"]
                        .as_f64()
                        .unwrap_or(f64::INFINITY),
                )
            };
            let (a, b) = (key(before), key(line));
            assert!(
                a.0 < b.0 || (a.0 == b.0 && a.1 <= b.1),
                "{before} before {line}"
            );
        }
    }
    // A few lines' handling, lists and inspections against their own answers.
    let kpis = source(
        &state,
        "/api/v1/handling/kpis?by=community&from=2021-07-01&to=2021-09-30",
    )
    .await;
    for line in lines.iter().step_by(37) {
        let id = n(&line["id"]);
        let row = kpis["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| n(&r["id"]) == id);
        assert_eq!(
            line["on_time_share"],
            row.map_or(Value::Null, |r| r["on_time_share"].clone())
        );
        let lists = source(
            &state,
            &format!("/api/v1/lists/summary?quarter=2021Q3&community={id}"),
        )
        .await;
        assert_eq!(line["projects_done"], lists["projects_done_in_quarter"]);
        assert_eq!(
            line["households_helped"],
            lists["households_helped_in_quarter"]
        );
        let inspections = source(
            &state,
            &format!("/api/v1/inspections?quarter=2021Q3&community={id}"),
        )
        .await;
        assert_eq!(line["inspections"], inspections["summary"]["inspections"]);
    }
    let page = get(&state, "/api/v1/communities/ranking?quarter=2021Q3", None).await;
    assert!(page.content_type.starts_with("text/html"));
    assert!(page.body.contains(lines[0]["name"].as_str().unwrap()));
}

#[tokio::test]
async fn bad_brief_questions_are_refused_and_a_bound_token_sees_its_own() {
    let (state, _store) = writable("brief-refusals", access(Anonymous::Full));
    for (path, status) in [
        (
            "/api/v1/communities/85/brief?quarter=2021Q5",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/communities/85/brief?format=pdf",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/communities/85/brief?format=xml",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/communities/85/brief?lang=fr",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/communities/85/brief?colour=red",
            StatusCode::BAD_REQUEST,
        ),
        ("/api/v1/communities/99999/brief", StatusCode::NOT_FOUND),
        ("/api/v1/communities/abc/brief", StatusCode::NOT_FOUND),
        (
            "/api/v1/communities/ranking?quarter=Q3",
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let reply = get(&state, path, None).await;
        assert_eq!(reply.status, status, "{path}: {}", reply.body);
        assert!(
            reply.content_type.starts_with("application/problem+json"),
            "{path}"
        );
    }
    // A token bound to one community: its own brief, no other's, and a ranking of its own.
    let ((_, mine), (_, other)) = two_communities();
    let own = get(
        &state,
        &format!("/api/v1/communities/{mine}/brief?format=json"),
        Some("seer"),
    )
    .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.json);
    let hidden = get(
        &state,
        &format!("/api/v1/communities/{other}/brief?format=json"),
        Some("seer"),
    )
    .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let ranking = get(
        &state,
        "/api/v1/communities/ranking?format=json",
        Some("seer"),
    )
    .await;
    let lines = ranking.json["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["id"], mine);
    // An anonymous reader of counts only gets no brief.
    let (aggregate, _store) = writable("brief-aggregate", access(Anonymous::Aggregate));
    let refused = get(
        &aggregate,
        &format!("/api/v1/communities/{mine}/brief"),
        None,
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn tools_present() -> bool {
    Path::new("/usr/bin/chromium").exists()
        && Command::new("pdftoppm").arg("-v").output().is_ok()
        && Command::new("pdftotext").arg("-v").output().is_ok()
}

#[test]
fn the_brief_prints_to_one_or_two_readable_a4_pages() {
    if !tools_present() {
        assert!(
            std::env::var_os("GRIDWATCH_REQUIRE_BROWSER").is_none(),
            "the print test needs /usr/bin/chromium and poppler-utils"
        );
        eprintln!("skipped: no chromium or poppler-utils (run scripts/test-all)");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let dir = common::scratch_dir("brief-print");
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_gridwatch"))
            .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data"])
            .arg(root.join("geodata"))
            .arg("--store")
            .arg(dir.join("print.gpkg"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(120);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        std::thread::sleep(Duration::from_millis(200));
    }
    let url = format!("http://127.0.0.1:{port}/api/v1/communities/85/brief?quarter=2021Q3");
    let figures: Value = serde_json::from_str(
        &String::from_utf8(
            Command::new("curl")
                .args(["-s", &format!("{url}&format=json")])
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap(),
    )
    .unwrap();
    let pdf = dir.join("brief.pdf");
    let printed = Command::new("/usr/bin/chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(&url)
        .output()
        .unwrap();
    assert!(pdf.exists(), "{}", String::from_utf8_lossy(&printed.stderr));
    // Pages: one PNG each.
    let png = dir.join("page");
    let rendered = Command::new("pdftoppm")
        .args(["-png", "-r", "60"])
        .arg(&pdf)
        .arg(&png)
        .output()
        .unwrap();
    assert!(rendered.status.success());
    let pages: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("page"))
        .collect();
    assert!((1..=2).contains(&pages.len()), "{} pages", pages.len());
    for p in &pages {
        let bytes = std::fs::read(p.path()).unwrap();
        assert!(
            bytes.starts_with(b"\x89PNG") && bytes.len() > 20_000,
            "a page with content"
        );
    }
    // Readable: the PDF's own text holds the name, the quarter and the figures.
    let text = String::from_utf8(
        Command::new("pdftotext")
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(
        text.contains(figures["community"]["name"].as_str().unwrap()),
        "{text}"
    );
    assert!(text.contains("2021年第3季度"), "{text}");
    assert!(text.contains("按时办结率"), "{text}");
    let total = figures["incidents"]["total"].to_string();
    assert!(
        text.contains(&total),
        "the incidents' total {total} in {text}"
    );
}
