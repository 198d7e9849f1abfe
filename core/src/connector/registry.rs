//! The one table of help-desk kinds. Each kind lives in its own folder (`glpi/`, `rt/`) and
//! implements [`DeskSection`] on its part of `[server]`: how the section is checked, what signs
//! in and how, its connector, its doctor steps, how to recognise it at an address. The
//! `kinds!` line below is the only place that lists them; everything else (the configuration,
//! sign-in, the keyring, the doctor) goes through [`DeskConfig`].
//!
//! Adding a help desk: a folder under `connector/` (declared in `connector/mod.rs`) whose
//! section implements `DeskSection`, one entry in `kinds!`, and its fuzz target in `fuzz`.

use super::{glpi, rt, Connector, ConnectorError};
use crate::credentials::Secret;
use crate::diagnosis::Finding;
use crate::net::HttpConfig;
use async_trait::async_trait;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::sync::Arc;

/// What a help desk that the user typed in needs besides its address and the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignInNeeds {
    /// The user's e-mail address, which such a help desk knows its requesters by.
    #[error("the user's e-mail address is needed (as the login)")]
    Email,
}

/// A kind of help desk's part of `[server]`, and everything that depends on it alone.
#[async_trait]
pub trait DeskSection:
    Sized + Clone + PartialEq + std::fmt::Debug + Serialize + DeserializeOwned + Send + Sync
{
    /// The value of `server.kind`.
    const KIND: &'static str;
    /// Why the section cannot work.
    type Invalid: std::error::Error + Send + Sync + 'static;

    /// Checks what can be checked without the network.
    fn check(&self) -> Result<(), Self::Invalid>;
    /// The configuration key to fix for `invalid` (`server`, `server.requestor`).
    fn invalid_key(invalid: &Self::Invalid) -> &'static str;

    /// The connector for this section; `NotConfigured` when nothing signs in yet.
    fn connector(&self, http: &HttpConfig) -> Result<Arc<dyn Connector>, ConnectorError>;
    /// The doctor's steps after the network's: the API, the credentials, the rights.
    async fn diagnose(&self, http: &HttpConfig) -> Vec<Finding>;
    /// Whether a help desk of this kind answers at `http` (asked without credentials); an error
    /// when nothing could be asked there at all.
    async fn probe(http: &HttpConfig) -> Result<bool, ConnectorError>;

    /// The section for an address the user typed in, `login` being what they typed as login.
    fn typed_in(login: Option<&str>) -> Result<Self, SignInNeeds>;
    /// Whether the section itself holds what signs in (IT's file, a kiosk account).
    fn has_credentials(&self) -> bool;
    /// The login the section signs in with, when it is a login and not a token.
    fn file_login(&self) -> Option<String>;
    /// Whether this kind signs in with such a secret.
    fn accepts(secret: &Secret) -> bool;
    /// Gives the section the user's secret (in memory only).
    fn sign_in_with(&mut self, secret: &Secret);
    /// The section as the user's settings file may keep it: without any secret.
    fn without_secrets(&self) -> Self;
    /// Every secret of the section set to `value` (fuzzing checks none reaches `Debug`).
    fn fill_secrets(&mut self, value: &str);

    /// The entity the section sends tickets to; `None` for the help desk's default, and always
    /// for a kind without entities.
    fn entity(&self) -> Option<u64> {
        None
    }
    /// Sends tickets to the entity the user chose (a kind without entities ignores it).
    fn choose_entity(&mut self, _id: u64) {}
}

