//! XSS into IPC: technicians' followups and a solution full of script payloads, shown in the real
//! "My tickets" window under WebDriver (tauri-driver + WebKitWebDriver, Xvfb, a private D-Bus, the
//! agent and the GLPI double). No payload may run: no canary set, the title unchanged, no Content
//! Security Policy violation (a payload the sanitiser let through would raise one), no `act`
//! command through the IPC bridge, no `ipc request: act` in the agent's log and nothing posted to
//! the help desk; the harmless words around the payloads are still shown. A positive control at
//! the end runs the payloads' script through WebDriver and sees every one of those detectors fire,
//! and an inline handler refused by the CSP with the refusal reported.
//!
//! A second test reads the window process's Tauri configuration and every capability file: the
//! CSP allows scripts only from the app itself, and no window may reach files, a shell or the
//! network.
//!
//! Needs what `e2e_my_tickets.rs` needs, except dunst and axe-core. A missing tool fails the test
//! under `CI` and skips it loudly elsewhere.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_glpi_double::{DoubleConfig, GlpiDouble};
use guichet_test_support::desktop::{read_file, wait_for, SessionBus, Xvfb};
use guichet_test_support::webdriver::{Desktop, Session, Window};
use guichet_test_support::workstation::{self, json, stderr, Workstation, TOKEN};
use guichet_test_support::xss_corpus::{Vector, IPC_MARK, SOLUTION_LABEL, TITLE_MARK};
use guichet_test_support::xss_probes::{
    AUDIT, ENTRIES, ENTRY_CENTRE, HOOKS, INLINE_PROBE, STIR, TRACES,
};
use guichet_test_support::{glpi_raw, xss_corpus};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(30);
/// What the agent logs for each request from a window (`src/agent/server.rs`).
const ACT_LOGGED: &str = "ipc request: act";

