//! The doctor's last three steps for GLPI, through the connector's own [`Endpoint`] (base URL,
//! App-Token): does the address answer as GLPI's API, and is the API enabled (`initSession`
//! without credentials must say they are missing); are the credentials accepted; may the account
//! create tickets (its active profile's `ticket` right, when GLPI shows it) and read categories.
//! The same first question tells whether a typed-in address is GLPI ([`probe`]).

use super::config::GlpiConfig;
use super::error::{GlpiCode, GlpiError};
use super::{Credentials, Endpoint};
use crate::connector::http::{self, Answer};
use crate::connector::ConnectorError;
use crate::diagnosis::Finding;
use crate::net::HttpConfig;
use guichet_protocol::doctor::{CheckStatus, DoctorStep};
use reqwest::{Method, RequestBuilder};
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

fn unreachable(step: DoctorStep, e: &ConnectorError) -> Finding {
    Finding::fail(step, "doctor.api.unreachable").detail(e.to_string())
}

/// GLPI's code and message, as a finding's detail.
fn coded(e: &GlpiError) -> String {
    format!("{}: {}", e.code.as_str(), e.message)
}

/// A session the doctor opened: its token and the account's active profile.
struct Opened {
    token: String,
    profile: Value,
}

pub(crate) async fn run(http_config: &HttpConfig, config: &GlpiConfig) -> Vec<Finding> {
    let endpoint = match Endpoint::new(http_config, config) {
        Ok(endpoint) => endpoint,
        Err(e) => return vec![unreachable(DoctorStep::Api, &e)],
    };
    let api = api(&endpoint).await;
    if api.status != CheckStatus::Pass {
        return vec![api];
    }
    let (signed_in, opened) = match sign_in(&endpoint, config).await {
        Ok(done) => done,
        Err(failed) => return vec![api, failed],
    };
    let rights = rights(&endpoint, &opened).await;
    // The doctor leaves no session behind.
    if let Err(e) = http::send(with_session(&endpoint, &opened, "killSession")).await {
        tracing::debug!("doctor: killSession: {e}");
    }
    vec![api, signed_in, rights]
}

/// Whether GLPI's API answers at `http`: `initSession` without credentials answers one of its
/// error arrays.
pub(crate) async fn probe(http_config: &HttpConfig) -> Result<bool, ConnectorError> {
    let endpoint = Endpoint::new(http_config, &GlpiConfig::default())?;
    let answer = http::send(endpoint.request(Method::GET, "initSession")).await?;
    Ok(error_of(&answer).is_some_and(|e| !matches!(e.code, GlpiCode::Other(_))))
}

/// 1. The API, asked without credentials: GLPI says that they are missing.
async fn api(endpoint: &Endpoint) -> Finding {
    let answer = match http::send(endpoint.request(Method::GET, "initSession")).await {
        Ok(answer) => answer,
        Err(e) => return unreachable(DoctorStep::Api, &e),
    };
    match error_of(&answer) {
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
            Finding::fail(DoctorStep::Api, "doctor.api.app_token").detail(coded(&e))
        }
        Some(e) if e.code == GlpiCode::NotAllowedIp => {
            Finding::fail(DoctorStep::Api, "doctor.api.ip_refused").detail(e.message)
        }
        Some(e) => Finding::fail(DoctorStep::Api, "doctor.api.unexpected")
            .arg("status", answer.status.as_u16())
            .detail(coded(&e)),
        None => not_api(&answer),
    }
}

/// 2. The credentials: a full session opened with them, or the step that failed.
async fn sign_in(endpoint: &Endpoint, config: &GlpiConfig) -> Result<(Finding, Opened), Finding> {
    let Some(credentials) = Credentials::from_config(config) else {
        return Err(Finding::fail(
            DoctorStep::Credentials,
            "doctor.credentials.missing",
        ));
    };
    let login = endpoint
        .request(Method::GET, "initSession")
        .query(&[("get_full_session", "true")])
        .header("Authorization", credentials.authorization());
    let answer = http::send(login)
        .await
        .map_err(|e| unreachable(DoctorStep::Credentials, &e))?;
    let mut session: Value = match (answer.status.is_success(), error_of(&answer)) {
        (true, _) => serde_json::from_slice(&answer.body).unwrap_or(Value::Null),
        (false, Some(e)) => {
            let key = match e.code {
                GlpiCode::LoginUserToken => "doctor.credentials.token_refused",
                GlpiCode::Login => "doctor.credentials.password_refused",
                GlpiCode::LoginWithCredentialsDisabled => "doctor.credentials.basic_disabled",
                _ => "doctor.credentials.refused",
            };
            return Err(Finding::fail(DoctorStep::Credentials, key).detail(coded(&e)));
        }
        (false, None) => return Err(not_api(&answer)),
    };
    let Some(token) = session["session_token"].as_str().filter(|t| !t.is_empty()) else {
        return Err(
            Finding::fail(DoctorStep::Credentials, "doctor.credentials.refused")
                .detail("initSession answered without session_token"),
        );
    };
    let user = session["session"]["glpiname"].as_str().unwrap_or("?");
    let passed = Finding::pass(DoctorStep::Credentials, "doctor.credentials.ok").arg("user", user);
    let opened = Opened {
        token: token.to_owned(),
        profile: session["session"]["glpiactiveprofile"].take(),
    };
    Ok((passed, opened))
}

fn with_session(endpoint: &Endpoint, opened: &Opened, path: &str) -> RequestBuilder {
    endpoint
        .request(Method::GET, path)
        .header("Session-Token", &opened.token)
}

/// 3. The rights: creating tickets (when the profile shows its rights), reading categories.
async fn rights(endpoint: &Endpoint, opened: &Opened) -> Finding {
    let profile = &opened.profile;
    let profile_name = profile["name"].as_str().unwrap_or("?").to_owned();
    let ticket_rights = profile["ticket"]
        .as_u64()
        .or_else(|| profile["ticket"].as_str().and_then(|s| s.parse().ok()));
    if ticket_rights.is_some_and(|bits| bits & CREATE == 0) {
        return Finding::fail(DoctorStep::Rights, "doctor.rights.no_create")
            .arg("profile", &profile_name);
    }
    let categories = with_session(endpoint, opened, "ITILCategory").query(&[("range", "0-0")]);
    let no_categories = || {
        Finding::new(
            DoctorStep::Rights,
            CheckStatus::Warn,
            "doctor.rights.no_categories",
        )
        .arg("profile", &profile_name)
    };
    match http::send(categories).await {
        Ok(answer) if answer.status.is_success() => {
            Finding::pass(DoctorStep::Rights, "doctor.rights.ok").arg("profile", &profile_name)
        }
        Ok(answer) if answer.status.as_u16() == 403 => no_categories(),
        Ok(answer) => no_categories().detail(format!(
            "HTTP {}: {}",
            answer.status.as_u16(),
            http::snippet(&answer.body)
        )),
        Err(e) => no_categories().detail(e.to_string()),
    }
}
