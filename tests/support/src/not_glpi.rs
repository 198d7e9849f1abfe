//! Something that is not GLPI answering at the help desk's address, as happens on school
//! networks: a Wi-Fi login portal, a filtering proxy, a misrouted URL, or a server whose answers
//! have the wrong shape. A bare HTTP/1.1 server on a free loopback port, one thread, closed after
//! each answer; what it answers is decided per request path. Stopped when dropped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// One answer: status line code, content type, body.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// Sent without `Content-Length`: the body runs until the connection closes.
    pub until_close: bool,
}

impl Answer {
    pub fn new(status: u16, content_type: &'static str, body: &str) -> Answer {
        Answer {
            status,
            content_type,
            body: body.as_bytes().to_vec(),
            until_close: false,
        }
    }
}

#[derive(Debug)]
pub struct NotGlpi {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    requests: Arc<AtomicUsize>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl NotGlpi {
    /// Serves `answer(method, path)` for every request.
    pub fn start(answer: impl Fn(&str, &str) -> Answer + Send + 'static) -> NotGlpi {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let addr = listener.local_addr().expect("address");
        listener.set_nonblocking(true).expect("non-blocking accept");
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(AtomicUsize::new(0));
        let thread = {
            let (stop, requests) = (stop.clone(), requests.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            requests.fetch_add(1, Ordering::Relaxed);
                            let _ = serve(stream, &answer);
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            })
        };
        NotGlpi {
            addr,
            stop,
            requests,
            thread: Some(thread),
        }
    }

    /// The "help desk" URL to configure, as for GLPI.
    pub fn base_url(&self) -> String {
        format!("http://{}/apirest.php", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }
}

impl Drop for NotGlpi {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(stream: TcpStream, answer: &impl Fn(&str, &str) -> Answer) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    // A client that stops reading (an answer too large for it) must not hold this thread.
    stream.set_write_timeout(Some(Duration::from_secs(2)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let path = target.split('?').next().unwrap_or_default().to_owned();
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    // Read the body whole, so that the client sees an answer, not a reset.
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let a = answer(&method, &path);
    let mut stream = stream;
    let length = if a.until_close {
        String::new()
    } else {
        format!("Content-Length: {}\r\n", a.body.len())
    };
    write!(
        stream,
        "HTTP/1.1 {} X\r\nContent-Type: {}\r\n{length}Connection: close\r\n\r\n",
        a.status, a.content_type
    )?;
    // The client may hang up early (an answer too large for it): not this server's failure.
    let _ = stream.write_all(&a.body);
    let _ = stream.flush();
    Ok(())
}