#[test]
fn script_payloads_from_the_help_desk_are_shown_inert_and_never_reach_the_ipc_bridge() {
    if !tools_present() {
        return;
    }
    let started = Instant::now();
    let x = Xvfb::start(1280, 900);
    let bus = SessionBus::start();
    let glpi = GlpiDouble::start(DoubleConfig::default()).unwrap();
    let ws = Workstation::new(Some(&glpi.base_url()));
    let runtime = ws.dir.path().join("run");
    // Nothing here should make the agent open a window; if it tried, a recorder stands in.
    let recorder = ws.recording_ui(&ws.dir.path().join("ui-starts.txt"), 0);
    let agent_log = ws.dir.path().join("agent.log");
    let agent_env: [(&str, &OsStr); 4] = [
        ("GUICHET_UI", recorder.as_os_str()),
        ("DISPLAY", x.display.as_ref()),
        ("DBUS_SESSION_BUS_ADDRESS", bus.address.as_ref()),
        ("LANG", "fr_FR.UTF-8".as_ref()),
    ];
    let _agent = ws.start_agent(&runtime, &agent_env, &agent_log);

    let calm = file_report(&ws, &runtime, "Poste lent en salle 3");
    let target = file_report(&ws, &runtime, "Imprimante du CDI");
    let corpus = xss_corpus::corpus(target);
    assert!(corpus.len() >= 30, "{} vectors", corpus.len());
    for (index, vector) in corpus.iter().enumerate() {
        glpi.add_tech_followup(target, &xss_corpus::followup(index, vector))
            .unwrap();
    }
    let solution = xss_corpus::solution(&corpus);
    glpi.add_solution(target, &solution).unwrap();
    assert_real_html_is_served(&glpi, target, &corpus, &solution);
    let entries = corpus.len() + 1;
    let served = glpi.requests().len();

    // The real window, opened on the ticket as a notification would open it.
    let desktop = Desktop {
        display: &x.display,
        bus: &bus.address,
        runtime: &runtime,
        data: &ws.data,
        lang: "fr_FR.UTF-8",
    };
    let ticket = target.to_string();
    let window = Window::open(
        &workstation::ui_binary(),
        &desktop,
        &agent_log,
        &["--window", "my-tickets", "--ticket", &ticket],
    );
    let session = &window.session;
    wait_for_timeline(session, target, entries);
    let first = session.execute(HOOKS, json!([]));
    assert_eq!(
        first["xss"],
        "undefined",
        "a payload ran on the first render: {first}{}",
        window.logs()
    );
    assert_eq!(
        first["globalTauri"], "undefined",
        "window.__TAURI__ is exposed: {first}"
    );
    assert_eq!(first["hooked"], true, "fetch is watched: {first}");
    let title = first["title"].as_str().unwrap_or_default().to_owned();
    assert!(title.contains("Guichet"), "{first}");

    // Shown again with the hooks in place: another ticket, then this one again.
    session.click(&format!("li[data-ticket='{calm}'] button"));
    session.wait(&format!("#ticket-detail[data-ticket-id='{calm}']"), LIMIT);
    session.click(&format!("li[data-ticket='{target}'] button"));
    wait_for_timeline(session, target, entries);

    // Give scripts a moment, then what a user does: a pointer over (and a click in) each entry,
    // the keyboard through the page, and every handler's event on every element.
    std::thread::sleep(Duration::from_secs(1));
    for index in 0..entries {
        let centre = session.execute(ENTRY_CENTRE, json!([index]));
        let point = (
            centre[0].as_i64().unwrap_or(0),
            centre[1].as_i64().unwrap_or(0),
        );
        session.drag(point, point);
    }
    session.send_keys("#ticket-heading", &"\u{E004}".repeat(60));
    let dispatched = session.execute(STIR, json!([]));
    assert!(dispatched.as_u64().unwrap_or(0) > 0, "{dispatched}");
    std::thread::sleep(Duration::from_secs(1));

    let traces = session.execute(TRACES, json!([]));
    let audit = session.execute(AUDIT, json!([]));
    let shown = session.execute(ENTRIES, json!([]));
    let agent_text = read_file(&agent_log);
    assert_eq!(
        traces["xss"],
        Value::Null,
        "a payload ran: {traces}{}",
        window.logs()
    );
    assert_eq!(
        traces["title"],
        title.as_str(),
        "a payload renamed the page: {traces}"
    );
    assert_eq!(
        traces["violations"],
        json!([]),
        "the CSP stopped something the sanitiser let through: {traces}"
    );
    let invoked: Vec<&str> = traces["invoked"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert!(
        !invoked.contains(&"act"),
        "`act` went through the IPC bridge: {traces}"
    );
    assert!(
        invoked.contains(&"ticket"),
        "the bridge's hook saw nothing: {traces}"
    );
    assert!(
        agent_text.contains("ipc request: ticket"),
        "the agent logs its requests: {agent_text}"
    );
    assert!(
        !agent_text.contains(ACT_LOGGED),
        "the agent was asked to act:{}",
        window.logs()
    );
    let writes: Vec<String> = glpi.requests()[served..]
        .iter()
        .filter(|r| r.method != "GET")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(writes, Vec::<String>::new(), "the help desk was written to");
    assert_eq!(glpi.ticket(target).unwrap().followups.len(), corpus.len());
    assert_eq!(audit, json!([]), "live markup reached the webview");
    assert_words_shown(&shown, &corpus);
    let checked = started.elapsed();

    positive_control(session, &glpi, target, &agent_log, &title);
    drop(window);
    eprintln!(
        "{} vectors, one per followup and all in the solution: nothing ran ({:.1} s; {:.1} s with the control)",
        corpus.len(),
        checked.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}

/// Whether the WebDriver test can run here: a missing tool fails under `CI` and is a loud skip
/// elsewhere (the rule of `guichet_test_support::missing`).
fn tools_present() -> bool {
    let on_path = |name: &str| {
        std::env::var_os("PATH")
            .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(name).is_file()))
    };
    let cargo_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .map(|home| home.join("bin/tauri-driver"));
    let mut missing = Vec::new();
    for tool in ["Xvfb", "dbus-daemon"] {
        if !on_path(tool) {
            missing.push(tool);
        }
    }
    if !Path::new("/usr/bin/WebKitWebDriver").exists() {
        missing.push("WebKitWebDriver");
    }
    if !on_path("tauri-driver") && !cargo_bin.is_some_and(|p| p.exists()) {
        missing.push("tauri-driver");
    }
    if missing.is_empty() {
        return true;
    }
    let why = format!("{} not installed", missing.join(", "));
    assert!(
        std::env::var_os("CI").is_none(),
        "{why}: CI must run the XSS end-to-end test"
    );
    eprintln!(
        "\n!!! {why}: SKIPPING the XSS end-to-end test (scripts/install-deps.sh and \
         `cargo install tauri-driver --locked` install them) !!!\n"
    );
    false
}

