//! Snapshots of stored tickets for the test API (`GlpiDouble::tickets`), with stored text decoded
//! back to what the client sent.

use super::{fmt_stamp, Store, Ticket};
use crate::{DocumentView, FollowupView, SatisfactionView, SolutionView, TicketView};

impl Store {
    pub fn ticket_views(&self) -> Vec<TicketView> {
        self.tickets.values().map(|t| self.view(t)).collect()
    }

    pub fn ticket_view(&self, id: u64) -> Option<TicketView> {
        self.tickets.get(&id).map(|t| self.view(t))
    }

    fn view(&self, ticket: &Ticket) -> TicketView {
        TicketView {
            id: ticket.id,
            name: self.config.version.unstore(&ticket.name),
            externalid: ticket.externalid.clone(),
            items: ticket.items.clone(),
            entity_id: ticket.entity_id,
            content: self.config.version.unstore(&ticket.content),
            stored_name: ticket.name.clone(),
            stored_content: ticket.content.clone(),
            status: ticket.status,
            requester_ids: ticket.requester_ids.clone(),
            recipient_id: ticket.recipient_id,
            category_id: ticket.category_id,
            date_mod: fmt_stamp(&ticket.date_mod),
            documents: self
                .ticket_documents(ticket.id)
                .into_iter()
                .map(|(_, doc)| DocumentView {
                    id: doc.id,
                    filename: doc.filename.clone(),
                    mime: doc.mime.clone(),
                    bytes: doc.bytes.to_vec(),
                    sha1: doc.sha1.clone(),
                })
                .collect(),
            followups: ticket
                .followups
                .iter()
                .map(|f| FollowupView {
                    id: f.id,
                    users_id: f.users_id,
                    content: self.config.version.unstore(&f.content),
                    date: fmt_stamp(&f.date),
                })
                .collect(),
            solutions: ticket
                .solutions
                .iter()
                .map(|s| SolutionView {
                    id: s.id,
                    content: self.config.version.unstore(&s.content),
                    status: s.status,
                })
                .collect(),
            satisfaction: ticket.satisfaction.as_ref().map(|s| SatisfactionView {
                id: s.id,
                satisfaction: s.satisfaction,
                comment: s.comment.as_deref().map(|c| self.config.version.unstore(c)),
            }),
        }
    }
}
