//! The user's secrets (a password or a personal API token), kept only in the OS keyring: the
//! Secret Service on Linux (GNOME Keyring, KWallet), the Credential Manager on Windows, the
//! Keychain on macOS, through the `keyring` crate. One entry per help desk address, under the
//! service name `Guichet`. What is not secret (the method, the login) is in the user's settings,
//! so that the keyring is only asked when someone signed in.
//!
//! Each help desk says which secrets it takes and where they go in its section
//! ([`crate::connector::DeskSection::sign_in_with`]).
//!
//! A secret never reaches a log, a file Guichet writes, or an error message: `Debug` hides it,
//! and keyring errors are worded without it.

use serde::{Deserialize, Serialize};

/// The keyring's service name for every Guichet entry.
pub const SERVICE: &str = "Guichet";

/// What signs in to a help desk.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "lowercase")]
pub enum Secret {
    /// A login and password (GLPI checks them against the académie's directory). Kept so that
    /// Guichet can open a new session by itself when the last one expires.
    Password {
        /// The login (not secret: the help desk shows it to technicians).
        login: String,
        /// The password.
        password: String,
    },
    /// A personal API token.
    Token {
        /// The token, as the help desk issued it.
        token: String,
    },
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Secret::Password { login, .. } => write!(f, "Password {{ login: {login:?}, .. }}"),
            Secret::Token { .. } => f.write_str("Token { .. }"),
        }
    }
}

/// Why the keyring could not be used. Never holds the secret.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    /// The keyring cannot be reached or refused (no Secret Service running, locked, denied),
    /// with the `keyring` crate's words.
    #[error("the OS keyring cannot be used: {0}")]
    Unavailable(String),
    /// The entry for this help desk address (named) holds something that is not a secret
    /// Guichet wrote.
    #[error("the keyring entry for {0} is damaged")]
    Damaged(String),
}

/// Where secrets are kept: the OS keyring, or a stand-in in tests of other parts.
pub trait SecretStore: Send + Sync + std::fmt::Debug {
    /// The secret kept for the help desk at `server_url`; `None` when there is no entry.
    fn load(&self, server_url: &str) -> Result<Option<Secret>, KeyringError>;
    /// Keeps `secret` for the help desk at `server_url`, replacing any earlier one.
    fn save(&self, server_url: &str, secret: &Secret) -> Result<(), KeyringError>;
    /// Removes the entry; removing an entry that does not exist is fine.
    fn delete(&self, server_url: &str) -> Result<(), KeyringError>;
}

/// The operating system's keyring.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsKeyring;

fn entry(server_url: &str) -> Result<keyring::Entry, KeyringError> {
    keyring::Entry::new(SERVICE, server_url.trim()).map_err(unavailable)
}

fn unavailable(e: keyring::Error) -> KeyringError {
    // The crate's messages name the service and account, never the password.
    KeyringError::Unavailable(e.to_string())
}

impl SecretStore for OsKeyring {
    fn load(&self, server_url: &str) -> Result<Option<Secret>, KeyringError> {
        match entry(server_url)?.get_password() {
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|_| KeyringError::Damaged(server_url.to_owned())),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn save(&self, server_url: &str, secret: &Secret) -> Result<(), KeyringError> {
        let text =
            serde_json::to_string(secret).map_err(|e| KeyringError::Unavailable(e.to_string()))?;
        entry(server_url)?.set_password(&text).map_err(unavailable)
    }

    fn delete(&self, server_url: &str) -> Result<(), KeyringError> {
        match entry(server_url)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_stay_out_of_debug() {
        let secret = Secret::Password {
            login: "prof".into(),
            password: "s3cret-pw".into(),
        };
        assert!(!format!("{secret:?}").contains("s3cret-pw"));
        let token = Secret::Token {
            token: "tok-123".into(),
        };
        assert!(!format!("{token:?}").contains("tok-123"));
        let json = serde_json::to_string(&secret).expect("json");
        assert_eq!(serde_json::from_str::<Secret>(&json).expect("back"), secret);
    }
}
