//! Real network pieces for the connection tests, each on a free loopback port and stopped when
//! dropped: a certificate authority of the test's own and a server certificate it signed (made
//! with Debian's `openssl`), an HTTPS front that terminates TLS in front of a plain HTTP server
//! (Debian's `stunnel4`), and an HTTP proxy (Debian's `tinyproxy`).

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The common name of the test's certificate authority, which the doctor must name.
pub const CA_NAME: &str = "Guichet Test Academie CA";

/// A process stopped (and reaped) when dropped.
#[derive(Debug)]
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A free TCP port on the loopback (free when asked: another process may take it in between).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A GLPI address on the loopback where nothing listens: a help desk that is down.
pub fn unreachable_glpi_url() -> String {
    format!("http://127.0.0.1:{}/apirest.php", free_port())
}

/// Waits until something accepts connections on `port`.
pub fn wait_for_port(what: &str, port: u16, child: &mut Child) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited before listening: {status}");
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{what} never listened on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn openssl(args: &[&str], dir: &Path) {
    openssl_at(None, args, dir);
}

/// `openssl` with the clock `offset` away (`faketime`'s `-3d`) when one is given.
fn openssl_at(offset: Option<&str>, args: &[&str], dir: &Path) {
    let mut command = match offset {
        Some(offset) => {
            let mut c = Command::new("faketime");
            c.args(["-f", offset, "openssl"]);
            c
        }
        None => Command::new("openssl"),
    };
    let out = command
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl and faketime are installed (scripts/install-deps.sh)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A certificate authority and a certificate for 127.0.0.1 and localhost it issued.
#[derive(Debug)]
pub struct Pki {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

pub fn make_pki(dir: &Path) -> Pki {
    make_pki_for(dir, "IP:127.0.0.1,DNS:localhost")
}

/// A certificate authority and a server certificate it issued for `names` (a subjectAltName
/// value: `IP:…,DNS:…`).
pub fn make_pki_for(dir: &Path, names: &str) -> Pki {
    make_pki_with(dir, names, None)
}

/// A certificate authority and a certificate for 127.0.0.1 that expired two days ago (signed three
/// days ago, for one day).
pub fn make_expired_pki(dir: &Path) -> Pki {
    make_pki_with(dir, "IP:127.0.0.1,DNS:localhost", Some("-3d"))
}

fn make_pki_with(dir: &Path, names: &str, signed: Option<&str>) -> Pki {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let subject = format!("/CN={CA_NAME}");
    let mut ca = vec![
        "req", "-x509", "-days", "2", "-subj", &subject, "-keyout", "ca.key", "-out", "ca.pem",
    ];
    ca.extend(ec);
    ca.extend([
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    openssl(&ca, dir);
    let mut csr = vec![
        "req",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
    ];
    csr.extend(ec);
    openssl(&csr, dir);
    std::fs::write(
        dir.join("server.ext"),
        format!("subjectAltName={names}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"),
    )
    .expect("extensions");
    let days = if signed.is_some() { "1" } else { "2" };
    openssl_at(
        signed,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            days,
            "-out",
            "server.pem",
            "-extfile",
            "server.ext",
        ],
        dir,
    );
    Pki {
        ca: dir.join("ca.pem"),
        cert: dir.join("server.pem"),
        key: dir.join("server.key"),
    }
}

/// `stunnel4` serving TLS with `pki`'s certificate on a free port, passing the plain bytes to
/// `backend_port`. Returns it and its port.
pub fn https_front(dir: &Path, pki: &Pki, backend_port: u16) -> (Running, u16) {
    let port = free_port();
    let conf = dir.join(format!("stunnel-{port}.conf"));
    std::fs::write(
        &conf,
        format!(
            "foreground = yes\npid =\ndebug = 4\n[glpi]\naccept = 127.0.0.1:{port}\nconnect = 127.0.0.1:{backend_port}\ncert = {}\nkey = {}\n",
            pki.cert.display(),
            pki.key.display()
        ),
    )
    .expect("stunnel configuration");
    let mut child = Command::new("stunnel4")
        .arg(&conf)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join(format!("stunnel-{port}.log"))).expect("log"))
        .spawn()
        .expect("stunnel4 is installed (scripts/install-deps.sh)");
    wait_for_port("stunnel4", port, &mut child);
    (Running(child), port)
}

/// `tinyproxy` on a free port, allowing `CONNECT` to `connect_ports` only. Returns it, its port
/// and its log (one line per connection).
pub fn tinyproxy(dir: &Path, connect_ports: &[u16]) -> (Running, u16, PathBuf) {
    tinyproxy_with(dir, connect_ports, None)
}

/// [`tinyproxy`], asking for `account` (login, password) with HTTP Basic when one is given.
pub fn tinyproxy_with(
    dir: &Path,
    connect_ports: &[u16],
    account: Option<(&str, &str)>,
) -> (Running, u16, PathBuf) {
    let port = free_port();
    let log = dir.join(format!("tinyproxy-{port}.log"));
    let mut conf = format!(
        "Port {port}\nListen 127.0.0.1\nTimeout 30\nMaxClients 20\nLogFile \"{}\"\nLogLevel Connect\nAllow 127.0.0.1\n",
        log.display()
    );
    for p in connect_ports {
        conf.push_str(&format!("ConnectPort {p}\n"));
    }
    if let Some((login, password)) = account {
        conf.push_str(&format!("BasicAuth {login} {password}\n"));
    }
    let path = dir.join(format!("tinyproxy-{port}.conf"));
    std::fs::write(&path, conf).expect("tinyproxy configuration");
    let mut child = Command::new("tinyproxy")
        .arg("-d")
        .arg("-c")
        .arg(&path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("tinyproxy is installed (scripts/install-deps.sh)");
    wait_for_port("tinyproxy", port, &mut child);
    (Running(child), port, log)
}