/// Files a report through the agent; its ticket number.
fn file_report(ws: &Workstation, runtime: &Path, subject: &str) -> u64 {
    let out = ws
        .command(&[
            "report",
            "--subject",
            subject,
            "--description",
            "Le problème dure depuis ce matin, rien ne s'affiche correctement.",
            "--json",
        ])
        .env("GUICHET_RUNTIME_DIR", runtime)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    json(&out)["ticket"].as_u64().unwrap()
}

/// The API gives the client the payloads as HTML, which the connector hands to the sanitiser as it
/// is: the solution as written, and each followup as the markup the corpus expects.
fn assert_real_html_is_served(glpi: &GlpiDouble, ticket: u64, corpus: &[Vector], solution: &str) {
    let followups = glpi_raw::contents(glpi.addr(), TOKEN, ticket, "ITILFollowup");
    assert_eq!(followups.len(), corpus.len());
    for (index, (content, vector)) in followups.iter().zip(corpus).enumerate() {
        assert_eq!(
            content,
            &xss_corpus::followup_markup(index, vector),
            "vector `{}` reaches the sanitiser as markup",
            vector.name
        );
    }
    let solutions = glpi_raw::contents(glpi.addr(), TOKEN, ticket, "ITILSolution");
    assert_eq!(solutions, [solution], "the solution is served as written");
}

/// Waits until the window shows `ticket` with all its `entries`.
fn wait_for_timeline(session: &Session, ticket: u64, entries: usize) {
    session.wait_until(
        "every followup and the solution shown",
        &format!(
            "return document.querySelectorAll(\"#ticket-detail[data-ticket-id='{ticket}'] li.entry\").length === {entries};"
        ),
        LIMIT,
    );
}

/// Each followup still shows its harmless word, and the solution its own.
fn assert_words_shown(shown: &Value, corpus: &[Vector]) {
    let entries = shown.as_array().expect("timeline entries");
    let texts = |kind: &str| -> Vec<&str> {
        entries
            .iter()
            .filter(|e| e["kind"] == kind)
            .filter_map(|e| e["text"].as_str())
            .collect()
    };
    let followups = texts("followup");
    assert_eq!(followups.len(), corpus.len(), "{shown}");
    for (index, vector) in corpus.iter().enumerate() {
        let word = xss_corpus::label(index);
        let matching = followups.iter().filter(|t| t.contains(&word)).count();
        assert_eq!(
            matching, 1,
            "`{word}` (vector `{}`) is shown once: {followups:#?}",
            vector.name
        );
    }
    let solutions = texts("solution");
    assert!(
        solutions.len() == 1 && solutions[0].contains(SOLUTION_LABEL),
        "{solutions:?}"
    );
}

/// The payloads' script, run through WebDriver (which the CSP does not stop), trips every
/// detector: so a payload that ran would have been seen.
fn positive_control(session: &Session, glpi: &GlpiDouble, ticket: u64, log: &Path, title: &str) {
    session.execute(
        &format!("{}; return true;", xss_corpus::canary(ticket)),
        json!([]),
    );
    let traces = session.execute(TRACES, json!([]));
    assert_eq!(traces["xss"], 1, "{traces}");
    assert_eq!(traces["title"], TITLE_MARK, "{traces}");
    assert_ne!(title, TITLE_MARK);
    wait_for("the control's act in the agent's log", LIMIT, || {
        read_file(log).contains(ACT_LOGGED).then_some(())
    });
    wait_for("the control's followup on the help desk", LIMIT, || {
        glpi.ticket(ticket)
            .unwrap()
            .followups
            .iter()
            .any(|f| f.content.contains(IPC_MARK))
            .then_some(())
    });
    let invoked = session.execute("return window.__invoked;", json!([]));
    assert!(
        invoked
            .as_array()
            .is_some_and(|a| a.contains(&json!("act"))),
        "{invoked}"
    );
    // Markup the sanitiser let through would still meet the CSP: an inline handler is refused,
    // and the refusal is seen.
    let ran = session.execute(INLINE_PROBE, json!([]));
    assert_eq!(ran, false, "the CSP lets an inline handler run");
    session.wait_until(
        "the CSP's refusal reported",
        "return window.__violations.some((v) => v.startsWith('script-src'));",
        LIMIT,
    );
}

