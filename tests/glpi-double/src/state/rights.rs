//! Read rights: which tickets and documents a caller may see (GLPI's `canViewItem` and
//! `Document::canViewFile` for the double's three profiles).

use super::{Caller, Document, Store, Ticket};
use crate::error::ApiError;
use crate::Profile;

impl Store {
    /// Whether the caller may read the ticket (Self-Service: requester or recipient only).
    pub fn can_see(caller: &Caller, ticket: &Ticket) -> bool {
        caller.profile != Profile::SelfService
            || ticket.requester_ids.contains(&caller.id)
            || ticket.recipient_id == caller.id
    }

    /// A ticket the caller may read: 404 when missing, 403 when not theirs.
    pub fn visible_ticket(&self, caller: &Caller, id: u64) -> Result<&Ticket, ApiError> {
        let ticket = self.tickets.get(&id).ok_or_else(ApiError::not_found)?;
        if Self::can_see(caller, ticket) {
            Ok(ticket)
        } else {
            Err(ApiError::right_missing())
        }
    }

    /// Whether the caller may read the document's bytes (`Document::canViewFile`).
    pub fn can_download(&self, caller: &Caller, document: &Document) -> bool {
        caller.profile != Profile::SelfService
            || document.users_id == caller.id
            || self
                .document_items
                .iter()
                .filter(|link| link.documents_id == document.id)
                .any(|link| {
                    self.tickets
                        .get(&link.items_id)
                        .is_some_and(|t| Self::can_see(caller, t))
                })
    }
}
