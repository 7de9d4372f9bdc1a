//! The commands behind `main`: each takes its validated arguments and does its work.

use std::time::Instant;

use anyhow::Context;

use std::sync::Arc;

use crate::api::AppState;
use crate::config::{GenerateArgs, ServeArgs};
use crate::geodata::generate::{self, Options};
use crate::index::Engine;

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
        },
    )
    .with_context(|| format!("generating from {}", args.sources.display()))?;
    spinner.set_message(format!("writing {}", args.out.display()));
    generate::write(&args.out, &generated)?;
    spinner.finish_and_clear();
    let d = &generated.dataset;
    eprintln!(
        "wrote {}: {} districts, {} communities, {} grids, {} buildings, {} resources, {} patrol routes, {} tracks, {} incidents in {:.1} s",
        args.out.display(),
        d.districts.len(),
        d.communities.len(),
        d.grids.len(),
        d.buildings.len(),
        d.resources.len(),
        d.patrol_routes.len(),
        d.patrol_tracks.len(),
        d.incidents.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Reads and indexes the dataset in `dir`, logging how long each step took.
///
/// # Errors
/// An unreadable or inconsistent dataset.
pub fn load_engine(dir: &std::path::Path) -> anyhow::Result<Engine> {
    let started = Instant::now();
    let data = crate::geodata::read_dir(dir)
        .with_context(|| format!("reading the dataset in {}", dir.display()))?;
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

/// `gridwatch serve`.
///
/// # Errors
/// An unreadable dataset or an address that cannot be bound.
pub fn serve(args: &ServeArgs) -> anyhow::Result<()> {
    let engine = load_engine(&args.data)?;
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("binding {}", args.listen))?;
        tracing::info!(listen = %args.listen, "serving; try /ogc/collections");
        let app = crate::api::app(AppState::new(Arc::new(engine)));
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .context("serving HTTP")
    })
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
