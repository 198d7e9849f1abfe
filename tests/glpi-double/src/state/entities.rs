//! Entities, as measured on GLPI 10.0.14 and 11.0.6: what `getMyEntities` lists for a user, the
//! entity a ticket goes to without `entities_id` (the session's active one), and which entities
//! a user may file tickets in (any other answers 400 `ERROR_GLPI_ADD` "You don't have
//! permission to perform this action.").

use super::{Caller, Store};
use crate::error::{ApiError, NO_PERMISSION};
use crate::EntitySpec;

impl Store {
    /// The entities the caller's profile is given in; with `recursive`, those below a recursive
    /// assignment too (`getMyEntities?is_recursive=1`). A recursive root user without
    /// `is_recursive` sees the root alone.
    pub fn my_entities(&self, caller: &Caller, recursive: bool) -> Vec<&EntitySpec> {
        let listed = self.user(caller.id).and_then(|u| u.entities.clone());
        self.config
            .entities
            .iter()
            .filter(|e| match &listed {
                Some(ids) => ids.contains(&e.id),
                None => recursive || e.id == 0,
            })
            .collect()
    }

    /// The entity a ticket goes to: `requested` when the caller may use it, else their active
    /// entity when none was asked for.
    pub fn ticket_entity(&self, caller: &Caller, requested: Option<u64>) -> Result<u64, ApiError> {
        let mine: Vec<u64> = self
            .my_entities(caller, true)
            .iter()
            .map(|e| e.id)
            .collect();
        match requested {
            Some(id) if mine.contains(&id) => Ok(id),
            Some(_) => Err(ApiError::glpi_add(NO_PERMISSION)),
            None => Ok(self
                .user(caller.id)
                .and_then(|u| u.entities.as_ref()?.first().copied())
                .unwrap_or(0)),
        }
    }
}
