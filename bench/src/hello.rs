//! The physical limit: a bare hyper HTTP/1.1 server answering `hello` to every request, on the
//! same runtime (tokio multi-thread with one worker, which is also its fastest setting on 2 cores
//! with the load client beside it) and socket options as portals-mock.
//! `portals-bench hello [PORT]` runs it; its first stdout line is `listening on http://HOST:PORT`.

use std::convert::Infallible;
use std::io::Write as _;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

/// Serves `hello` on 127.0.0.1:`port` (0: any free port) until killed.
pub fn run(port: u16) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start the runtime: {error}"))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|error| format!("cannot listen: {error}"))?;
        let local = listener
            .local_addr()
            .map_err(|error| format!("no local address: {error}"))?;
        let mut stdout = std::io::stdout();
        writeln!(stdout, "listening on http://{local}")
            .and_then(|()| stdout.flush())
            .map_err(|error| format!("cannot write to stdout: {error}"))?;
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let service = service_fn(|request: hyper::Request<hyper::body::Incoming>| async {
                    // Read the body, as the mock does, so both servers do the same I/O.
                    let _ = request.into_body().collect().await;
                    Ok::<_, Infallible>(hyper::Response::new(Full::new(Bytes::from_static(
                        b"hello",
                    ))))
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    })
}
