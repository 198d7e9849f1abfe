//! A small W3C WebDriver client over plain HTTP/1.0 (one request per connection, so responses are
//! never chunked), and `tauri-driver` as a process group that is stopped, children included, on
//! drop.

use crate::net::free_port;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The key under which WebDriver returns an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Why a WebDriver request failed. `request` is the method and path, e.g. `POST /session`.
#[derive(Debug, thiserror::Error)]
pub enum WebDriverError {
    #[error("connect {addr}: {source}")]
    Connect {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("{request}: {source}")]
    Io {
        request: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{request}: {problem}")]
    MalformedResponse {
        request: String,
        problem: &'static str,
    },
    #[error("{request}: {source}")]
    Json {
        request: String,
        #[source]
        source: serde_json::Error,
    },
    /// The driver answered with an error status; `value` is the response's `value` (W3C's
    /// `error`, `message`, `stacktrace`).
    #[error("{request}: HTTP {status}: {value}")]
    Http {
        request: String,
        status: u16,
        value: Value,
    },
    #[error("no sessionId in {0}")]
    NoSessionId(Value),
}

/// One WebDriver request; the response's `value`, or what went wrong.
fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Result<Value, WebDriverError> {
    let request = || format!("{method} {path}");
    let io = |source| WebDriverError::Io {
        request: request(),
        source,
    };
    let malformed = |problem| WebDriverError::MalformedResponse {
        request: request(),
        problem,
    };
    let mut stream =
        TcpStream::connect(addr).map_err(|source| WebDriverError::Connect { addr, source })?;
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .map_err(io)?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let message = format!(
        "{method} {path} HTTP/1.0\r\nHost: {addr}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(message.as_bytes()).map_err(io)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(io)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| malformed("no HTTP header end"))?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| malformed("no HTTP status"))?;
    let value: Value =
        serde_json::from_slice(&raw[split + 4..]).map_err(|source| WebDriverError::Json {
            request: request(),
            source,
        })?;
    if status == 200 {
        Ok(value["value"].clone())
    } else {
        Err(WebDriverError::Http {
            request: request(),
            status,
            value: value["value"].clone(),
        })
    }
}

/// `tauri-driver` and everything it starts (WebKitWebDriver, the app, WebKit's processes), in
/// one process group.
#[derive(Debug)]
pub struct TauriDriver {
    child: Child,
    pub addr: SocketAddr,
}

/// Where the window process runs: the X display, the session bus, the agent's runtime
/// directory and the data directory (its log files go under it), in a language.
#[derive(Debug)]
pub struct Desktop<'a> {
    pub display: &'a str,
    pub bus: &'a str,
    pub runtime: &'a Path,
    pub data: &'a Path,
    pub lang: &'a str,
}

impl TauriDriver {
    /// Starts `tauri-driver` for window processes on `desktop` (they log at `info`, into `log`
    /// with the driver's own output), and waits until it answers.
    pub fn on_desktop(binary: &Path, desktop: &Desktop<'_>, log: &Path) -> TauriDriver {
        let env: [(&str, &std::ffi::OsStr); 6] = [
            ("DISPLAY", desktop.display.as_ref()),
            ("DBUS_SESSION_BUS_ADDRESS", desktop.bus.as_ref()),
            ("GUICHET_RUNTIME_DIR", desktop.runtime.as_os_str()),
            ("GUICHET_DATA_DIR", desktop.data.as_os_str()),
            ("LANG", desktop.lang.as_ref()),
            ("GUICHET_LOG", "info".as_ref()),
        ];
        TauriDriver::start(binary, &env, log)
    }

