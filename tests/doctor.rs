//! The connection doctor against real servers on loopback: the GLPI double behind a real HTTPS
//! front (`stunnel4`) with a certificate authority of the test's own, a real proxy
//! (`tinyproxy`), and each way it goes wrong in a school network: an authority this computer
//! does not trust (then trusted through `tls.extra_ca`), a certificate made out to another name
//! or expired, a proxy asking for a password, a wrong address, the API turned off, bad credentials. Each ends in its own message, in French and in English; and what the doctor
//! passes, a report really goes through.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_glpi_double::{DoubleConfig, GlpiDouble};
use guichet_test_support::net;
use guichet_test_support::workstation::{self, json, Workstation, TOKEN};
use serde_json::Value;

/// Runs `guichet doctor --json` in `lang` (`en_US.UTF-8`, `fr_FR.UTF-8`), with `env` added.
fn doctor(ws: &Workstation, lang: &str, env: &[(&str, &str)]) -> (Value, Option<i32>) {
    let mut cmd = ws.command(&["doctor", "--json"]);
    cmd.env("LANG", lang)
        .env("GUICHET_RUNTIME_DIR", ws.dir.path().join("run"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run guichet doctor");
    (json(&out), out.status.code())
}

fn step<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["step"] == name)
        .unwrap_or_else(|| panic!("no step {name}: {report:#}"))
}

/// The step that failed, with its key; every step after it is skipped.
fn failed(report: &Value) -> (String, String, String) {
    let steps = report["steps"].as_array().expect("steps");
    let index = steps
        .iter()
        .position(|s| s["status"] == "fail")
        .unwrap_or_else(|| panic!("nothing failed: {report:#}"));
    for later in &steps[index + 1..] {
        assert_eq!(
            later["status"], "skip",
            "after a failure nothing is checked: {report:#}"
        );
    }
    let s = &steps[index];
    (
        s["step"].as_str().unwrap().to_owned(),
        s["key"].as_str().unwrap().to_owned(),
        s["message"].as_str().unwrap().to_owned(),
    )
}

/// The same failure in both languages: the step, the key, and a message in each.
fn fails_in_both(ws: &Workstation, step_name: &str, key: &str, en: &[&str], fr: &[&str]) {
    for (lang, words) in [("en_US.UTF-8", en), ("fr_FR.UTF-8", fr)] {
        let (report, code) = doctor(ws, lang, &[]);
        assert_eq!(code, Some(1), "a failed step exits 1: {report:#}");
        assert_eq!(report["ok"], false);
        let (step, got_key, message) = failed(&report);
        assert_eq!(
            (step.as_str(), got_key.as_str()),
            (step_name, key),
            "{report:#}"
        );
        for word in words {
            assert!(
                message.contains(word),
                "{lang}: {message:?} should say {word:?}"
            );
        }
    }
}

fn glpi(ws: &Workstation, url: &str, extra: &str) {
    ws.append_config(&format!(
        "[server]\nkind = \"glpi\"\nurl = \"{url}\"\nuser_token = \"{TOKEN}\"\ntimeout_secs = 5\nconnect_timeout_secs = 2\n{extra}"
    ));
}

/// The GLPI double behind the HTTPS front on `port`, its authority trusted through `tls.extra_ca`.
fn behind_https(port: u16, token: &str, pki: &net::Pki) -> String {
    format!(
        "[server]\nkind = \"glpi\"\nurl = \"https://127.0.0.1:{port}/apirest.php\"\nuser_token = \"{token}\"\n\
         [tls]\nextra_ca = \"{}\"\n",
        pki.ca.display()
    )
}

fn requester_token() -> String {
    guichet_glpi_double::UserSpec::default_requester().user_token
}

