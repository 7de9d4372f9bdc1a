//! The OGC API as pages (`f=html`, or a browser's `Accept: text/html`): the landing page,
//! conformance, collections, a collection, a page of items (a table with paging, a filter
//! box and a small map of the page's features in the vendored MapLibre) and one item. Each
//! page is a view of the very JSON document the API answers, so the two cannot disagree.
//! Headings are in Chinese and English; the pages are plain server-rendered HTML.

use std::fmt::Write as _;

use axum::http::{HeaderMap, header};
use serde_json::Value;

/// Which document a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Landing,
    Conformance,
    Collections,
    Collection,
    Items,
    Item,
}

/// Whether the client asked for a page: `f=html`, or no `f` and an `Accept` naming
/// `text/html` (browsers) before any JSON type.
#[must_use]
pub fn wanted(headers: &HeaderMap, f: Option<&str>) -> bool {
    match f {
        Some(f) => f == "html",
        None => headers
            .get(header::ACCEPT)
            .and_then(|a| a.to_str().ok())
            .is_some_and(|accept| {
                let html = accept.find("text/html");
                let json = accept.find("json");
                html.is_some_and(|h| json.is_none_or(|j| h < j))
            }),
    }
}

/// Text escaped for HTML.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A link of ours as the page of the same resource (`f=html` added).
fn page_href(href: &str) -> String {
    if href.contains("f=html") || !href.contains("/ogc") || href.contains("/ogc/api") {
        return href.to_owned();
    }
    let sep = if href.contains('?') { '&' } else { '?' };
    format!("{href}{sep}f=html")
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.len() > 3 => format!("[{} values]", items.len()),
        other => other.to_string(),
    }
}

