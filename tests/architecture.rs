//! The dependency rules of ARCHITECTURE.md, read from the code: every `crate::…` path in a
//! module's sources (tests and comments aside) names a module the rules let it use, and only
//! the HTTP layer and the command line name axum or tower-http.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module and the modules of ours it may use (ARCHITECTURE.md, "Dependency
/// rules"). `cli` and `main` wire everything and are not listed.
const RULES: &[(&str, &[&str])] = &[
    ("model", &[]),
    ("geodesy", &[]),
    ("web", &[]),
    ("network", &["model", "geodesy"]),
    ("filter", &["model"]),
    ("geodata", &["model", "network", "geodesy"]),
    (
        "index",
        &["model", "geodata", "network", "geodesy", "filter"],
    ),
    ("analytics", &["model", "index", "network", "geodesy"]),
    ("tiles", &["model", "index", "analytics", "geodesy"]),
    ("store", &["model", "geodata", "index"]),
    ("feed", &["model", "index"]),
    ("live", &["model", "index", "store", "feed"]),
    ("replication", &["model", "index", "store", "feed", "live"]),
    ("alerts", &["model", "index", "analytics", "feed", "live"]),
    (
        "api",
        &[
            "model",
            "geodesy",
            "geodata",
            "filter",
            "index",
            "network",
            "analytics",
            "tiles",
            "store",
            "feed",
            "live",
            "web",
        ],
    ),
    ("config", &["model", "geodata", "tiles", "api"]),
];

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a source file that ships: up to its `#[cfg(test)]` module, without comments;
/// nothing of a file that is itself a test module (`tests.rs`, `*_tests.rs`).
fn shipped_code(path: &Path) -> String {
    let name = path.file_name().unwrap().to_str().unwrap();
    if name == "tests.rs" || name.ends_with("_tests.rs") {
        return String::new();
    }
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .take_while(|l| l.trim() != "#[cfg(test)]")
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules named as `crate::NAME` in `code`.
fn named_modules(code: &str) -> BTreeSet<String> {
    code.split("crate::")
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .filter(|m| !m.is_empty())
        .collect()
}

/// The top-level module a source file belongs to (`src/api/v1/mod.rs` → `api`).
fn module_of(src: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(src).unwrap();
    let first = relative.components().next().unwrap().as_os_str();
    first.to_str().unwrap().trim_end_matches(".rs").to_owned()
}

#[test]
fn each_module_uses_only_what_the_rules_allow() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let rules: BTreeMap<&str, &[&str]> = RULES.iter().copied().collect();
    let mut broken = Vec::new();
    let mut checked = 0;
    for path in &files {
        let module = module_of(&src, path);
        let Some(allowed) = rules.get(module.as_str()) else {
            continue;
        };
        checked += 1;
        let code = shipped_code(path);
        for used in named_modules(&code) {
            if used != module && !allowed.contains(&used.as_str()) {
                broken.push(format!(
                    "{} uses crate::{used}",
                    path.strip_prefix(&src).unwrap().display()
                ));
            }
        }
        let http = code.contains("axum::") || code.contains("tower_http::");
        if http && module != "api" {
            broken.push(format!(
                "{} speaks HTTP outside api/",
                path.strip_prefix(&src).unwrap().display()
            ));
        }
    }
    assert!(checked > 100, "only {checked} files read");
    assert!(broken.is_empty(), "{broken:#?}");
}

/// The reader itself: a path in a comment or a test module is not a use.
#[test]
fn the_reader_skips_comments_and_tests() {
    let code = "use crate::model::Bbox;\n// crate::api\nfn f() { crate::index::x(); }\n";
    let dir = std::env::temp_dir().join(format!("gridwatch-arch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("sample.rs");
    std::fs::write(
        &file,
        format!("{code}#[cfg(test)]\nmod tests {{ use crate::live; }}\n"),
    )
    .unwrap();
    let named = named_modules(&shipped_code(&file));
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(
        named,
        BTreeSet::from(["index".to_owned(), "model".to_owned()])
    );
}
