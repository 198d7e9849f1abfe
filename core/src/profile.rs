//! What Guichet remembers about its user between reports (phone, location), so that the next
//! report is quicker. IT's pre-filled values (`[defaults]` in the configuration) apply until the
//! user enters their own.

use crate::config::UserDefaults;
use guichet_protocol::private;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The file, in the data directory, that holds the remembered values.
pub const PROFILE_FILE: &str = "profile.json";

/// The phone and location pre-filled in the next report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// The phone number to call back, as the user typed it; `None` when there is none.
    pub phone: Option<String>,
    /// Where the user is (office, room); `None` when there is none.
    pub location: Option<String>,
}

impl Profile {
    /// The remembered values, completed by IT's defaults. A damaged file counts as empty.
    pub fn load(data_dir: &Path, defaults: &UserDefaults) -> Profile {
        let saved: Profile = std::fs::read(data_dir.join(PROFILE_FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        Profile {
            phone: saved.phone.or_else(|| defaults.phone.clone()),
            location: saved.location.or_else(|| defaults.location.clone()),
        }
    }

    /// Saves through a temporary file and a rename, so a crash never leaves half a file; the
    /// file is its user's only (0600).
    pub fn save(&self, data_dir: &Path) -> std::io::Result<()> {
        private::replace(
            &data_dir.join(PROFILE_FILE),
            &serde_json::to_vec_pretty(self)?,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_values_win_over_it_defaults_and_survive_a_restart() {
        let dir = tempfile::tempdir().expect("tempdir");
        let defaults = UserDefaults {
            phone: Some("01 23 45 67 89".into()),
            location: Some("CDI".into()),
        };
        assert_eq!(
            Profile::load(dir.path(), &defaults).phone.as_deref(),
            Some("01 23 45 67 89")
        );
        Profile {
            phone: Some("06 12 34 56 78".into()),
            location: None,
        }
        .save(dir.path())
        .expect("save");
        let loaded = Profile::load(dir.path(), &defaults);
        assert_eq!(loaded.phone.as_deref(), Some("06 12 34 56 78"));
        assert_eq!(loaded.location.as_deref(), Some("CDI"));
        std::fs::write(dir.path().join(PROFILE_FILE), b"{not json").expect("write");
        assert_eq!(
            Profile::load(dir.path(), &defaults).phone.as_deref(),
            Some("01 23 45 67 89")
        );
    }
}
