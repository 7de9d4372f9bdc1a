//! The bundled dataset: structure of the synthetic city, its planted truth, and byte-for-byte
//! regeneration.

mod common;

use std::collections::BTreeMap;

use common::{engine, geodata_dir};
use geo::{Area, BooleanOps, BoundingRect, Intersects, MultiPolygon, Validation};
use gridwatch::geodata::generate::{self, Options};
use gridwatch::index::{NONE, locate_exact};

#[test]
fn grids_tile_their_communities() {
    let e = engine();
    let mut grids_of: BTreeMap<u64, Vec<&geo::Polygon>> = BTreeMap::new();
    for g in e.grids.items() {
        grids_of
            .entry(g.community_id)
            .or_default()
            .push(&g.geometry);
    }
    for c in e.communities.items() {
        let grids = &grids_of[&c.id];
        let community_area = c.geometry.unsigned_area();
        let sum: f64 = grids.iter().map(|g| g.unsigned_area()).sum();
        let union = grids.iter().fold(MultiPolygon::new(vec![]), |acc, g| {
            acc.union(&MultiPolygon::new(vec![(*g).clone()]))
        });
        assert!(
            (sum - union.unsigned_area()).abs() / union.unsigned_area() < 1e-3,
            "grids of community {} overlap",
            c.id
        );
        assert!(
            (union.unsigned_area() - community_area).abs() / community_area < 1e-3,
            "grids of community {} leave gaps",
            c.id
        );
        for g in grids {
            let outside = MultiPolygon::new(vec![(*g).clone()])
                .difference(&c.geometry)
                .unsigned_area();
            assert!(
                outside / g.unsigned_area() < 1e-4,
                "a grid of community {} pokes out of it",
                c.id
            );
        }
    }
}

#[test]
fn communities_do_not_overlap_and_all_geometries_are_valid() {
    let e = engine();
    let items = e.communities.items();
    for a in items {
        assert!(
            a.geometry.is_valid(),
            "community {} is invalid: {:?}",
            a.id,
            a.geometry.validation_errors()
        );
        let rect = a.geometry.bounding_rect().unwrap();
        for j in e.communities.intersecting(&rect) {
            let b = &items[j as usize];
            if b.id > a.id {
                let shared = a.geometry.intersection(&b.geometry).unsigned_area();
                assert!(
                    shared / a.geometry.unsigned_area() < 1e-4,
                    "communities {} and {} overlap",
                    a.id,
                    b.id
                );
            }
        }
    }
    assert!(e.grids.items().iter().all(|g| g.geometry.is_valid()));
    assert!(e.buildings.items().iter().all(|b| b.geometry.is_valid()));
}

#[test]
fn communities_carry_real_names_of_their_district() {
    let e = engine();
    let csv = std::fs::read_to_string(geodata_dir().join("sources/jingmen_villages_nbs2023.csv"))
        .unwrap();
    for c in e.communities.items() {
        let code = c.code.as_deref().unwrap();
        let row = csv
            .lines()
            .find(|l| l.starts_with(&format!("{code},")))
            .unwrap_or_else(|| panic!("code {code} not in NBS list"));
        let fields: Vec<&str> = row.split(',').collect();
        assert_eq!(
            fields[6].parse::<u64>().unwrap(),
            c.district_id,
            "{}",
            c.name
        );
        assert!(
            fields[1].starts_with(&c.name),
            "{} vs {}",
            c.name,
            fields[1]
        );
    }
    let central = e
        .communities
        .items()
        .iter()
        .filter(|c| [420_802, 420_804].contains(&c.district_id))
        .count();
    assert_eq!(central, 90);
}

#[test]
fn households_add_up_and_buildings_sit_in_their_grid() {
    let e = engine();
    let mut households: BTreeMap<u64, u32> = BTreeMap::new();
    for b in e.buildings.items() {
        let grid = b
            .grid_id
            .unwrap_or_else(|| panic!("building {} is in no grid", b.id));
        *households.entry(grid).or_default() += b.households;
        assert!(e.grids.get(grid).unwrap().geometry.intersects(&b.geometry));
    }
    for g in e.grids.items() {
        assert_eq!(
            households.get(&g.id).copied().unwrap_or(0),
            g.households,
            "grid {}",
            g.id
        );
    }
    assert!((14_000..=16_000).contains(&e.buildings.len()));
    assert!(e.buildings.items().iter().any(|b| b.unmanaged));
    let complexes = e
        .resources
        .items()
        .iter()
        .filter(|r| r.kind == gridwatch::model::ResourceKind::ServiceComplex)
        .count();
    assert_eq!(complexes, 49);
}

/// The fast locator (interior H3 cells + exact tests near edges) agrees with exact tests on
/// every incident.
#[test]
fn fast_grid_assignment_equals_exact_point_in_polygon() {
    let e = engine();
    let t = &e.incidents;
    for r in 0..t.len() {
        let exact = locate_exact(
            &e.grids,
            geo::Coord {
                x: t.lon[r],
                y: t.lat[r],
            },
        )
        .unwrap_or(NONE);
        assert_eq!(t.grid[r], exact, "incident {}", t.id[r]);
    }
}

