//! The brief's static map, drawn by the server as SVG (it prints as crisply as the text and
//! needs no tiles): the community's outline and grids, the streets around, the patrol routes,
//! its hot spots (reached by the routes, or missed), the needs open at the quarter's end and
//! the quarter's joint inspections.

use std::fmt::Write as _;
use std::str::FromStr;

use geo::{BoundingRect, Coord, LineString, Rect};
use h3o::CellIndex;

use super::super::answer::{BriefPatrol, CommunityBrief, Section};
use crate::index::Engine;
use crate::model::StreetClass;
use crate::model::lists::Quarter;

/// The drawing's width in SVG units; the height follows the community's shape.
const WIDTH: f64 = 680.0;
const MAX_HEIGHT: f64 = 360.0;

/// From lon/lat to the drawing: an equirectangular projection at the community's latitude,
/// fitted to the box.
struct Frame {
    min: Coord,
    max_y: f64,
    k: f64,
    kx: f64,
    height: f64,
}

impl Frame {
    fn new(r: Rect) -> Self {
        let pad_x = r.width() * 0.06;
        let pad_y = r.height() * 0.06;
        let min = Coord {
            x: r.min().x - pad_x,
            y: r.min().y - pad_y,
        };
        let max = Coord {
            x: r.max().x + pad_x,
            y: r.max().y + pad_y,
        };
        let kx = f64::midpoint(min.y, max.y).to_radians().cos();
        let w = (max.x - min.x) * kx;
        let h = max.y - min.y;
        let k = (WIDTH / w).min(MAX_HEIGHT / h);
        Self {
            min,
            max_y: max.y,
            k,
            kx,
            height: h * k,
        }
    }

    fn xy(&self, c: Coord) -> (f64, f64) {
        (
            (c.x - self.min.x) * self.kx * self.k,
            (self.max_y - c.y) * self.k,
        )
    }

    /// An SVG path of `line` (closed with `Z` for rings).
    fn path(&self, line: &LineString, closed: bool) -> String {
        let mut d = String::new();
        for (i, c) in line.coords().enumerate() {
            let (x, y) = self.xy(*c);
            let _ = write!(d, "{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" });
        }
        if closed {
            d.push('Z');
        }
        d
    }
}

