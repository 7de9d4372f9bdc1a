//! Serving the app over TCP: one accept loop deals connections round-robin to HTTP workers, a
//! thread each with its own single-threaded runtime (the shape of actix-web and nginx).
//!
//! Measured against `axum::serve` on tokio's work-stealing runtime (BENCHMARKS.md, "What
//! moved the HTTP figures"): roughly 5–10 % more tiles per second on this 2-core machine. A
//! worker that finds several connections ready no longer wakes its sibling to steal some,
//! which in a VM costs an inter-processor interrupt. What is given up is stealing itself: a
//! connection stays on the worker it was dealt to. Blocking work (analytics, big tiles) still
//! goes to each worker's blocking pool, so a worker is never held for long.

use std::future::Future;
use std::time::Duration;

use anyhow::Context as _;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// How long a stopping server waits for requests in flight.
const DRAIN: Duration = Duration::from_secs(30);

/// Serves `app` on `listener` with `workers` HTTP workers until `shutdown` completes, then
/// stops accepting and lets the requests in flight finish (for at most 30 s).
///
/// # Errors
/// A worker that could not start, or that stopped while the server was running.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    workers: usize,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let mut lanes = Vec::with_capacity(workers);
    let mut threads = Vec::with_capacity(workers);
    for i in 0..workers.max(1) {
        let (lane, connections) = mpsc::unbounded_channel();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("starting an HTTP worker's runtime")?;
        let app = app.clone();
        let thread = std::thread::Builder::new()
            .name(format!("http-{i}"))
            .spawn(move || {
                runtime.block_on(work(connections, app));
                // The requests in flight are answered. Work left on this runtime's blocking
                // pool (analyses whose clients stopped waiting) answers nobody: dropping the
                // runtime would wait for it, so leave it to end with the process.
                runtime.shutdown_timeout(Duration::from_millis(100));
            })
            .context("starting an HTTP worker")?;
        lanes.push(lane);
        threads.push(thread);
    }
    let mut shutdown = std::pin::pin!(shutdown);
    let mut next = 0;
    loop {
        let stream = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    accept_failed(&e).await;
                    continue;
                }
            },
        };
        // A response goes out in one write; waiting to coalesce it with more only delays it.
        let _ = stream.set_nodelay(true);
        // Handing a socket between runtimes goes through its std form (still non-blocking).
        let Ok(stream) = stream.into_std() else {
            continue;
        };
        anyhow::ensure!(
            lanes[next].send(stream).is_ok(),
            "HTTP worker {next} stopped"
        );
        next = (next + 1) % lanes.len();
    }
    drop(listener);
    drop(lanes);
    tokio::task::spawn_blocking(move || {
        for thread in threads {
            let _ = thread.join();
        }
    })
    .await
    .context("waiting for the HTTP workers")
}

/// One worker: serves the connections dealt to it; once the accept loop stops, finishes the
/// requests in flight (idle keep-alive connections close at once).
async fn work(mut connections: mpsc::UnboundedReceiver<std::net::TcpStream>, app: Router) {
    let graceful = GracefulShutdown::new();
    // HTTP/1.1, as `axum::serve` without axum's `http2` feature served before.
    let builder = http1::Builder::new();
    while let Some(stream) = connections.recv().await {
        let Ok(stream) = tokio::net::TcpStream::from_std(stream) else {
            continue;
        };
        let service = TowerToHyperService::new(app.clone());
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    if tokio::time::timeout(DRAIN, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still in flight after {DRAIN:?}; stopping anyway");
    }
}

/// Errors of one connection (reset before it was accepted) are skipped; anything else, such
/// as running out of file descriptors, pauses accepting for a second rather than spinning.
async fn accept_failed(e: &std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accepting connections failed; retrying in 1 s");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
