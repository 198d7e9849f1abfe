//! Signing in and out, and what the configuration's layers left to say: the problems in its
//! files, the account in use, the connection doctor.
//!
//! The secret goes to the OS keyring ([`crate::credentials`]) and nowhere else; the user's
//! settings file only says how the user signed in (and the help desk's address when IT gave
//! none), so that the keyring is asked only when someone did.

use super::{ApiError, Guichet};
use crate::config::layers::{self, Account, Loaded, SignInMethod, UserSettings};
use crate::config::{Config, ConfigProblem, DeskConfig, HttpConfig, ServerConfig};
use crate::connector::registry::SignInNeeds;
use crate::credentials::{KeyringError, Secret, SecretStore};
use crate::i18n::{t, Lang};
use guichet_protocol::doctor::{CheckStatus, DoctorReport, DoctorStep};
use guichet_protocol::ipc::SignInInput;
use guichet_protocol::view::AccountView;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where a [`Guichet`]'s configuration came from.
#[derive(Debug)]
pub(super) struct Sources {
    pub(super) config_path: Option<PathBuf>,
    pub(super) secrets: Arc<dyn SecretStore>,
    pub(super) user: UserSettings,
    pub(super) settings_file: PathBuf,
    problems: Vec<ConfigProblem>,
    /// The keyring could not be read: said in Settings and by the doctor.
    keyring_problem: Option<String>,
    /// The credentials are IT's, in its file (nothing to sign out of).
    from_config: bool,
}

impl Sources {
    /// A configuration given whole (tests, tools): no layers, no keyring.
    pub(super) fn single(data_dir: &Path) -> Sources {
        Sources {
            config_path: None,
            secrets: Arc::new(crate::credentials::OsKeyring),
            user: UserSettings::default(),
            settings_file: data_dir.join(layers::SETTINGS_FILE),
            problems: Vec::new(),
            keyring_problem: None,
            from_config: true,
        }
    }

    /// The merged configuration, with the user's secret from the keyring when they signed in.
    pub(super) fn resolve(
        loaded: Loaded,
        config_path: Option<&Path>,
        secrets: Arc<dyn SecretStore>,
    ) -> (Config, Sources) {
        let Loaded {
            mut config,
            user,
            problems,
            settings_file,
            ..
        } = loaded;
        for problem in &problems {
            tracing::warn!("configuration: {problem}");
        }
        let mut keyring_problem = None;
        let from_config = config.server.as_ref().is_some_and(has_file_credentials);
        if let (Some(server), Some(_), false) = (&mut config.server, &user.account, from_config) {
            match secrets.load(server.url()) {
                Ok(Some(secret)) => server.desk.sign_in_with(&secret),
                Ok(None) => {
                    tracing::warn!("signed in, but the keyring has no entry: sign in again")
                }
                Err(e) => {
                    tracing::warn!("{e}");
                    keyring_problem = Some(e.to_string());
                }
            }
        }
        let sources = Sources {
            config_path: config_path.map(Path::to_path_buf),
            secrets,
            user,
            settings_file,
            problems,
            keyring_problem,
            from_config,
        };
        (config, sources)
    }
}

fn has_file_credentials(server: &ServerConfig) -> bool {
    server.desk.has_credentials()
}