    /// Starts `tauri-driver` with `env`, and waits until it answers.
    pub fn start(binary: &Path, env: &[(&str, &std::ffi::OsStr)], log: &Path) -> TauriDriver {
        use std::os::unix::process::CommandExt;
        let port = free_port();
        let native_port = free_port();
        let mut command = Command::new(binary);
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .args(["--native-driver", "/usr/bin/WebKitWebDriver"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(log).expect("tauri-driver log"))
            .process_group(0);
        for (name, value) in env {
            command.env(name, value);
        }
        let child = command.spawn().expect("start tauri-driver");
        let driver = TauriDriver {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
        };
        let start = Instant::now();
        while http(driver.addr, "GET", "/status", None).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "tauri-driver did not answer on {}",
                driver.addr
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        driver
    }

    /// Opens a session on the Tauri app `application`, started with no arguments.
    pub fn session(&self, application: &Path) -> Result<Session, WebDriverError> {
        self.session_with(application, &[])
    }

    /// Opens a session on the Tauri app `application`, started with `args`.
    pub fn session_with(
        &self,
        application: &Path,
        args: &[String],
    ) -> Result<Session, WebDriverError> {
        let capabilities = json!({
            "capabilities": { "alwaysMatch": {
                "tauri:options": { "application": application, "args": args }
            } }
        });
        let value = http(self.addr, "POST", "/session", Some(&capabilities))?;
        let Some(id) = value["sessionId"].as_str() else {
            return Err(WebDriverError::NoSessionId(value));
        };
        Ok(Session {
            addr: self.addr,
            id: id.to_owned(),
        })
    }

    /// Whether a process named `name` that this driver started still runs.
    pub fn runs(&self, name: &str) -> bool {
        group_alive(self.child.id(), Some(name))
    }

    fn signal_group(&self, signal: &str) -> bool {
        Command::new("kill")
            .args([signal, "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        // TERM first: tauri-driver then stops WebKitWebDriver itself. The rest of the group
        // (the app and WebKit's processes) gets the same signal, then KILL if it lingers.
        self.signal_group("-TERM");
        let start = Instant::now();
        let _ = self.child.try_wait();
        while group_alive(self.child.id(), None) && start.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(50));
            let _ = self.child.try_wait();
        }
        self.signal_group("-KILL");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether a process of group `pgid` named `name` (any name: `None`) still runs. Zombies do not
/// count: orphans are not reaped in every container.
fn group_alive(pgid: u32, name: Option<&str>) -> bool {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return false;
    };
    entries.flatten().any(|entry| {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            return false;
        };
        // "pid (comm) state ppid pgrp …"
        let Some((head, rest)) = stat.rsplit_once(')') else {
            return false;
        };
        let comm = head.split_once('(').map_or("", |(_, c)| c);
        let fields: Vec<&str> = rest.split_whitespace().collect();
        fields.len() > 2
            && fields[0] != "Z"
            && fields[2] == pgid.to_string()
            && name.is_none_or(|n| comm == n)
    })
}

/// A window process under WebDriver on a desktop: `tauri-driver` (whose log, with the window
/// process's standard error, is `tauri-driver.log` beside the agent's log) and one session.
/// Fields drop in order: the session, then the driver.
#[derive(Debug)]
pub struct Window {
    pub session: Session,
    pub driver: TauriDriver,
    /// When the session was asked for, and how long WebDriver took to start the window process.
    pub requested: Instant,
    pub session_time: Duration,
    agent_log: PathBuf,
    driver_log: PathBuf,
}

impl Window {
    /// Starts `tauri-driver` on `desktop` and opens the window process `ui` (`guichet-ui`) with
    /// `args` (none: the wizard). Panics with the agent's and the driver's logs when no session
    /// starts.
    pub fn open(ui: &Path, desktop: &Desktop<'_>, agent_log: &Path, args: &[&str]) -> Window {
        let driver_log = agent_log.with_file_name("tauri-driver.log");
        let driver = TauriDriver::on_desktop(&tauri_driver(), desktop, &driver_log);
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        let requested = Instant::now();
        let session = driver
            .session_with(ui, &args)
            .unwrap_or_else(|e| panic!("{e}{}", logs(agent_log, &driver_log)));
        let session_time = requested.elapsed();
        session.set_timeouts(Duration::from_secs(60));
        Window {
            session,
            driver,
            requested,
            session_time,
            agent_log: agent_log.to_owned(),
            driver_log,
        }
    }

    /// The agent's and the driver's logs, for a failure's message.
    pub fn logs(&self) -> String {
        logs(&self.agent_log, &self.driver_log)
    }