#[test]
fn an_https_front_with_its_own_authority_is_refused_then_trusted_through_extra_ca() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let dir = tempfile::tempdir().expect("tempdir");
    let pki = net::make_pki(dir.path());
    let (_front, port) = net::https_front(dir.path(), &pki, double.addr().port());
    let url = format!("https://127.0.0.1:{port}/apirest.php");
    let token = requester_token();

    let ws = Workstation::new(None);
    ws.append_config(&format!(
        "[server]\nkind = \"glpi\"\nurl = \"{url}\"\nuser_token = \"{token}\"\n"
    ));
    fails_in_both(
        &ws,
        "tls",
        "doctor.tls.untrusted",
        &[net::CA_NAME, "does not trust", "tls.extra_ca"],
        &[net::CA_NAME, "ne reconnaît pas", "tls.extra_ca"],
    );
    let (report, _) = doctor(&ws, "en_US.UTF-8", &[]);
    for passed in ["config", "dns", "tcp"] {
        assert_eq!(step(&report, passed)["status"], "pass", "{report:#}");
    }
    assert_eq!(step(&report, "proxy")["status"], "skip", "no proxy: direct");
    // A report meets the same refusal: it waits in the outbox, nothing reaches the help desk.
    let out = ws.run(&[
        "report",
        "--subject",
        "Vidéoprojecteur",
        "--description",
        "Le vidéoprojecteur de la salle 12 ne s'allume plus.",
    ]);
    assert!(double.tickets().is_empty(), "{}", workstation::stderr(&out));

    // IT deploys its authority: every step passes, and the queued report goes.
    ws.append_config(&format!("[tls]\nextra_ca = \"{}\"\n", pki.ca.display()));
    let (report, code) = doctor(&ws, "en_US.UTF-8", &[]);
    assert_eq!(
        (report["ok"].as_bool(), code),
        (Some(true), Some(0)),
        "{report:#}"
    );
    let tls = step(&report, "tls");
    assert_eq!(tls["status"], "pass");
    assert!(
        tls["message"].as_str().unwrap().contains(net::CA_NAME),
        "{tls}"
    );
    assert_eq!(step(&report, "credentials")["status"], "pass");
    assert_eq!(
        step(&report, "rights")["status"],
        "warn",
        "a Self-Service account cannot read categories"
    );
    let out = ws.run(&["queue", "flush"]);
    assert!(out.status.success(), "{}", workstation::stderr(&out));
    assert_eq!(
        double.tickets().len(),
        1,
        "the report went through the HTTPS front"
    );
}

#[test]
fn a_real_proxy_carries_the_doctor_and_the_reports_and_no_proxy_is_honoured() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let dir = tempfile::tempdir().expect("tempdir");
    let pki = net::make_pki(dir.path());
    let (_front, port) = net::https_front(dir.path(), &pki, double.addr().port());
    let (_proxy, proxy_port, proxy_log) = net::tinyproxy(dir.path(), &[port]);
    let url = format!("https://127.0.0.1:{port}/apirest.php");
    let token = requester_token();
    let tls = format!("[tls]\nextra_ca = \"{}\"\n", pki.ca.display());

    // IT's proxy.url.
    let ws = Workstation::new(None);
    ws.append_config(&format!(
        "[server]\nkind = \"glpi\"\nurl = \"{url}\"\nuser_token = \"{token}\"\n{tls}[proxy]\nurl = \"http://127.0.0.1:{proxy_port}\"\n"
    ));
    let (report, code) = doctor(&ws, "en_US.UTF-8", &[]);
    assert_eq!(code, Some(0), "{report:#}");
    let proxy = step(&report, "proxy");
    assert_eq!(
        (proxy["status"].as_str(), proxy["key"].as_str()),
        (Some("pass"), Some("doctor.proxy.ok")),
        "{report:#}"
    );
    assert!(
        step(&report, "tcp")["message"]
            .as_str()
            .unwrap()
            .contains(&proxy_port.to_string()),
        "TCP is to the proxy"
    );
    let before = std::fs::read_to_string(&proxy_log)
        .unwrap_or_default()
        .matches("CONNECT")
        .count();
    let out = ws.run(&[
        "report",
        "--subject",
        "Imprimante",
        "--description",
        "L'imprimante du CDI affiche un bourrage papier.",
    ]);
    assert!(out.status.success(), "{}", workstation::stderr(&out));
    assert_eq!(double.tickets().len(), 1);
    let after = std::fs::read_to_string(&proxy_log)
        .unwrap_or_default()
        .matches("CONNECT")
        .count();
    assert!(
        after > before,
        "the report went through the proxy: {after} CONNECT after {before}"
    );

    // The environment's HTTPS_PROXY, with the server in NO_PROXY: direct.
    let ws = Workstation::new(None);
    ws.append_config(&format!(
        "[server]\nkind = \"glpi\"\nurl = \"{url}\"\nuser_token = \"{token}\"\n{tls}"
    ));
    let proxy_env = format!("http://127.0.0.1:{proxy_port}");
    let (report, _) = doctor(
        &ws,
        "en_US.UTF-8",
        &[
            ("HTTPS_PROXY", &proxy_env),
            ("NO_PROXY", "localhost,127.0.0.1"),
        ],
    );
    assert_eq!(
        step(&report, "proxy")["key"],
        "doctor.proxy.none",
        "{report:#}"
    );
    assert_eq!(report["ok"], true, "{report:#}");
    let (report, _) = doctor(&ws, "en_US.UTF-8", &[("HTTPS_PROXY", &proxy_env)]);
    assert_eq!(
        step(&report, "proxy")["key"],
        "doctor.proxy.ok",
        "without NO_PROXY the proxy is used: {report:#}"
    );

    // A proxy that refuses the way (tinyproxy allows CONNECT to the front's port only).
    let (_other_front, other_port) = net::https_front(dir.path(), &pki, double.addr().port());
    let ws = Workstation::new(None);
    ws.append_config(&format!(
        "[server]\nkind = \"glpi\"\nurl = \"https://127.0.0.1:{other_port}/apirest.php\"\nuser_token = \"{token}\"\n{tls}[proxy]\nurl = \"http://127.0.0.1:{proxy_port}\"\n"
    ));
    fails_in_both(
        &ws,
        "proxy",
        "doctor.proxy.refused",
        &["refuses", "proxy.no_proxy"],
        &["refuse", "proxy.no_proxy"],
    );

    // A proxy that is not there.
    let dead = net::free_port();
    let ws = Workstation::new(None);
    ws.append_config(&format!(
        "[server]\nkind = \"glpi\"\nurl = \"{url}\"\nuser_token = \"{token}\"\n{tls}[proxy]\nurl = \"http://127.0.0.1:{dead}\"\n"
    ));
    fails_in_both(
        &ws,
        "tcp",
        "doctor.tcp.proxy_failed",
        &["proxy.url", "does not answer"],
        &["proxy.url", "ne répond pas"],
    );
}

