//! Users and sessions: `initSession` credentials, session tokens and their idle lifetime.

use std::time::Instant;

use hyper::StatusCode;
use rand::Rng;

use super::Store;
use crate::error::ApiError;
use crate::{Profile, UserSpec};

/// The authenticated user of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Caller {
    pub id: u64,
    pub login: String,
    pub profile: Profile,
    pub session_token: String,
}

/// How `initSession` was called.
#[derive(Debug, Clone)]
pub(crate) enum Credentials {
    UserToken(String),
    Password { login: String, password: String },
}

#[derive(Debug, Clone)]
pub(super) struct Session {
    user_id: u64,
    last_used: Instant,
}

impl Store {
    pub fn user(&self, id: u64) -> Option<&UserSpec> {
        self.config.users.iter().find(|u| u.id == id)
    }

    /// `initSession`: checks the credentials and opens a session.
    pub fn open_session(&mut self, credentials: &Credentials) -> Result<Caller, ApiError> {
        let user = match credentials {
            Credentials::UserToken(token) => self
                .config
                .users
                .iter()
                .find(|u| u.user_token == *token)
                .ok_or_else(|| {
                    ApiError::plain(
                        StatusCode::UNAUTHORIZED,
                        "ERROR_GLPI_LOGIN_USER_TOKEN",
                        "parameter user_token seems invalid",
                    )
                })?,
            Credentials::Password { login, password } => self
                .config
                .users
                .iter()
                .find(|u| u.login == *login && u.password == *password)
                .ok_or_else(|| {
                    ApiError::plain(
                        StatusCode::UNAUTHORIZED,
                        "ERROR_GLPI_LOGIN",
                        "Incorrect username or password",
                    )
                })?,
        };
        let caller = Caller {
            id: user.id,
            login: user.login.clone(),
            profile: user.profile,
            session_token: new_session_token(),
        };
        self.sessions.insert(
            caller.session_token.clone(),
            Session {
                user_id: caller.id,
                last_used: Instant::now(),
            },
        );
        Ok(caller)
    }

    /// Resolves a session token (`checkSessionToken`), refreshing its idle timer.
    pub fn session(&mut self, token: &str) -> Result<Caller, ApiError> {
        let ttl = self.config.session_ttl;
        let session = self
            .sessions
            .get_mut(token)
            .ok_or_else(ApiError::session_token_invalid)?;
        if ttl.is_some_and(|ttl| session.last_used.elapsed() > ttl) {
            self.sessions.remove(token);
            return Err(ApiError::session_token_invalid());
        }
        session.last_used = Instant::now();
        let user_id = session.user_id;
        let user = self
            .user(user_id)
            .ok_or_else(ApiError::session_token_invalid)?;
        Ok(Caller {
            id: user.id,
            login: user.login.clone(),
            profile: user.profile,
            session_token: token.to_owned(),
        })
    }

    pub fn kill_session(&mut self, token: &str) {
        self.sessions.remove(token);
    }

    pub fn expire_sessions(&mut self) {
        self.sessions.clear();
    }
}

/// A PHP-like session id.
fn new_session_token() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    (0..26)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}
