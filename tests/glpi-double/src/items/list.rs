//! `API::getItems`: listings of an itemtype, top-level or under a ticket, with the `range`, `sort`,
//! `order` and `searchText` parameters.

use serde_json::{json, Map, Value};

use super::links::finish_row;
use super::rows::{
    category_rows, document_item_row, document_row, followup_row, satisfaction_row, solution_row,
    ticket_row,
};
use super::{ItemType, ReadOptions, LIST_LIMIT};
use crate::error::ApiError;
use crate::params::{Params, PhpValue};
use crate::search::{like, parse_range, text_pattern, TextPattern};
use crate::state::{Caller, Store, Ticket};

/// One page of `GET /<itemtype>` or `GET /Ticket/<id>/<itemtype>`.
#[derive(Debug)]
pub(crate) struct Page {
    pub rows: Vec<Value>,
    pub total: usize,
}

/// `API::getItems`, with its `range`, `sort`, `order` and `searchText` parameters.
pub(crate) fn get_items(
    store: &Store,
    caller: &Caller,
    itemtype: ItemType,
    parent: Option<(ItemType, u64)>,
    params: &Params,
    options: ReadOptions,
) -> Result<Page, ApiError> {
    let base = store.base_url.as_str();
    let (start, end) = match params.scalar("range") {
        Some(range) => parse_range(&range).ok_or_else(|| ApiError::bad_range(base))?,
        None => (0, LIST_LIMIT - 1),
    };
    let order = params.scalar("order").unwrap_or_else(|| "ASC".to_owned());
    let descending = match order.to_ascii_uppercase().as_str() {
        "ASC" => false,
        "DESC" => true,
        _ => return Err(ApiError::generic("order must be DESC or ASC", base)),
    };
    if !itemtype.can_view(store, caller) {
        return Err(ApiError::right_missing());
    }
    let mut rows = match parent {
        Some((ItemType::Ticket, ticket_id)) => {
            let ticket = store.visible_ticket(caller, ticket_id)?;
            child_rows(store, itemtype, ticket).ok_or_else(|| ApiError::resource_not_found(base))?
        }
        Some(_) => return Err(ApiError::resource_not_found(base)),
        None => all_rows(store, caller, itemtype),
    };
    let sort = params.scalar("sort").unwrap_or_else(|| "id".to_owned());
    let unknown_field = matches!(rows.first(), Some(row) if !row.contains_key(&sort));
    if unknown_field {
        return Err(ApiError::generic(
            &format!("sort param is not a field of {}", itemtype.table()),
            base,
        ));
    }
    if let Some(PhpValue::Array(filters)) = params.query_value("searchText") {
        rows.retain(|row| {
            filters
                .iter()
                .all(|(field, value)| search_text_matches(row, field, value))
        });
    }
    rows.sort_by(|a, b| {
        let ordering = compare_json(a.get(&sort), b.get(&sort));
        if descending {
            ordering.reverse()
        } else {
            ordering
        }
    });
    let total = rows.len();
    if start > total {
        return Err(ApiError::range_exceeds_total(total, base));
    }
    let limit = end.saturating_add(1).saturating_sub(start);
    let rows = rows
        .into_iter()
        .skip(start)
        .take(limit)
        .map(|mut row| {
            if options.only_id {
                let id = row.get("id").cloned().unwrap_or(Value::Null);
                return json!({ "id": id });
            }
            finish_row(store, itemtype, &mut row, options);
            Value::Object(row)
        })
        .collect();
    Ok(Page { rows, total })
}

/// `searchText[field]=value`: a `LIKE` on the column (empty values are ignored, like PHP's `empty`).
fn search_text_matches(row: &Map<String, Value>, field: &str, value: &PhpValue) -> bool {
    let Some(value) = value.as_str().filter(|v| !v.is_empty() && *v != "0") else {
        return true;
    };
    let fields: Vec<&str> = if field == "all" {
        vec!["name", "comment"]
    } else {
        vec![field]
    };
    let pattern = text_pattern(value);
    fields.iter().any(|f| {
        let text = match row.get(*f) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        match (&pattern, text) {
            (TextPattern::IsNull, None) => true,
            (TextPattern::Like(p), Some(text)) => like(p, &text),
            _ => false,
        }
    })
}

fn compare_json(a: Option<&Value>, b: Option<&Value>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .unwrap_or(0.0)
            .total_cmp(&y.as_f64().unwrap_or(0.0)),
        (Some(Value::String(x)), Some(Value::String(y))) => x.to_lowercase().cmp(&y.to_lowercase()),
        (None | Some(Value::Null), None | Some(Value::Null)) => std::cmp::Ordering::Equal,
        (None | Some(Value::Null), _) => std::cmp::Ordering::Less,
        (_, None | Some(Value::Null)) => std::cmp::Ordering::Greater,
        (Some(x), Some(y)) => x.to_string().cmp(&y.to_string()),
    }
}

/// Rows of a sub-itemtype under a ticket (`None` when the pair makes no sense).
fn child_rows(
    store: &Store,
    itemtype: ItemType,
    ticket: &Ticket,
) -> Option<Vec<Map<String, Value>>> {
    Some(match itemtype {
        ItemType::ItilFollowup => ticket
            .followups
            .iter()
            .map(|f| followup_row(ticket, f))
            .collect(),
        ItemType::ItilSolution => ticket
            .solutions
            .iter()
            .map(|s| solution_row(ticket, s))
            .collect(),
        ItemType::TicketSatisfaction => ticket
            .satisfaction
            .iter()
            .map(|s| satisfaction_row(ticket, s))
            .collect(),
        ItemType::DocumentItem => store
            .ticket_documents(ticket.id)
            .into_iter()
            .map(|(link, _)| document_item_row(link))
            .collect(),
        ItemType::Document => store
            .ticket_documents(ticket.id)
            .into_iter()
            .map(|(_, doc)| document_row(doc))
            .collect(),
        ItemType::Ticket | ItemType::ItilCategory | ItemType::Location => return None,
    })
}

/// Rows of a top-level listing, restricted to what the caller may see.
fn all_rows(store: &Store, caller: &Caller, itemtype: ItemType) -> Vec<Map<String, Value>> {
    let visible = || store.tickets.values().filter(|t| Store::can_see(caller, t));
    match itemtype {
        ItemType::Ticket => visible().map(ticket_row).collect(),
        ItemType::ItilFollowup => visible()
            .flat_map(|t| t.followups.iter().map(move |f| followup_row(t, f)))
            .collect(),
        ItemType::ItilSolution => visible()
            .flat_map(|t| t.solutions.iter().map(move |s| solution_row(t, s)))
            .collect(),
        ItemType::TicketSatisfaction => visible()
            .flat_map(|t| t.satisfaction.iter().map(move |s| satisfaction_row(t, s)))
            .collect(),
        ItemType::Document => store.documents.values().map(document_row).collect(),
        ItemType::DocumentItem => store.document_items.iter().map(document_item_row).collect(),
        ItemType::ItilCategory => category_rows(store),
        ItemType::Location => Vec::new(),
    }
}
