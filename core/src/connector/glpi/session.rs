//! GLPI sessions and the raw exchange: `initSession` with a user token or login/password (plus
//! the optional App-Token), and one re-login when GLPI says `ERROR_SESSION_TOKEN_INVALID`.

use super::error::{GlpiCode, GlpiError};
use super::GlpiConnector;
use crate::connector::http::{self, Answer};
use crate::connector::ConnectorError;
use reqwest::{Method, RequestBuilder, StatusCode};

#[derive(Debug, Clone)]
pub(super) struct Session {
    pub(super) token: String,
    pub(super) user_id: u64,
}

/// GLPI's reading of an answer: success, or its error array typed.
trait GlpiAnswer: Sized {
    fn into_result(self) -> Result<Self, ConnectorError>;
    fn is_session_invalid(&self) -> bool;
}

impl GlpiAnswer for Answer {
    fn into_result(self) -> Result<Answer, ConnectorError> {
        if self.status.is_success() {
            Ok(self)
        } else {
            let error: ConnectorError =
                GlpiError::from_answer(self.status.as_u16(), &self.body).into();
            Err(error.with_retry_after(self.retry_after))
        }
    }

    fn is_session_invalid(&self) -> bool {
        self.status == StatusCode::UNAUTHORIZED
            && GlpiError::from_answer(401, &self.body).code == GlpiCode::SessionTokenInvalid
    }
}

impl GlpiConnector {
    pub(super) async fn send(&self, rb: RequestBuilder) -> Result<Answer, ConnectorError> {
        http::send(rb).await
    }

    async fn open_session(&self) -> Result<Session, ConnectorError> {
        let rb = self
            .request(Method::GET, "initSession")
            .query(&[("get_full_session", "true")]);
        let rb = rb.header("Authorization", self.credentials.authorization());
        let value = self.send(rb).await?.into_result()?.json()?;
        let token = value["session_token"].as_str().filter(|t| !t.is_empty());
        let user_id = value["session"]["glpiID"]
            .as_u64()
            .or_else(|| value["session"]["glpiID"].as_str()?.parse().ok());
        match (token, user_id) {
            (Some(token), Some(user_id)) => Ok(Session {
                token: token.to_owned(),
                user_id,
            }),
            _ => Err(ConnectorError::Protocol {
                detail: "initSession answered without session_token or glpiID".into(),
            }),
        }
    }

    pub(super) async fn session(&self) -> Result<Session, ConnectorError> {
        let mut guard = self.session.lock().await;
        if let Some(s) = guard.as_ref() {
            return Ok(s.clone());
        }
        let s = self.open_session().await?;
        *guard = Some(s.clone());
        Ok(s)
    }

    /// Sends an authenticated request built by `build`. On `ERROR_SESSION_TOKEN_INVALID` the
    /// session is re-opened and the request sent again, once.
    pub(super) async fn call<F>(&self, build: F) -> Result<Answer, ConnectorError>
    where
        F: Fn(&Session) -> RequestBuilder,
    {
        let session = self.session().await?;
        let answer = self
            .send(build(&session).header("Session-Token", &session.token))
            .await?;
        if !answer.is_session_invalid() {
            return answer.into_result();
        }
        let fresh = {
            let mut guard = self.session.lock().await;
            // Another task may have re-opened it meanwhile.
            match guard.as_ref() {
                Some(s) if s.token != session.token => s.clone(),
                _ => {
                    let s = self.open_session().await?;
                    *guard = Some(s.clone());
                    s
                }
            }
        };
        let answer = self
            .send(build(&fresh).header("Session-Token", &fresh.token))
            .await?;
        if answer.is_session_invalid() {
            // A session refused right after it was opened is the server's trouble, not our
            // credentials' (those were just accepted): retry later rather than give up.
            return Err(ConnectorError::Protocol {
                detail: "the help desk dropped a session it had just opened".into(),
            });
        }
        answer.into_result()
    }
}
