//! The HTTP server around the router, with the time limits axum's own `serve` lacks: a client
//! that sends its headers too slowly (or keeps a connection idle), or pauses inside a body, is
//! dropped; on shutdown new connections stop, websockets close with 1001 ("going away"), and
//! requests still running get a deadline, after which the server returns regardless.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::{Router, extract::ConnectInfo, http::Request};
use hyper::body::Incoming;
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::{conn::auto, graceful::GracefulShutdown},
    service::TowerToHyperService,
};
use tower::ServiceExt;
use tower_http::timeout::RequestBodyTimeoutLayer;

use crate::app::AppState;

/// Serves `state`'s router on `listener` until `signal` resolves, then shuts down as the module
/// docs say.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    signal: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let limits = &state.service;
    let header_timeout = Duration::from_secs(limits.header_timeout_secs.max(1));
    let deadline = Duration::from_secs(limits.shutdown_timeout_secs);
    let router: Router = super::router(state.clone()).layer(RequestBodyTimeoutLayer::new(
        Duration::from_secs(limits.body_timeout_secs.max(1)),
    ));
    let mut builder = auto::Builder::new(TokioExecutor::new());
    // The header timer also runs while a kept-alive connection waits for its next request, so
    // it is the idle timeout as well.
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(header_timeout))
        .keep_alive_timeout(header_timeout);
    let graceful = GracefulShutdown::new();
    let mut signal = std::pin::pin!(signal);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let connection = builder
                        .serve_connection_with_upgrades(TokioIo::new(stream), service(router.clone(), peer))
                        .into_owned();
                    let watched = graceful.watch(connection);
                    tokio::spawn(async move {
                        if let Err(err) = watched.await {
                            tracing::debug!(error = %err, "connection ended with an error");
                        }
                    });
                }
                // Out of file descriptors and the like: wait a moment rather than spin.
                Err(err) => {
                    tracing::warn!(error = %err, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            () = &mut signal => break,
        }
    }
    drop(listener);
    tracing::info!("shutting down: no new connections, websockets closed with 1001");
    state.shutdown.cancel();
    if tokio::time::timeout(deadline, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            seconds = deadline.as_secs(),
            "requests still running at the shutdown deadline are dropped"
        );
    }
    Ok(())
}

/// The router as a hyper service of one connection, which knows its peer's address (for the
/// rate limit of anonymous callers).
fn service(
    router: Router,
    peer: SocketAddr,
) -> TowerToHyperService<
    impl tower::Service<
        Request<Incoming>,
        Response = axum::response::Response,
        Error = std::convert::Infallible,
        Future: Send,
    > + Clone,
> {
    TowerToHyperService::new(router.map_request(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        request
    }))
}
