//! RT's REST2 exchange: the token header, JSON bodies, and what its answers mean. RT words its
//! errors as `{"message": "…"}`; it also answers some refusals with 200 and a list of messages
//! (`["Ticket 1: Permission Denied"]`), which are errors too.
//!
//! Those messages are in the requester's language, and RT 5.0 writes them without encoding
//! them: in French, a comment is answered `["Commentaires ajout\xe9s"]`, Latin-1 under a UTF-8
//! content type. So a body is read as UTF-8 when it is, else as Latin-1 ([`http::text`], which
//! [`Answer::json`] uses), never refused for its encoding; and an update's success is read from
//! its status, not its wording ([`RtConnector::act`]); where a change must have happened, the
//! ticket is read back.

use super::RtConnector;
use crate::connector::http::{self, snippet, Answer, ErrorBody};
use crate::connector::ConnectorError;
use reqwest::{Method, RequestBuilder};
use serde_json::Value;

/// Words in RT's result messages that say an update did not happen (RT answers 200 anyway), in
/// the languages Guichet speaks, lower case. The French ones are RT 5.0's own translations
/// (`po/fr.po`): "Accès refusé", "permission refusée", "n’est pas valide", "Impossible de …",
/// "Échec de …", "n’a pas pu être …", "Vous n’êtes pas autorisé …". Both apostrophes are listed.
const REFUSALS: [&str; 19] = [
    "permission denied",
    "isn't a valid",
    "is not a valid",
    "couldn't",
    "could not",
    "failed",
    "no permission",
    "refusé",
    "non autorisé",
    "pas autorisé",
    "n’est pas",
    "n'est pas",
    "n’es pas",
    "impossible",
    "échec",
    "n’a pas pu",
    "n'a pas pu",
    "ne peut",
    "pas de permission",
];

/// The `code` of errors read from RT's result messages.
const MESSAGE_CODE: &str = "RT_MESSAGE";

impl RtConnector {
    /// `path` under `/REST/2.0/`, authenticated.
    pub(super) fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.rest.request(method, path, &self.config.token)
    }

    /// Sends `rb` and returns its JSON, or the error its status and body mean. For reads and
    /// creations, whose answer Guichet needs.
    pub(super) async fn call(&self, rb: RequestBuilder) -> Result<Value, ConnectorError> {
        let answer = http::send(rb).await?;
        if !answer.status.is_success() {
            return Err(error_of(&answer));
        }
        let value = answer.json()?;
        refusal_in_messages(answer.status.as_u16(), &value).map_or(Ok(value), Err)
    }

    /// `method path` with a JSON body, for an update (a comment, a correspondence, a field): a
    /// 2xx answer is a success whatever its body's encoding or wording, unless its messages say
    /// a refusal (in English or French) or it is a web page (a portal answering in RT's place).
    pub(super) async fn act(
        &self,
        method: Method,
        path: &str,
        body: &Value,
    ) -> Result<(), ConnectorError> {
        let answer = http::send(self.request(method, path).json(body)).await?;
        if !answer.status.is_success() {
            return Err(error_of(&answer));
        }
        match answer.json() {
            Ok(value) => refusal_in_messages(answer.status.as_u16(), &value).map_or(Ok(()), Err),
            // A web page: a portal answered in RT's place, nothing was done.
            Err(e @ ConnectorError::NotHelpDesk { .. }) => Err(e),
            Err(_) => {
                tracing::debug!(
                    "RT answered {path} with HTTP {} and a body that is not JSON: taken as done",
                    answer.status
                );
                Ok(())
            }
        }
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

    /// `method path` with a JSON body (RT answers 415 without the content type), when its answer
    /// is needed.
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
    let message = answer
        .json()
        .ok()
        .and_then(|v| v.get("message")?.as_str().map(str::to_owned));
    let body = match message {
        Some(message) => ErrorBody::Desk {
            code: format!("HTTP_{status}"),
            message,
        },
        None => ErrorBody::Other {
            snippet: snippet(&answer.body),
        },
    };
    http::status_error(status, body, answer.retry_after)
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
    let lower = refused.to_lowercase();
    let status = if ["permission", "accès refusé", "autorisé"]
        .iter()
        .any(|w| lower.contains(w))
    {
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
        // RT 5.0's French words for the same refusals (po/fr.po), as it sends them.
        for refused in [
            "Ticket 1 :  Accès refusé",
            "Ticket 1 :  Le statut « done » n’est pas valide pour ce ticket.",
            "Impossible de changer Accepted : permission refusée",
            "Vous n’êtes pas autorisé à créer un ticket dans cette file « General »",
        ] {
            assert!(
                refusal_in_messages(200, &json!([refused])).is_some(),
                "{refused}"
            );
        }
        assert!(matches!(
            refusal_in_messages(200, &json!(["Ticket 1 :  Accès refusé"])),
            Some(ConnectorError::Rejected { status: 403, .. })
        ));
        for fine in [
            json!(["Commentaires ajoutés", "Accepted accepted ajouté"]),
            json!(["Courrier ajouté"]),
            json!([
                "Satisfaction 4 changé en 5",
                "Statut changé de « resolved » à « open »"
            ]),
            json!(["1 n’est plus une valeur pour le champs personnalisé Accepted"]),
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
