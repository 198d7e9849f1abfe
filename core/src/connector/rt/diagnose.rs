//! The doctor's last three steps for Request Tracker: REST2 answers at the address (`GET
//! /REST/2.0/rt` says 401 before any token), the token is accepted (the same call answers the
//! version), and the queue exists (RT answers 404 for one that does not; a 403, a queue this
//! account may not look at, is only a warning: requesters often may create tickets there anyway).

use super::config::RtConfig;
use crate::net::HttpConfig;
use crate::connector::http;
use crate::diagnosis::Finding;
use guichet_protocol::doctor::DoctorStep;

pub(crate) async fn run(http_config: &HttpConfig, config: &RtConfig) -> Vec<Finding> {
    let client = match http::client(http_config) {
        Ok(client) => client,
        Err(e) => {
            return vec![
                Finding::fail(DoctorStep::Api, "doctor.api.unreachable").detail(e.to_string())
            ]
        }
    };
    let rest = format!("{}/REST/2.0", super::server_base(&http_config.url));
    let mut findings = Vec::new();

    let answer = match http::send(client.get(format!("{rest}/rt"))).await {
        Ok(answer) => answer,
        Err(e) => {
            return vec![
                Finding::fail(DoctorStep::Api, "doctor.api.unreachable").detail(e.to_string())
            ]
        }
    };
    let json = super::rest::json_of(&answer.body);
    if answer.status.as_u16() == 401 && json.is_some()
        || answer.status.is_success() && json.is_some()
    {
        findings.push(Finding::pass(DoctorStep::Api, "doctor.api.ok"));
    } else {
        findings.push(
            Finding::fail(DoctorStep::Api, "doctor.api.not_rt")
                .arg("status", answer.status.as_u16())
                .detail(http::snippet(&answer.body)),
        );
        return findings;
    }

    if config.token.trim().is_empty() {
        findings.push(Finding::fail(
            DoctorStep::Credentials,
            "doctor.credentials.missing",
        ));
        return findings;
    }
    let authorized = |path: String| {
        client
            .get(path)
            .header("Authorization", format!("token {}", config.token))
    };
    match http::send(authorized(format!("{rest}/rt"))).await {
        Ok(answer) if answer.status.is_success() => findings.push(
            Finding::pass(DoctorStep::Credentials, "doctor.credentials.ok")
                .arg("user", config.requestor.trim()),
        ),
        Ok(answer) => {
            findings.push(
                Finding::fail(DoctorStep::Credentials, "doctor.credentials.token_refused").detail(
                    format!(
                        "HTTP {}: {}",
                        answer.status.as_u16(),
                        http::snippet(&answer.body)
                    ),
                ),
            );
            return findings;
        }
        Err(e) => {
            findings.push(
                Finding::fail(DoctorStep::Credentials, "doctor.api.unreachable")
                    .detail(e.to_string()),
            );
            return findings;
        }
    }

    let queue = config.queue.trim();
    let finding = match http::send(authorized(format!("{rest}/queue/{}", queue_path(queue)))).await
    {
        Ok(answer) if answer.status.is_success() => {
            Finding::pass(DoctorStep::Rights, "doctor.rights.queue_ok").arg("queue", queue)
        }
        // A requester may create tickets in a queue without the right to look at it
        // (`SeeQueue`): RT says 403, which is no reason to stop.
        Ok(answer) if answer.status.as_u16() == 403 => Finding::new(
            DoctorStep::Rights,
            guichet_protocol::doctor::CheckStatus::Warn,
            "doctor.rights.queue_hidden",
        )
        .arg("queue", queue)
        .detail(format!("HTTP 403: {}", http::snippet(&answer.body))),
        Ok(answer) => Finding::fail(DoctorStep::Rights, "doctor.rights.queue")
            .arg("queue", queue)
            .detail(format!(
                "HTTP {}: {}",
                answer.status.as_u16(),
                http::snippet(&answer.body)
            )),
        Err(e) => Finding::fail(DoctorStep::Rights, "doctor.api.unreachable").detail(e.to_string()),
    };
    findings.push(finding);
    findings
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
