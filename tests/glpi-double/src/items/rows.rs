//! The JSON rows GLPI returns for each itemtype (`glpi_tickets`, `glpi_itilfollowups`, …), with
//! stored text as is (HTML-encoded).

use serde_json::{json, Map, Value};

use crate::state::{
    fmt_stamp, Document, DocumentItem, Followup, Satisfaction, Solution, Store, Ticket,
};

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
        "entities_id": t.entity_id,
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

pub(super) fn followup_row(t: &Ticket, f: &Followup) -> Map<String, Value> {
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

pub(super) fn solution_row(t: &Ticket, s: &Solution) -> Map<String, Value> {
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

pub(super) fn satisfaction_row(t: &Ticket, s: &Satisfaction) -> Map<String, Value> {
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

pub(super) fn document_row(d: &Document) -> Map<String, Value> {
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

pub(super) fn document_item_row(l: &DocumentItem) -> Map<String, Value> {
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
pub(super) fn ticket_documents(store: &Store, ticket: &Ticket) -> Vec<Value> {
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
pub(super) fn category_rows(store: &Store) -> Vec<Map<String, Value>> {
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
                "name": store.config.version.store(&c.name),
                "completename": store.config.version.store(&c.completename),
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
