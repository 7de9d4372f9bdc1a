//! Command line and environment, parsed by clap into raw arguments and then validated into the
//! settings each command runs with.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::geodata::generate::{DEFAULT_INCIDENTS, DEFAULT_SEED};

/// gridwatch: spatial analytics for community governance.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// How log lines are written to stderr: `text` for people, `json` (one object a line,
    /// with the request's span and id) for a log collector.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the dataset over HTTP (OGC API – Features, health checks).
    Serve(Box<ServeArgs>),
    /// Generate the deterministic synthetic Jingmen dataset.
    Generate(GenerateArgs),
    /// Import a dataset into PostGIS (idempotent: rows are matched by id).
    Import(ImportArgs),
    /// Write a CQL2 filter as the PostGIS WHERE clause that selects the same features from the
    /// stores' tables (the same compiled filter the server evaluates in memory).
    FilterSql(FilterSqlArgs),
    /// Vector tile tools.
    Tiles {
        #[command(subcommand)]
        command: TilesCommand,
    },
}

#[derive(Debug, Args)]
pub struct FilterSqlArgs {
    /// The filter, in cql2-text (or cql2-json with `--lang cql2-json`).
    pub filter: String,
    /// The collection whose queryables the filter names (its table has the same name).
    #[arg(long, default_value = "incidents")]
    pub collection: String,
    /// `cql2-text` or `cql2-json`.
    #[arg(long, default_value = "cql2-text")]
    pub lang: String,
}

#[derive(Debug, Subcommand)]
pub enum TilesCommand {
    /// Write the static layers as a PMTiles v3 archive, for hosting on a CDN.
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The archive to write.
    #[arg(long, default_value = "tiles/jingmen.pmtiles")]
    pub out: PathBuf,
    /// Layers, comma-separated (static ones: districts, communities, grids, buildings,
    /// resources, `patrol_routes`).
    #[arg(
        long,
        default_value = "districts,communities,grids,buildings,resources,patrol_routes",
        value_delimiter = ','
    )]
    pub layers: Vec<crate::tiles::layers::Layer>,
    #[arg(long, default_value_t = 6)]
    pub minzoom: u8,
    #[arg(long, default_value_t = 14)]
    pub maxzoom: u8,
    /// Dataset directory to draw from.
    #[arg(long, default_value = "geodata")]
    pub data: PathBuf,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "GRIDWATCH_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The working calendar time limits count in (working hours, holidays and make-up days,
    /// each kind's limit), as `geodata/calendar.json` writes it; that bundled one by default.
    #[arg(long, env = "GRIDWATCH_CALENDAR")]
    pub calendar: Option<PathBuf>,
    /// Dataset directory: what a new store starts with. Give several (repeated, or comma
    /// separated) to serve several cities, each under `/cities/{code}/`; the first is also
    /// served unprefixed.
    #[arg(
        long,
        env = "GRIDWATCH_DATA",
        default_value = "geodata",
        value_delimiter = ','
    )]
    pub data: Vec<PathBuf>,
    /// The embedded store (a GeoPackage), created from `--data` on first start. Used when no
    /// database is given. The first city's; each other city's is beside it, named
    /// `{stem}-{code}.gpkg`.
    #[arg(long, env = "GRIDWATCH_STORE", default_value = "data/gridwatch.gpkg")]
    pub store: PathBuf,
    /// PostgreSQL + PostGIS to use as the store instead (`postgres://user:password@host/db`).
    /// An empty database is filled from `--data` first.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// With a database: serve only these cities (comma separated codes, e.g. 420800,420500);
    /// a process serving one of ten cities reads a tenth of the rows. By default every city
    /// the database holds.
    #[arg(
        long,
        env = "GRIDWATCH_CITIES",
        value_delimiter = ',',
        requires = "database_url"
    )]
    pub cities: Vec<crate::model::CityCode>,
    /// Serve `--data` from memory with no store: writes are refused.
    #[arg(long, conflicts_with = "database_url")]
    pub read_only: bool,
    /// A file of `role:sha256-hex` lines naming the tokens that may write (production).
    #[arg(long, env = "GRIDWATCH_TOKENS_FILE")]
    pub tokens_file: Option<PathBuf>,
    /// Plain `role:token` entries, comma-separated (quick set-ups and tests); roles are
    /// viewer, operator (incidents, tracks) and admin (also resources).
    #[arg(long, env = "GRIDWATCH_TOKENS", hide_env_values = true)]
    pub tokens: Option<String>,
    /// JWT bearer tokens signed with this shared secret (HS256), read from a file.
    #[arg(
        long,
        env = "GRIDWATCH_JWT_SECRET_FILE",
        conflicts_with = "jwt_public_key"
    )]
    pub jwt_secret_file: Option<PathBuf>,
    /// JWT bearer tokens signed with the private half of this public key (PEM: RSA → RS256,
    /// EC P-256 → ES256, Ed25519 → `EdDSA`).
    #[arg(long, env = "GRIDWATCH_JWT_PUBLIC_KEY")]
    pub jwt_public_key: Option<PathBuf>,
    /// The `iss` a JWT must carry (required with a JWT key).
    #[arg(long, env = "GRIDWATCH_JWT_ISSUER")]
    pub jwt_issuer: Option<String>,
    /// The `aud` a JWT must carry (required with a JWT key).
    #[arg(long, env = "GRIDWATCH_JWT_AUDIENCE")]
    pub jwt_audience: Option<String>,
    /// What a reader without a token gets: `full` (everything a viewer sees), `aggregate`
    /// (base layers and counts, cells of fewer than 3 incidents suppressed, no records) or
    /// `none`. `full` on an address other than loopback needs
    /// `--anonymous-full-on-network`.
    #[arg(long, env = "GRIDWATCH_ANONYMOUS", value_enum, default_value_t = crate::api::Anonymous::Full)]
    pub anonymous: crate::api::Anonymous,
    /// Allow `--anonymous full` on a non-loopback address: anyone who can reach the server
    /// reads every incident.
    #[arg(long, env = "GRIDWATCH_ANONYMOUS_FULL_ON_NETWORK")]
    pub anonymous_full_on_network: bool,
    /// Requests a second one token may make (bursts of twice that); past it a 429 with
    /// `Retry-After`. 0 lifts the limit.
    #[arg(long, env = "GRIDWATCH_RATE_LIMIT_PER_TOKEN", default_value_t = 50)]
    pub rate_limit_per_token: u32,
    /// Memory for encoded vector tiles, in MiB (0 disables the tile cache, for measuring).
    #[arg(long, env = "GRIDWATCH_TILE_CACHE_MB", default_value_t = 256)]
    pub tile_cache_mb: u64,
    /// HTTP workers: threads that each serve the connections dealt to them (default: one per
    /// core).
    #[arg(long, env = "GRIDWATCH_HTTP_WORKERS")]
    pub http_workers: Option<std::num::NonZeroUsize>,
    /// Analytics computations at once; a request finding every slot busy gets a 503 with
    /// `Retry-After` (default: two per core). Cached answers need no slot.
    #[arg(long, env = "GRIDWATCH_MAX_ANALYTICS")]
    pub max_analytics: Option<std::num::NonZeroUsize>,
    /// The time limit of one analytics computation, in seconds (past it: a 503 with
    /// `Retry-After`).
    #[arg(long, env = "GRIDWATCH_ANALYTICS_TIMEOUT_S", default_value_t = 30.0, value_parser = positive_seconds)]
    pub analytics_timeout_s: f64,
}

