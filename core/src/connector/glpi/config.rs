//! GLPI's part of the `[server]` section (`kind = "glpi"`): the App-Token, and either a personal
//! user token or a login and password; the satisfaction survey's scale, which a requester cannot
//! read from GLPI; and what the registry asks of a kind ([`DeskSection`]).

use crate::connector::registry::{DeskSection, SignInNeeds};
use crate::connector::{Connector, ConnectorError, ServerConfig, SurveyScale};
use crate::credentials::Secret;
use crate::diagnosis::Finding;
use crate::net::HttpConfig;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// GLPI's keys of `[server]`. Its `Debug` hides the tokens and the password.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlpiConfig {
    /// The API client's App-Token, sent with every request; `None` or empty sends none.
    pub app_token: Option<String>,
    /// The user's personal API token; used before `login` and `password` when both are set.
    pub user_token: Option<String>,
    /// The login, for a password sign-in (HTTP Basic on `initSession`).
    pub login: Option<String>,
    /// The password that goes with `login`.
    pub password: Option<String>,
    /// The survey's highest score, as set for the entity in GLPI 11 (`inquest_max_rate`, 1 to
    /// 10); `None`: 5, GLPI 10's scale and 11's default.
    pub survey_scale: Option<u8>,
    /// GLPI 11's `inquest_mandatory_comment`: a score at or below it needs a comment; `None`:
    /// the comment is optional.
    pub survey_comment_up_to: Option<u8>,
    /// This computer's id in GLPI (a file written for this machine): its tickets are linked to
    /// it (`items_id`). A Self-Service user cannot look it up.
    pub computer_id: Option<u64>,
    /// Computer ids by host name (case does not matter), for one file shared by many machines.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub computers: BTreeMap<String, u64>,
    /// The entity tickets go to (`entities_id`), for requesters who belong to several; `None`:
    /// the user's choice in Settings, else GLPI's default (the user's default entity).
    pub entity: Option<u64>,
}

/// What a ticket is attached to besides its requester: the Computer and the entity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TicketLinks {
    /// The Computer's id (`items_id`).
    pub computer: Option<u64>,
    /// The entity's id (`entities_id`).
    pub entity: Option<u64>,
}

/// A GLPI section that cannot log in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ConfigInvalid {
    /// `server.password` is set without `server.login`.
    #[error("server.password is set without server.login")]
    PasswordWithoutLogin,
    /// `server.survey_scale` is not between 1 and 10.
    #[error("server.survey_scale must be between 1 and 10")]
    SurveyScale,
    /// `server.survey_comment_up_to` is above the survey's highest score.
    #[error("server.survey_comment_up_to is above the survey's highest score")]
    CommentAboveScale,
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
        if self
            .survey_scale
            .is_some_and(|max| !(1..=10).contains(&max))
        {
            return Err(ConfigInvalid::SurveyScale);
        }
        let survey = self.survey();
        if survey
            .comment_required_up_to
            .is_some_and(|up_to| up_to > survey.max)
        {
            return Err(ConfigInvalid::CommentAboveScale);
        }
        Ok(())
    }

    /// What a ticket from the computer named `hostname` is linked to: IT's `computer_id`, else
    /// the id `computers` gives that name; IT's `entity`.
    pub fn links_for(&self, hostname: &str) -> TicketLinks {
        let short = hostname.split('.').next().unwrap_or_default();
        let mapped = self
            .computers
            .iter()
            .find(|(name, _)| {
                name.eq_ignore_ascii_case(hostname) || name.eq_ignore_ascii_case(short)
            })
            .map(|(_, id)| *id);
        TicketLinks {
            computer: self.computer_id.or(mapped),
            entity: self.entity,
        }
    }

    /// The survey's scale as IT configured it.
    pub fn survey(&self) -> SurveyScale {
        SurveyScale {
            max: self.survey_scale.unwrap_or(SurveyScale::FIVE.max),
            comment_required_up_to: self.survey_comment_up_to,
        }
    }

    /// Whether the file itself holds what signs in.
    pub fn has_credentials(&self) -> bool {
        self.user_token.as_deref().is_some_and(|t| !t.is_empty())
            || (self.login.is_some() && self.password.is_some())
    }
}