/// The map of `brief`'s community.
#[must_use]
pub fn draw(engine: &Engine, brief: &CommunityBrief, quarter: Quarter) -> String {
    let id = brief.community.id;
    let Some(community) = engine.communities.get(id) else {
        return String::new();
    };
    let Some(rect) = community.geometry.bounding_rect() else {
        return String::new();
    };
    let f = Frame::new(rect);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {h:.0}" class="map" role="img" aria-label="{name}"><defs><clipPath id="frame"><rect width="{WIDTH}" height="{h:.0}"/></clipPath></defs><rect width="{WIDTH}" height="{h:.0}" fill="#f8fafc"/><g clip-path="url(#frame)">"##,
        h = f.height,
        name = crate::api::ogc::html::esc(&brief.community.name)
    );
    streets(&mut svg, engine, &f);
    // Grids, then the community's outline.
    svg.push_str(r##"<g fill="none" stroke="#94a3b8" stroke-width="0.8" stroke-dasharray="4 3">"##);
    for g in engine.grids.items().iter().filter(|g| g.community_id == id) {
        let _ = write!(
            svg,
            r#"<path d="{}"/>"#,
            f.path(g.geometry.exterior(), true)
        );
    }
    svg.push_str("</g>");
    for p in &community.geometry {
        let _ = write!(
            svg,
            r##"<path d="{}" fill="#2563eb" fill-opacity="0.04" stroke="#1e3a8a" stroke-width="2"/>"##,
            f.path(p.exterior(), true)
        );
    }
    // Hot spots: orange where the routes reach, red where they miss.
    if let Section::Answered(BriefPatrol { hotspots, .. }) = &brief.patrol {
        for h in hotspots {
            let Ok(cell) = CellIndex::from_str(&h.h3) else {
                continue;
            };
            let ring: LineString = cell
                .boundary()
                .iter()
                .map(|v| Coord {
                    x: v.lng(),
                    y: v.lat(),
                })
                .collect();
            let (fill, stroke) = if h.reached {
                ("#fb923c", "#c2410c")
            } else {
                ("#ef4444", "#7f1d1d")
            };
            let _ = write!(
                svg,
                r#"<path d="{}" fill="{fill}" fill-opacity="0.55" stroke="{stroke}" stroke-width="1.5"/>"#,
                f.path(&ring, true)
            );
        }
    }
    // Patrol routes.
    svg.push_str(
        r##"<g fill="none" stroke="#0f766e" stroke-width="2.5" stroke-linejoin="round">"##,
    );
    for r in engine
        .patrol_routes
        .items()
        .iter()
        .filter(|r| r.community_id == id)
    {
        for line in &r.geometry {
            let _ = write!(svg, r#"<path d="{}"/>"#, f.path(line, false));
        }
    }
    svg.push_str("</g>");
    marks(&mut svg, engine, brief, quarter, &f);
    // A scale bar of 200 m.
    let bar = 200.0 / 111_320.0 * f.kx * f.k;
    let _ = write!(
        svg,
        r##"</g><g font-size="11" fill="#334155"><path d="M12,{y:.1}h{bar:.1}" stroke="#334155" stroke-width="2"/><text x="12" y="{t:.1}">200 m</text></g></svg>"##,
        y = f.height - 12.0,
        t = f.height - 17.0
    );
    svg
}

/// The streets around, thinner for smaller ones.
fn streets(svg: &mut String, engine: &Engine, f: &Frame) {
    let around = Rect::new(
        f.min,
        Coord {
            x: f.min.x + WIDTH / f.k / f.kx,
            y: f.max_y,
        },
    );
    // Footpaths are left out: at a community's scale they hatch the map and hide the rest.
    svg.push_str(r##"<g fill="none" stroke="#d5dbe3" stroke-linecap="round">"##);
    for i in engine.streets.intersecting(&around) {
        let s = &engine.streets.items()[i as usize];
        let width = match s.class {
            StreetClass::Arterial => 3.0,
            StreetClass::Secondary => 1.8,
            StreetClass::Local => 0.9,
            StreetClass::Footpath => continue,
        };
        let _ = write!(
            svg,
            r#"<path d="{}" stroke-width="{width}"/>"#,
            f.path(&s.geometry, false)
        );
    }
    svg.push_str("</g>");
}

/// The needs open at the quarter's end (green squares) and the quarter's joint inspections
/// (purple triangles).
fn marks(svg: &mut String, engine: &Engine, brief: &CommunityBrief, quarter: Quarter, f: &Frame) {
    let lists = &engine.lists;
    let open = lists.open_at(quarter.end());
    for (d, _) in lists
        .demands
        .iter()
        .zip(&open)
        .filter(|(d, open)| **open && d.community_id == brief.community.id)
    {
        let (x, y) = f.xy(Coord { x: d.lon, y: d.lat });
        let _ = write!(
            svg,
            r##"<rect x="{:.1}" y="{:.1}" width="7" height="7" fill="#16a34a" stroke="#fff" stroke-width="1"/>"##,
            x - 3.5,
            y - 3.5
        );
    }
    for r in lists.inspections.iter().filter(|r| {
        r.community_id == brief.community.id && (quarter.start()..quarter.end()).contains(&r.at)
    }) {
        let (x, y) = f.xy(Coord { x: r.lon, y: r.lat });
        let _ = write!(
            svg,
            r##"<path d="M{:.1},{:.1}l5,9h-10z" fill="#7c3aed" stroke="#fff" stroke-width="1"/>"##,
            x,
            y - 5.0
        );
    }
}