#[test]
fn the_window_s_csp_allows_only_its_own_scripts_and_no_capability_reaches_files_shell_or_network() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri");
    let config: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("tauri.conf.json")).unwrap())
            .unwrap();
    let app = &config["app"];
    let security = &app["security"];
    let csp = directives(&security["csp"]);
    let sources = |name: &str| csp.get(name).cloned().unwrap_or_default();
    assert_eq!(sources("default-src"), ["'self'"], "{csp:?}");
    assert_eq!(
        sources("script-src"),
        ["'self'"],
        "no inline, eval or remote script: {csp:?}"
    );
    let connect = sources("connect-src");
    assert!(
        !connect.is_empty()
            && connect
                .iter()
                .all(|s| s == "ipc:" || s == "http://ipc.localhost"),
        "the page talks only to the IPC bridge: {connect:?}"
    );
    for (name, list) in &csp {
        for source in list {
            let remote = source.starts_with("http") && source != "http://ipc.localhost";
            assert!(
                !remote
                    && !matches!(
                        source.as_str(),
                        "'unsafe-eval'" | "'wasm-unsafe-eval'" | "*"
                    ),
                "`{name}` allows `{source}`: {csp:?}"
            );
        }
    }
    for fallback in [
        "object-src",
        "frame-src",
        "child-src",
        "worker-src",
        "base-uri",
        "form-action",
    ] {
        if let Some(list) = csp.get(fallback) {
            assert!(
                list.iter().all(|s| s == "'self'" || s == "'none'"),
                "`{fallback}`: {list:?}"
            );
        }
    }
    assert_eq!(security["freezePrototype"], true, "{security}");
    assert_ne!(security["dangerousDisableAssetCspModification"], true);
    assert_ne!(
        security["assetProtocol"]["enable"], true,
        "no asset:// file access"
    );
    assert!(
        security["capabilities"]
            .as_array()
            .is_none_or(Vec::is_empty),
        "capabilities live in src-tauri/capabilities/, not inline: {security}"
    );
    assert_ne!(
        app["withGlobalTauri"], true,
        "window.__TAURI__ stays unexposed"
    );

    let mut files = 0;
    for entry in std::fs::read_dir(root.join("capabilities")).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(
            path.extension().and_then(OsStr::to_str),
            Some("json"),
            "{}: a capability this test cannot read",
            path.display()
        );
        let capability: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert!(
            capability.get("remote").is_none(),
            "{}: remote pages get no IPC",
            path.display()
        );
        for permission in capability["permissions"].as_array().unwrap() {
            let id = permission
                .as_str()
                .or_else(|| permission["identifier"].as_str())
                .unwrap_or_default();
            let bad = [
                "fs:",
                "shell:",
                "http:",
                "opener:",
                "process:",
                "websocket:",
                "upload:",
            ];
            assert!(
                !id.is_empty() && !bad.iter().any(|p| id.starts_with(p)),
                "{}: `{id}` reaches files, a shell or the network",
                path.display()
            );
        }
        files += 1;
    }
    assert!(files >= 3, "one capability per window: {files}");
}

/// A CSP (a string, or Tauri's map of directive to sources) as directive → sources.
fn directives(csp: &Value) -> BTreeMap<String, Vec<String>> {
    let split = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    match csp {
        Value::String(text) => text
            .split(';')
            .filter_map(|d| {
                let mut words = split(d).into_iter();
                Some((words.next()?.to_ascii_lowercase(), words.collect()))
            })
            .collect(),
        Value::Object(map) => map
            .iter()
            .map(|(name, v)| {
                let list = match v {
                    Value::Array(items) => items
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect(),
                    other => split(other.as_str().unwrap_or_default()),
                };
                (name.to_ascii_lowercase(), list)
            })
            .collect(),
        other => panic!("no CSP: {other}"),
    }
}
