//! Satisfaction surveys: the requester's answer (`PUT /TicketSatisfaction/:ticket_id`).

use serde_json::{Map, Value};

use super::{now, Caller, Store};
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
        let version = self.config.version;
        let comment_required_up_to = match version {
            crate::GlpiVersion::V10 => None,
            crate::GlpiVersion::V11 => self.config.survey_comment_required_up_to,
        };
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
        let comment = json_text(input.get("comment"));
        // GLPI 11's `inquest_mandatory_comment`: a low score needs a comment.
        if let (Some(limit), Some(score)) = (comment_required_up_to, satisfaction) {
            if score <= i64::from(limit) && comment.as_deref().is_none_or(str::is_empty) {
                return Err(ApiError::glpi_update(format!(
                    "Comment is required if score is less than or equal to {limit}"
                )));
            }
        }
        if let Some(value) = satisfaction {
            target.satisfaction = Some(value);
        }
        // prepareInputForUpdate: `$input['satisfaction'] >= 0` (true for a missing value too).
        if !matches!(satisfaction, Some(v) if v < 0) {
            target.date_answered = Some(now());
        }
        if let Some(comment) = comment {
            target.comment = Some(version.store(&comment));
        }
        Ok(target.id)
    }
}
