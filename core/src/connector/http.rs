//! What every HTTP connector shares: the client built from `[server]`'s shared settings, answers
//! read in pieces up to [`MAX_ANSWER_BYTES`], transport failures as "try again later", and a web
//! page where JSON was due recognised as something else answering in the help desk's place.

use super::ConnectorError;
use crate::net::HttpConfig;
use reqwest::{RequestBuilder, StatusCode};
use serde_json::Value;
use std::time::Duration;

/// The largest answer read from a help desk. Answers here are JSON lists of a few tickets,
/// followups or documents (no file is downloaded): a few hundred KiB at most.
pub const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;

/// The HTTP client for `http`: its timeouts, the authorities this computer and IT trust, the
/// proxy [`crate::net::proxy::proxy_for`] picks for each request, and a user agent that names
/// Guichet.
pub fn client(http: &HttpConfig) -> Result<reqwest::Client, ConnectorError> {
    let setup = |e: crate::net::NetError| ConnectorError::Protocol {
        detail: e.to_string(),
    };
    let tls = crate::net::tls::client_config(&http.net.tls).map_err(setup)?;
    let proxies = http.net.proxy.clone();
    let proxy = reqwest::Proxy::custom(move |url| {
        crate::net::proxy::proxy_for(&proxies, url).map(|choice| choice.url)
    });
    reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .proxy(proxy)
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
    /// The HTTP status.
    pub status: StatusCode,
    /// The whole body, at most [`MAX_ANSWER_BYTES`].
    pub body: Vec<u8>,
    /// When the server asked to be tried again (`Retry-After`, in seconds or as a date).
    pub retry_after: Option<Duration>,
}

/// The longest `Retry-After` taken into account: a server asking for more is asked again then.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

/// A `Retry-After` value: delta-seconds, or an HTTP date (`Wed, 21 Oct 2026 07:28:00 GMT`).
pub fn retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    let wait = match value.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => {
            let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
            let ms = at.timestamp_millis() - chrono::Utc::now().timestamp_millis();
            Duration::from_millis(u64::try_from(ms).unwrap_or(0))
        }
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

impl Answer {
    /// The body as JSON, whatever its encoding ([`text`]). A web page where JSON was due is a
    /// Wi-Fi login portal or a proxy answering in the help desk's place.
    pub fn json(&self) -> Result<Value, ConnectorError> {
        serde_json::from_str(&text(&self.body)).map_err(|e| {
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
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(retry_after);
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
    Ok(Answer {
        status,
        body,
        retry_after,
    })
}

/// An answer's body as text: UTF-8 when it is, else Latin-1, where every byte is a character.
/// Help desks and the pages answering in their place do not always encode as they declare (RT
/// 5.0 writes its French messages in Latin-1 under a UTF-8 content type), and no body should be
/// unreadable for its encoding.
pub fn text(body: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(body) {
        Ok(text) => text.into(),
        Err(_) => body
            .iter()
            .map(|&b| char::from(b))
            .collect::<String>()
            .into(),
    }
}

/// The start of an answer, for an error message (never the whole of a portal's page). A cut in
/// the middle of a UTF-8 character does not make the rest read as Latin-1.
pub fn snippet(body: &[u8]) -> String {
    let mut head = &body[..body.len().min(800)];
    if let Err(e) = std::str::from_utf8(head) {
        if e.error_len().is_none() && body.len() > head.len() {
            head = &head[..e.valid_up_to()];
        }
    }
    text(head).trim().chars().take(200).collect()
}

/// What an unsuccessful answer's body said, once the connector has read it as its help desk
/// writes errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorBody {
    /// The help desk's own error: its code (or `HTTP_<status>` when it has none) and message.
    Desk {
        /// The help desk's error code, or `HTTP_<status>`.
        code: String,
        /// The help desk's message.
        message: String,
    },
    /// Not the help desk's error format (a portal's or a proxy's page): the start of the body.
    Other {
        /// The start of the body ([`snippet`]).
        snippet: String,
    },
}

/// What an unsuccessful answer means, as every help desk has it: a 5xx is the server's trouble
/// (retried, after `retry_after` when it asked); a body that is not the help desk's own error is
/// something else answering in its place (retried too); a 401 in the help desk's words refuses
/// the credentials; any other status in its words refuses the request. A connector applies its
/// own exceptions first (GLPI's login codes, say) and hands the rest here.
pub fn status_error(status: u16, body: ErrorBody, retry_after: Option<Duration>) -> ConnectorError {
    match (status, body) {
        (500.., body) => {
            let (code, message) = match body {
                ErrorBody::Desk { code, message } => (code, message),
                ErrorBody::Other { snippet } => (format!("HTTP_{status}"), snippet),
            };
            ConnectorError::Server {
                status,
                code,
                message,
                retry_after_secs: retry_after.map(|w| w.as_secs()),
            }
        }
        (_, ErrorBody::Other { snippet }) => ConnectorError::NotHelpDesk {
            status,
            detail: snippet,
        },
        (401, ErrorBody::Desk { code, message }) => ConnectorError::Unauthorized { code, message },
        (_, ErrorBody::Desk { code, message }) => ConnectorError::Rejected {
            status,
            code,
            message,
        },
    }
}

/// Connection refused, reset, timeout, DNS, TLS or a body cut short: all "try again later". A
/// connection that could not be made is told apart: nothing was sent.
pub fn transport_error(e: reqwest::Error) -> ConnectorError {
    let connect = e.is_connect();
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        detail.push_str(": ");
        detail.push_str(&s.to_string());
        source = s.source();
    }
    if connect {
        ConnectorError::NotConnected { detail }
    } else {
        ConnectorError::Unreachable { detail }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_read_as_utf8_or_latin1_never_refused() {
        assert_eq!(text("Courrier ajouté".as_bytes()), "Courrier ajouté");
        assert_eq!(
            text(b"[\"Commentaires ajout\xe9s\"]"),
            "[\"Commentaires ajoutés\"]"
        );
        assert_eq!(text(b"ajout\xe9"), "ajouté", "Latin-1 to the last byte");
        // A snippet cut inside "é": the whole characters before it are kept.
        let long = format!("{}é", "a".repeat(799));
        assert_eq!(snippet(long.as_bytes()), "a".repeat(200));
        assert_eq!(snippet(b"  Acc\xe8s refus\xe9  "), "Accès refusé");
        let latin1 = Answer {
            status: StatusCode::CREATED,
            body: b"[\"Commentaires ajout\xe9s\"]".to_vec(),
            retry_after: None,
        };
        assert_eq!(
            latin1.json().expect("JSON whatever its encoding"),
            serde_json::json!(["Commentaires ajoutés"])
        );
        let long = "é".repeat(500);
        assert_eq!(snippet(long.as_bytes()).chars().count(), 200);
    }

    #[test]
    fn retry_after_reads_seconds_and_dates_and_is_bounded() {
        assert_eq!(retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(retry_after("99999999"), Some(MAX_RETRY_AFTER));
        let soon = chrono::Utc::now() + chrono::Duration::seconds(90);
        let wait = retry_after(&soon.to_rfc2822()).expect("a date");
        assert!((80..=91).contains(&wait.as_secs()), "{wait:?}");
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO),
            "past"
        );
        assert_eq!(retry_after("soon"), None);
    }
}
