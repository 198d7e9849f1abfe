//! The ticket timeline: followups (`POST /ITILFollowup`, with GLPI's approve / refuse / reopen
//! rules and `ParentStatus`), and the technician's followups and solutions.

use serde_json::{Map, Value};

use super::tickets::set_status;
use super::{next, now, solution_status, status, Caller, Followup, Solution, Store};
use crate::error::{ApiError, NO_PERMISSION};
use crate::params::{json_int, json_text};
use crate::upload::AcceptedFile;
use crate::{Profile, TechActionError};

impl Store {
    /// `POST /ITILFollowup`, with GLPI's approve (`add_close`) and refuse (`add_reopen`) rules.
    pub fn add_followup(
        &mut self,
        caller: &Caller,
        input: &Map<String, Value>,
        files: &[AcceptedFile],
    ) -> Result<u64, ApiError> {
        let itemtype = json_text(input.get("itemtype")).unwrap_or_default();
        let ticket_id = input.get("items_id").and_then(json_int).unwrap_or(0).max(0) as u64;
        // ITILFollowup::canCreateItem: the parent must be readable and not closed.
        let allowed = itemtype.eq_ignore_ascii_case("Ticket")
            && self
                .tickets
                .get(&ticket_id)
                .is_some_and(|t| Self::can_see(caller, t) && t.status != status::CLOSED);
        if !allowed {
            return Err(ApiError::glpi_add(NO_PERMISSION));
        }
        // The flags are read with isset(): present and not null, whatever the value.
        let add_close = input.get("add_close").is_some_and(|v| !v.is_null());
        let add_reopen = input.get("add_reopen").is_some_and(|v| !v.is_null());
        let mut content = json_text(input.get("content")).unwrap_or_default();
        if php_empty(&content) && !add_close && !add_reopen {
            return Err(ApiError::glpi_add(
                "You can't add a followup without description",
            ));
        }
        if add_close && php_empty(&content) {
            content = "Solution approved".to_owned();
        }
        if add_reopen && content.is_empty() {
            return Err(ApiError::glpi_add(
                "If you want to reopen this item, you must specify a reason",
            ));
        }

        let followup_id = next(&mut self.ids.followup);
        let version = self.config.version;
        for file in files {
            self.attach(ticket_id, caller.id, file, None);
        }
        if let Some(ticket) = self.tickets.get_mut(&ticket_id) {
            ticket.followups.push(Followup {
                id: followup_id,
                users_id: caller.id,
                content: version.store(&content),
                date: now(),
            });
            ticket.touch(caller.id);
        }
        self.update_parent_status(caller, ticket_id, add_close, add_reopen);
        Ok(followup_id)
    }

    /// `ParentStatus::updateParentStatus` after a requester's followup or document.
    ///
    /// Only a requester actor (or staff) drives the status: on a ticket without a requester actor,
    /// approve and refuse change nothing (contract V).
    pub(super) fn update_parent_status(
        &mut self,
        caller: &Caller,
        ticket_id: u64,
        close: bool,
        reopen: bool,
    ) {
        let surveys = self.surveys;
        let satisfaction_id = &mut self.ids.satisfaction;
        let Some(ticket) = self.tickets.get_mut(&ticket_id) else {
            return;
        };
        let is_requester = ticket.requester_ids.contains(&caller.id);
        if !is_requester && caller.profile == Profile::SelfService {
            return;
        }
        if close && ticket.status == status::SOLVED {
            set_status(
                ticket,
                status::CLOSED,
                caller.id,
                true,
                surveys,
                satisfaction_id,
            );
        }
        // needReopen(): a requester's plain followup on a pending, solved or closed ticket.
        let need_reopen = !close && is_requester && status::REOPENABLE.contains(&ticket.status);
        if (reopen || need_reopen) && status::REOPENABLE.contains(&ticket.status) {
            let target = if ticket.technician_involved {
                status::ASSIGNED
            } else {
                status::NEW
            };
            set_status(ticket, target, caller.id, false, surveys, satisfaction_id);
        }
    }

    /// The technician's solution (`ITILSolution` add).
    pub fn add_solution(&mut self, ticket_id: u64, content: &str) -> Result<u64, TechActionError> {
        let technician = self.technician_id();
        let solution_id = self.ids.solution + 1;
        let version = self.config.version;
        let ticket = self
            .tickets
            .get_mut(&ticket_id)
            .ok_or(TechActionError::NoSuchTicket(ticket_id))?;
        match ticket.status {
            status::SOLVED => return Err(TechActionError::AlreadySolved(ticket_id)),
            status::CLOSED => return Err(TechActionError::Closed(ticket_id)),
            _ => {}
        }
        self.ids.solution = solution_id;
        let now = now();
        ticket.solutions.push(Solution {
            id: solution_id,
            users_id: technician,
            content: version.store(content),
            date_creation: now,
            status: solution_status::WAITING,
            users_id_approval: 0,
            date_approval: None,
        });
        ticket.status = status::SOLVED;
        ticket.solvedate = Some(now);
        ticket.technician_involved = true;
        ticket.touch(technician);
        Ok(solution_id)
    }

    /// A technician's public followup.
    pub fn add_tech_followup(
        &mut self,
        ticket_id: u64,
        content: &str,
    ) -> Result<u64, TechActionError> {
        let technician = self.technician_id();
        let followup_id = self.ids.followup + 1;
        let version = self.config.version;
        let ticket = self
            .tickets
            .get_mut(&ticket_id)
            .ok_or(TechActionError::NoSuchTicket(ticket_id))?;
        if ticket.status == status::CLOSED {
            return Err(TechActionError::Closed(ticket_id));
        }
        if content.is_empty() {
            return Err(TechActionError::EmptyContent);
        }
        self.ids.followup = followup_id;
        ticket.followups.push(Followup {
            id: followup_id,
            users_id: technician,
            content: version.store(content),
            date: now(),
        });
        ticket.technician_involved = true;
        ticket.touch(technician);
        Ok(followup_id)
    }

    /// The user id technician actions are recorded under: the first non-Self-Service user.
    fn technician_id(&self) -> u64 {
        self.config
            .users
            .iter()
            .find(|u| u.profile == Profile::Technician)
            .or_else(|| {
                self.config
                    .users
                    .iter()
                    .find(|u| u.profile == Profile::Admin)
            })
            .map_or(2, |u| u.id)
    }
}

/// PHP's `empty()` on a request string.
fn php_empty(s: &str) -> bool {
    s.is_empty() || s == "0"
}