/// Why a sign-in did not happen, worded for the setup screen.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Neither IT nor the user gave a help desk address.
    #[error("no help desk address")]
    NoServer,
    /// The address typed is not an `http` or `https` address with a host.
    #[error("the address is not a web address")]
    BadUrl,
    /// The user typed another address, and IT locked the help desk's.
    #[error("IT set the help desk: its address cannot be changed here")]
    ServerLocked,
    /// Neither a token nor both a login and a password were given.
    #[error("a login and password, or a token, are needed")]
    NoCredentials,
    /// A login and password were given to a help desk that signs in with a token only.
    #[error("this help desk takes a personal token only")]
    TokenOnly,
    /// The help desk at the address typed in needs more than a secret to sign in.
    #[error("{0}")]
    Needs(#[from] SignInNeeds),
    /// The help desk (or the way to it) refused: the doctor's words for the step that failed.
    #[error("{message}")]
    Refused {
        /// The doctor's finding for that step, in the user's language.
        message: String,
    },
    /// The OS keyring could not keep (or forget) the secret.
    #[error(transparent)]
    Keyring(#[from] KeyringError),
    /// The user's settings file could not be written.
    #[error("cannot save the user's settings: {0}")]
    Save(std::io::Error),
}

impl SignInError {
    /// What the setup screen says, in `lang` (a refusal keeps the doctor's own words).
    pub fn message(&self, lang: Lang) -> String {
        let key = match self {
            SignInError::NoServer => "signin.no_server",
            SignInError::BadUrl => "signin.bad_url",
            SignInError::ServerLocked => "signin.server_locked",
            SignInError::NoCredentials => "signin.no_credentials",
            SignInError::TokenOnly => "signin.token_only",
            SignInError::Needs(SignInNeeds::Email) => "signin.needs_email",
            SignInError::Refused { message } => return message.clone(),
            SignInError::Keyring(_) => "signin.keyring",
            SignInError::Save(_) => "error.profile_save",
        };
        t(lang, key, &[])
    }
}

impl Guichet {
    /// Problems in the configuration files, worded in the user's language.
    pub fn config_problems(&self) -> Vec<String> {
        let mut problems: Vec<String> = self
            .sources
            .problems
            .iter()
            .map(|p| p.message(self.lang))
            .collect();
        if self.sources.keyring_problem.is_some() {
            problems.push(t(self.lang, "signin.keyring", &[]));
        }
        problems
    }

    /// Whether a configuration file was left out (the CLI refuses to run on it).
    pub fn config_problem_list(&self) -> &[ConfigProblem] {
        &self.sources.problems
    }

    /// Who Guichet signs in as, if anyone.
    pub fn account_view(&self) -> Option<AccountView> {
        let server = self.config.server.as_ref()?;
        if self.sources.from_config {
            let login = server.desk.file_login();
            let method = if login.is_some() { "password" } else { "token" };
            return Some(AccountView {
                method: method.to_owned(),
                login,
                from_config: true,
            });
        }
        self.sources
            .user
            .account
            .as_ref()
            .map(|account| AccountView {
                method: account.method.as_str().to_owned(),
                login: account.login.clone(),
                from_config: false,
            })
    }

    /// The connection doctor, in the user's language.
    pub async fn doctor(&self) -> DoctorReport {
        let problems = self.config_problems();
        crate::doctor::diagnose(
            crate::doctor::Subject {
                problems: &problems,
                server: self.config.server.as_ref(),
            },
            self.lang,
        )
        .await
    }

    /// Signs in: checks the credentials with the help desk, keeps the secret in the keyring and
    /// notes in the user's settings how they signed in. Load Guichet again afterwards
    /// ([`Guichet::reloaded`]) to use them.
    pub async fn sign_in(&self, input: SignInInput) -> Result<(), ApiError> {
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let login = text(&input.login);
        let mut server = self
            .sign_in_server(input.url.as_deref(), login.as_deref())
            .await?;
        let secret_text = |v: &Option<guichet_protocol::ipc::Secret>| {
            v.as_ref()
                .map(|s| s.0.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let secret = match (
            secret_text(&input.token),
            login,
            secret_text(&input.password),
        ) {
            (Some(token), _, _) => Secret::Token { token },
            (None, Some(login), Some(password)) => Secret::Password { login, password },
            _ => return Err(SignInError::NoCredentials.into()),
        };
        if !server.desk.accepts(&secret) {
            return Err(SignInError::TokenOnly.into());
        }
        server.desk.sign_in_with(&secret);
        // The help desk decides: its API and the credentials, as the doctor checks them.
        let findings = crate::connector::diagnose(&server).await;
        if let Some(failed) = findings.iter().find(|f| {
            f.status == CheckStatus::Fail
                && matches!(f.step, DoctorStep::Api | DoctorStep::Credentials)
        }) {
            let message = failed.worded(self.lang).message;
            return Err(SignInError::Refused { message }.into());
        }
        let secrets = self.sources.secrets.clone();
        let url = server.url().to_owned();
        let saved = secret.clone();
        tokio::task::spawn_blocking(move || secrets.save(&url, &saved))
            .await
            .map_err(|e| SignInError::Keyring(KeyringError::Unavailable(e.to_string())))?
            .map_err(SignInError::from)?;
        let mut user = self.sources.user.clone();
        if self.config.server.as_ref().map(ServerConfig::url) != Some(server.url()) {
            // A help desk the user entered: kept without any secret.
            let mut kept = server.clone();
            kept.desk = kept.desk.without_secrets();
            user.server = Some(kept);
        }
        user.account = Some(Account {
            method: match secret {
                Secret::Password { .. } => SignInMethod::Password,
                Secret::Token { .. } => SignInMethod::Token,
            },
            login: match &secret {
                Secret::Password { login, .. } => Some(login.clone()),
                Secret::Token { .. } => None,
            },
        });
        layers::save_user(&self.sources.settings_file, &user).map_err(SignInError::Save)?;
        tracing::info!("signed in to {}", server.url());
        Ok(())
    }

    /// The help desk to sign in to: IT's, or the address the user typed when IT gave none (or
    /// did not lock it), of the kind that answers there (`login` completes what it needs).
    async fn sign_in_server(
        &self,
        url: Option<&str>,
        login: Option<&str>,
    ) -> Result<ServerConfig, SignInError> {
        let url = url.map(str::trim).filter(|u| !u.is_empty());
        match (&self.config.server, url) {
            (Some(server), None) => Ok(server.clone()),
            (Some(server), Some(url)) if url == server.url() => Ok(server.clone()),
            (Some(_), Some(_)) if self.config.is_locked(crate::config::Lockable::Server) => {
                Err(SignInError::ServerLocked)
            }
            (_, Some(url)) => {
                let parsed = reqwest::Url::parse(url).map_err(|_| SignInError::BadUrl)?;
                if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
                    return Err(SignInError::BadUrl);
                }
                let mut http = HttpConfig::at(url);
                http.net = crate::net::NetSettings {
                    tls: self.config.tls.clone(),
                    proxy: self.config.proxy.clone(),
                };
                let desk = DeskConfig::typed_in(&http, login).await?;
                Ok(ServerConfig { http, desk })
            }
            (None, None) => Err(SignInError::NoServer),
        }
    }

    /// Signs out: the secret leaves the keyring, and the settings forget the account.
    pub async fn sign_out(&self) -> Result<(), ApiError> {
        let Some(server) = &self.config.server else {
            return Ok(());
        };
        let secrets = self.sources.secrets.clone();
        let url = server.url().to_owned();
        tokio::task::spawn_blocking(move || secrets.delete(&url))
            .await
            .map_err(|e| SignInError::Keyring(KeyringError::Unavailable(e.to_string())))?
            .map_err(SignInError::from)?;
        let mut user = self.sources.user.clone();
        user.account = None;
        layers::save_user(&self.sources.settings_file, &user).map_err(SignInError::Save)?;
        tracing::info!("signed out of {}", server.url());
        Ok(())
    }
}