#[test]
fn a_certificate_for_another_name_an_expired_one_and_a_proxy_asking_for_a_password_are_said_as_such(
) {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let token = requester_token();

    // A certificate from a trusted authority, but made out to another server.
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let pki = net::make_pki_for(elsewhere.path(), "DNS:intranet.example");
    let (_front, port) = net::https_front(elsewhere.path(), &pki, double.addr().port());
    let ws = Workstation::new(None);
    ws.append_config(&behind_https(port, &token, &pki));
    fails_in_both(
        &ws,
        "tls",
        "doctor.tls.wrong_name",
        &["not made out to 127.0.0.1"],
        &["pas établi au nom de 127.0.0.1"],
    );

    // A certificate that has expired.
    let old = tempfile::tempdir().expect("tempdir");
    let pki = net::make_expired_pki(old.path());
    let (_front, port) = net::https_front(old.path(), &pki, double.addr().port());
    let ws = Workstation::new(None);
    ws.append_config(&behind_https(port, &token, &pki));
    fails_in_both(
        &ws,
        "tls",
        "doctor.tls.expired",
        &["has expired", "date and time"],
        &["a expiré", "la date et l'heure"],
    );

    // A proxy that asks for an account (tinyproxy's BasicAuth).
    let dir = tempfile::tempdir().expect("tempdir");
    let pki = net::make_pki(dir.path());
    let (_front, port) = net::https_front(dir.path(), &pki, double.addr().port());
    let password = "proxy-secret-71";
    let (_proxy, proxy_port, _) =
        net::tinyproxy_with(dir.path(), &[port], Some(("college", password)));
    let server = behind_https(port, &token, &pki);
    let ws = Workstation::new(None);
    ws.append_config(&format!(
        "{server}[proxy]\nurl = \"http://127.0.0.1:{proxy_port}\"\n"
    ));
    fails_in_both(
        &ws,
        "proxy",
        "doctor.proxy.auth",
        &["asks for a password", "proxy.url"],
        &["demande un mot de passe", "proxy.url"],
    );
    // With the account in proxy.url: every step passes, a report goes through, and the proxy's
    // password is in no output.
    let ws = Workstation::new(None);
    ws.append_config(&format!(
        "{server}[proxy]\nurl = \"http://college:{password}@127.0.0.1:{proxy_port}\"\n"
    ));
    let (report, code) = doctor(&ws, "en_US.UTF-8", &[]);
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(
        step(&report, "proxy")["key"],
        "doctor.proxy.ok",
        "{report:#}"
    );
    assert!(!report.to_string().contains(password), "{report:#}");
    let out = ws.run(&[
        "report",
        "--subject",
        "Tableau numérique",
        "--description",
        "Le tableau numérique de la salle 4 ne répond plus au stylet.",
    ]);
    assert!(out.status.success(), "{}", workstation::stderr(&out));
    assert_eq!(double.tickets().len(), 1);
    assert!(
        !workstation::stdout(&out).contains(password)
            && !workstation::stderr(&out).contains(password)
    );
}

