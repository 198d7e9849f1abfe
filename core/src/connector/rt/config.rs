//! Request Tracker's part of the `[server]` section (`kind = "rt"`): the personal token, the
//! queue, the requester's e-mail address, and the names of the custom fields Guichet uses; and
//! what the registry asks of a kind ([`DeskSection`]).

use crate::connector::registry::{DeskSection, SignInNeeds};
use crate::connector::{Connector, ConnectorError, ServerConfig};
use crate::credentials::Secret;
use crate::diagnosis::Finding;
use crate::net::HttpConfig;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Request Tracker's keys of `[server]`. Its `Debug` hides the token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RtConfig {
    /// A personal authentication token (RT's "Auth tokens" page), sent as `Authorization: token`.
    /// Empty in the file when the user signs in (the token is then in the OS keyring).
    #[serde(default)]
    pub token: String,
    /// The queue new tickets go to.
    #[serde(default = "default_queue")]
    pub queue: String,
    /// The user's e-mail address: always sent as the ticket's `Requestor`, without which the
    /// user could not read their own ticket.
    pub requestor: String,
    /// A free-form custom field that holds each report's client reference, searched for before
    /// a report is sent again (RT does not enforce uniqueness).
    #[serde(default = "default_idempotency_field")]
    pub idempotency_field: String,
    /// A custom field set when the user accepts a solution. Without it the acceptance is only a
    /// comment, which a requester cannot read back: the ticket then stays "solved" here.
    pub acceptance_field: Option<String>,
    /// A custom field for the satisfaction score (0–5). Without it there is no survey.
    pub satisfaction_field: Option<String>,
}

fn default_queue() -> String {
    "General".to_owned()
}

fn default_idempotency_field() -> String {
    "IdempotencyKey".to_owned()
}

/// An RT section that cannot work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigInvalid {
    /// `server.requestor` does not look like an e-mail address (the text as written): RT would
    /// create tickets without a requester.
    #[error("server.requestor must be the user's e-mail address (got {0:?})")]
    Requestor(String),
    /// A custom field's key (named) is set but blank.
    #[error("server.{0} must name a custom field")]
    EmptyField(&'static str),
}

impl RtConfig {
    /// Checks what can be checked without the network: the requester's address and the custom
    /// fields' names.
    pub fn check(&self) -> Result<(), ConfigInvalid> {
        // RT silently creates a ticket without requester for anything that is not an address.
        let requestor = self.requestor.trim();
        let valid = requestor
            .split_once('@')
            .is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'));
        if !valid || requestor.contains(char::is_whitespace) {
            return Err(ConfigInvalid::Requestor(self.requestor.clone()));
        }
        for (key, value) in [
            ("idempotency_field", Some(&self.idempotency_field)),
            ("acceptance_field", self.acceptance_field.as_ref()),
            ("satisfaction_field", self.satisfaction_field.as_ref()),
        ] {
            if value.is_some_and(|v| v.trim().is_empty()) {
                return Err(ConfigInvalid::EmptyField(key));
            }
        }
        Ok(())
    }
}

impl ServerConfig {
    /// A Request Tracker at `http`.
    pub fn rt(http: HttpConfig, rt: RtConfig) -> ServerConfig {
        ServerConfig {
            http,
            desk: rt.into(),
        }
    }
}

#[async_trait]
impl DeskSection for RtConfig {
    const KIND: &'static str = "rt";
    type Invalid = ConfigInvalid;

    fn check(&self) -> Result<(), ConfigInvalid> {
        RtConfig::check(self)
    }

    fn invalid_key(invalid: &ConfigInvalid) -> &'static str {
        match invalid {
            ConfigInvalid::Requestor(_) => "server.requestor",
            ConfigInvalid::EmptyField(_) => "server",
        }
    }

    fn connector(&self, http: &HttpConfig) -> Result<Arc<dyn Connector>, ConnectorError> {
        Ok(Arc::new(super::RtConnector::new(http, self)?))
    }

    async fn diagnose(&self, http: &HttpConfig) -> Vec<Finding> {
        super::diagnose::run(http, self).await
    }

    async fn probe(http: &HttpConfig) -> Result<bool, ConnectorError> {
        super::diagnose::probe(http).await
    }

    /// RT knows its requesters by e-mail address: the login typed with the token is it.
    fn typed_in(login: Option<&str>) -> Result<RtConfig, SignInNeeds> {
        let section = RtConfig {
            token: String::new(),
            queue: default_queue(),
            requestor: login.unwrap_or_default().trim().to_owned(),
            idempotency_field: default_idempotency_field(),
            acceptance_field: None,
            satisfaction_field: None,
        };
        section.check().map_err(|_| SignInNeeds::Email)?;
        Ok(section)
    }

    fn has_credentials(&self) -> bool {
        !self.token.trim().is_empty()
    }

    fn file_login(&self) -> Option<String> {
        None
    }

    /// REST2 signs in with a personal token only.
    fn accepts(secret: &Secret) -> bool {
        matches!(secret, Secret::Token { .. })
    }

    fn sign_in_with(&mut self, secret: &Secret) {
        if let Secret::Token { token } = secret {
            self.token = token.clone();
        }
    }

    fn without_secrets(&self) -> RtConfig {
        RtConfig {
            token: String::new(),
            ..self.clone()
        }
    }

    fn fill_secrets(&mut self, value: &str) {
        self.token = value.to_owned();
    }
}

// The token must never reach logs.
impl std::fmt::Debug for RtConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RtConfig")
            .field("token", &"…")
            .field("queue", &self.queue)
            .field("requestor", &self.requestor)
            .field("idempotency_field", &self.idempotency_field)
            .field("acceptance_field", &self.acceptance_field)
            .field("satisfaction_field", &self.satisfaction_field)
            .finish()
    }
}
