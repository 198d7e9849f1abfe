//! RT's REST2 exchange: the token header, JSON bodies, and what its answers mean. RT words its
//! errors as `{"message": "…"}`; it also answers some refusals with 200 and a list of messages
//! (`["Ticket 1: Permission Denied"]`), which are errors too.

use super::RtConnector;
use crate::connector::http::{self, snippet, Answer};
use crate::connector::ConnectorError;
use reqwest::{Method, RequestBuilder};
use serde_json::Value;

/// Words in RT's result messages that say an update did not happen (RT answers 200 anyway).
const REFUSALS: [&str; 7] = [
    "permission denied",
    "isn't a valid",
    "is not a valid",
    "couldn't",
    "could not",
    "failed",
    "no permission",
];

/// The `code` of errors read from RT's result messages.
const MESSAGE_CODE: &str = "RT_MESSAGE";

impl RtConnector {
    /// `path` under `/REST/2.0/`, authenticated.
    pub(super) fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}/REST/2.0/{path}", self.base))
            .header("Authorization", format!("token {}", self.config.token))
            .header("Accept", "application/json")
    }

    /// Sends `rb` and returns its JSON, or the error its status and body mean.
    pub(super) async fn call(&self, rb: RequestBuilder) -> Result<Value, ConnectorError> {
        let answer = http::send(rb).await?;
        if !answer.status.is_success() {
            return Err(error_of(&answer));
        }
        let value = answer.json()?;
        refusal_in_messages(answer.status.as_u16(), &value).map_or(Ok(value), Err)
    }

    /// `GET path` with `query`.
    pub(super) async fn get(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Value, ConnectorError> {
        self.call(self.request(Method::GET, path).query(query))
            .await
    }

    /// `method path` with a JSON body (RT answers 415 without the content type).
    pub(super) async fn send_json(
        &self,
        method: Method,
        path: &str,
        body: &Value,
    ) -> Result<Value, ConnectorError> {
        self.call(self.request(method, path).json(body)).await
    }
}

/// What an unsuccessful answer means. RT's own errors carry `{"message": …}`; anything else at a
/// 4xx (a portal's or a proxy's page) is something other than the help desk, retried later.
pub(crate) fn error_of(answer: &Answer) -> ConnectorError {
    let status = answer.status.as_u16();
    let message = serde_json::from_slice::<Value>(&answer.body)
        .ok()
        .and_then(|v| v.get("message")?.as_str().map(str::to_owned));
    let code = format!("HTTP_{status}");
    match (status, message) {
        (500.., message) => ConnectorError::Server {
            status,
            code,
            message: message.unwrap_or_else(|| snippet(&answer.body)),
            retry_after_secs: answer.retry_after.map(|w| w.as_secs()),
        },
        (401, Some(message)) => ConnectorError::Unauthorized { code, message },
        (_, Some(message)) => ConnectorError::Rejected {
            status,
            code,
            message,
        },
        (_, None) => ConnectorError::NotHelpDesk {
            status,
            detail: snippet(&answer.body),
        },
    }
}

/// A list of result messages of which one says the change was refused.
pub(crate) fn refusal_in_messages(status: u16, value: &Value) -> Option<ConnectorError> {
    let refused = value
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .find(|m| {
            let m = m.to_lowercase();
            REFUSALS.iter().any(|r| m.contains(r))
        })?;
    let status = if refused.to_lowercase().contains("permission") {
        403
    } else {
        status
    };
    Some(ConnectorError::Rejected {
        status,
        code: MESSAGE_CODE.to_owned(),
        message: refused.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn refusals_hidden_in_a_200_are_errors() {
        let e = refusal_in_messages(200, &json!(["Ticket 2: Permission Denied"])).expect("refused");
        assert!(
            matches!(e, ConnectorError::Rejected { status: 403, .. }),
            "{e:?}"
        );
        assert!(!e.is_transient());
        let e = refusal_in_messages(
            200,
            &json!(["'done' isn't a valid status for this ticket."]),
        );
        assert!(matches!(
            e,
            Some(ConnectorError::Rejected { status: 200, .. })
        ));
        for fine in [
            json!(["Correspondence added"]),
            json!([
                "Satisfaction 4 added",
                "Status changed from 'open' to 'resolved'"
            ]),
            json!([]),
            json!({"id": "3", "type": "ticket"}),
        ] {
            assert_eq!(refusal_in_messages(200, &fine), None, "{fine}");
        }
    }

    #[test]
    fn statuses_map_to_typed_errors() {
        let answer = |status: u16, body: &str| Answer {
            status: reqwest::StatusCode::from_u16(status).expect("status"),
            body: body.as_bytes().to_vec(),
            retry_after: None,
        };
        let e = error_of(&answer(401, r#"{"message":"Unauthorized"}"#));
        assert!(matches!(e, ConnectorError::Unauthorized { .. }) && !e.is_transient());
        let e = error_of(&answer(404, r#"{"message":"Not Found"}"#));
        assert!(matches!(e, ConnectorError::Rejected { status: 404, .. }));
        let e = error_of(&answer(500, ""));
        assert!(matches!(e, ConnectorError::Server { status: 500, .. }) && e.is_transient());
        let e = error_of(&answer(403, "<html>Accès refusé</html>"));
        assert!(matches!(e, ConnectorError::NotHelpDesk { status: 403, .. }) && e.is_transient());
    }
}
