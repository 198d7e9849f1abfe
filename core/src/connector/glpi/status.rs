//! GLPI's workflow in the neutral vocabulary: its numeric ticket and solution statuses, and what
//! the requester's actions do to a ticket (approving closes it, refusing reopens it).

use crate::connector::{ActionEffect, SolutionStatus, TicketStatus, Workflow};
use guichet_protocol::action::ActionKind;

/// GLPI's numeric ticket status (1 New … 6 Closed).
pub fn ticket_status(code: i64) -> Option<TicketStatus> {
    Some(match code {
        1 => TicketStatus::New,
        2 => TicketStatus::Assigned,
        3 => TicketStatus::Planned,
        4 => TicketStatus::Waiting,
        5 => TicketStatus::Solved,
        6 => TicketStatus::Closed,
        _ => return None,
    })
}

/// GLPI's solution validation status (2 waiting, 3 accepted, 4 refused; 1 "none" counts as
/// waiting).
pub fn solution_status(code: i64) -> SolutionStatus {
    match code {
        3 => SolutionStatus::Accepted,
        4 => SolutionStatus::Refused,
        _ => SolutionStatus::Waiting,
    }
}

/// A followup with `add_close` closes the ticket and accepts the solution; one with `add_reopen`
/// refuses the solution and puts the ticket back to New (or Assigned: the next check tells).
pub fn effect(action: &ActionKind) -> ActionEffect {
    ActionEffect::of(
        action,
        Workflow {
            approved: Some(TicketStatus::Closed),
            refused: Some(TicketStatus::New),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_glpi_status_has_its_neutral_name() {
        let names: Vec<_> = (0..=7).map(ticket_status).collect();
        assert_eq!(names[0], None);
        assert_eq!(names[1], Some(TicketStatus::New));
        assert_eq!(names[5], Some(TicketStatus::Solved));
        assert_eq!(names[6], Some(TicketStatus::Closed));
        assert_eq!(names[7], None);
        assert_eq!(solution_status(1), SolutionStatus::Waiting);
        assert_eq!(solution_status(3), SolutionStatus::Accepted);
        assert_eq!(solution_status(4), SolutionStatus::Refused);
    }
}
