//! GLPI sessions and the raw exchange: `initSession` with a user token or login/password (plus
//! the optional App-Token), the server's release read once per session (`getGlpiConfig`), and one
//! re-login when GLPI says `ERROR_SESSION_TOKEN_INVALID`.

use super::error::{GlpiCode, GlpiError};
use super::GlpiConnector;
use crate::connector::http::{self, Answer};
use crate::connector::ConnectorError;
use reqwest::{Method, RequestBuilder, StatusCode};

#[derive(Debug, Clone)]
pub(super) struct Session {
    pub(super) token: String,
    pub(super) user_id: u64,
    /// The release behind this session: a server upgraded between two sessions is seen.
    pub(super) release: Release,
}

/// What differs between GLPI releases for Guichet (`shared/glpi-api.md` V and V.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Release {
    /// GLPI 10, or a version this connector cannot read: no `externalid`, retries found by content.
    Glpi10,
    /// GLPI 11 or later: `externalid` and its search option 87.
    Glpi11,
}

impl Release {
    /// From `cfg_glpi.version` ("11.0.6"); anything unreadable is taken as 10, whose ways (the
    /// content search) also work on 11.
    pub(super) fn of(version: &str) -> Release {
        let major: Option<u32> = version
            .trim()
            .split('.')
            .next()
            .and_then(|m| m.parse().ok());
        match major {
            Some(major) if major >= 11 => Release::Glpi11,
            _ => Release::Glpi10,
        }
    }
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

/// A session refused right after it was opened is the server's trouble, not our credentials'
/// (those were just accepted): retry later rather than give up.
fn dropped_session() -> ConnectorError {
    ConnectorError::Protocol {
        detail: "the help desk dropped a session it had just opened".into(),
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
        let (Some(token), Some(user_id)) = (token, user_id) else {
            return Err(ConnectorError::Protocol {
                detail: "initSession answered without session_token or glpiID".into(),
            });
        };
        let release = self.release(token).await?;
        Ok(Session {
            token: token.to_owned(),
            user_id,
            release,
        })
    }

    /// The server's release, from `getGlpiConfig` (readable by every profile).
    async fn release(&self, token: &str) -> Result<Release, ConnectorError> {
        let rb = self
            .request(Method::GET, "getGlpiConfig")
            .header("Session-Token", token);
        let answer = self.send(rb).await?;
        if answer.is_session_invalid() {
            return Err(dropped_session());
        }
        let config = answer.into_result()?.json()?;
        let version = config["cfg_glpi"]["version"].as_str().unwrap_or_default();
        let release = Release::of(version);
        if version.is_empty() {
            tracing::warn!("GLPI gives no version; using GLPI 10's ways");
        }
        Ok(release)
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
            return Err(dropped_session());
        }
        answer.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::Release;

    #[test]
    fn releases_are_read_from_the_version() {
        assert_eq!(Release::of("10.0.14"), Release::Glpi10);
        assert_eq!(Release::of("11.0.6"), Release::Glpi11);
        assert_eq!(Release::of("12.0.0"), Release::Glpi11);
        assert_eq!(Release::of(""), Release::Glpi10);
        assert_eq!(Release::of("dev"), Release::Glpi10);
    }
}
