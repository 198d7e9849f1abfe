//! The search options of `Ticket::rawSearchOptions` (ids, names, columns, datatypes), the
//! `listSearchOptions/Ticket` answer, and each option's value (cell) for a ticket.

use serde_json::{json, Value};

use crate::state::{fmt_stamp, Store, Ticket};
use crate::GlpiVersion;

/// How an option's value is read and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// The ticket name (GLPI `itemlink`: `equals` compares the id).
    Name,
    Id,
    Number,
    Status,
    Requester,
    Technician,
    Category,
    Date,
    Text,
}

/// A search option of `Ticket::rawSearchOptions`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SearchOption {
    pub(super) id: u32,
    name: &'static str,
    table: &'static str,
    field: &'static str,
    pub(super) kind: Kind,
}

const fn opt(
    id: u32,
    name: &'static str,
    table: &'static str,
    field: &'static str,
    kind: Kind,
) -> SearchOption {
    SearchOption {
        id,
        name,
        table,
        field,
        kind,
    }
}

const OPTIONS: [SearchOption; 17] = [
    opt(1, "Title", "glpi_tickets", "name", Kind::Name),
    opt(2, "ID", "glpi_tickets", "id", Kind::Id),
    opt(3, "Priority", "glpi_tickets", "priority", Kind::Number),
    opt(4, "Requester", "glpi_users", "name", Kind::Requester),
    opt(5, "Technician", "glpi_users", "name", Kind::Technician),
    opt(
        7,
        "Category",
        "glpi_itilcategories",
        "completename",
        Kind::Category,
    ),
    opt(10, "Urgency", "glpi_tickets", "urgency", Kind::Number),
    opt(11, "Impact", "glpi_tickets", "impact", Kind::Number),
    opt(12, "Status", "glpi_tickets", "status", Kind::Status),
    opt(14, "Type", "glpi_tickets", "type", Kind::Number),
    opt(15, "Opening date", "glpi_tickets", "date", Kind::Date),
    opt(16, "Closing date", "glpi_tickets", "closedate", Kind::Date),
    opt(
        17,
        "Resolution date",
        "glpi_tickets",
        "solvedate",
        Kind::Date,
    ),
    opt(
        18,
        "Time to resolve",
        "glpi_tickets",
        "time_to_resolve",
        Kind::Date,
    ),
    opt(19, "Last update", "glpi_tickets", "date_mod", Kind::Date),
    opt(21, "Description", "glpi_tickets", "content", Kind::Text),
    opt(87, "External ID", "glpi_tickets", "externalid", Kind::Text),
];

/// Options GLPI 11 added: GLPI 10 knows none of them.
const SINCE_11: [u32; 1] = [87];

/// GLPI's default display preferences for Ticket (used when there is no `forcedisplay`).
pub(super) const DEFAULT_VIEW: [u32; 8] = [12, 19, 15, 3, 4, 5, 7, 18];

pub(super) fn option(id: u32) -> Option<&'static SearchOption> {
    OPTIONS.iter().find(|o| o.id == id)
}

/// The option `id` as `version` knows it.
pub(super) fn option_on(version: GlpiVersion, id: u32) -> Option<&'static SearchOption> {
    option(id).filter(|o| version == GlpiVersion::V11 || !SINCE_11.contains(&o.id))
}

/// `listSearchOptions/Ticket`.
pub(crate) fn list_search_options() -> Value {
    let mut map = serde_json::Map::new();
    map.insert("common".into(), json!({ "name": "Characteristics" }));
    for o in &OPTIONS {
        let searchtypes: &[&str] = match o.kind {
            Kind::Name | Kind::Text => &["contains", "notcontains"],
            Kind::Id | Kind::Status => &["equals", "notequals"],
            Kind::Number => &["contains", "notcontains", "equals", "notequals"],
            Kind::Requester | Kind::Technician => {
                &["equals", "notequals", "contains", "notcontains"]
            }
            Kind::Category => &[
                "contains",
                "notcontains",
                "equals",
                "notequals",
                "under",
                "notunder",
            ],
            Kind::Date => &[
                "equals",
                "notequals",
                "lessthan",
                "morethan",
                "contains",
                "notcontains",
            ],
        };
        map.insert(
            o.id.to_string(),
            json!({
                "name": o.name,
                "table": o.table,
                "field": o.field,
                "datatype": match o.kind {
                    Kind::Name => "itemlink",
                    Kind::Id | Kind::Number => "number",
                    Kind::Status => "specific",
                    Kind::Requester | Kind::Technician | Kind::Category => "dropdown",
                    Kind::Date => "datetime",
                    Kind::Text => "text",
                },
                "nosearch": false,
                "nodisplay": false,
                "available_searchtypes": searchtypes,
                "uid": format!("Ticket.{}", o.field),
            }),
        );
    }
    Value::Object(map)
}

/// A cell value.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    Null,
    Int(i64),
    Str(String),
    Many(Vec<String>),
}

impl Cell {
    pub(super) fn into_json(self) -> Value {
        match self {
            Cell::Null => Value::Null,
            Cell::Int(i) => json!(i),
            Cell::Str(s) => json!(s),
            Cell::Many(mut values) => match values.len() {
                0 => Value::Null,
                1 => json!(values.remove(0)),
                _ => json!(values),
            },
        }
    }

    /// The texts a `LIKE` sees (none for NULL).
    pub(super) fn texts(&self) -> Vec<String> {
        match self {
            Cell::Null => Vec::new(),
            Cell::Int(i) => vec![i.to_string()],
            Cell::Str(s) => vec![s.clone()],
            Cell::Many(values) => values.clone(),
        }
    }
}

pub(super) fn cell(store: &Store, ticket: &Ticket, option: &SearchOption) -> Cell {
    let date =
        |d: Option<&time::PrimitiveDateTime>| d.map_or(Cell::Null, |d| Cell::Str(fmt_stamp(d)));
    match option.id {
        1 => Cell::Str(ticket.name.clone()),
        2 => Cell::Int(ticket.id as i64),
        3 => Cell::Int(i64::from(ticket.priority)),
        4 => Cell::Many(
            ticket
                .requester_ids
                .iter()
                .map(|id| store.user(*id).map(|u| u.login.clone()).unwrap_or_default())
                .collect(),
        ),
        5 => Cell::Many(Vec::new()),
        7 => store
            .config
            .categories
            .iter()
            .find(|c| c.id == ticket.category_id)
            .map_or(Cell::Null, |c| {
                Cell::Str(store.config.version.store(&c.completename))
            }),
        10 => Cell::Int(i64::from(ticket.urgency)),
        11 => Cell::Int(i64::from(ticket.impact)),
        12 => Cell::Int(i64::from(ticket.status)),
        14 => Cell::Int(i64::from(ticket.kind)),
        15 => date(Some(&ticket.date)),
        16 => date(ticket.closedate.as_ref()),
        17 => date(ticket.solvedate.as_ref()),
        19 => date(Some(&ticket.date_mod)),
        21 => Cell::Str(ticket.content.clone()),
        87 => ticket.externalid.clone().map_or(Cell::Null, Cell::Str),
        _ => Cell::Null,
    }
}

/// Sort key: NULL first, then numbers, then case-insensitive text.
pub(super) fn sort_key(store: &Store, ticket: &Ticket, option: &SearchOption) -> (u8, i64, String) {
    match cell(store, ticket, option) {
        Cell::Null => (0, 0, String::new()),
        Cell::Int(i) => (1, i, String::new()),
        Cell::Str(s) => (2, 0, s.to_lowercase()),
        Cell::Many(values) => (2, 0, values.join(" ").to_lowercase()),
    }
}
