//! The settings IT can lock. A locked setting keeps IT's value whatever the user saved, and the
//! windows show it read-only with "Set by IT". Each key is written here once: the configuration
//! file's `locked = […]` list, the Settings view sent to the window (and its TypeScript type),
//! and the checks of a user's change all use [`Lockable`].
//!
//! To add one: a line in the `lockable!` list below, then the merge of the user's value in
//! `core/src/config/layers.rs` and the Settings control (`docs/ARCHITECTURE.md` walks through it).

use serde::{Deserialize, Serialize};

/// Writes the enum, its serde names (the keys in the file) and [`Lockable::ALL`] from one list.
macro_rules! lockable {
    ($($(#[doc = $doc:literal])* $variant:ident = $key:literal,)+) => {
        /// A setting IT can lock, named as in the configuration file (`agent.shortcut`). Locking
        /// `server` locks the whole `[server]` section: the help desk, its address and account.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
        pub enum Lockable {
            $($(#[doc = $doc])* #[serde(rename = $key)] $variant,)+
        }

        impl Lockable {
            /// Every setting IT can lock, in the order the documentation lists them.
            pub const ALL: &'static [Lockable] = &[$(Lockable::$variant,)+];

            /// The key as written in the configuration file.
            pub fn key(self) -> &'static str {
                match self {
                    $(Lockable::$variant => $key,)+
                }
            }
        }
    };
}

lockable! {
    /// The help desk: `[server]`, its kind, address and how to sign in.
    Server = "server",
    /// The interface language.
    Language = "language",
    /// The global shortcut that opens the wizard.
    AgentShortcut = "agent.shortcut",
    /// Whether the agent starts at login.
    AgentAutostart = "agent.autostart",
    /// The phone number pre-filled in each report.
    DefaultsPhone = "defaults.phone",
    /// The location (room, building) pre-filled in each report.
    DefaultsLocation = "defaults.location",
    /// The entity tickets go to, at a help desk whose requesters may belong to several (GLPI).
    /// Also locked when IT's `[server]` names the entity itself (`server.entity`).
    Entity = "entity",
}

/// A key that is not one IT can lock.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a setting that can be locked (one of: {all})", all = Lockable::keys())]
pub struct NotLockable(pub String);

impl Lockable {
    /// The keys, comma-separated, for messages and documentation.
    pub fn keys() -> String {
        let keys: Vec<&str> = Lockable::ALL.iter().map(|k| k.key()).collect();
        keys.join(", ")
    }
}

impl std::str::FromStr for Lockable {
    type Err = NotLockable;

    /// A key as IT writes it (a Group Policy value, an installer property): exact, after trimming.
    fn from_str(text: &str) -> Result<Lockable, NotLockable> {
        let text = text.trim();
        Lockable::ALL
            .iter()
            .copied()
            .find(|k| k.key() == text)
            .ok_or_else(|| NotLockable(text.to_owned()))
    }
}

impl std::fmt::Display for Lockable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_reads_back_the_same_from_text_and_from_serde() {
        for &key in Lockable::ALL {
            assert_eq!(key.key().parse::<Lockable>(), Ok(key));
            let json = serde_json::to_string(&key).expect("serialise");
            assert_eq!(
                json,
                format!("\"{}\"", key.key()),
                "serde uses the file's key"
            );
            assert_eq!(serde_json::from_str::<Lockable>(&json).expect("read"), key);
        }
    }

    #[test]
    fn an_unknown_or_partial_key_is_refused_with_the_list() {
        for bad in ["sever", "server.url", "agent", ""] {
            let error = bad.parse::<Lockable>().expect_err(bad);
            assert!(error.to_string().contains("agent.shortcut"), "{error}");
        }
        assert_eq!(" language ".parse::<Lockable>(), Ok(Lockable::Language));
    }
}
