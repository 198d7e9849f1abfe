//! GLPI's part of the `[server]` section (`kind = "glpi"`): the App-Token, and either a personal
//! user token or a login and password.

use serde::{Deserialize, Serialize};

#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlpiConfig {
    pub app_token: Option<String>,
    pub user_token: Option<String>,
    pub login: Option<String>,
    pub password: Option<String>,
}

/// A GLPI section that cannot log in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ConfigInvalid {
    #[error("server.password is set without server.login")]
    PasswordWithoutLogin,
}

impl GlpiConfig {
    /// A personal API token, the usual set-up.
    pub fn with_user_token(token: impl Into<String>) -> GlpiConfig {
        GlpiConfig {
            user_token: Some(token.into()),
            ..GlpiConfig::default()
        }
    }

    /// Credentials are optional here: without them the user signs in, and the secret is kept
    /// in the OS keyring (IT may still write a token for a shared kiosk account).
    pub fn check(&self) -> Result<(), ConfigInvalid> {
        if self.password.is_some() && self.login.is_none() {
            return Err(ConfigInvalid::PasswordWithoutLogin);
        }
        Ok(())
    }

    /// Whether the file itself holds what signs in.
    pub fn has_credentials(&self) -> bool {
        self.user_token.as_deref().is_some_and(|t| !t.is_empty())
            || (self.login.is_some() && self.password.is_some())
    }
}

// Credentials must never reach logs.
impl std::fmt::Debug for GlpiConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |v: &Option<String>| v.as_ref().map(|_| "…");
        f.debug_struct("GlpiConfig")
            .field("app_token", &hidden(&self.app_token))
            .field("user_token", &hidden(&self.user_token))
            .field("login", &self.login)
            .field("password", &hidden(&self.password))
            .finish()
    }
}