/// Every incident's bin at every analytics resolution is the hexagon holding its point, as the
/// reference library's `latlng_to_cell(lat, lon, res)` gives it (not the ancestor of a finer
/// cell, which is a neighbour for ~6 % of points).
#[test]
fn every_incident_is_binned_in_the_hexagon_holding_it() {
    let e = engine();
    let t = &e.incidents;
    for res in gridwatch::index::BIN_RESOLUTIONS {
        let res = h3o::Resolution::try_from(res).unwrap();
        let level = t.bin_level(res).unwrap();
        let mut ancestor_differs = 0;
        for r in 0..t.len() {
            let exact = h3o::LatLng::new(t.lat[r], t.lon[r]).unwrap().to_cell(res);
            assert_eq!(
                level.cells()[level.rows()[r] as usize],
                exact,
                "incident {} at res {res}",
                t.id[r]
            );
            if t.cell_at(r).and_then(|c| c.parent(res)) != Some(exact) {
                ancestor_differs += 1;
            }
        }
        if u8::from(res) < 11 {
            // The data exercises the case the exact bins exist for.
            assert!(
                ancestor_differs > t.len() / 100,
                "res {res}: {ancestor_differs}"
            );
        }
    }
}

/// Each planted hotspot really is a cluster: most of its incidents fall in its res-9 cell or
/// the ring around it.
#[test]
fn planted_hotspots_are_in_the_data() {
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(geodata_dir().join("truth.json")).unwrap())
            .unwrap();
    let hotspots = truth["hotspots"].as_array().unwrap();
    // 15 persistent, 3 emerging and 3 fading, every one placed.
    assert_eq!(hotspots.len(), 21);
    let e = engine();
    let t = &e.incidents;
    for h in hotspots {
        let cell: h3o::CellIndex = h["h3_res9"].as_str().unwrap().parse().unwrap();
        let disk: Vec<h3o::CellIndex> = cell.grid_disk(1);
        let near = (0..t.len())
            .filter(|&r| {
                let ll = h3o::LatLng::new(t.lat[r], t.lon[r]).unwrap();
                disk.contains(&ll.to_cell(h3o::Resolution::Nine))
            })
            .count();
        let planted = h["incidents"].as_u64().unwrap() as usize;
        assert!(
            near >= planted * 9 / 10,
            "hotspot {} has {near} incidents near it, planted {planted}",
            h["id"]
        );
    }
}

/// Regenerating with the default seed reproduces the committed files byte for byte.
#[test]
fn generate_reproduces_the_bundled_dataset() {
    let out = std::env::temp_dir().join(format!("gridwatch-generate-{}", std::process::id()));
    let generated = generate::generate(&geodata_dir().join("sources"), Options::default()).unwrap();
    generate::write(&out, &generated).unwrap();
    for name in [
        "districts.geojson",
        "communities.geojson",
        "grids.geojson",
        "buildings.geojson",
        "resources.geojson",
        "streets.geojson",
        "patrol_routes.geojson",
        "patrol_tracks.geojson",
        "incidents.csv",
        "handling.csv",
        "lists.json",
        "truth.json",
    ] {
        let fresh = std::fs::read(out.join(name)).unwrap();
        let bundled = std::fs::read(geodata_dir().join(name)).unwrap();
        assert!(
            fresh == bundled,
            "{name} differs from the bundled copy: run `cargo run --release -- generate`"
        );
    }
    std::fs::remove_dir_all(&out).unwrap();
}