impl ServerConfig {
    /// A GLPI help desk at `http`.
    pub fn glpi(http: HttpConfig, glpi: GlpiConfig) -> ServerConfig {
        ServerConfig {
            http,
            desk: glpi.into(),
        }
    }
}

#[async_trait]
impl DeskSection for GlpiConfig {
    const KIND: &'static str = "glpi";
    type Invalid = ConfigInvalid;

    fn check(&self) -> Result<(), ConfigInvalid> {
        GlpiConfig::check(self)
    }

    fn invalid_key(invalid: &ConfigInvalid) -> &'static str {
        match invalid {
            ConfigInvalid::PasswordWithoutLogin => "server",
            ConfigInvalid::SurveyScale => "server.survey_scale",
            ConfigInvalid::CommentAboveScale => "server.survey_comment_up_to",
        }
    }

    fn connector(&self, http: &HttpConfig) -> Result<Arc<dyn Connector>, ConnectorError> {
        Ok(Arc::new(super::GlpiConnector::new(http, self)?))
    }

    async fn diagnose(&self, http: &HttpConfig) -> Vec<Finding> {
        super::diagnose::run(http, self).await
    }

    async fn probe(http: &HttpConfig) -> Result<bool, ConnectorError> {
        super::diagnose::probe(http).await
    }

    fn typed_in(_login: Option<&str>) -> Result<GlpiConfig, SignInNeeds> {
        Ok(GlpiConfig::default())
    }

    fn has_credentials(&self) -> bool {
        GlpiConfig::has_credentials(self)
    }

    fn file_login(&self) -> Option<String> {
        self.user_token
            .is_none()
            .then(|| self.login.clone())
            .flatten()
    }

    fn accepts(_: &Secret) -> bool {
        true
    }

    fn sign_in_with(&mut self, secret: &Secret) {
        match secret {
            Secret::Password { login, password } => {
                self.user_token = None;
                self.login = Some(login.clone());
                self.password = Some(password.clone());
            }
            Secret::Token { token } => {
                self.user_token = Some(token.clone());
                self.password = None;
            }
        }
    }

    /// The App-Token is the application's, not the user's: it stays, with IT's settings.
    fn without_secrets(&self) -> GlpiConfig {
        GlpiConfig {
            user_token: None,
            login: None,
            password: None,
            ..self.clone()
        }
    }

    fn fill_secrets(&mut self, value: &str) {
        self.app_token = Some(value.to_owned());
        self.user_token = Some(value.to_owned());
        self.password = Some(value.to_owned());
    }

    fn entity(&self) -> Option<u64> {
        self.entity
    }

    fn choose_entity(&mut self, id: u64) {
        self.entity = Some(id);
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
            .field("survey_scale", &self.survey_scale)
            .field("survey_comment_up_to", &self.survey_comment_up_to)
            .field("computer_id", &self.computer_id)
            .field("computers", &self.computers.len())
            .field("entity", &self.entity)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::connector::DeskConfig;
    use crate::i18n::Lang;
    use crate::report::Limits;
    use std::path::PathBuf;

    fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("guichet.toml");
        std::fs::write(&path, text).expect("write config");
        (dir, path)
    }

    #[test]
    fn full_file_parses() {
        let (_d, path) = write(
            r#"
            language = "en"
            [server]
            kind = "glpi"
            url = "https://support.example.org/apirest.php"
            app_token = "app"
            user_token = "tok"
            [[categories]]
            id = 3
            name = "Réseau"
            [limits]
            max_attachments = 3
            [defaults]
            phone = "01 23 45 67 89"
            "#,
        );
        let config = Config::from_file(&path).expect("valid config");
        assert_eq!(config.lang(), Lang::En);
        assert_eq!(config.categories[0].name, "Réseau");
        assert_eq!(config.limits.max_attachments, 3);
        assert_eq!(
            config.limits.attachment_max_bytes,
            Limits::default().attachment_max_bytes
        );
        let debug = format!("{:?}", config.server);
        assert!(
            !debug.contains("\"tok\"") && !debug.contains("\"app\""),
            "secrets stay out of Debug: {debug}"
        );
    }

    #[test]
    fn the_kind_selects_a_typed_section() {
        let (_d, path) = write(
            "[server]\nkind = \"glpi\"\nurl = \"https://x/apirest.php\"\nlogin = \"prof\"\npassword = \"p\"\ntimeout_secs = 7\n",
        );
        let server = Config::from_file(&path)
            .expect("valid")
            .server
            .expect("server");
        assert_eq!(server.http.timeout_secs, 7);
        assert_eq!(server.http.connect_timeout_secs, 5, "shared default");
        let DeskConfig::Glpi(glpi) = &server.desk else {
            panic!("a GLPI section: {:?}", server.desk);
        };
        assert_eq!(glpi.login.as_deref(), Some("prof"));
        assert_eq!(server.desk.kind(), "glpi");

        let (_d, path) = write("[server]\nkind = \"otrs\"\nurl = \"https://x/\"\n");
        let err = Config::from_file(&path).expect_err("no such kind");
        assert!(err.to_string().contains("otrs"), "{err}");
        let (_d, path) = write("[server]\nurl = \"https://x/\"\nuser_token = \"t\"\n");
        let err = Config::from_file(&path).expect_err("no kind");
        assert!(err.to_string().contains("kind"), "{err}");
        // A key of another kind's section is a typo here, caught like any other.
        let (_d, path) =
            write("[server]\nkind = \"glpi\"\nurl = \"https://x/\"\nuser_token = \"t\"\nqueue = \"General\"\n");
        let err = Config::from_file(&path).expect_err("unknown key");
        assert!(err.to_string().contains("queue"), "{err}");
    }

    #[test]
    fn the_survey_scale_is_its_and_checked() {
        let glpi = |extra: &str| {
            let (_d, path) = write(&format!(
                "[server]\nkind = \"glpi\"\nurl = \"https://x/apirest.php\"\n{extra}"
            ));
            Config::from_file(&path)
        };
        let config = glpi("survey_scale = 10\nsurvey_comment_up_to = 4\n").expect("valid");
        let server = config.server.expect("server");
        let DeskConfig::Glpi(section) = &server.desk else {
            panic!("a GLPI section")
        };
        assert_eq!(section.survey().max, 10);
        assert!(section.survey().needs_comment(4) && !section.survey().needs_comment(5));
        assert_eq!(
            super::GlpiConfig::default().survey(),
            super::SurveyScale::FIVE
        );
        for bad in [
            "survey_scale = 11\n",
            "survey_scale = 0\n",
            "survey_comment_up_to = 6\n",
        ] {
            assert!(glpi(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_computer_comes_from_its_id_or_the_mapping_and_the_entity_from_it() {
        let (_d, path) = write(
            "[server]\nkind = \"glpi\"\nurl = \"https://x/apirest.php\"\nentity = 3\n\
             [server.computers]\n\"SALLE12-PC03\" = 42\n",
        );
        let server = Config::from_file(&path)
            .expect("valid")
            .server
            .expect("server");
        let DeskConfig::Glpi(glpi) = &server.desk else {
            panic!("a GLPI section")
        };
        let links = glpi.links_for("salle12-pc03.college.example.org");
        assert_eq!((links.computer, links.entity), (Some(42), Some(3)));
        assert_eq!(glpi.links_for("CDI-PC01").computer, None);
        let fixed = super::GlpiConfig {
            computer_id: Some(7),
            ..glpi.clone()
        };
        assert_eq!(
            fixed.links_for("SALLE12-PC03").computer,
            Some(7),
            "the id wins"
        );
    }

    #[test]
    fn a_secret_fills_the_server_in_memory() {
        use crate::connector::ServerConfig;
        use crate::credentials::Secret;
        use crate::net::HttpConfig;
        let secret = Secret::Password {
            login: "prof".into(),
            password: "s3cret-pw".into(),
        };
        let mut server = ServerConfig::glpi(
            HttpConfig::at("https://x/apirest.php"),
            super::GlpiConfig::default(),
        );
        server.desk.sign_in_with(&secret);
        let DeskConfig::Glpi(glpi) = &server.desk else {
            unreachable!("a GLPI server")
        };
        assert!(glpi.has_credentials());
        assert_eq!(glpi.login.as_deref(), Some("prof"));
    }
}
