//! GLPI's part of the `[server]` section (`kind = "glpi"`): the App-Token, and either a personal
//! user token or a login and password.

use serde::{Deserialize, Serialize};

#[derive(Clone, Default, Serialize, Deserialize)]
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
    #[error("server needs user_token, or login and password")]
    NoCredentials,
}

impl GlpiConfig {
    /// A personal API token, the usual set-up.
    pub fn with_user_token(token: impl Into<String>) -> GlpiConfig {
        GlpiConfig {
            user_token: Some(token.into()),
            ..GlpiConfig::default()
        }
    }

    pub fn check(&self) -> Result<(), ConfigInvalid> {
        let has_token = self.user_token.as_deref().is_some_and(|t| !t.is_empty());
        let has_login = self.login.is_some() && self.password.is_some();
        if has_token || has_login {
            Ok(())
        } else {
            Err(ConfigInvalid::NoCredentials)
        }
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
