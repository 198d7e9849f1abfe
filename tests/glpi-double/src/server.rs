//! The server thread: its own single-threaded tokio runtime, an accept loop, one hyper HTTP/1
//! connection per socket, the fault layer in front of the routes, and shutdown on drop.

use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::oneshot;

use crate::routes::{self, API_PREFIX};
use crate::{lock, Fault, RequestRecord, Shared};

/// Owns the server thread; dropping it stops the server.
#[derive(Debug)]
pub(crate) struct ServerHandle {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl ServerHandle {
    /// Starts serving `listener` on a new thread.
    pub fn spawn(listener: std::net::TcpListener, shared: Arc<Shared>) -> std::io::Result<Self> {
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (shutdown, shutdown_rx) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name(format!("glpi-double-{}", addr.port()))
            .spawn(move || {
                // Dropping the runtime at the end of the thread cancels the open connections.
                runtime.block_on(accept_loop(listener, shared, shutdown_rx));
            })?;
        Ok(ServerHandle {
            addr,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            // An error means the loop is already gone.
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn accept_loop(
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
    mut shutdown: oneshot::Receiver<()>,
) {
    let listener = match tokio::net::TcpListener::from_std(listener) {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("glpi-double: cannot listen: {error}");
            return;
        }
    };
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(serve_connection(stream, Arc::clone(&shared)));
                }
                // Out of file descriptors and the like: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
        }
    }
}

async fn serve_connection(stream: TcpStream, shared: Arc<Shared>) {
    // Best effort: a socket that refuses TCP_NODELAY still works.
    let _ = stream.set_nodelay(true);
    let service = service_fn(move |request| handle(Arc::clone(&shared), request));
    // Errors are clients going away, or a Reset fault: nothing to report.
    let _ = http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

/// The error a `Reset` fault returns, which makes hyper drop the connection without answering.
#[derive(Debug, thiserror::Error)]
#[error("fault injected: connection reset")]
struct ResetConnection;

/// The fault layer: logs the request, applies the fault, then routes.
async fn handle(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, ResetConnection> {
    let decision = lock(&shared.faults).next();
    record(&shared, &request, decision.fault.as_ref());
    if !decision.latency.is_zero() {
        tokio::time::sleep(decision.latency).await;
    }
    match decision.fault {
        Some(Fault::Reset) => return Err(ResetConnection),
        Some(Fault::ServerError) => return Ok(routes::server_error()),
        Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
        Some(Fault::ExpireSession) => lock(&shared.store).expire_sessions(),
        Some(Fault::LoseAnswer) => {
            // The request takes effect; only its answer is lost on the way back.
            let _ = routes::handle(&shared, request).await;
            return Err(ResetConnection);
        }
        Some(Fault::BadGateway) => return Ok(routes::bad_gateway()),
        Some(Fault::Unavailable { retry_after_secs }) => {
            return Ok(routes::unavailable(retry_after_secs))
        }
        Some(Fault::TruncateAnswer) => {
            let answer = routes::handle(&shared, request).await;
            return Ok(routes::truncated(answer).await);
        }
        None => {}
    }
    Ok(routes::handle(&shared, request).await)
}

fn record(shared: &Shared, request: &Request<Incoming>, fault: Option<&Fault>) {
    let path = request.uri().path();
    let path = path.strip_prefix(API_PREFIX).unwrap_or(path);
    lock(&shared.requests).push(RequestRecord {
        method: request.method().to_string(),
        path: path.to_owned(),
        query: request.uri().query().unwrap_or_default().to_owned(),
        fault: fault.map(Fault::label),
    });
}
