//! Satisfaction surveys: the requester's answer (`PUT /TicketSatisfaction/:ticket_id`).

use serde_json::{Map, Value};

use super::{now, Caller, Store};
use crate::encode::encode_html;
use crate::error::{ApiError, NO_PERMISSION};
use crate::params::{json_int, json_text};
use crate::Profile;

impl Store {
    /// `PUT /TicketSatisfaction/:ticket_id`; returns the satisfaction row id.
    pub fn update_satisfaction(
        &mut self,
        caller: &Caller,
        ticket_id: u64,
        input: &Map<String, Value>,
    ) -> Result<u64, ApiError> {
        let ticket = self
            .tickets
            .get(&ticket_id)
            .ok_or_else(ApiError::glpi_update_not_found)?;
        let row = ticket
            .satisfaction
            .as_ref()
            .ok_or_else(ApiError::glpi_update_not_found)?;
        // TicketSatisfaction::canUpdateItem: requesters only, and not 12 hours after answering.
        let too_late = row
            .date_answered
            .is_some_and(|d| now() - d > time::Duration::hours(12));
        let allowed =
            ticket.requester_ids.contains(&caller.id) || caller.profile != Profile::SelfService;
        if too_late || !allowed {
            return Err(ApiError::glpi_update(NO_PERMISSION));
        }
        // The row is found again through its index key, `tickets_id`, which must be in the input.
        let target = input
            .get("tickets_id")
            .and_then(json_int)
            .and_then(|id| self.tickets.get_mut(&(id.max(0) as u64)))
            .and_then(|t| t.satisfaction.as_mut())
            .ok_or_else(|| ApiError::glpi_update(""))?;
        let satisfaction = input.get("satisfaction").and_then(json_int);
        if let Some(value) = satisfaction {
            target.satisfaction = Some(value);
        }
        // prepareInputForUpdate: `$input['satisfaction'] >= 0` (true for a missing value too).
        if !matches!(satisfaction, Some(v) if v < 0) {
            target.date_answered = Some(now());
        }
        if let Some(comment) = json_text(input.get("comment")) {
            target.comment = Some(encode_html(&comment));
        }
        Ok(target.id)
    }
}