fn positive_seconds(raw: &str) -> Result<f64, String> {
    raw.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0 && *s <= 3_600.0)
        .ok_or_else(|| format!("`{raw}` is not a number of seconds above 0 and at most 3600"))
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Dataset directory to import.
    #[arg(long, default_value = "geodata")]
    pub data: PathBuf,
    /// PostgreSQL + PostGIS to import into.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: String,
    /// The datum of the dataset's coordinates (wgs84, gcj02 as Amap and Tencent use, bd09 as
    /// Baidu uses); they are stored as WGS 84.
    #[arg(long, default_value = "wgs84")]
    pub datum: crate::model::datum::Datum,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Directory to write the dataset into.
    #[arg(long, default_value = "geodata")]
    pub out: PathBuf,
    /// Directory of the real reference files (district boundaries, community names).
    #[arg(long, default_value = "geodata/sources")]
    pub sources: PathBuf,
    /// Random seed; the same seed writes the same bytes.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Number of incidents (the bundled dataset has the default; use 1000000 for benchmarks,
    /// written somewhere other than geodata/).
    #[arg(long, default_value_t = DEFAULT_INCIDENTS)]
    pub scale: usize,
    /// Another city: its 6-digit administrative division code (Jingmen, the default, is
    /// 420800). Jingmen's shapes are given the code; ids stay, stores key rows by city.
    #[arg(long, requires = "city_name")]
    pub city_code: Option<crate::model::CityCode>,
    /// The city's name.
    #[arg(long, requires = "city_code")]
    pub city_name: Option<String>,
    /// Where the city's centre goes, `LON,LAT` (WGS 84); the city keeps its size and shape.
    /// Another city than Jingmen is written without `truth.json` (the planted truth names
    /// Jingmen's places and ids).
    #[arg(long, value_parser = parse_centre)]
    pub centre: Option<crate::model::LonLat>,
}

/// `LON,LAT` in range.
fn parse_centre(s: &str) -> Result<crate::model::LonLat, String> {
    let (lon, lat) = s
        .split_once(',')
        .ok_or_else(|| format!("`{s}` is not LON,LAT"))?;
    let number = |v: &str| {
        v.trim()
            .parse::<f64>()
            .map_err(|_| format!("`{v}` is not a number"))
    };
    crate::model::LonLat::new(number(lon)?, number(lat)?)
        .ok_or_else(|| format!("`{s}` is out of range: longitude −180..180, latitude −90..90"))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::{Cli, LogFormat};

    #[test]
    fn the_log_format_is_text_json_or_refused_before_or_after_the_command() {
        let text = Cli::try_parse_from(["gridwatch", "serve"]).unwrap();
        assert_eq!(text.log_format, LogFormat::Text);
        let json = Cli::try_parse_from(["gridwatch", "serve", "--log-format", "json"]).unwrap();
        assert_eq!(json.log_format, LogFormat::Json);
        let first = Cli::try_parse_from(["gridwatch", "--log-format", "json", "generate"]).unwrap();
        assert_eq!(first.log_format, LogFormat::Json);
        assert!(Cli::try_parse_from(["gridwatch", "serve", "--log-format", "xml"]).is_err());
        for bad in ["0", "-1", "NaN", "inf", "soon"] {
            assert!(
                Cli::try_parse_from(["gridwatch", "serve", "--analytics-timeout-s", bad]).is_err(),
                "{bad}"
            );
        }
        assert!(
            Cli::try_parse_from(["gridwatch", "serve", "--analytics-timeout-s", "2.5"]).is_ok()
        );
    }
}
