//! A private Request Tracker 5 for one test: `scripts/rt/server.sh` prepares its SQLite database
//! and users under a temporary directory, then `rt-server` runs on a free loopback port, in its
//! own process group, stopped (every worker) when dropped. Skipped or failed as [`missing`](crate::missing)
//! says when RT is not installed.
//!
//! It also plays the technician, with an agent's token (`tech@example.org`).

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the server may take to answer after it was started (about 5 s here).
const READY_WITHIN: Duration = Duration::from_secs(90);

#[derive(Debug)]
pub struct RtServer {
    child: Child,
    dir: tempfile::TempDir,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The requester's e-mail address and personal token.
    pub requestor: String,
    pub requestor_token: String,
    tech_token: String,
}

fn script() -> PathBuf {
    crate::repository().join("scripts/rt/server.sh")
}

impl RtServer {
    /// Starts a fresh server, or returns `None` (loudly, and a failure under CI) when RT is not
    /// installed and cannot be (not root).
    pub fn start() -> Option<RtServer> {
        let installed = Path::new("/usr/share/request-tracker5/libexec/rt-server").exists();
        if !installed && !nix_root() {
            crate::missing(
                "Request Tracker is not installed (scripts/rt/server.sh install, as root)",
                "the Request Tracker checks",
            );
            return None;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let port = crate::net::free_port();
        let init = Command::new("bash")
            .arg(script())
            .args(["init"])
            .arg(dir.path())
            .arg(port.to_string())
            .output()
            .expect("run scripts/rt/server.sh");
        assert!(
            init.status.success(),
            "RT set-up failed: {}",
            String::from_utf8_lossy(&init.stderr)
        );
        let env = std::fs::read_to_string(dir.path().join("env")).expect("RT's env");
        let value = |key: &str| {
            env.lines()
                .find_map(|l| l.strip_prefix(&format!("{key}=")))
                .unwrap_or_else(|| panic!("{key} in {env}"))
                .to_owned()
        };
        let log = std::fs::File::create(dir.path().join("server.log")).expect("log");
        let child = std::os::unix::process::CommandExt::process_group(
            Command::new("bash")
                .arg(script())
                .arg("run")
                .arg(dir.path())
                .arg(port.to_string())
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("log"))
                .stderr(log),
            0,
        )
        .spawn()
        .expect("start rt-server");
        let server = RtServer {
            child,
            url: format!("http://127.0.0.1:{port}"),
            requestor: value("REQUESTOR"),
            requestor_token: value("REQUESTOR_TOKEN"),
            tech_token: value("TECH_TOKEN"),
            dir,
        };
        server.wait_ready();
        Some(server)
    }