/// Generates [`DeskConfig`], [`DeskInvalid`], [`KINDS`] and their dispatch from the list of
/// kinds: `Variant(section type)`, in the order a typed-in address is probed.
macro_rules! kinds {
    ($($variant:ident($section:ty)),+ $(,)?) => {
        /// The settings of one kind of help desk, tagged by `server.kind`.
        #[derive(Debug, Clone, PartialEq)]
        pub enum DeskConfig {
            $(#[doc = concat!("A help desk whose section is [`", stringify!($section), "`].")]
            $variant($section)),+
        }

        /// A kind's section that cannot work.
        #[derive(Debug, thiserror::Error)]
        pub enum DeskInvalid {
            $(#[doc = concat!("Why a [`", stringify!($section), "`] cannot work.")]
            #[error(transparent)] $variant(<$section as DeskSection>::Invalid)),+
        }

        $(impl From<$section> for DeskConfig {
            fn from(section: $section) -> DeskConfig {
                DeskConfig::$variant(section)
            }
        })+

        /// Every value `server.kind` may take.
        pub const KINDS: [&str; [$(stringify!($variant)),+].len()] =
            [$(<$section as DeskSection>::KIND),+];

        impl DeskInvalid {
            /// The key to fix.
            pub fn key(&self) -> &'static str {
                match self {
                    $(DeskInvalid::$variant(e) => <$section as DeskSection>::invalid_key(e)),+
                }
            }
        }

        impl DeskConfig {
            /// The section of kind `kind` read from `table`; `None` for a kind that does not exist.
            pub fn parse(kind: &str, table: toml::Value) -> Option<Result<DeskConfig, toml::de::Error>> {
                $(if kind == <$section as DeskSection>::KIND {
                    return Some(<$section>::deserialize(table).map(DeskConfig::$variant));
                })+
                None
            }

            /// The section for an address the user typed in: the kind that answers there (the
            /// first kind when none does, or when the address cannot be reached at all: its
            /// doctor then says what answered instead, or why nothing did).
            pub async fn typed_in(
                http: &HttpConfig,
                login: Option<&str>,
            ) -> Result<DeskConfig, SignInNeeds> {
                $(match <$section as DeskSection>::probe(http).await {
                    Ok(true) => {
                        return <$section as DeskSection>::typed_in(login).map(DeskConfig::$variant)
                    }
                    Ok(false) => {}
                    Err(e) => {
                        tracing::debug!("{}: nothing to ask at the address typed in: {e}", http.url);
                        return first_kind(login);
                    }
                })+
                first_kind(login)
            }

            /// The value of `server.kind`.
            pub fn kind(&self) -> &'static str {
                match self { $(DeskConfig::$variant(_) => <$section as DeskSection>::KIND),+ }
            }

            /// The section as TOML, without `kind`.
            pub fn to_toml(&self) -> Result<toml::Value, toml::ser::Error> {
                match self { $(DeskConfig::$variant(c) => toml::Value::try_from(c)),+ }
            }

            /// Checks the kind's own settings.
            pub fn check(&self) -> Result<(), DeskInvalid> {
                match self { $(DeskConfig::$variant(c) => c.check().map_err(DeskInvalid::$variant)),+ }
            }

            /// The connector for this help desk.
            pub fn connector(&self, http: &HttpConfig) -> Result<Arc<dyn Connector>, ConnectorError> {
                match self { $(DeskConfig::$variant(c) => c.connector(http)),+ }
            }

            /// The doctor's help-desk steps (API, credentials, rights).
            pub async fn diagnose(&self, http: &HttpConfig) -> Vec<Finding> {
                match self { $(DeskConfig::$variant(c) => c.diagnose(http).await),+ }
            }

            /// Whether the section itself holds what signs in.
            pub fn has_credentials(&self) -> bool {
                match self { $(DeskConfig::$variant(c) => c.has_credentials()),+ }
            }

            /// The login the section signs in with, when it is not a token.
            pub fn file_login(&self) -> Option<String> {
                match self { $(DeskConfig::$variant(c) => c.file_login()),+ }
            }

            /// Whether this help desk signs in with such a secret.
            pub fn accepts(&self, secret: &Secret) -> bool {
                match self { $(DeskConfig::$variant(_) => <$section as DeskSection>::accepts(secret)),+ }
            }

            /// Gives the section the user's secret (in memory only).
            pub fn sign_in_with(&mut self, secret: &Secret) {
                match self { $(DeskConfig::$variant(c) => c.sign_in_with(secret)),+ }
            }

            /// The section without any secret, as the user's settings keep it.
            pub fn without_secrets(&self) -> DeskConfig {
                match self { $(DeskConfig::$variant(c) => DeskConfig::$variant(c.without_secrets())),+ }
            }

            /// The entity tickets go to; `None` for the help desk's default.
            pub fn entity(&self) -> Option<u64> {
                match self { $(DeskConfig::$variant(c) => c.entity()),+ }
            }

            /// Sends tickets to the entity the user chose, when the kind has entities.
            pub fn choose_entity(&mut self, id: u64) {
                match self { $(DeskConfig::$variant(c) => c.choose_entity(id)),+ }
            }

            /// Every secret set to `value`.
            #[doc(hidden)]
            pub fn fill_secrets(&mut self, value: &str) {
                match self { $(DeskConfig::$variant(c) => c.fill_secrets(value)),+ }
            }
        }

        /// The section of the first kind for an address where no kind answered.
        fn first_kind(login: Option<&str>) -> Result<DeskConfig, SignInNeeds> {
            kinds!(@first login; $($variant($section)),+)
        }
    };
    (@first $login:ident; $variant:ident($section:ty) $(, $rest:ident($rest_section:ty))*) => {
        <$section as DeskSection>::typed_in($login).map(DeskConfig::$variant)
    };
}

kinds! {
    Glpi(glpi::GlpiConfig),
    Rt(rt::RtConfig),
}

/// Each kind's fuzz target (`fuzz/fuzz_targets/<kind>.rs`), named as its kind.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzz {
    pub use super::glpi::fuzz::answers as glpi;
    pub use super::rt::fuzz::answers as rt;
}