#[test]
fn a_wrong_address_is_told_apart_from_a_wrong_name() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let base = double.base_url();
    let root = base.trim_end_matches("/apirest.php");

    let ws = Workstation::new(None);
    glpi(&ws, &format!("{root}/glpi/"), "");
    fails_in_both(
        &ws,
        "api",
        "doctor.api.not_glpi",
        &["not GLPI's API", "/apirest.php"],
        &["n'est pas l'API de GLPI", "/apirest.php"],
    );

    let ws = Workstation::new(None);
    glpi(&ws, "https://assistance.guichet.invalid/apirest.php", "");
    fails_in_both(
        &ws,
        "dns",
        "doctor.dns.failed",
        &["assistance.guichet.invalid", "cannot be found"],
        &["assistance.guichet.invalid", "introuvable"],
    );

    let ws = Workstation::new(None);
    glpi(
        &ws,
        &format!("http://127.0.0.1:{}/apirest.php", net::free_port()),
        "",
    );
    fails_in_both(
        &ws,
        "tcp",
        "doctor.tcp.failed",
        &["does not answer"],
        &["ne répond pas"],
    );
}

#[test]
fn the_api_turned_off_and_bad_credentials_each_have_their_message() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let base = double.base_url();

    let ws = Workstation::new(None);
    glpi(&ws, &base, "");
    double.set_api_enabled(false);
    fails_in_both(
        &ws,
        "api",
        "doctor.api.glpi_disabled",
        &["turned off", "Setup > General > API"],
        &["désactivée", "Configuration > Générale > API"],
    );
    double.set_api_enabled(true);

    let ws = Workstation::new(None);
    ws.append_config(&format!(
        "[server]\nkind = \"glpi\"\nurl = \"{base}\"\nuser_token = \"{}\"\n",
        "f".repeat(40)
    ));
    fails_in_both(
        &ws,
        "credentials",
        "doctor.credentials.token_refused",
        &["refuses the API token"],
        &["refuse le jeton"],
    );

    let user = guichet_glpi_double::UserSpec::default_requester();
    let ws = Workstation::new(None);
    ws.append_config(&format!(
        "[server]\nkind = \"glpi\"\nurl = \"{base}\"\nlogin = \"{}\"\npassword = \"not-the-password\"\n",
        user.login
    ));
    fails_in_both(
        &ws,
        "credentials",
        "doctor.credentials.password_refused",
        &["login or the password"],
        &["l'identifiant ou le mot de passe"],
    );

    let ws = Workstation::new(None);
    ws.append_config(&format!(
        "[server]\nkind = \"glpi\"\nurl = \"{base}\"\nlogin = \"{}\"\npassword = \"{}\"\n",
        user.login, user.password
    ));
    let (report, code) = doctor(&ws, "fr_FR.UTF-8", &[]);
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(
        step(&report, "tls")["status"],
        "warn",
        "http:// is said to be unencrypted"
    );
    assert!(step(&report, "credentials")["message"]
        .as_str()
        .unwrap()
        .contains(&user.login));
    assert!(
        double
            .requests()
            .iter()
            .any(|r| r.path.ends_with("killSession")),
        "the doctor leaves no session behind"
    );

    // Signed in nowhere: the doctor says how to sign in.
    let ws = Workstation::new(None);
    ws.append_config(&format!("[server]\nkind = \"glpi\"\nurl = \"{base}\"\n"));
    fails_in_both(
        &ws,
        "credentials",
        "doctor.credentials.missing",
        &["Settings"],
        &["Paramètres"],
    );
}

#[test]
fn no_help_desk_and_a_broken_file_are_explained_first() {
    let ws = Workstation::new(None);
    fails_in_both(
        &ws,
        "config",
        "doctor.config.no_server",
        &["kept on this computer"],
        &["restent sur cet ordinateur"],
    );

    ws.append_config("[poll]\ninterval_secs = \"five\"\n");
    let config = ws.config.display().to_string();
    let line = std::fs::read_to_string(&ws.config)
        .unwrap()
        .lines()
        .count()
        .to_string();
    fails_in_both(
        &ws,
        "config",
        "doctor.config.invalid",
        &[&config, &format!("line {line}"), "poll.interval_secs"],
        &[&config, &format!("ligne {line}"), "poll.interval_secs"],
    );
    // The CLI's other commands refuse to act on it (IT's scripts), naming the same place.
    let out = ws.run(&["queue", "list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        workstation::stderr(&out).contains("poll.interval_secs"),
        "{}",
        workstation::stderr(&out)
    );
}
