//! What item reads add to every row: `parseDropdowns` links and `expand_dropdowns` names, a
//! ticket's hateoas links, and the HTML decoding asked by `X-GLPI-Sanitized-Content: false`.

use serde_json::{json, Map, Value};

use super::{ItemType, ReadOptions};
use crate::encode::decode_html;
use crate::state::Store;
use crate::GlpiVersion;

/// `parseDropdowns` (links and `expand_dropdowns`), hateoas links, then the raw-content decoding.
pub(super) fn finish_row(
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
    if itemtype == ItemType::Ticket && store.config.version == GlpiVersion::V11 {
        let externalid = store.tickets.get(&id).and_then(|t| t.externalid.clone());
        row.insert("externalid".into(), json!(externalid));
    }
    if itemtype == ItemType::TicketSatisfaction && store.config.version == GlpiVersion::V11 {
        // GLPI 11's column for scales other than 5.
        let max = i64::from(store.config.survey_max_rate.max(1));
        let scaled = row
            .get("satisfaction")
            .and_then(Value::as_i64)
            .map(|s| s * 5 / max);
        row.insert("satisfaction_scaled_to_5".into(), json!(scaled));
    }
    // GLPI 11 has no sanitizing header: what is stored is raw already.
    if options.raw && store.config.version == GlpiVersion::V10 {
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
            .map(|c| store.config.version.store(&c.completename))
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
