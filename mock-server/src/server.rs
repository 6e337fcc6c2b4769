//! The accept loop: hyper (HTTP/1.1 with keep-alive, and HTTP/2) over a tokio listener, one task
//! per connection, and a graceful shutdown that lets in-flight requests finish. Around each
//! request it carries out what [`intercept`](crate::intercept) plans: added latency, a forced
//! answer, a reset connection, and the journal.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::error::ApiError;
use crate::handlers::{self, jobs};
use crate::http::{ApiResponse, into_hyper, read_request};
use crate::intercept::{self, Action};
use crate::state::AppState;

/// What a listener serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listener {
    /// The API and (by the control-plane rule) `/__mock/`.
    Main,
    /// `--admin-bind`: only `/__mock/`, to any client that reaches it.
    Admin,
}

/// The error that makes hyper close a connection without an answer (a `reset_connection` fault).
#[derive(Debug)]
struct ResetConnection;

impl std::fmt::Display for ResetConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset by an injected fault")
    }
}

impl std::error::Error for ResetConnection {}

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
    let builder = auto::Builder::new(TokioExecutor::new());
    let graceful = GracefulShutdown::new();
    let worker = state
        .config
        .job_interval
        .filter(|_| kind == Listener::Main)
        .map(|every| tokio::spawn(job_worker(state.clone(), every)));
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
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
                let service =
                    service_fn(move |request| answer(state.clone(), request, peer, local, kind));
                let connection = builder.serve_connection(TokioIo::new(stream), service).into_owned();
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    if let Err(error) = connection.await {
                        tracing::debug!(%error, %peer, "connection ended with an error");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
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

/// Runs scheduled jobs every `every`, off the async workers (a large job holds the store).
async fn job_worker(state: AppState, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker.tick().await;
    loop {
        ticker.tick().await;
        let state = state.clone();
        match tokio::task::spawn_blocking(move || jobs::run_pending(&state, None)).await {
            Ok(Ok(0)) => {}
            Ok(Ok(ran)) => tracing::debug!(ran, "ran scheduled jobs"),
            Ok(Err(error)) => tracing::error!(%error, "running scheduled jobs failed"),
            Err(error) => tracing::error!(%error, "the job worker panicked"),
        }
    }
}

async fn answer(
    state: AppState,
    request: hyper::Request<Incoming>,
    peer: SocketAddr,
    local: Option<SocketAddr>,
    kind: Listener,
) -> Result<hyper::Response<Full<Bytes>>, ResetConnection> {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = match read_request(request, peer, state.config.max_body_bytes).await {
        Ok(Some(mut api_request)) => {
            if api_request.host.is_none() {
                api_request.host = local.map(|addr| addr.to_string());
            }
            api_request.admin_listener = kind == Listener::Admin;
            if kind == Listener::Admin && !api_request.path.starts_with("/__mock/") {
                ApiError::InvalidUrlPattern.into()
            } else {
                let plan = intercept::plan(&state, &api_request);
                if !plan.delay.is_zero() {
                    tokio::time::sleep(plan.delay).await;
                }
                let response = match plan.action {
                    Action::Reset => {
                        intercept::journal(&state, &api_request, plan.org_id, None);
                        tracing::debug!(%method, %path, "reset by a fault");
                        return Err(ResetConnection);
                    }
                    Action::Respond(response) => response,
                    Action::Handle(permit) => {
                        let mut response = handlers::handle(&state, &api_request);
                        intercept::finish(permit.as_ref(), &mut response);
                        response
                    }
                };
                intercept::journal(&state, &api_request, plan.org_id, Some(&response));
                response
            }
        }
        // The client went away before its body arrived: nothing was applied.
        Ok(None) => ApiResponse::no_content(),
        Err(error) => error.into(),
    };
    tracing::debug!(%method, %path, status = response.status, "answered");
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
