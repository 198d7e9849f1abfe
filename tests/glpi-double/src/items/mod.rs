//! Item reads (`API::getItem` / `API::getItems`): which itemtypes exist, who may read them, and
//! the JSON rows GLPI returns for them (with `links`, `expand_dropdowns`, `with_documents`, and
//! the HTML decoding asked by `X-GLPI-Sanitized-Content: false`).
//!
//! This module owns the itemtypes, the read options and single-item reads; `list` holds
//! `getItems`, `rows` the JSON rows, and `links` what is added to every row (links, expanded
//! dropdowns, raw-content decoding).

mod links;
mod list;
mod rows;

use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::params::Params;
use crate::state::{Caller, Store, Ticket};
use crate::Profile;
use links::finish_row;
use rows::{
    category_rows, document_item_row, document_row, followup_row, satisfaction_row, solution_row,
    ticket_documents, ticket_row,
};

pub(crate) use list::get_items;

/// GLPI's default `glpilist_limit`.
pub(crate) const LIST_LIMIT: usize = 20;

/// The itemtypes the double knows (matched case-insensitively, like PHP class names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ItemType {
    Ticket,
    ItilFollowup,
    ItilSolution,
    TicketSatisfaction,
    Document,
    DocumentItem,
    ItilCategory,
    Location,
}

impl ItemType {
    const ALL: [ItemType; 8] = [
        ItemType::Ticket,
        ItemType::ItilFollowup,
        ItemType::ItilSolution,
        ItemType::TicketSatisfaction,
        ItemType::Document,
        ItemType::DocumentItem,
        ItemType::ItilCategory,
        ItemType::Location,
    ];

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(name))
    }

    pub fn name(self) -> &'static str {
        match self {
            ItemType::Ticket => "Ticket",
            ItemType::ItilFollowup => "ITILFollowup",
            ItemType::ItilSolution => "ITILSolution",
            ItemType::TicketSatisfaction => "TicketSatisfaction",
            ItemType::Document => "Document",
            ItemType::DocumentItem => "Document_Item",
            ItemType::ItilCategory => "ITILCategory",
            ItemType::Location => "Location",
        }
    }

    fn table(self) -> &'static str {
        match self {
            ItemType::Ticket => "glpi_tickets",
            ItemType::ItilFollowup => "glpi_itilfollowups",
            ItemType::ItilSolution => "glpi_itilsolutions",
            ItemType::TicketSatisfaction => "glpi_ticketsatisfactions",
            ItemType::Document => "glpi_documents",
            ItemType::DocumentItem => "glpi_documents_items",
            ItemType::ItilCategory => "glpi_itilcategories",
            ItemType::Location => "glpi_locations",
        }
    }

    /// `$itemtype::canView()` for the caller's profile.
    fn can_view(self, store: &Store, caller: &Caller) -> bool {
        match self {
            ItemType::Document | ItemType::DocumentItem => caller.profile != Profile::SelfService,
            ItemType::ItilCategory | ItemType::Location => {
                store.categories_open || caller.profile == Profile::Admin
            }
            ItemType::Ticket
            | ItemType::ItilFollowup
            | ItemType::ItilSolution
            | ItemType::TicketSatisfaction => true,
        }
    }
}

/// Read options common to item GETs.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ReadOptions {
    pub expand_dropdowns: bool,
    pub with_documents: bool,
    pub only_id: bool,
    /// `X-GLPI-Sanitized-Content: false`: top-level strings are HTML-decoded.
    pub raw: bool,
}

impl ReadOptions {
    pub fn from_params(params: &Params, raw: bool) -> Self {
        ReadOptions {
            expand_dropdowns: params.flag("expand_dropdowns"),
            with_documents: params.flag("with_documents"),
            only_id: params.flag("only_id"),
            raw,
        }
    }
}

/// `GET /<itemtype>/<id>`.
pub(crate) fn get_item(
    store: &Store,
    caller: &Caller,
    itemtype: ItemType,
    id: u64,
    options: ReadOptions,
) -> Result<Value, ApiError> {
    let mut row = match itemtype {
        ItemType::Ticket => {
            let ticket = store.visible_ticket(caller, id)?;
            let mut row = ticket_row(ticket);
            if options.with_documents {
                row.insert(
                    "_documents".into(),
                    Value::Array(ticket_documents(store, ticket)),
                );
            }
            row
        }
        ItemType::ItilFollowup => find_child(store, caller, |t| {
            t.followups
                .iter()
                .find(|f| f.id == id)
                .map(|f| followup_row(t, f))
        })?,
        ItemType::ItilSolution => find_child(store, caller, |t| {
            t.solutions
                .iter()
                .find(|s| s.id == id)
                .map(|s| solution_row(t, s))
        })?,
        // TicketSatisfaction's index key is `tickets_id`.
        ItemType::TicketSatisfaction => {
            let ticket = store.tickets.get(&id).ok_or_else(ApiError::not_found)?;
            let satisfaction = ticket
                .satisfaction
                .as_ref()
                .ok_or_else(ApiError::not_found)?;
            if !Store::can_see(caller, ticket) {
                return Err(ApiError::right_missing());
            }
            satisfaction_row(ticket, satisfaction)
        }
        ItemType::Document => {
            let document = store.documents.get(&id).ok_or_else(ApiError::not_found)?;
            if !itemtype.can_view(store, caller) {
                return Err(ApiError::right_missing());
            }
            document_row(document)
        }
        ItemType::DocumentItem => {
            let link = store
                .document_items
                .iter()
                .find(|l| l.id == id)
                .ok_or_else(ApiError::not_found)?;
            if !itemtype.can_view(store, caller) {
                return Err(ApiError::right_missing());
            }
            document_item_row(link)
        }
        ItemType::ItilCategory => {
            let row = category_rows(store)
                .into_iter()
                .find(|r| r.get("id").and_then(Value::as_u64) == Some(id))
                .ok_or_else(ApiError::not_found)?;
            if !itemtype.can_view(store, caller) {
                return Err(ApiError::right_missing());
            }
            row
        }
        ItemType::Location => return Err(ApiError::not_found()),
    };
    finish_row(store, itemtype, &mut row, options);
    Ok(Value::Object(row))
}

/// A followup or solution, found through its ticket (404 when missing, 403 when not readable).
fn find_child(
    store: &Store,
    caller: &Caller,
    find: impl Fn(&Ticket) -> Option<Map<String, Value>>,
) -> Result<Map<String, Value>, ApiError> {
    for ticket in store.tickets.values() {
        if let Some(row) = find(ticket) {
            return if Store::can_see(caller, ticket) {
                Ok(row)
            } else {
                Err(ApiError::right_missing())
            };
        }
    }
    Err(ApiError::not_found())
}