    /// The driver's log, where the window process's own messages go.
    pub fn driver_log(&self) -> &Path {
        &self.driver_log
    }
}

/// A WebDriver session, deleted on drop (which closes the app's window).
#[derive(Debug)]
pub struct Session {
    addr: SocketAddr,
    id: String,
}

impl Session {
    fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, WebDriverError> {
        http(
            self.addr,
            method,
            &format!("/session/{}{path}", self.id),
            body,
        )
    }

    fn post(&self, path: &str, body: Value) -> Value {
        self.call("POST", path, Some(&body))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn set_timeouts(&self, script: Duration) {
        self.post("/timeouts", json!({ "script": script.as_millis() as u64 }));
    }

    /// Reloads the page, and returns once the new one has loaded (WebDriver's Refresh waits for
    /// it, where a script's `location.reload()` returns at once).
    pub fn refresh(&self) {
        self.post("/refresh", json!({}));
    }

    /// Resizes the window (CSS pixels).
    pub fn set_window_size(&self, width: u32, height: u32) {
        self.post("/window/rect", json!({ "width": width, "height": height }));
    }

    /// Panics when the page needs horizontal scrolling at its current width: WCAG 1.4.10's reflow
    /// test, which a window 320–430 CSS pixels wide stands for 200 % zoom on a laptop screen.
    pub fn assert_reflows(&self, what: &str) {
        let sizes = self.execute(
            "const e = document.documentElement; return [e.scrollWidth, e.clientWidth];",
            json!([]),
        );
        let (scroll, client) = (
            sizes[0].as_u64().unwrap_or(0),
            sizes[1].as_u64().unwrap_or(0),
        );
        assert!(
            client > 0 && scroll <= client,
            "{what}: content {scroll} px wide in a {client} px window"
        );
    }

    /// The element matching `css` now, if any.
    pub fn find(&self, css: &str) -> Option<String> {
        let value = self
            .call(
                "POST",
                "/element",
                Some(&json!({ "using": "css selector", "value": css })),
            )
            .ok()?;
        value[ELEMENT].as_str().map(str::to_owned)
    }

    /// Waits up to `limit` for an element matching `css`.
    pub fn wait(&self, css: &str, limit: Duration) -> String {
        let start = Instant::now();
        loop {
            if let Some(element) = self.find(css) {
                return element;
            }
            assert!(
                start.elapsed() < limit,
                "no `{css}` after {limit:?}; page: {}",
                self.body_text()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Clicks the element matching `css` like a user: scrolled into view, and only once the page
    /// has painted (WebKit's click lands on stale coordinates while a scroll is pending).
    pub fn try_click(&self, css: &str) -> Result<(), WebDriverError> {
        let element = self.wait(css, Duration::from_secs(10));
        self.execute_async(
            "const [css, done] = arguments;
             document.querySelector(css).scrollIntoView({ block: 'center' });
             requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
            json!([css]),
        );
        self.call(
            "POST",
            &format!("/element/{element}/click"),
            Some(&json!({})),
        )
        .map(drop)
    }

    pub fn click(&self, css: &str) {
        self.try_click(css).unwrap_or_else(|e| panic!("{e}"));
    }

    /// Empties a text field.
    pub fn clear(&self, css: &str) {
        let element = self.wait(css, Duration::from_secs(10));
        self.post(&format!("/element/{element}/clear"), json!({}));
    }

    pub fn type_into(&self, css: &str, text: &str) {
        self.clear(css);
        let element = self.wait(css, Duration::from_secs(10));
        self.post(
            &format!("/element/{element}/value"),
            json!({ "text": text }),
        );
    }

    /// Types `keys` into the element (WebDriver key codes allowed: `\u{E014}` is →), keeping
    /// what is there.
    pub fn send_keys(&self, css: &str, keys: &str) {
        let element = self.wait(css, Duration::from_secs(10));
        self.post(
            &format!("/element/{element}/value"),
            json!({ "text": keys }),
        );
    }

    pub fn text(&self, css: &str) -> String {
        let element = self.wait(css, Duration::from_secs(10));
        let value = self
            .call("GET", &format!("/element/{element}/text"), None)
            .unwrap_or_else(|e| panic!("{e}"));
        value.as_str().unwrap_or_default().to_owned()
    }

    /// Waits up to `limit` for `script` to return `true`.
    pub fn wait_until(&self, what: &str, script: &str, limit: Duration) {
        let start = Instant::now();
        while self.execute(script, json!([])) != json!(true) {
            assert!(
                start.elapsed() < limit,
                "not {what} after {limit:?}; page: {}",
                self.body_text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn execute(&self, script: &str, args: Value) -> Value {
        self.post("/execute/sync", json!({ "script": script, "args": args }))
    }

    /// Runs `script`, whose last argument is the callback that ends it.
    pub fn execute_async(&self, script: &str, args: Value) -> Value {
        self.post("/execute/async", json!({ "script": script, "args": args }))
    }

    /// A mouse drag between two points of the viewport, in CSS pixels.
    pub fn drag(&self, from: (i64, i64), to: (i64, i64)) {
        let actions = json!({ "actions": [{
            "type": "pointer",
            "id": "mouse",
            "parameters": { "pointerType": "mouse" },
            "actions": [
                { "type": "pointerMove", "origin": "viewport", "x": from.0, "y": from.1, "duration": 0 },
                { "type": "pointerDown", "button": 0 },
                { "type": "pointerMove", "origin": "viewport", "x": (from.0 + to.0) / 2, "y": (from.1 + to.1) / 2, "duration": 100 },
                { "type": "pointerMove", "origin": "viewport", "x": to.0, "y": to.1, "duration": 100 },
                { "type": "pointerUp", "button": 0 }
            ]
        }] });
        self.post("/actions", actions);
        let _ = self.call("DELETE", "/actions", None);
    }

    /// The window's picture, as WebDriver takes it (PNG). Wait for a visible state first: right
    /// after a change, WebKit may still return the previous frame.
    pub fn screenshot_png(&self) -> Vec<u8> {
        use base64::Engine as _;
        let encoded = self
            .call("GET", "/screenshot", None)
            .unwrap_or_else(|e| panic!("{e}"));
        base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().unwrap_or_default())
            .expect("WebDriver's screenshot is base64")
    }

    /// The page's visible text, for failure messages.
    pub fn body_text(&self) -> String {
        self.call(
            "POST",
            "/execute/sync",
            Some(&json!({ "script": "return document.body.innerText;", "args": [] })),
        )
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .unwrap_or_else(|e| format!("(unreadable: {e})"))
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = http(self.addr, "DELETE", &format!("/session/{}", self.id), None);
    }
}

// Shared by the WebDriver tests.

fn logs(agent_log: &Path, driver_log: &Path) -> String {
    let read = |path: &Path| std::fs::read_to_string(path).unwrap_or_default();
    format!(
        "\nagent log:\n{}\ntauri-driver log (and the window process's):\n{}",
        read(agent_log),
        read(driver_log)
    )
}

pub fn tauri_driver() -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join("tauri-driver"));
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .map(|home| home.join("bin/tauri-driver"));
    on_path
        .chain(cargo_home)
        .find(|p| p.exists())
        .expect("tauri-driver is installed (cargo install tauri-driver --version '^2' --locked)")
}

pub fn axe_source() -> String {
    let path = crate::repository().join("ui/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run npm ci in ui/)", path.display()))
}

/// Runs axe-core on the page; panics on any serious or critical violation.
pub fn assert_accessible(session: &Session, step: &str) {
    let result = session.execute_async(
        r#"const done = arguments[arguments.length - 1];
           axe.run(document)
             .then((r) => done({
               passes: r.passes.length,
               violations: r.violations
                 .filter((v) => v.impact === "serious" || v.impact === "critical")
                 .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) })),
             }))
             .catch((e) => done({ error: String(e) }));"#,
        json!([]),
    );
    assert_eq!(
        result["violations"],
        json!([]),
        "axe-core on step `{step}`: {result}"
    );
    assert!(
        result["passes"].as_u64().unwrap_or(0) > 10,
        "axe-core ran no rules on step `{step}`: {result}"
    );
}
