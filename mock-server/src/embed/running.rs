//! The embedded server's thread: a current-thread tokio runtime of its own serving a listener on
//! 127.0.0.1, port 0, until told to stop; [`Running`]'s drop stops it and waits for it to end,
//! so the port is closed when the handle is gone.

use std::net::SocketAddr;
use std::thread::JoinHandle;

use tokio::sync::oneshot;

use crate::server::serve;
use crate::state::AppState;

/// A server serving on a thread of its own.
pub(super) struct Running {
    addr: SocketAddr,
    /// Sent (or dropped) to stop the server.
    stop: Option<oneshot::Sender<()>>,
    /// Joined on drop: the server has stopped (its listener closed) once it returns.
    thread: Option<JoinHandle<()>>,
}

impl Running {
    /// Binds 127.0.0.1:0 here (so an error surfaces to the caller) and serves `state` from a new
    /// thread.
    pub(super) fn start(state: AppState) -> std::io::Result<Running> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(format!("portals-mock {addr}"))
            .spawn(move || {
                runtime.block_on(async move {
                    match tokio::net::TcpListener::from_std(listener) {
                        Ok(listener) => {
                            serve(listener, state, async {
                                let _ = stopped.await;
                            })
                            .await;
                        }
                        Err(error) => tracing::error!(%error, "cannot serve the embedded mock"),
                    }
                });
            })?;
        Ok(Running {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The address it listens on.
    pub(super) fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
