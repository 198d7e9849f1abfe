//! What the windows are shown before the user types: the phone and location to pre-fill (and
//! saving them), the categories offered, and the Settings window's content (with the entities
//! the user's tickets may go to).

use super::{ApiError, Guichet};
use crate::config::Lockable;
use crate::connector::categories::{self, CategoryList};
use crate::connector::ConnectorError;
use crate::profile::Profile;
use guichet_protocol::view::{EntityList, SettingsView};

impl Guichet {
    /// The phone and location to pre-fill: remembered, else IT's defaults.
    pub fn profile(&self) -> Profile {
        let mut profile = Profile::load(&self.data_dir, &self.config.defaults);
        // IT's value wins for a key it locked.
        if self
            .config
            .is_locked(crate::config::Lockable::DefaultsPhone)
        {
            profile.phone = self.config.defaults.phone.clone();
        }
        if self
            .config
            .is_locked(crate::config::Lockable::DefaultsLocation)
        {
            profile.location = self.config.defaults.location.clone();
        }
        profile
    }

    /// Remembers the user's own phone and location (the Settings window). The phone is checked
    /// like a report's.
    pub fn save_profile(
        &self,
        phone: Option<String>,
        location: Option<String>,
    ) -> Result<Profile, ApiError> {
        let clean = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let (phone, location) = (clean(phone), clean(location));
        if let Some(p) = &phone {
            if crate::phone::parse(p).is_none() {
                let error = crate::report::ValidationError::PhoneInvalid { value: p.clone() };
                return Err(crate::report::ValidationErrors(vec![error]).into());
            }
        }
        let profile = Profile { phone, location };
        profile.save(&self.data_dir).map_err(ApiError::Profile)?;
        Ok(self.profile())
    }

    /// The Settings window's content; `queued` is counted by the outbox's owner.
    pub fn settings(&self, queued: usize) -> SettingsView {
        let profile = self.profile();
        SettingsView {
            phone: profile.phone,
            location: profile.location,
            server: self.config.server.as_ref().map(|s| s.url().to_owned()),
            shortcut: self.config.agent.shortcut().to_owned(),
            language: self.lang,
            poll_interval_secs: self.config.poll.interval().as_secs(),
            queued,
            version: env!("CARGO_PKG_VERSION").to_owned(),
            server_kind: self
                .config
                .server
                .as_ref()
                .map(|s| s.desk.kind().to_owned()),
            locked: self.config.locked.clone(),
            account: self.account_view(),
            config_problems: self.config_problems(),
            autostart: self.config.agent.autostart,
            desktop: None,
            entities: self.capabilities().entities,
            entity: self.entity(),
        }
    }

    /// The entity tickets go to (IT's, else the user's choice); `None`: the help desk's default.
    pub fn entity(&self) -> Option<u64> {
        self.config.server.as_ref().and_then(|s| s.desk.entity())
    }

    /// The entities the user's tickets may go to, from the help desk, with the one in force.
    pub async fn entities(&self) -> Result<EntityList, ApiError> {
        let connector = self
            .connector
            .as_ref()
            .ok_or(ConnectorError::NotConfigured)?;
        Ok(EntityList {
            entities: connector.entities().await?,
            chosen: self.entity(),
            locked: self.config.is_locked(Lockable::Entity),
        })
    }

    /// Categories for the wizard and validation, without touching the network.
    pub fn offline_categories(&self) -> CategoryList {
        categories::cached_or_configured(&self.config.categories, &self.data_dir)
    }

    /// Categories, refreshed from the help desk when it allows it.
    pub async fn categories(&self) -> CategoryList {
        categories::load(
            self.connector.as_deref(),
            &self.config.categories,
            &self.data_dir,
        )
        .await
    }
}
