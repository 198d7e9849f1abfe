//! The doctor's last three steps for GLPI: does the address answer as GLPI's API, and is the API
//! enabled (`initSession` without credentials must say they are missing); are the credentials
//! accepted; may the account create tickets (its active profile's `ticket` right, when GLPI
//! shows it) and read categories.

use super::config::GlpiConfig;
use super::error::{GlpiCode, GlpiError};
use super::Credentials;
use crate::net::HttpConfig;
use crate::connector::http::{self, Answer};
use crate::diagnosis::Finding;
use guichet_protocol::doctor::{CheckStatus, DoctorStep};
use serde_json::Value;

/// GLPI's `CREATE` right bit (`CommonDBTM::CREATE`), in a profile's `ticket` rights.
const CREATE: u64 = 4;

/// GLPI's error array, `None` when the answer is not one (something else answered).
fn error_of(answer: &Answer) -> Option<GlpiError> {
    let error = GlpiError::from_answer(answer.status.as_u16(), &answer.body);
    error.is_glpi().then_some(error)
}

fn not_api(answer: &Answer) -> Finding {
    Finding::fail(DoctorStep::Api, "doctor.api.not_glpi")
        .arg("status", answer.status.as_u16())
        .detail(http::snippet(&answer.body))
}

pub(crate) async fn run(http_config: &HttpConfig, config: &GlpiConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    let client = match http::client(http_config) {
        Ok(client) => client,
        Err(e) => {
            return vec![
                Finding::fail(DoctorStep::Api, "doctor.api.unreachable").detail(e.to_string())
            ]
        }
    };
    let base = http_config.url.trim().trim_end_matches('/').to_owned();
    let init = || {
        let rb = client.get(format!("{base}/initSession"));
        match config.app_token.as_deref().filter(|t| !t.is_empty()) {
            Some(app) => rb.header("App-Token", app),
            None => rb,
        }
    };

    // 1. The API, asked without credentials.
    let answer = match http::send(init()).await {
        Ok(answer) => answer,
        Err(e) => {
            return vec![
                Finding::fail(DoctorStep::Api, "doctor.api.unreachable").detail(e.to_string())
            ]
        }
    };
    let api = match error_of(&answer) {
        Some(e) if e.code == GlpiCode::LoginParametersMissing => {
            Finding::pass(DoctorStep::Api, "doctor.api.ok")
        }
        Some(e) if e.code == GlpiCode::Generic && e.message.contains("API disabled") => {
            Finding::fail(DoctorStep::Api, "doctor.api.glpi_disabled").detail(e.message)
        }
        Some(e)
            if matches!(
                e.code,
                GlpiCode::AppTokenParametersMissing | GlpiCode::WrongAppTokenParameter
            ) =>
        {
            Finding::fail(DoctorStep::Api, "doctor.api.app_token").detail(format!(
                "{}: {}",
                e.code.as_str(),
                e.message
            ))
        }
        Some(e) if e.code == GlpiCode::NotAllowedIp => {
            Finding::fail(DoctorStep::Api, "doctor.api.ip_refused").detail(e.message)
        }
        Some(e) => Finding::fail(DoctorStep::Api, "doctor.api.unexpected")
            .arg("status", answer.status.as_u16())
            .detail(format!("{}: {}", e.code.as_str(), e.message)),
        None => not_api(&answer),
    };
    let api_ok = api.status == CheckStatus::Pass;
    findings.push(api);
    if !api_ok {
        return findings;
    }

    // 2. The credentials.
    let Some(credentials) = Credentials::from_config(config) else {
        findings.push(Finding::fail(
            DoctorStep::Credentials,
            "doctor.credentials.missing",
        ));
        return findings;
    };
    let login = init()
        .query(&[("get_full_session", "true")])
        .header("Authorization", credentials.authorization());
    let answer = match http::send(login).await {
        Ok(answer) => answer,
        Err(e) => {
            findings.push(
                Finding::fail(DoctorStep::Credentials, "doctor.api.unreachable")
                    .detail(e.to_string()),
            );
            return findings;
        }
    };
    let session: Value = match (answer.status.is_success(), error_of(&answer)) {
        (true, _) => serde_json::from_slice(&answer.body).unwrap_or(Value::Null),
        (false, Some(e)) => {
            let key = match e.code {
                GlpiCode::LoginUserToken => "doctor.credentials.token_refused",
                GlpiCode::Login => "doctor.credentials.password_refused",
                GlpiCode::LoginWithCredentialsDisabled => "doctor.credentials.basic_disabled",
                _ => "doctor.credentials.refused",
            };
            findings.push(Finding::fail(DoctorStep::Credentials, key).detail(format!(
                "{}: {}",
                e.code.as_str(),
                e.message
            )));
            return findings;
        }
        (false, None) => {
            findings.push(not_api(&answer));
            return findings;
        }
    };
    let Some(token) = session["session_token"].as_str().filter(|t| !t.is_empty()) else {
        findings.push(
            Finding::fail(DoctorStep::Credentials, "doctor.credentials.refused")
                .detail("initSession answered without session_token"),
        );
        return findings;
    };
    let user = session["session"]["glpiname"]
        .as_str()
        .unwrap_or("?")
        .to_owned();
    findings
        .push(Finding::pass(DoctorStep::Credentials, "doctor.credentials.ok").arg("user", &user));

    // 3. The rights: creating tickets (when the profile shows its rights), reading categories.
    let profile = &session["session"]["glpiactiveprofile"];
    let profile_name = profile["name"].as_str().unwrap_or("?").to_owned();
    let with_session = |path: &str| {
        let rb = client
            .get(format!("{base}/{path}"))
            .header("Session-Token", token);
        match config.app_token.as_deref().filter(|t| !t.is_empty()) {
            Some(app) => rb.header("App-Token", app),
            None => rb,
        }
    };
    let ticket_rights = profile["ticket"]
        .as_u64()
        .or_else(|| profile["ticket"].as_str().and_then(|s| s.parse().ok()));
    if ticket_rights.is_some_and(|bits| bits & CREATE == 0) {
        findings.push(
            Finding::fail(DoctorStep::Rights, "doctor.rights.no_create")
                .arg("profile", &profile_name),
        );
    } else {
        let categories = http::send(with_session("ITILCategory").query(&[("range", "0-0")])).await;
        let finding = match categories {
            Ok(answer) if answer.status.is_success() => {
                Finding::pass(DoctorStep::Rights, "doctor.rights.ok").arg("profile", &profile_name)
            }
            Ok(answer) if answer.status.as_u16() == 403 => Finding::new(
                DoctorStep::Rights,
                CheckStatus::Warn,
                "doctor.rights.no_categories",
            )
            .arg("profile", &profile_name),
            Ok(answer) => Finding::new(
                DoctorStep::Rights,
                CheckStatus::Warn,
                "doctor.rights.no_categories",
            )
            .arg("profile", &profile_name)
            .detail(format!(
                "HTTP {}: {}",
                answer.status.as_u16(),
                http::snippet(&answer.body)
            )),
            Err(e) => Finding::new(
                DoctorStep::Rights,
                CheckStatus::Warn,
                "doctor.rights.no_categories",
            )
            .arg("profile", &profile_name)
            .detail(e.to_string()),
        };
        findings.push(finding);
    }
    // The doctor leaves no session behind.
    if let Err(e) = http::send(with_session("killSession")).await {
        tracing::debug!("doctor: killSession: {e}");
    }
    findings
}
