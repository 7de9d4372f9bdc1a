//! The commands behind `main`: each takes its validated arguments and does its work.

use std::time::Instant;

use anyhow::Context;

use std::sync::Arc;

use crate::api::{AppState, Tokens};
use crate::config::{GenerateArgs, ImportArgs, ServeArgs};
use crate::geodata::generate::{self, Options};
use crate::index::Engine;
use crate::live::Live;
use crate::store::gpkg::GpkgStore;
use crate::store::postgis::PgStore;
use crate::store::{Store, load_snapshot};

/// `gridwatch generate`.
///
/// # Errors
/// Unreadable sources or an unwritable output directory.
pub fn generate(args: &GenerateArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let spinner = indicatif::ProgressBar::new_spinner().with_message("laying out the city");
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let generated = generate::generate(
        &args.sources,
        Options {
            seed: args.seed,
            incidents: args.scale,
            city: match (args.city_code, &args.city_name) {
                (Some(code), Some(name)) => crate::model::City {
                    code,
                    name: name.clone(),
                },
                _ => crate::model::City::jingmen(),
            },
            centre: args.centre,
        },
    )
    .with_context(|| format!("generating from {}", args.sources.display()))?;
    spinner.set_message(format!("writing {}", args.out.display()));
    generate::write(&args.out, &generated)?;
    spinner.finish_and_clear();
    let d = &generated.dataset;
    eprintln!(
        "wrote {} ({} {}): {} districts, {} communities, {} grids, {} buildings, {} resources, {} streets, {} patrol routes, {} tracks, {} incidents in {:.1} s",
        args.out.display(),
        d.city.name,
        d.city.code,
        d.districts.len(),
        d.communities.len(),
        d.grids.len(),
        d.buildings.len(),
        d.resources.len(),
        d.streets.len(),
        d.patrol_routes.len(),
        d.patrol_tracks.len(),
        d.incidents.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `gridwatch filter-sql`: prints the WHERE clause.
///
/// # Errors
/// An unknown collection or a filter the server would refuse (the same message).
pub fn filter_sql(args: &crate::config::FilterSqlArgs) -> anyhow::Result<()> {
    use crate::filter::{Filter, GEOMETRY, Lang};
    let schema = crate::api::queryables_of(&args.collection);
    anyhow::ensure!(!schema.is_empty(), "no collection `{}`", args.collection);
    let filter = Filter::parse_lon_lat(&args.filter, Lang::parse(&args.lang)?, schema)?;
    let clause = crate::filter::sql::where_clause(&filter, schema, &|name| {
        if name == GEOMETRY {
            "geom".into()
        } else {
            format!("\"{name}\"")
        }
    });
    println!("{clause}");
    Ok(())
}

/// Reads and indexes the dataset in `dir`, logging how long each step took.
///
/// # Errors
/// An unreadable or inconsistent dataset.
pub fn load_engine(dir: &std::path::Path) -> anyhow::Result<Engine> {
    load_engine_in(dir, crate::model::datum::Datum::Wgs84)
}

/// [`load_engine`] for a dataset whose coordinates are in `datum`.
///
/// # Errors
/// An unreadable or inconsistent dataset.
pub fn load_engine_in(
    dir: &std::path::Path,
    datum: crate::model::datum::Datum,
) -> anyhow::Result<Engine> {
    let started = Instant::now();
    let mut data = crate::geodata::read_dir(dir)
        .with_context(|| format!("reading the dataset in {}", dir.display()))?;
    data.to_wgs84(datum);
    let read = started.elapsed();
    let engine = Engine::build(data)
        .with_context(|| format!("indexing the dataset in {}", dir.display()))?;
    tracing::info!(
        dir = %dir.display(),
        read_ms = read.as_millis(),
        index_ms = started.elapsed().saturating_sub(read).as_millis(),
        incidents = engine.incidents.len(),
        outside_grids = engine.incidents_outside_grids(),
        interior_cells = engine.locator.interior_cells(),
        "dataset loaded"
    );
    Ok(engine)
}

/// Logs what the walking network looks like: its parts, length by class, unreached buildings.
fn report_network(engine: &Engine) {
    if engine.streets.is_empty() {
        tracing::warn!("the dataset has no streets: walking distances fall back to straight lines");
        return;
    }
    let s = crate::analytics::streets::summary(engine, false);
    let l = &s.length_km;
    tracing::info!(
        streets = s.streets,
        components = s.component_count,
        largest_nodes = s.components.first().map_or(0, |c| c.nodes),
        arterial_km = format!("{:.1}", l.arterial),
        secondary_km = format!("{:.1}", l.secondary),
        local_km = format!("{:.1}", l.local),
        footpath_km = format!("{:.1}", l.footpath),
        not_walkable_km = format!("{:.1}", l.not_walkable),
        buildings_beyond_snap_limit = s.unreachable.beyond_snap_limit,
        buildings_off_largest_component = s.unreachable.off_largest_component,
        off_largest_share = format!("{:.3}", s.off_largest_share),
        "walking network"
    );
}

/// `gridwatch serve`.
///
/// # Errors
/// An unreadable dataset or store, an unreachable database, bad tokens, or an address that
/// cannot be bound.
pub fn serve(args: &ServeArgs) -> anyhow::Result<()> {
    if let Some(path) = &args.calendar {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the calendar {}", path.display()))?;
        let calendar = crate::model::calendar::WorkingCalendar::from_json(&text)
            .with_context(|| format!("reading the calendar {}", path.display()))?;
        crate::model::calendar::WorkingCalendar::install(calendar);
    }
    let access = Arc::new(access(args)?);
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let served = runtime.block_on(async move {
        if !access.has_credentials() {
            tracing::warn!("no write tokens configured (GRIDWATCH_TOKENS, --tokens-file or --jwt-*): writes will be refused");
        }
        let limits = {
            let default = crate::api::Limits::default();
            crate::api::Limits::new(
                args.max_analytics
                    .map_or(default.free(), std::num::NonZeroUsize::get),
                std::time::Duration::from_secs_f64(args.analytics_timeout_s),
            )
        };
        // One tile cache and one set of analytics slots for every city: they share the
        // memory and the cores. Keys hold the data version, unique across cities.
        let tiles = crate::api::TileCaches::with_bytes(args.tile_cache_mb << 20);
        let mut cities: Vec<AppState> = Vec::new();
        for (live, postgis) in open_cities(args).await? {
            let engine = live.engine();
            if let Some(other) = cities.iter().find(|c| c.engine().city.code == engine.city.code) {
                anyhow::bail!(
                    "two datasets are both city {} ({})",
                    engine.city.code,
                    other.engine().city.name
                );
            }
            let state =
                AppState::with_shared_access(live, access.clone(), tiles.clone(), limits.clone());
            if let Some(store) = postgis {
                tokio::spawn(crate::replication::follow(store, state.live.clone()));
            }
            tokio::spawn(crate::alerts::run(state.live.clone()));
            // After start-up: the hexbin levels not binned at load, and the network report
            // (every building joins the network), each a moment's work.
            tokio::task::spawn_blocking(move || {
                engine.incidents.bin_all_levels();
                report_network(&engine);
            });
            cities.push(state);
        }
        if cities.len() > 1 && access.tokens.communities_without_cities() {
            anyhow::bail!(
                "a token is bound to communities but not to cities: with several cities served, bind it to its city too (role:token:cities=CODE:communities=ID,...)"
            );
        }
        for (bound_cities, communities) in access.tokens.bound() {
            let theirs = cities.iter().filter(|c| {
                bound_cities.is_none_or(|b| b.contains(&c.engine().city.code))
            });
            if let Some(id) = communities.iter().find(|&&id| {
                theirs
                    .clone()
                    .all(|c| c.engine().communities.position(id).is_none())
            }) {
                anyhow::bail!("a token is bound to community {id}, which its cities' data does not have");
            }
        }
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("binding {}", args.listen))?;
        let workers = args
            .http_workers
            .or_else(|| std::thread::available_parallelism().ok())
            .map_or(2, std::num::NonZero::get);
        let codes: Vec<String> = cities.iter().map(|c| c.engine().city.code.to_string()).collect();
        tracing::info!(listen = %args.listen, workers, cities = %codes.join(","), "serving; the map is at /");
        let lives: Vec<_> = cities.iter().map(|c| c.live.clone()).collect();
        let shutdown = async move {
            shutdown_signal().await;
            // Event streams never finish by themselves: end them so connections drain.
            for live in lives {
                live.feed().close();
            }
        };
        crate::api::serve(listener, crate::api::app_of(&cities), workers, shutdown)
            .await
            .context("serving HTTP")
    });
    // Requests in flight have drained. Work left on the blocking pool (binning, the network
    // report, analyses whose clients stopped waiting) answers nobody: dropping the runtime
    // would wait for all of it, so give it a moment and exit.
    runtime.shutdown_timeout(std::time::Duration::from_millis(500));
    tracing::info!("stopped");
    served
}

/// Who may read and write: the tokens, the JWT verifier and the anonymous setting, with
/// Redis-style protection: anonymous `full` reads are refused on a network address unless
/// asked for by name.
fn access(args: &ServeArgs) -> anyhow::Result<crate::api::Access> {
    use crate::api::{Anonymous, Jwt, JwtKey};
    if args.anonymous == Anonymous::Full
        && !args.listen.ip().is_loopback()
        && !args.anonymous_full_on_network
    {
        anyhow::bail!(
            "refusing to serve every incident to anonymous readers on {}: choose --anonymous aggregate or none, listen on a loopback address, or pass --anonymous-full-on-network",
            args.listen
        );
    }
    let key = match (&args.jwt_secret_file, &args.jwt_public_key) {
        (Some(path), _) => Some(JwtKey::Secret(
            std::fs::read(path)
                .with_context(|| format!("reading {}", path.display()))?
                .trim_ascii()
                .to_vec(),
        )),
        (None, Some(path)) => Some(JwtKey::PublicPem(
            std::fs::read(path).with_context(|| format!("reading {}", path.display()))?,
        )),
        (None, None) => None,
    };
    let jwt = match (key, &args.jwt_issuer, &args.jwt_audience) {
        (None, None, None) => None,
        (Some(key), Some(issuer), Some(audience)) => {
            Some(Jwt::new(&key, issuer, audience).map_err(|e| anyhow::anyhow!("JWT: {e}"))?)
        }
        _ => anyhow::bail!(
            "JWT needs a key (--jwt-secret-file or --jwt-public-key), --jwt-issuer and --jwt-audience together"
        ),
    };
    Ok(crate::api::Access {
        tokens: tokens(args)?,
        jwt,
        anonymous: args.anonymous,
        rate: std::num::NonZeroU32::new(args.rate_limit_per_token)
            .map(crate::api::RateLimit::per_second),
    })
}

/// The write tokens from `--tokens` / `GRIDWATCH_TOKENS` and `--tokens-file`.
fn tokens(args: &ServeArgs) -> anyhow::Result<Tokens> {
    let mut tokens = match &args.tokens {
        Some(spec) => {
            Tokens::parse_plain(spec).map_err(|e| anyhow::anyhow!("GRIDWATCH_TOKENS: {e}"))?
        }
        None => Tokens::none(),
    };
    if let Some(path) = &args.tokens_file {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        tokens.extend(
            Tokens::parse_hashed(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
        );
    }
    Ok(tokens)
}

/// The live datasets of the cities served: from PostGIS ([`open_postgis`]), or for each
/// `--data` directory its GeoPackage (created from it on first start; the first city's at
/// `--store`, each other's beside it) or, read-only, the directory alone.
async fn open_cities(args: &ServeArgs) -> anyhow::Result<Vec<(Live, Option<Arc<PgStore>>)>> {
    if let Some(url) = &args.database_url
        && !args.read_only
    {
        return open_postgis(args, url).await;
    }
    anyhow::ensure!(
        args.cities.is_empty(),
        "--cities chooses among the cities of a database: give --database-url, or only the --data directories to serve"
    );
    let mut opened = Vec::new();
    for (index, dir) in args.data.iter().enumerate() {
        let dir = dir.clone();
        if args.read_only {
            let engine = tokio::task::spawn_blocking(move || load_engine(&dir)).await??;
            tracing::info!(city = %engine.city.code, "read-only: no store, writes are refused");
            opened.push((Live::new(engine, None), None));
            continue;
        }
        let path = if index == 0 {
            args.store.clone()
        } else {
            let city = crate::geodata::files::read_city(&dir)
                .with_context(|| format!("reading the city of {}", dir.display()))?;
            let stem = args
                .store
                .file_stem()
                .map_or_else(|| "gridwatch".into(), |s| s.to_string_lossy().into_owned());
            args.store
                .with_file_name(format!("{stem}-{}.gpkg", city.code))
        };
        let (store, seeded) = tokio::task::spawn_blocking(move || {
            GpkgStore::open_or_create(&path, || load_engine(&dir))
        })
        .await??;
        let engine = if let Some(mut engine) = seeded {
            tracing::info!(store = %store.describe(), "created the store from the dataset");
            // The store now keeps the handling moves and answers histories.
            engine.moves = Arc::default();
            engine
        } else {
            load_snapshot(&store).await?
        };
        opened.push((Live::new(engine, Some(Arc::new(store))), None));
    }
    Ok(opened)
}

/// The cities of a PostGIS database (a Citus coordinator or a plain PostGIS): each `--data`
/// city the database does not hold yet is imported first; then `--cities` (or every city in
/// the database) is loaded, each reading only its own rows.
async fn open_postgis(
    args: &ServeArgs,
    url: &str,
) -> anyhow::Result<Vec<(Live, Option<Arc<PgStore>>)>> {
    let mut database: Option<PgStore> = None;
    for dir in &args.data {
        let city = crate::geodata::files::read_city(dir)
            .with_context(|| format!("reading the city of {}", dir.display()))?;
        let store = match &database {
            Some(db) => db.for_city(city),
            None => PgStore::connect(url, city).await?,
        };
        if store.is_empty().await? {
            tracing::info!(store = %store.describe(), data = %dir.display(), "the database has no rows of this city; importing the dataset");
            let dir = dir.clone();
            let engine = tokio::task::spawn_blocking(move || load_engine(&dir)).await??;
            crate::store::postgis::import(store.pool(), &engine, &indicatif::ProgressBar::hidden())
                .await?;
        }
        database.get_or_insert(store);
    }
    let Some(database) = database else {
        anyhow::bail!("give at least one --data directory");
    };
    let held = database.cities().await?;
    let chosen: Vec<crate::model::City> = if args.cities.is_empty() {
        held.clone()
    } else {
        args.cities
            .iter()
            .map(|code| {
                held.iter()
                    .find(|c| c.code == *code)
                    .cloned()
                    .ok_or_else(|| {
                        let names: Vec<String> = held.iter().map(|c| c.code.to_string()).collect();
                        anyhow::anyhow!(
                            "the database holds no city {code}; it holds {}",
                            names.join(", ")
                        )
                    })
            })
            .collect::<anyhow::Result<_>>()?
    };
    let mut opened = Vec::new();
    for city in chosen {
        let store = Arc::new(database.for_city(city));
        let engine = load_snapshot(store.as_ref()).await?;
        let dynamic: Arc<dyn Store> = store.clone();
        opened.push((Live::new(engine, Some(dynamic)), Some(store)));
    }
    Ok(opened)
}

/// `gridwatch import`.
///
/// # Errors
/// An unreadable dataset, an unreachable database, or a row the database refuses (then
/// nothing is imported).
pub fn import(args: &ImportArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let engine = load_engine_in(&args.data, args.datum)?;
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let counts = runtime.block_on(async {
        let store = PgStore::connect(&args.database_url, engine.city.as_ref().clone()).await?;
        let bar = indicatif::ProgressBar::new(0).with_style(
            indicatif::ProgressStyle::with_template(
                "{msg:>14} [{bar:40}] {pos}/{len} rows ({per_sec}, {eta} left)",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        let counts = crate::store::postgis::import(store.pool(), &engine, &bar).await?;
        bar.finish_and_clear();
        anyhow::Ok((store.describe(), counts))
    })?;
    let (target, counts) = counts;
    let summary: Vec<String> = counts.iter().map(|(t, n)| format!("{n} {t}")).collect();
    eprintln!(
        "imported into {target}: {} in {:.1} s",
        summary.join(", "),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `gridwatch tiles export`: every non-empty tile of the chosen static layers from `minzoom`
/// to `maxzoom` over the dataset's districts, encoded in parallel, into one PMTiles archive
/// (written to a temporary file and renamed).
///
/// # Errors
/// An unknown or dynamic layer, bad zooms, an unreadable dataset or an unwritable output.
#[allow(
    clippy::too_many_lines,
    reason = "one pass from tiles to file, read top to bottom"
)]
pub fn export_tiles(args: &crate::config::ExportArgs) -> anyhow::Result<()> {
    use rayon::prelude::*;

    use crate::tiles::layers::Layer;
    use crate::tiles::mvt::LayerContent;
    use crate::tiles::source::StaticSources;
    use crate::tiles::tile::TileId;

    for layer in &args.layers {
        anyhow::ensure!(
            layer.is_static(),
            "`{layer}` is not a static layer; export takes {}",
            Layer::ALL
                .iter()
                .filter(|l| l.is_static())
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    anyhow::ensure!(
        args.minzoom <= args.maxzoom && args.maxzoom <= 16,
        "zooms must satisfy minzoom ≤ maxzoom ≤ 16"
    );
    let started = Instant::now();
    let engine = load_engine(&args.data)?;
    let extent = engine
        .districts
        .extent()
        .context("the dataset has no districts")?;
    let mut tiles = Vec::new();
    for z in args.minzoom..=args.maxzoom {
        let corner = |x: f64, y: f64| {
            let p = TileId { z, x: 0, y: 0 }.pixel(geo::Coord { x, y });
            (
                (p.x / 4096.0).floor().max(0.0) as u32,
                (p.y / 4096.0).floor().max(0.0) as u32,
            )
        };
        let (x0, y0) = corner(extent.min().x, extent.max().y);
        let (x1, y1) = corner(extent.max().x, extent.min().y);
        tiles.extend((x0..=x1).flat_map(|x| (y0..=y1).map(move |y| TileId { z, x, y })));
    }
    let sources = StaticSources::default();
    let bar = indicatif::ProgressBar::new(tiles.len() as u64).with_style(
        indicatif::ProgressStyle::with_template(
            "encoding tiles [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let encoded: Vec<(TileId, Vec<u8>)> = tiles
        .par_iter()
        .filter_map(|&tile| {
            let parts: Vec<(&str, LayerContent)> = args
                .layers
                .iter()
                .filter(|l| l.drawn_at(tile.z))
                .filter_map(|&l| Some((l.as_str(), LayerContent::Source(sources.get(&engine, l)?))))
                .collect();
            let bytes = crate::tiles::mvt::encode(tile, &parts);
            bar.inc(1);
            (!bytes.is_empty()).then_some((tile, bytes))
        })
        .collect();
    bar.finish_and_clear();
    let mut writer = crate::tiles::pmtiles::Writer::default();
    let biggest = encoded.iter().map(|(_, b)| b.len()).max().unwrap_or(0);
    for (tile, bytes) in encoded {
        writer.add(tile, bytes);
    }
    let count = writer.len();
    let layers: Vec<serde_json::Value> = Layer::ALL
        .iter()
        .filter(|l| args.layers.contains(l))
        .map(|l| l.spec())
        .map(|l| {
            let fields: serde_json::Map<String, serde_json::Value> = l.fields.iter().map(|(k, t)| ((*k).to_owned(), (*t).into())).collect();
            serde_json::json!({ "id": l.name(), "description": l.description, "minzoom": l.minzoom.max(args.minzoom), "maxzoom": l.maxzoom.min(args.maxzoom), "fields": fields })
        })
        .collect();
    let description = crate::tiles::pmtiles::Description {
        bounds: [
            extent.min().x,
            extent.min().y,
            extent.max().x,
            extent.max().y,
        ],
        centre: [
            f64::midpoint(extent.min().x, extent.max().x),
            f64::midpoint(extent.min().y, extent.max().y),
        ],
        centre_zoom: args.minzoom.max(10).min(args.maxzoom),
        metadata: serde_json::json!({
            "name": "gridwatch Jingmen",
            "format": "pbf",
            "attribution": "gridwatch synthetic Jingmen; district boundaries from geodata/sources",
            "vector_layers": layers,
        }),
    };
    let archive = writer.finish(&description)?;
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let partial = args.out.with_extension("pmtiles.partial");
    std::fs::write(&partial, &archive).with_context(|| format!("writing {}", partial.display()))?;
    std::fs::rename(&partial, &args.out)?;
    eprintln!(
        "wrote {}: {count} tiles (z{}–z{}, largest {:.0} KB before compression), {:.1} MB, in {:.1} s",
        args.out.display(),
        args.minzoom,
        args.maxzoom,
        biggest as f64 / 1024.0,
        archive.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM, so in-flight requests finish before exit.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
