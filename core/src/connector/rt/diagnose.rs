//! The doctor's last three steps for Request Tracker, through the connector's own [`Rest`]: REST2
//! answers at the address (`GET /REST/2.0/rt` says 401 before any token), the token is accepted
//! (the same call answers the version), and the queue exists (RT answers 404 for one that does
//! not; a 403, a queue this account may not look at, is only a warning: requesters often may
//! create tickets there anyway). The first question also tells whether a typed-in address is RT
//! ([`probe`]).

use super::config::RtConfig;
use super::Rest;
use crate::connector::http::{self, Answer};
use crate::connector::ConnectorError;
use crate::diagnosis::Finding;
use crate::net::HttpConfig;
use guichet_protocol::doctor::{CheckStatus, DoctorStep};
use reqwest::Method;

fn unreachable(step: DoctorStep, e: &ConnectorError) -> Finding {
    Finding::fail(step, "doctor.api.unreachable").detail(e.to_string())
}

/// The status and start of an answer, as a finding's detail.
fn answered(answer: &Answer) -> String {
    format!(
        "HTTP {}: {}",
        answer.status.as_u16(),
        http::snippet(&answer.body)
    )
}

/// REST2's own answer to `GET rt`: 401 before a token, the version after, JSON either way.
fn is_rest2(answer: &Answer) -> bool {
    let json = answer.json().is_ok();
    json && (answer.status.as_u16() == 401 || answer.status.is_success())
}

pub(crate) async fn run(http_config: &HttpConfig, config: &RtConfig) -> Vec<Finding> {
    let rest = match Rest::new(http_config) {
        Ok(rest) => rest,
        Err(e) => return vec![unreachable(DoctorStep::Api, &e)],
    };
    let api = match http::send(rest.anonymous(Method::GET, "rt")).await {
        Ok(answer) if is_rest2(&answer) => Finding::pass(DoctorStep::Api, "doctor.api.ok"),
        Ok(answer) => {
            return vec![Finding::fail(DoctorStep::Api, "doctor.api.not_rt")
                .arg("status", answer.status.as_u16())
                .detail(http::snippet(&answer.body))]
        }
        Err(e) => return vec![unreachable(DoctorStep::Api, &e)],
    };
    let token = credentials(&rest, config).await;
    if token.status == CheckStatus::Fail {
        return vec![api, token];
    }
    vec![api, token, queue(&rest, config).await]
}

/// Whether RT's REST2 answers at `http`.
pub(crate) async fn probe(http_config: &HttpConfig) -> Result<bool, ConnectorError> {
    let rest = Rest::new(http_config)?;
    Ok(is_rest2(
        &http::send(rest.anonymous(Method::GET, "rt")).await?,
    ))
}

/// 2. The token: the same question, asked with it, is answered.
async fn credentials(rest: &Rest, config: &RtConfig) -> Finding {
    if config.token.trim().is_empty() {
        return Finding::fail(DoctorStep::Credentials, "doctor.credentials.missing");
    }
    match http::send(rest.request(Method::GET, "rt", &config.token)).await {
        Ok(answer) if answer.status.is_success() => {
            Finding::pass(DoctorStep::Credentials, "doctor.credentials.ok")
                .arg("user", config.requestor.trim())
        }
        Ok(answer) => Finding::fail(DoctorStep::Credentials, "doctor.credentials.token_refused")
            .detail(answered(&answer)),
        Err(e) => unreachable(DoctorStep::Credentials, &e),
    }
}

/// 3. The queue new tickets go to.
async fn queue(rest: &Rest, config: &RtConfig) -> Finding {
    let queue = config.queue.trim();
    let path = format!("queue/{}", queue_path(queue));
    match http::send(rest.request(Method::GET, &path, &config.token)).await {
        Ok(answer) if answer.status.is_success() => {
            Finding::pass(DoctorStep::Rights, "doctor.rights.queue_ok").arg("queue", queue)
        }
        // A requester may create tickets in a queue without the right to look at it
        // (`SeeQueue`): RT says 403, which is no reason to stop.
        Ok(answer) if answer.status.as_u16() == 403 => Finding::new(
            DoctorStep::Rights,
            CheckStatus::Warn,
            "doctor.rights.queue_hidden",
        )
        .arg("queue", queue)
        .detail(format!("HTTP 403: {}", http::snippet(&answer.body))),
        Ok(answer) => Finding::fail(DoctorStep::Rights, "doctor.rights.queue")
            .arg("queue", queue)
            .detail(answered(&answer)),
        Err(e) => unreachable(DoctorStep::Rights, &e),
    }
}

/// A queue's name as one path segment.
fn queue_path(queue: &str) -> String {
    queue
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