fn head(out: &mut String, title: &str, base: &str) {
    let base = esc(base);
    let _ = write!(
        out,
        r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{t} · gridwatch</title><link rel="icon" href="data:,"><link rel="stylesheet" href="{base}/web/vendor/maplibre-gl-6.20.0/maplibre-gl.css"><style>body{{font:14px/1.5 system-ui,"Noto Sans CJK SC",sans-serif;margin:0 auto;max-width:1100px;padding:0 16px 32px;color:#1f2937}}header{{border-bottom:1px solid #e5e7eb;padding:12px 0;margin-bottom:12px}}header a{{margin-right:14px}}h1{{font-size:22px;margin:8px 0}}table{{border-collapse:collapse;width:100%;font-size:13px}}th,td{{border-bottom:1px solid #e5e7eb;padding:4px 6px;text-align:left;vertical-align:top}}th{{background:#f9fafb}}#map{{height:380px;margin:12px 0;border:1px solid #e5e7eb}}.muted{{color:#6b7280}}form input[type=text]{{width:60%}}nav.paging a{{margin-right:12px}}code{{background:#f3f4f6;padding:0 3px}}</style></head><body><header><a href="{base}/ogc?f=html">首页 Landing page</a><a href="{base}/ogc/collections?f=html">集合 Collections</a><a href="{base}/ogc/conformance?f=html">符合性 Conformance</a><a href="{base}/ogc/api">OpenAPI</a><a href="{base}/">地图 Map</a></header><h1>{t}</h1>"#,
        t = esc(title)
    );
}

fn links(out: &mut String, doc: &Value) {
    let Some(list) = doc["links"].as_array() else {
        return;
    };
    out.push_str("<h2>链接 Links</h2><ul>");
    for l in list {
        let href = l["href"].as_str().unwrap_or_default();
        let html = l["type"].as_str().is_some_and(|t| t.contains("json")) && !href.contains('{');
        let shown = if html {
            page_href(href)
        } else {
            href.to_owned()
        };
        let _ = write!(
            out,
            r#"<li><a href="{}">{}</a> <span class="muted">{} · {}</span></li>"#,
            esc(&shown),
            esc(l["title"].as_str().unwrap_or(href)),
            esc(l["rel"].as_str().unwrap_or_default()),
            esc(l["type"].as_str().unwrap_or_default()),
        );
    }
    out.push_str("</ul>");
}

/// The bbox of every position under `coordinates`, as [minx, miny, maxx, maxy].
fn bounds(v: &Value, b: &mut Option<[f64; 4]>) {
    let Value::Array(items) = v else { return };
    if let [Value::Number(x), Value::Number(y), ..] = items.as_slice()
        && let (Some(x), Some(y)) = (x.as_f64(), y.as_f64())
    {
        let r = b.get_or_insert([x, y, x, y]);
        *r = [r[0].min(x), r[1].min(y), r[2].max(x), r[3].max(y)];
        return;
    }
    for item in items {
        bounds(item, b);
    }
}

/// A small map of `features` (lon/lat GeoJSON), in the vendored MapLibre.
fn map(out: &mut String, features: &[Value], base: &str) {
    let mut b = None;
    for f in features {
        bounds(&f["geometry"]["coordinates"], &mut b);
    }
    let Some([x0, y0, x1, y1]) = b else {
        return;
    };
    let collection = serde_json::json!({ "type": "FeatureCollection", "features": features });
    let data = collection.to_string().replace("</", "<\\/");
    // The base comes from the request's Host: written as JSON string literals, so nothing in
    // it can leave the string or the script.
    let literal = |s: String| {
        serde_json::to_string(&s)
            .unwrap_or_default()
            .replace("</", "<\\/")
    };
    let module = literal(format!(
        "{base}/web/vendor/maplibre-gl-6.20.0/maplibre-gl.mjs"
    ));
    let tiles = literal(format!(
        "{base}/tiles/communities,grids/{{z}}/{{x}}/{{y}}.mvt"
    ));
    let _ = write!(
        out,
        r##"<div id="map"></div><script type="application/json" id="features">{data}</script><script type="module">
import * as maplibregl from {module};
const data = JSON.parse(document.getElementById("features").textContent);
const page = (window.gridwatch = {{ ready: false, errors: [] }});
const map = new maplibregl.Map({{
  container: "map",
  bounds: [[{x0}, {y0}], [{x1}, {y1}]],
  fitBoundsOptions: {{ padding: 24, maxZoom: 17 }},
  style: {{
    version: 8,
    sources: {{
      f: {{ type: "geojson", data }},
      context: {{ type: "vector", tiles: [{tiles}], minzoom: 0, maxzoom: 16 }},
    }},
    layers: [
      {{ id: "bg", type: "background", paint: {{ "background-color": "#f4f1ea" }} }},
      {{ id: "grids", type: "line", source: "context", "source-layer": "grids", minzoom: 13, paint: {{ "line-color": "#c7c2b8", "line-width": 0.6 }} }},
      {{ id: "communities", type: "line", source: "context", "source-layer": "communities", paint: {{ "line-color": "#9ca3af", "line-width": 1 }} }},
      {{ id: "fill", type: "fill", source: "f", filter: ["==", ["geometry-type"], "Polygon"], paint: {{ "fill-color": "#3b82f6", "fill-opacity": 0.25 }} }},
      {{ id: "line", type: "line", source: "f", filter: ["!=", ["geometry-type"], "Point"], paint: {{ "line-color": "#1d4ed8", "line-width": 1.5 }} }},
      {{ id: "points", type: "circle", source: "f", filter: ["==", ["geometry-type"], "Point"], paint: {{ "circle-radius": 4, "circle-color": "#dc2626", "circle-stroke-color": "#fff", "circle-stroke-width": 1 }} }},
    ],
  }},
}});
page.map = map;
map.on("error", (e) => page.errors.push(String(e.error?.message ?? e)));
map.on("idle", () => (page.ready = true));
</script>"##
    );
}

fn landing_page(out: &mut String, doc: &Value) {
    let _ = write!(
        out,
        "<p>{}</p>",
        esc(doc["description"].as_str().unwrap_or_default())
    );
    links(out, doc);
}

fn conformance_page(out: &mut String, doc: &Value) {
    out.push_str("<ul>");
    for c in doc["conformsTo"].as_array().into_iter().flatten() {
        let _ = write!(
            out,
            "<li><code>{}</code></li>",
            esc(c.as_str().unwrap_or_default())
        );
    }
    out.push_str("</ul>");
}

fn collection_row(out: &mut String, c: &Value) {
    let id = c["id"].as_str().unwrap_or_default();
    let bbox = &c["extent"]["spatial"]["bbox"][0];
    let time = &c["extent"]["temporal"]["interval"][0];
    let find = |rel: &str| {
        c["links"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|l| l["rel"] == rel)
            .and_then(|l| l["href"].as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let _ = write!(
        out,
        r#"<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td class="muted">{}</td><td><a href="{}">要素 items</a> · <a href="{}">queryables</a></td></tr>"#,
        esc(&page_href(&find("self"))),
        esc(id),
        esc(c["title"].as_str().unwrap_or_default()),
        esc(c["description"].as_str().unwrap_or_default()),
        esc(&format!(
            "{} {}",
            bbox.as_array().map_or(String::new(), |b| b
                .iter()
                .map(|v| format!("{:.3}", v.as_f64().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(", ")),
            time.as_array().map_or(String::new(), |t| format!(
                "{} – {}",
                value_text(&t[0]),
                value_text(&t[1])
            ))
        )),
        esc(&page_href(&find("items"))),
        esc(&find("http://www.opengis.net/def/rel/ogc/1.0/queryables")),
    );
}

fn collections_page(out: &mut String, doc: &Value) {
    out.push_str("<table><tr><th>id</th><th>名称 Title</th><th>说明 Description</th><th>范围 Extent</th><th></th></tr>");
    for c in doc["collections"].as_array().into_iter().flatten() {
        collection_row(out, c);
    }
    out.push_str("</table>");
}

fn collection_page(out: &mut String, doc: &Value) {
    out.push_str("<table><tr><th>id</th><th>名称 Title</th><th>说明 Description</th><th>范围 Extent</th><th></th></tr>");
    collection_row(out, doc);
    out.push_str("</table>");
    let _ = write!(
        out,
        "<p class=\"muted\">坐标系 CRS: {}</p>",
        esc(&doc["crs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" · "))
    );
    links(out, doc);
}

fn items_page(
    out: &mut String,
    doc: &Value,
    base: &str,
    collection: &str,
    query: &[(String, String)],
) {
    let features = doc["features"].as_array().map_or(&[][..], Vec::as_slice);
    let filter = query
        .iter()
        .find(|(k, _)| k == "filter")
        .map_or("", |(_, v)| v.as_str());
    let _ = write!(
        out,
        r#"<form method="get"><input type="hidden" name="f" value="html"><label>CQL2 过滤 filter: <input type="text" name="filter" value="{}" placeholder="kind = 'dispute' AND S_INTERSECTS(geometry, BBOX(112.19, 31.02, 112.21, 31.04))"></label> <label>每页 limit <input type="number" name="limit" min="1" max="10000" value="{}"></label> <button>查询 Query</button></form>"#,
        esc(filter),
        query
            .iter()
            .find(|(k, _)| k == "limit")
            .map_or("100", |(_, v)| v.as_str()),
    );
    let _ = write!(
        out,
        "<p>共 {} 个要素，本页 {} 个 · {} matched, {} on this page</p>",
        doc["numberMatched"], doc["numberReturned"], doc["numberMatched"], doc["numberReturned"]
    );
    let lon_lat = !query
        .iter()
        .any(|(k, v)| k == "crs" && !v.contains("CRS84"));
    if lon_lat {
        map(out, features, base);
    }
    out.push_str("<nav class=\"paging\">");
    for (rel, label) in [("prev", "← 上一页 previous"), ("next", "下一页 next →")] {
        if let Some(l) = doc["links"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|l| l["rel"] == rel)
        {
            let _ = write!(
                out,
                r#"<a rel="{rel}" href="{}">{label}</a>"#,
                esc(&page_href(l["href"].as_str().unwrap_or_default()))
            );
        }
    }
    out.push_str("</nav>");
    let mut columns: Vec<String> = Vec::new();
    for f in features {
        for k in f["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k)
        {
            if !columns.contains(k) {
                columns.push(k.clone());
            }
        }
    }
    out.push_str("<table><tr><th>id</th>");
    for c in &columns {
        let _ = write!(out, "<th>{}</th>", esc(c));
    }
    out.push_str("</tr>");
    for f in features {
        let id = value_text(&f["id"]);
        let _ = write!(
            out,
            r#"<tr><td><a href="{}/ogc/collections/{}/items/{}?f=html">{}</a></td>"#,
            esc(base),
            esc(collection),
            esc(&id),
            esc(&id)
        );
        for c in &columns {
            let _ = write!(out, "<td>{}</td>", esc(&value_text(&f["properties"][c])));
        }
        out.push_str("</tr>");
    }
    out.push_str("</table>");
}

fn item_page(out: &mut String, doc: &Value, base: &str) {
    map(out, std::slice::from_ref(doc), base);
    out.push_str("<table><tr><th>属性 Property</th><th>值 Value</th></tr>");
    for (k, v) in doc["properties"].as_object().into_iter().flatten() {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td></tr>",
            esc(k),
            esc(&value_text(v))
        );
    }
    out.push_str("</table>");
    links(out, doc);
}

/// The page of `doc`. `collection` names the items' collection; `query` is the request's.
#[must_use]
pub fn render(
    page: Page,
    doc: &Value,
    base: &str,
    collection: &str,
    query: &[(String, String)],
) -> String {
    let title = match page {
        Page::Landing => format!("gridwatch · {}", doc["title"].as_str().unwrap_or_default()),
        Page::Conformance => "符合性 Conformance".to_owned(),
        Page::Collections => "集合 Collections".to_owned(),
        Page::Collection => format!(
            "集合 Collection: {}",
            doc["title"].as_str().unwrap_or(collection)
        ),
        Page::Items => format!("要素 Features: {collection}"),
        Page::Item => format!("要素 Feature: {collection} {}", value_text(&doc["id"])),
    };
    let mut out = String::with_capacity(16 * 1024);
    head(&mut out, &title, base);
    match page {
        Page::Landing => landing_page(&mut out, doc),
        Page::Conformance => conformance_page(&mut out, doc),
        Page::Collections => collections_page(&mut out, doc),
        Page::Collection => collection_page(&mut out, doc),
        Page::Items => items_page(&mut out, doc, base, collection, query),
        Page::Item => item_page(&mut out, doc, base),
    }
    out.push_str("</body></html>");
    out
}
