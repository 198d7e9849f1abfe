//! Item reads (`API::getItem` / `API::getItems`): which itemtypes exist, who may read them, and
//! the JSON rows GLPI returns for them (with `links`, `expand_dropdowns`, `with_documents`, and
//! the HTML decoding asked by `X-GLPI-Sanitized-Content: false`).

use serde_json::{json, Map, Value};

use crate::encode::{decode_html, encode_html};
use crate::error::ApiError;
use crate::params::{Params, PhpValue};
use crate::search::{like, parse_range, text_pattern, TextPattern};
use crate::state::{
    fmt_stamp, Caller, Document, DocumentItem, Followup, Satisfaction, Solution, Store, Ticket,
};
use crate::Profile;

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

/// `parseDropdowns` (links and `expand_dropdowns`), hateoas links, then the raw-content decoding.
fn finish_row(
    store: &Store,
    itemtype: ItemType,
    row: &mut Map<String, Value>,
    options: ReadOptions,
) {
    let base = &store.base_url;
    let mut links = Vec::new();
    let keys: Vec<String> = row.keys().cloned().collect();
    for key in keys {
        let Some(target) = foreign_key_target(&key) else {
            continue;
        };
        let id = row.get(&key).and_then(Value::as_u64).unwrap_or(0);
        if id == 0 && target != "Entity" {
            continue;
        }
        links.push(json!({ "rel": target, "href": format!("{base}/{target}/{id}") }));
        if options.expand_dropdowns {
            row.insert(key.clone(), json!(dropdown_name(store, target, id)));
        }
    }
    let id = row.get("id").and_then(Value::as_u64).unwrap_or(0);
    if itemtype == ItemType::Ticket {
        for child in [
            "Document_Item",
            "ITILFollowup",
            "ITILSolution",
            "TicketTask",
            "TicketValidation",
        ] {
            links.push(json!({ "rel": child, "href": format!("{base}/Ticket/{id}/{child}/") }));
        }
    }
    row.insert("links".into(), Value::Array(links));
    if options.raw {
        for value in row.values_mut() {
            if let Value::String(s) = value {
                *s = decode_html(s);
            }
        }
    }
}

/// The itemtype a foreign-key column points to.
fn foreign_key_target(key: &str) -> Option<&'static str> {
    Some(match key {
        "entities_id" => "Entity",
        "itilcategories_id" => "ITILCategory",
        "locations_id" => "Location",
        "requesttypes_id" => "RequestType",
        "documents_id" => "Document",
        "tickets_id" => "Ticket",
        k if k == "users_id" || k.starts_with("users_id_") => "User",
        _ => return None,
    })
}

