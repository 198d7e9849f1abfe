//! `guichet doctor`, `guichet signin` and `guichet signout`: the connection checked step by step,
//! and the account whose secret the OS keyring keeps.

use super::backend::Backend;
use crate::exit::{EXIT_FAILURE, EXIT_INVALID, EXIT_OK};
use guichet_core::i18n::t;
use guichet_core::protocol::doctor::{CheckStatus, DoctorReport, DoctorStep};
use guichet_core::protocol::ipc::{ask, Secret, SignInInput};
use guichet_core::protocol::view::SettingsView;
use guichet_core::protocol::ErrorInfo;
use guichet_core::Lang;
use std::io::BufRead;

/// Prints the diagnosis; exits 0 when every step passed (warnings allowed), 1 otherwise.
pub(super) async fn doctor(
    backend: &mut Backend,
    lang: Lang,
    as_json: bool,
) -> Result<u8, ErrorInfo> {
    let report = backend.ask(ask::Doctor {}).await?;
    if as_json {
        super::commands::print_json(&serde_json::json!(report));
    } else {
        print_report(lang, &report);
    }
    Ok(if report.ok { EXIT_OK } else { EXIT_FAILURE })
}

fn step_name(lang: Lang, step: DoctorStep) -> String {
    let key = match step {
        DoctorStep::Config => "doctor.step.config",
        DoctorStep::Dns => "doctor.step.dns",
        DoctorStep::Tcp => "doctor.step.tcp",
        DoctorStep::Proxy => "doctor.step.proxy",
        DoctorStep::Tls => "doctor.step.tls",
        DoctorStep::Api => "doctor.step.api",
        DoctorStep::Credentials => "doctor.step.credentials",
        DoctorStep::Rights => "doctor.step.rights",
        DoctorStep::WebView2 => "doctor.step.webview2",
        DoctorStep::Display => "doctor.step.display",
    };
    t(lang, key, &[])
}

fn print_report(lang: Lang, report: &DoctorReport) {
    for check in &report.steps {
        let mark = match check.status {
            CheckStatus::Pass => "[ok]  ",
            CheckStatus::Warn => "[!]   ",
            CheckStatus::Fail => "[FAIL]",
            CheckStatus::Skip => "[-]   ",
        };
        println!("{mark} {}: {}", step_name(lang, check.step), check.message);
        if let Some(detail) = &check.detail {
            println!("         {detail}");
        }
    }
}

/// Reads one line from standard input (a password or token is never taken on the command line,
/// where other users of the computer could read it).
fn read_secret() -> Option<Secret> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).ok()?;
    let line = line.trim_end_matches(['\r', '\n']).to_owned();
    (!line.is_empty()).then_some(Secret(line))
}

/// Signs in: `--login L --password-stdin`, or `--token-stdin`; `--url` when IT set no help desk.
pub(super) async fn sign_in(
    backend: &mut Backend,
    lang: Lang,
    args: super::SignInArgs,
) -> Result<u8, ErrorInfo> {
    if args.password_stdin == args.token_stdin {
        eprintln!("{}", t(lang, "signin.no_credentials", &[]));
        return Ok(EXIT_INVALID);
    }
    let secret = read_secret();
    let sign_in = SignInInput {
        url: args.url,
        login: args.login,
        password: if args.password_stdin {
            secret.clone()
        } else {
            None
        },
        token: if args.token_stdin { secret } else { None },
    };
    let view = backend.ask(ask::SignIn { sign_in }).await?;
    print_account(lang, &view);
    Ok(EXIT_OK)
}

pub(super) async fn sign_out(backend: &mut Backend, lang: Lang) -> Result<u8, ErrorInfo> {
    let view = backend.ask(ask::SignOut {}).await?;
    print_account(lang, &view);
    Ok(EXIT_OK)
}

fn print_account(lang: Lang, view: &SettingsView) {
    let text = match &view.account {
        Some(account) => match &account.login {
            Some(login) => t(lang, "signin.as", &[("login", login)]),
            None => t(lang, "signin.with_token", &[]),
        },
        None => t(lang, "signin.signed_out", &[]),
    };
    println!("{text}");
}
