//! Reading and writing a dataset directory, and the incidents' rows.

use super::*;
use geo::{Point, Polygon};

#[test]
fn incident_rows_round_trip_and_bad_fields_are_named() {
    let row = "7,112.2,31.01,dispute,2020-05-01T10:00:00+08:00,resolved,2020-05-02T10:00:00+08:00,hotline";
    let i = parse_incident_row(row).unwrap();
    assert_eq!(i.id, 7);
    assert_eq!(i.resolved_at.unwrap() - i.reported_at, 86_400);
    let err = parse_incident_row("7,112.2,31.01,riot,2020-05-01,open,,hotline").unwrap_err();
    assert!(
        err.starts_with("kind: unknown incident kind `riot`"),
        "{err}"
    );
    assert!(parse_incident_row("7,NaN,31.01,dispute,2020-05-01,open,,hotline").is_err());
    assert!(parse_incident_row("7,200,31.01,dispute,2020-05-01,open,,hotline").is_err());
}

#[test]
fn incident_windows_are_read_and_checked() {
    let row = "8,112.2,31.01,criminal_case,2020-05-04T09:00:00+08:00,open,,police,2020-05-01T18:00:00+08:00,2020-05-04T08:30:00+08:00";
    let i = parse_incident_row(row).unwrap();
    let window = i.occurred.unwrap();
    assert_eq!(window.to - window.from, 62 * 3600 + 1800);
    assert_eq!(i.reported_at - window.to, 1800);
    let plain = "8,112.2,31.01,criminal_case,2020-05-04T09:00:00+08:00,open,,police,,";
    assert_eq!(parse_incident_row(plain).unwrap().occurred, None);
    let half = "8,112.2,31.01,criminal_case,2020-05-04,open,,police,2020-05-01,";
    assert!(parse_incident_row(half).unwrap_err().contains("both"));
    let after =
        "8,112.2,31.01,criminal_case,2020-05-04T09:00:00+08:00,open,,police,2020-05-01,2020-05-05";
    assert!(
        parse_incident_row(after)
            .unwrap_err()
            .contains("after reported_at")
    );
}

#[test]
fn openstreetmap_streets_read_with_their_classes() {
    let dir = std::env::temp_dir().join(format!("gw-osm-{}", std::process::id()));
    write_dir(&dir, &Dataset::default()).unwrap();
    let line = r#""geometry":{"type":"LineString","coordinates":[[112.2,31.0],[112.201,31.0]]}"#;
    let features = [
        (r#""1""#, r#"{"highway":"motorway","name":"G55"}"#),
        ("2", r#"{"highway":"residential","name":"白庙巷"}"#),
        ("3", r#"{"highway":"footway"}"#),
        ("4", r#"{"highway":"cycleway"}"#),
        (
            "8",
            r#"{"highway":"cycleway","other_tags":"\"bicycle\"=>\"designated\",\"foot\"=>\"designated\""}"#,
        ),
        ("9", r#"{"highway":"construction"}"#),
        ("5", r#"{"highway":"service","access":"private"}"#),
        (
            "6",
            r#"{"highway":"service","access":"private","foot":"yes"}"#,
        ),
        ("7", r#"{"class":"secondary","name":"长宁街"}"#),
    ]
    .map(|(id, props)| {
        format!(r#"{{"type":"Feature","id":{id},"properties":{props},{line}}}"#)
    });
    std::fs::write(
        dir.join("streets.geojson"),
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        ),
    )
    .unwrap();
    let streets = read_dir(&dir).unwrap().streets;
    let got: Vec<(u64, StreetClass, bool, &str)> = streets
        .iter()
        .map(|s| (s.id, s.class, s.walkable, s.name.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (1, StreetClass::Arterial, false, "G55"),
            (2, StreetClass::Local, true, "白庙巷"),
            (3, StreetClass::Footpath, true, ""),
            (4, StreetClass::Footpath, false, ""),
            (8, StreetClass::Footpath, true, ""),
            (5, StreetClass::Local, false, ""),
            (6, StreetClass::Local, true, ""),
            (7, StreetClass::Secondary, true, "长宁街"),
        ]
    );
    // In Finland an untagged cycleway is a shared foot- and cycleway.
    std::fs::write(dir.join("streets.meta.json"), r#"{"country":"FI"}"#).unwrap();
    let finnish = read_dir(&dir).unwrap().streets;
    assert!(finnish.iter().any(|s| s.id == 4 && s.walkable));
    std::fs::write(dir.join("streets.meta.json"), "FI").unwrap();
    let err = read_dir(&dir).unwrap_err().to_string();
    assert!(err.contains("streets.meta.json"), "{err}");
    std::fs::remove_file(dir.join("streets.meta.json")).unwrap();
    std::fs::write(
        dir.join("streets.geojson"),
        format!(r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","id":1,"properties":{{"name":"x"}},{line}}}]}}"#),
    )
    .unwrap();
    let err = read_dir(&dir).unwrap_err().to_string();
    assert!(
        err.contains("needs `class` or OpenStreetMap's `highway`"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_dataset_in_gcj02_is_moved_to_wgs84() {
    let (lon, lat) = (112.2, 31.03);
    let (gx, gy) = crate::model::datum::wgs84_to_gcj02(lon, lat);
    let mut data = Dataset {
        streets: vec![Street {
            id: 1,
            class: StreetClass::Local,
            name: String::new(),
            walkable: true,
            geometry: LineString::from(vec![(gx, gy), (gx, gy)]),
        }],
        ..Dataset::default()
    };
    data.to_wgs84(crate::model::datum::Datum::Gcj02);
    let back = data.streets[0].geometry.0[0];
    // GCJ-02 is inverted by iteration to well under a metre.
    assert!(
        (back.x - lon).abs() < 1e-5 && (back.y - lat).abs() < 1e-5,
        "{back:?}"
    );
}

#[test]
fn a_polygon_layer_reads_what_it_wrote() {
    let dir = std::env::temp_dir().join(format!("gw-files-{}", std::process::id()));
    let square = Polygon::new(
        LineString::from(vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]),
        vec![],
    );
    let data = Dataset {
        grids: vec![Grid {
            id: 3,
            community_id: 1,
            name: "g".into(),
            households: 5,
            population: 13,
            geometry: square.clone(),
        }],
        resources: vec![Resource {
            id: 1,
            kind: ResourceKind::Clinic,
            name: "c".into(),
            capacity: 2,
            geometry: Point::new(0.5, 0.5),
            community_id: None,
        }],
        ..Dataset::default()
    };
    write_dir(&dir, &data).unwrap();
    let back = read_dir(&dir).unwrap();
    assert_eq!(back.grids[0].geometry, square);
    assert_eq!(back.resources[0].kind, ResourceKind::Clinic);
    std::fs::remove_dir_all(&dir).unwrap();
}