/// A write's snapshot (only the new rows located, merged in time order) equals indexing the
/// changed dataset from scratch: the same rows, cells, grids and hexbins.
#[test]
fn upserting_incidents_equals_rebuilding() {
    use gridwatch::model::{Incident, IncidentKind, IncidentSource, IncidentStatus};
    let e = engine();
    let mut data = gridwatch::geodata::read_dir(&geodata_dir()).unwrap();
    let mut changed = data.incidents[500].clone();
    changed.status = IncidentStatus::Resolved;
    changed.resolved_at = Some(changed.reported_at + 3600);
    let early = Incident {
        id: 80_000,
        lon: 112.2,
        lat: 31.03,
        kind: IncidentKind::Drainage,
        reported_at: data.incidents[10].reported_at,
        status: IncidentStatus::Open,
        resolved_at: None,
        source: IncidentSource::GridWorker,
        occurred: Some(gridwatch::model::Occurred {
            from: data.incidents[10].reported_at - 7200,
            to: data.incidents[10].reported_at - 3600,
        }),
        handling: None,
    };
    let late = Incident {
        id: 80_001,
        lon: 112.571,
        lat: 31.19,
        reported_at: 1_700_000_000,
        ..early.clone()
    };
    let upserted = e.with_incidents(vec![late.clone(), changed.clone(), early.clone()]);
    // The changed incident is given a status alone: it has no handling history either way.
    data.moves.retain(|m| m.incident_id != changed.id);
    data.incidents[500] = changed;
    data.incidents.extend([early, late]);
    let rebuilt = gridwatch::index::Engine::build(data).unwrap();
    // A write makes a new data version but keeps the places, so the hot spots' study areas
    // (which depend on the places only) outlive it; an engine built anew starts afresh.
    assert_ne!(upserted.version, e.version);
    assert_eq!(upserted.places_version, e.places_version);
    assert_ne!(rebuilt.places_version, e.places_version);
    let areas = gridwatch::api::StudyAreas::default();
    let area = |engine| areas.get(engine, h3o::Resolution::Nine, &[], &[], 1);
    assert!(std::sync::Arc::ptr_eq(&area(&e), &area(&upserted)));
    assert!(!std::sync::Arc::ptr_eq(&area(&e), &area(&rebuilt)));
    let (a, b) = (&upserted.incidents, &rebuilt.incidents);
    assert_eq!(a.len(), e.incidents.len() + 2);
    assert_eq!(a.id, b.id);
    assert_eq!((&a.lon, &a.lat, &a.cell), (&b.lon, &b.lat, &b.cell));
    assert_eq!(
        (&a.status, &a.resolved_at, &a.grid, &a.community),
        (&b.status, &b.resolved_at, &b.grid, &b.community)
    );
    // The handling rows too, departments by name (codes are given in the order first seen).
    let handling = |t: &gridwatch::index::IncidentTable| -> Vec<_> {
        t.handling
            .iter()
            .map(|h| {
                (
                    h.state,
                    h.recorded,
                    h.filed_at,
                    h.last_at,
                    h.clock_s,
                    h.returns,
                    h.redos,
                    t.departments.name(h.department).map(str::to_owned),
                )
            })
            .collect()
    };
    assert_eq!(handling(a), handling(b));
    for res in [
        h3o::Resolution::Six,
        h3o::Resolution::Nine,
        h3o::Resolution::Eleven,
    ] {
        let filter = gridwatch::index::IncidentFilter::default();
        let bins = |t: &gridwatch::index::IncidentTable| {
            gridwatch::analytics::hexbin::hexbins(t, &filter, t.bin_level(res).unwrap())
        };
        assert_eq!(bins(a), bins(b), "hexbins at {res}");
    }
    assert!(
        upserted.version != e.version,
        "a new snapshot gets a new version"
    );
}

/// The governance lists carry the seed's counts (资源清单 1,300, 需求清单 519, 项目清单 168)
/// and its planted figure: the done projects on the three-no compounds' drains, septic tanks
/// and paths helped 4,174 households. Every project draws on offers of its own category made
/// in the quarter it opened, and a done project's needs are met.
#[test]
fn the_lists_carry_the_seeds_counts_and_its_three_no_projects() {
    use gridwatch::model::lists::{DemandStatus, ListCategory as C, ProjectStatus, Quarter};
    let data = gridwatch::geodata::files::read_dir(&geodata_dir()).unwrap();
    let lists = &data.lists;
    assert_eq!(
        (
            lists.resources.len(),
            lists.demands.len(),
            lists.projects.len()
        ),
        (1_300, 519, 168)
    );
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(geodata_dir().join("truth.json")).unwrap())
            .unwrap();
    let planted: Vec<u64> = truth["lists"]["three_no_projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(planted.len(), 72);
    let unmanaged: std::collections::HashSet<u64> = data
        .buildings
        .iter()
        .filter(|b| b.unmanaged)
        .map(|b| b.id)
        .collect();
    let demand = |id: u64| lists.demands.iter().find(|d| d.id == id).unwrap();
    let resource = |id: u64| lists.resources.iter().find(|r| r.id == id).unwrap();
    let mut three_no = 0;
    for p in &lists.projects {
        let q = Quarter::of(p.opened_at);
        for &r in &p.resource_ids {
            let r = resource(r);
            assert_eq!(r.category, p.category, "project {}", p.id);
            assert!(r.offered_in(q), "project {}: offer {} in {q}", p.id, r.id);
        }
        for &d in &p.demand_ids {
            let d = demand(d);
            assert_eq!(d.category, p.category);
            assert!(d.raised_at <= p.opened_at);
            let met = p.status == ProjectStatus::Done;
            assert_eq!(d.status == DemandStatus::Met, met, "demand {}", d.id);
        }
        let on_three_no = p.status == ProjectStatus::Done
            && matches!(p.category, C::Drainage | C::Septic | C::Road)
            && p.demand_ids.iter().all(|&d| {
                demand(d)
                    .building_id
                    .is_some_and(|b| unmanaged.contains(&b))
            });
        assert_eq!(on_three_no, planted.contains(&p.id), "project {}", p.id);
        if on_three_no {
            three_no += p.households;
        }
    }
    assert_eq!(three_no, 4_174);
}
