//! The accept loop: hyper (HTTP/1.1 with keep-alive, and HTTP/2) over a tokio listener, one task
//! per connection, and a graceful shutdown that lets in-flight requests finish. Each request is
//! read into an owned `ApiRequest` and answered by [`pipeline::respond`],
//! which may also ask for the connection to be reset.
//!
//! Abusive clients are bounded: at most `max_connections` are served at once (more wait in the
//! listen backlog), a client must send its first byte and its headers within
//! `header_read_timeout` and its body within `body_read_timeout`, or it is disconnected with
//! nothing applied.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot, watch};
use tokio::task::JoinHandle;

use crate::domain::jobs::worker;
use crate::http::{into_hyper, read_request};
use crate::pipeline;
use crate::redact;
use crate::state::AppState;

/// What a listener serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listener {
    /// The API and (by the control-plane rule) `/__mock/`.
    Main,
    /// `--admin-bind`: only `/__mock/`, to any client that reaches it.
    Admin,
}

/// How long a shutdown waits for open connections before closing them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Serves `listener` until `shutdown` completes, then stops accepting and waits (up to a grace
/// period) for in-flight requests to finish.
pub async fn serve(listener: TcpListener, state: AppState, shutdown: impl Future<Output = ()>) {
    serve_as(listener, state, shutdown, Listener::Main).await;
}

/// [`serve`] for a listener of the given kind; the admin listener runs no job worker.
pub async fn serve_as(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()>,
    kind: Listener,
) {
    let local = listener.local_addr().ok();
    if let Some(warning) = local.and_then(exposure_warning) {
        tracing::warn!(addr = ?local, "{warning}");
    }
    let header_timeout = state.config.header_read_timeout;
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(state.config.max_connections.max(1)));
    let (closing, closing_seen) = watch::channel(false);
    let worker = state
        .config
        .job_interval
        .filter(|_| kind == Listener::Main)
        .map(|every| tokio::spawn(worker::run(state.clone(), every)));
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            (slot, accepted) = accept(&listener, &slots) => {
                let (stream, peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        tracing::warn!(%error, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let state = state.clone();
                let builder = builder.clone();
                let watcher = graceful.watcher();
                let mut closing = closing_seen.clone();
                tokio::spawn(async move {
                    let _slot = slot;
                    // A client that sends nothing is let go after the header timeout, or at once
                    // when the server stops (before hyper, which would wait for it).
                    let mut first = [0u8; 1];
                    tokio::select! {
                        sent = tokio::time::timeout(header_timeout, stream.peek(&mut first)) => {
                            if !matches!(sent, Ok(Ok(n)) if n > 0) {
                                return;
                            }
                        }
                        _ = closing.wait_for(|closing| *closing) => return,
                    }
                    let service =
                        service_fn(move |request| answer(state.clone(), request, peer, local, kind));
                    let connection = builder.serve_connection(TokioIo::new(stream), service);
                    if let Err(error) = watcher.watch(connection.into_owned()).await {
                        tracing::debug!(%error, %peer, "connection ended with an error");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    let _ = closing.send(true);
    if let Some(worker) = worker {
        worker.abort();
    }
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open after the grace period; closing them");
    }
}

/// Waits for a free connection slot, then for a connection.
async fn accept(
    listener: &TcpListener,
    slots: &Arc<Semaphore>,
) -> (
    Option<tokio::sync::OwnedSemaphorePermit>,
    std::io::Result<(tokio::net::TcpStream, SocketAddr)>,
) {
    let slot = Arc::clone(slots).acquire_owned().await.ok();
    (slot, listener.accept().await)
}

/// The warning logged when the server listens where other machines can reach it.
pub fn exposure_warning(addr: SocketAddr) -> Option<&'static str> {
    (!addr.ip().is_loopback()).then_some(
        "listening on a non-loopback address: any machine that can reach it can use the mock \
         with the fixture tokens (the control plane still answers loopback clients only unless \
         --control-plane any)",
    )
}

async fn answer(
    state: AppState,
    request: hyper::Request<Incoming>,
    peer: SocketAddr,
    local: Option<SocketAddr>,
    kind: Listener,
) -> Result<hyper::Response<Full<Bytes>>, std::io::Error> {
    // The parts are kept (not copied) for the log lines and the control plane's error shape.
    let (parts, body) = request.into_parts();
    let (method, path) = (&parts.method, parts.uri.path());
    let (limit, timeout) = (state.config.max_body_bytes, state.config.body_read_timeout);
    let response = match read_request(&parts, body, peer, limit, timeout).await {
        Ok(Some(mut api_request)) => {
            if api_request.host.is_none() {
                api_request.host = local.map(|addr| addr.to_string());
            }
            api_request.admin_listener = kind == Listener::Admin;
            match pipeline::respond(&state, api_request).await {
                Some(response) => response,
                None => {
                    tracing::debug!(%method, path = %redact::mask_tokens(path), "reset by a fault");
                    // An error makes hyper close the connection without an answer.
                    return Err(std::io::Error::other(
                        "connection reset by an injected fault",
                    ));
                }
            }
        }
        // The client went away, or was too slow, before its body arrived: nothing was applied,
        // and the connection is closed (an error here makes hyper drop it).
        Ok(None) => {
            tracing::debug!(%method, path = %redact::mask_tokens(path), %peer, "body not received in time: disconnecting");
            return Err(std::io::Error::other("the request body did not arrive"));
        }
        // A body that cannot be read: on the control plane, in its own error shape.
        Err(error) if crate::control::is_control_path(&state, path) => {
            crate::control::unreadable_body(method.as_str(), path, &error)
        }
        Err(error) => error.into(),
    };
    tracing::debug!(%method, path = %redact::mask_tokens(path), status = response.status, "answered");
    Ok(into_hyper(response))
}

/// A server running in the background: its address, and a way to stop it.
pub struct MockServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl MockServer {
    /// Starts serving `listener` on the current tokio runtime.
    pub fn start(listener: TcpListener, state: AppState) -> std::io::Result<MockServer> {
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, state, async {
            let _ = stopped.await;
        }));
        Ok(MockServer {
            addr,
            stop: Some(stop),
            task,
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://HOST:PORT`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets in-flight requests finish, and waits for the server to end.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
