//! What every HTTP connector shares: the client built from `[server]`'s shared settings, answers
//! read in pieces up to [`MAX_ANSWER_BYTES`], transport failures as "try again later", and a web
//! page where JSON was due recognised as something else answering in the help desk's place.

use super::ConnectorError;
use crate::config::HttpConfig;
use reqwest::{RequestBuilder, StatusCode};
use serde_json::Value;

/// The largest answer read from a help desk. Answers here are JSON lists of a few tickets,
/// followups or documents (no file is downloaded): a few hundred KiB at most.
pub const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;

/// The HTTP client for `http`: its timeouts, and a user agent that names Guichet.
pub fn client(http: &HttpConfig) -> Result<reqwest::Client, ConnectorError> {
    reqwest::Client::builder()
        .timeout(http.timeout())
        .connect_timeout(http.connect_timeout())
        .user_agent(concat!("Guichet/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ConnectorError::Protocol {
            detail: format!("HTTP client: {e}"),
        })
}

/// A raw answer: status and body, read completely.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as JSON. A web page where JSON was due is a Wi-Fi login portal or a proxy
    /// answering in the help desk's place.
    pub fn json(&self) -> Result<Value, ConnectorError> {
        serde_json::from_slice(&self.body).map_err(|e| {
            if self.body.trim_ascii_start().starts_with(b"<") {
                ConnectorError::NotHelpDesk {
                    status: self.status.as_u16(),
                    detail: snippet(&self.body),
                }
            } else {
                ConnectorError::Protocol {
                    detail: format!("invalid JSON: {e}"),
                }
            }
        })
    }
}

/// Sends `rb` and reads the answer in pieces up to a bound: a broken or hostile server (or a
/// portal streaming a page) must not be able to fill the agent's memory.
pub async fn send(rb: RequestBuilder) -> Result<Answer, ConnectorError> {
    let mut response = rb.send().await.map_err(transport_error)?;
    let status = response.status();
    let too_large = || ConnectorError::Protocol {
        detail: format!(
            "the answer is larger than {} MiB, far more than any answer Guichet asks for",
            MAX_ANSWER_BYTES / (1024 * 1024)
        ),
    };
    if response
        .content_length()
        .is_some_and(|n| n > MAX_ANSWER_BYTES as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer { status, body })
}

/// The start of an answer, for an error message (never the whole of a portal's page).
pub fn snippet(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[..body.len().min(200)])
        .trim()
        .to_owned()
}

/// Connection refused, reset, timeout, DNS, TLS or a body cut short: all "try again later".
pub fn transport_error(e: reqwest::Error) -> ConnectorError {
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        detail.push_str(": ");
        detail.push_str(&s.to_string());
        source = s.source();
    }
    ConnectorError::Unreachable { detail }
}
