//! The user's tickets on the help desk: the list, one ticket in detail, what the desk lets them
//! do, the actions they take on a ticket, and the follow-up state and poller that watch them.

use super::{ApiError, Guichet};
use crate::action::{ActionInput, TicketAction};
use crate::connector::{Capabilities, ConnectorError, TicketDetail, TicketId, TicketSummary};
use crate::follow::{FollowState, FollowStore, PollSettings, StatusPoller};
use guichet_protocol::view::MyTickets;

impl Guichet {
    /// Validates what the user wants to do on a ticket.
    pub fn build_action(&self, input: &ActionInput) -> Result<TicketAction, ApiError> {
        Ok(TicketAction::build(
            input,
            &self.config.limits,
            &self.capabilities().survey,
            self.now_ms(),
            self.lang,
        )?)
    }

    /// What the help desk lets the user do (everything, queued, when none is configured).
    pub fn capabilities(&self) -> Capabilities {
        self.connector
            .as_ref()
            .map_or(Capabilities::ALL, |c| c.capabilities())
    }

    /// One ticket in detail, from the help desk. Opening it marks its notices read.
    pub async fn ticket(&self, id: TicketId) -> Result<TicketDetail, ApiError> {
        let connector = self
            .connector
            .as_ref()
            .ok_or(ConnectorError::NotConfigured)?;
        let detail = connector.ticket_detail(id).await?;
        if let Err(e) = self.follow.update(|s| s.mark_read(Some(id))).await {
            tracing::warn!("{e}");
        }
        Ok(detail)
    }

    /// "My tickets": from the help desk, or from what this computer knows when it is offline.
    pub async fn my_tickets(&self) -> MyTickets {
        let state = self.follow.read();
        match self.tickets().await {
            Ok(tickets) => MyTickets {
                tickets,
                offline: None,
                unread: state.unread,
                language: self.lang,
            },
            Err(e) => MyTickets {
                tickets: state.summaries(),
                offline: Some(e.info(self.lang)),
                unread: state.unread,
                language: self.lang,
            },
        }
    }

    /// The user's tickets from the help desk; `NotConfigured` without one.
    pub async fn tickets(&self) -> Result<Vec<TicketSummary>, ConnectorError> {
        match &self.connector {
            Some(c) => c.my_tickets().await,
            None => Err(ConnectorError::NotConfigured),
        }
    }

    /// The follow-up state, read without locking.
    pub fn follow_state(&self) -> FollowState {
        self.follow.read()
    }

    /// The follow-up state's store, for the agent's poller to update.
    pub fn follow_store(&self) -> &FollowStore {
        &self.follow
    }

    /// The status poller, when a help desk is configured.
    pub fn poller(&self) -> Option<StatusPoller> {
        self.connector.clone().map(StatusPoller::new)
    }

    /// How often the poller checks the open tickets.
    pub fn poll_settings(&self) -> PollSettings {
        PollSettings::new(self.config.poll.interval())
    }
}