    fn wait_ready(&self) {
        let started = Instant::now();
        loop {
            if self.call("GET", "rt", &[], None).0 == 200 {
                return;
            }
            assert!(
                started.elapsed() < READY_WITHIN,
                "RT did not answer within {READY_WITHIN:?}: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The server's log, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// The `[server]` section of a Guichet configuration for the requester.
    pub fn config_toml(&self) -> String {
        format!(
            "[server]\nkind = \"rt\"\nurl = \"{}\"\ntoken = \"{}\"\nrequestor = \"{}\"\n\
             acceptance_field = \"Accepted\"\nsatisfaction_field = \"Satisfaction\"\n\
             timeout_secs = 20\nconnect_timeout_secs = 2\n",
            self.url, self.requestor_token, self.requestor
        )
    }

    /// A technician's REST2 call, through curl (the tests stay free of an HTTP runtime): the
    /// status and the JSON answer.
    fn call(
        &self,
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> (u16, Value) {
        let (status, answer) = self.call_as(&self.tech_token, method, path, query, body);
        let text = String::from_utf8_lossy(&answer);
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// A REST2 call with `token`: the status and the raw answer.
    fn call_as(
        &self,
        token: &str,
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> (u16, Vec<u8>) {
        let mut cmd = Command::new("curl");
        cmd.args([
            "-sS",
            "--max-time",
            "30",
            "-o",
            "-",
            "-w",
            "\n%{http_code}",
            "-X",
            method,
        ])
        .arg("-H")
        .arg(format!("Authorization: token {token}"))
        .arg(format!("{}/REST/2.0/{path}", self.url));
        match body {
            Some(body) => {
                cmd.arg("--json").arg(body.to_string());
            }
            None => {
                // -G: the url-encoded pairs go into the query string.
                cmd.arg("-G");
                for (key, value) in query {
                    cmd.arg("--data-urlencode").arg(format!("{key}={value}"));
                }
            }
        }
        let out = cmd.output().expect("curl");
        let split = out.stdout.iter().rposition(|&b| b == b'\n').unwrap_or(0);
        let status = String::from_utf8_lossy(&out.stdout[split..]);
        (
            status.trim().parse().unwrap_or(0),
            out.stdout[..split].to_vec(),
        )
    }

    /// Fails unless RT answers the requester in French, as an académie's does (`setup.pl` sets
    /// her language): a comment on a ticket that does not exist is refused as "Accès refusé".
    /// The checks that follow then meet RT's French answers, Latin-1 ones included.
    pub fn assert_answers_in_french(&self) {
        let body = json!({"Content": "?", "ContentType": "text/plain"});
        let (status, answer) = self.call_as(
            &self.requestor_token,
            "POST",
            "ticket/999999/comment",
            &[],
            Some(&body),
        );
        let text = String::from_utf8_lossy(&answer);
        assert!(
            status >= 400 && text.contains("Acc") && text.contains("refus"),
            "RT answers the requester in French: {status} {text}"
        );
    }

    fn tech(
        &self,
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Value {
        let (status, answer) = self.call(method, path, query, body);
        assert!(
            (200..300).contains(&status),
            "{method} {path}: {status} {answer}"
        );
        answer
    }

    /// Ticket `id`'s history as RT's own web page shows it to the technician (signed in through
    /// RT's login form, `scripts/rt/setup.pl`'s password): what a technician reads, images and all.
    pub fn history_page(&self, id: u64) -> String {
        let jar = self.dir.path().join("web-cookies");
        let web = |args: &[&str]| {
            let out = Command::new("curl")
                .args(["-sS", "--max-time", "30", "-A", "guichet-tests"])
                .arg("-b")
                .arg(&jar)
                .arg("-c")
                .arg(&jar)
                .args(args)
                .output()
                .expect("curl");
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        web(&[
            "-o",
            "/dev/null",
            "-d",
            "user=tech&pass=guichet-tech",
            &format!("{}/NoAuth/Login.html", self.url),
        ]);
        web(&[&format!("{}/Ticket/History.html?id={id}", self.url)])
    }

    /// The technician answers on ticket `id`.
    pub fn reply(&self, id: u64, text: &str) {
        let body = json!({"Content": text, "ContentType": "text/plain"});
        self.tech("POST", &format!("ticket/{id}/correspond"), &[], Some(&body));
    }

    /// The technician resolves ticket `id` with `text` as the solution.
    pub fn resolve(&self, id: u64, text: &str) {
        let body = json!({"Content": text, "ContentType": "text/plain", "Status": "resolved"});
        self.tech("POST", &format!("ticket/{id}/correspond"), &[], Some(&body));
    }

    /// Ticket `id` as the technician sees it.
    pub fn ticket(&self, id: u64) -> Value {
        self.tech("GET", &format!("ticket/{id}"), &[], None)
    }

    /// The status of ticket `id` in RT's words.
    pub fn status(&self, id: u64) -> String {
        self.ticket(id)["Status"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The first value of custom field `name` on ticket `id`, as the technician reads it.
    pub fn custom_field(&self, id: u64, name: &str) -> Option<String> {
        self.ticket(id)["CustomFields"]
            .as_array()?
            .iter()
            .find(|cf| cf["name"] == name)?["values"]
            .as_array()?
            .first()?
            .as_str()
            .map(str::to_owned)
    }

    /// Every ticket whose subject is `subject` (no quote in it).
    pub fn tickets_with_subject(&self, subject: &str) -> Vec<u64> {
        self.tickets_where(&format!("Subject = '{subject}'"))
    }

    /// Every ticket whose idempotency field is `key`.
    pub fn tickets_with_key(&self, key: &str) -> Vec<u64> {
        self.tickets_where(&format!("CF.{{IdempotencyKey}} = '{key}'"))
    }

    /// The ids of the tickets TicketSQL `query` finds, as the technician sees them.
    fn tickets_where(&self, query: &str) -> Vec<u64> {
        let answer = self.tech(
            "GET",
            "tickets",
            &[("query", query), ("per_page", "100")],
            None,
        );
        ids(&answer["items"])
    }

    /// How many tickets the queue holds.
    pub fn ticket_count(&self) -> usize {
        let answer = self.tech(
            "GET",
            "tickets",
            &[("query", "id > 0"), ("per_page", "100")],
            None,
        );
        answer["total"].as_u64().unwrap_or(0) as usize
    }

    /// The files on ticket `id`: name and bytes, as RT stores them.
    pub fn files(&self, id: u64) -> Vec<(String, Vec<u8>)> {
        use base64::Engine;
        let list = self.tech(
            "GET",
            &format!("ticket/{id}/attachments"),
            &[("fields", "Filename"), ("per_page", "100")],
            None,
        );
        ids(&list["items"])
            .into_iter()
            .filter_map(|attachment| {
                let a = self.tech("GET", &format!("attachment/{attachment}"), &[], None);
                let name = a["Filename"].as_str().filter(|n| !n.is_empty())?.to_owned();
                let content = a["Content"].as_str().unwrap_or_default();
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(content.replace(['\n', '\r'], ""))
                    .unwrap_or_else(|_| content.as_bytes().to_vec());
                Some((name, bytes))
            })
            .collect()
    }

    /// The plain texts of what was written on ticket `id` (bodies of every message).
    pub fn messages(&self, id: u64) -> Vec<String> {
        let list = self.tech(
            "GET",
            &format!("ticket/{id}/attachments"),
            &[
                ("fields", "Filename,ContentType,Content"),
                ("per_page", "100"),
            ],
            None,
        );
        list["items"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter(|a| a["Filename"].as_str().unwrap_or_default().is_empty())
                    .filter_map(|a| a["Content"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn ids(items: &Value) -> Vec<u64> {
    items
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["id"].as_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

fn nix_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"))
}

impl Drop for RtServer {
    fn drop(&mut self) {
        // The server forks its workers: stop the whole group, then reap the script.
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.child.id())])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.wait();
    }
}