/// `Dropdown::getDropdownName` for `expand_dropdowns`.
fn dropdown_name(store: &Store, target: &str, id: u64) -> String {
    match target {
        "Entity" if id == 0 => "Root entity".to_owned(),
        "RequestType" if id == 1 => "Helpdesk".to_owned(),
        "ITILCategory" => store
            .config
            .categories
            .iter()
            .find(|c| c.id == id)
            .map(|c| encode_html(&c.completename))
            .unwrap_or_default(),
        "User" => store.user(id).map(|u| u.login.clone()).unwrap_or_default(),
        "Ticket" => store
            .tickets
            .get(&id)
            .map(|t| t.name.clone())
            .unwrap_or_default(),
        "Document" => store
            .documents
            .get(&id)
            .map(|d| d.name.clone())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

fn opt_stamp(stamp: Option<&time::PrimitiveDateTime>) -> Value {
    stamp.map_or(Value::Null, |s| json!(fmt_stamp(s)))
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// A `glpi_tickets` row.
pub(crate) fn ticket_row(t: &Ticket) -> Map<String, Value> {
    object(json!({
        "id": t.id,
        "entities_id": 0,
        "name": t.name,
        "date": fmt_stamp(&t.date),
        "closedate": opt_stamp(t.closedate.as_ref()),
        "solvedate": opt_stamp(t.solvedate.as_ref()),
        "takeintoaccountdate": Value::Null,
        "date_mod": fmt_stamp(&t.date_mod),
        "users_id_lastupdater": t.last_updater_id,
        "status": t.status,
        "users_id_recipient": t.recipient_id,
        "requesttypes_id": t.request_type_id,
        "content": t.content,
        "urgency": t.urgency,
        "impact": t.impact,
        "priority": t.priority,
        "itilcategories_id": t.category_id,
        "type": t.kind,
        "global_validation": 1,
        "slas_id_ttr": 0,
        "slas_id_tto": 0,
        "time_to_resolve": Value::Null,
        "time_to_own": Value::Null,
        "begin_waiting_date": Value::Null,
        "waiting_duration": 0,
        "close_delay_stat": 0,
        "solve_delay_stat": 0,
        "takeintoaccount_delay_stat": 0,
        "actiontime": 0,
        "is_deleted": 0,
        "locations_id": t.location_id,
        "validation_percent": 0,
        "date_creation": fmt_stamp(&t.date),
    }))
}

fn followup_row(t: &Ticket, f: &Followup) -> Map<String, Value> {
    object(json!({
        "id": f.id,
        "itemtype": "Ticket",
        "items_id": t.id,
        "date": fmt_stamp(&f.date),
        "users_id": f.users_id,
        "users_id_editor": 0,
        "content": f.content,
        "is_private": 0,
        "requesttypes_id": 1,
        "date_mod": fmt_stamp(&f.date),
        "date_creation": fmt_stamp(&f.date),
        "timeline_position": 1,
        "sourceitems_id": 0,
        "sourceof_items_id": 0,
    }))
}

fn solution_row(t: &Ticket, s: &Solution) -> Map<String, Value> {
    object(json!({
        "id": s.id,
        "itemtype": "Ticket",
        "items_id": t.id,
        "solutiontypes_id": 0,
        "solutiontype_name": Value::Null,
        "content": s.content,
        "date_creation": fmt_stamp(&s.date_creation),
        "date_mod": fmt_stamp(&s.date_creation),
        "date_approval": opt_stamp(s.date_approval.as_ref()),
        "users_id": s.users_id,
        "user_name": Value::Null,
        "users_id_editor": 0,
        "user_name_editor": Value::Null,
        "users_id_approval": s.users_id_approval,
        "user_name_approval": Value::Null,
        "status": s.status,
        "itilfollowups_id": Value::Null,
    }))
}

fn satisfaction_row(t: &Ticket, s: &Satisfaction) -> Map<String, Value> {
    object(json!({
        "id": s.id,
        "tickets_id": t.id,
        "type": s.kind,
        "date_begin": fmt_stamp(&s.date_begin),
        "date_answered": opt_stamp(s.date_answered.as_ref()),
        "satisfaction": s.satisfaction,
        "comment": s.comment,
    }))
}

fn document_row(d: &Document) -> Map<String, Value> {
    object(json!({
        "id": d.id,
        "entities_id": 0,
        "is_recursive": 0,
        "name": d.name,
        "filename": d.filename,
        "filepath": d.filepath,
        "documentcategories_id": 0,
        "mime": d.mime,
        "date_mod": fmt_stamp(&d.date_creation),
        "comment": Value::Null,
        "is_deleted": 0,
        "link": Value::Null,
        "users_id": d.users_id,
        "tickets_id": d.tickets_id,
        "sha1sum": d.sha1,
        "is_blacklisted": 0,
        "tag": format!("{:08x}", d.id),
        "date_creation": fmt_stamp(&d.date_creation),
    }))
}

fn document_item_row(l: &DocumentItem) -> Map<String, Value> {
    object(json!({
        "id": l.id,
        "documents_id": l.documents_id,
        "items_id": l.items_id,
        "itemtype": "Ticket",
        "entities_id": 0,
        "is_recursive": 0,
        "date_mod": fmt_stamp(&l.date_creation),
        "users_id": l.users_id,
        "timeline_position": 1,
        "date_creation": fmt_stamp(&l.date_creation),
        "date": fmt_stamp(&l.date_creation),
    }))
}

/// `_documents` of `GET /Ticket/:id?with_documents=true`.
fn ticket_documents(store: &Store, ticket: &Ticket) -> Vec<Value> {
    store
        .ticket_documents(ticket.id)
        .into_iter()
        .map(|(link, doc)| {
            let mut row = document_row(doc);
            row.insert("assocID".into(), json!(link.id));
            row.insert("assocdate".into(), json!(fmt_stamp(&link.date_creation)));
            row.insert("entityID".into(), json!(0));
            row.insert("entity".into(), json!("Root entity"));
            row.insert("headings".into(), Value::Null);
            Value::Object(row)
        })
        .collect()
}

/// `glpi_itilcategories` rows (names stored encoded, like GLPI 10).
fn category_rows(store: &Store) -> Vec<Map<String, Value>> {
    store
        .config
        .categories
        .iter()
        .map(|c| {
            let level = c.completename.matches(" > ").count() + 1;
            object(json!({
                "id": c.id,
                "entities_id": 0,
                "is_recursive": 1,
                "itilcategories_id": c.parent_id,
                "name": encode_html(&c.name),
                "completename": encode_html(&c.completename),
                "comment": Value::Null,
                "level": level,
                "knowbaseitemcategories_id": 0,
                "users_id": 0,
                "groups_id": 0,
                "code": "",
                "ancestors_cache": Value::Null,
                "sons_cache": Value::Null,
                "is_helpdeskvisible": 1,
                "tickettemplates_id_incident": 0,
                "tickettemplates_id_demand": 0,
                "changetemplates_id": 0,
                "problemtemplates_id": 0,
                "is_incident": 1,
                "is_request": 1,
                "is_problem": 1,
                "is_change": 1,
                "date_mod": Value::Null,
                "date_creation": Value::Null,
            }))
        })
        .collect()
}
