//! CommonDBTM routes `/:itemtype[/:id[/:sub_itemtype[/:sub_id]]]`: listings with pagination
//! headers, item reads, document download, creation (with uploads) and update.

use http_body_util::Full;
use hyper::{Method, Response, StatusCode};
use serde_json::{json, Value};

use super::response::{json_response, php_error_page, set_header};
use super::{ApiRequest, HttpResponse};
use crate::error::{ApiError, NO_PERMISSION};
use crate::items::{get_item, get_items, ItemType, ReadOptions, LIST_LIMIT};
use crate::params::json_int;
use crate::search::parse_range;
use crate::state::{Caller, Store};
use crate::upload::{CheckedUploads, SlotOutcome};

/// CommonDBTM routes: `/:itemtype[/:id[/:sub_itemtype[/:sub_id]]]`.
pub(super) fn items(
    store: &mut Store,
    caller: &Caller,
    request: &ApiRequest,
    uploads: Option<CheckedUploads>,
) -> Result<HttpResponse, ApiError> {
    let base = store.base_url.clone();
    let not_found = || ApiError::resource_not_found(&base);
    let itemtype = request
        .segment(0)
        .and_then(ItemType::parse)
        .ok_or_else(not_found)?;
    // `getId`: a non-numeric id is no id at all.
    let numeric = |s: Option<&str>| s.and_then(|s| s.parse::<u64>().ok());
    let id = numeric(request.segment(1));
    let sub = match request.segment(2) {
        Some(name) => Some(ItemType::parse(name).ok_or_else(not_found)?),
        None => None,
    };
    let sub_id = numeric(request.segment(3));
    let target = sub.unwrap_or(itemtype);
    match request.method {
        Method::POST => create(store, caller, request, target, uploads),
        Method::PUT | Method::PATCH => update(
            store,
            caller,
            request,
            target,
            if sub.is_some() { sub_id } else { id },
        ),
        Method::DELETE => Err(ApiError::plain(
            StatusCode::BAD_REQUEST,
            "ERROR_GLPI_DELETE",
            NO_PERMISSION,
        )),
        _ => {
            let options = ReadOptions::from_params(&request.params, request.raw);
            let (parent, item_id) = match sub {
                Some(_) => (Some((itemtype, id.unwrap_or(0))), sub_id),
                None => (None, id),
            };
            match item_id.filter(|id| *id > 0) {
                Some(item_id) if target == ItemType::Document && request.wants_bytes => {
                    download(store, caller, item_id)
                }
                Some(item_id) => {
                    let row = get_item(store, caller, target, item_id, options)?;
                    Ok(json_response(StatusCode::OK, &row))
                }
                None => list(store, caller, request, target, parent, options),
            }
        }
    }
}

/// `GET /:itemtype` (or a sub-itemtype of a ticket), with GLPI's pagination headers.
fn list(
    store: &Store,
    caller: &Caller,
    request: &ApiRequest,
    itemtype: ItemType,
    parent: Option<(ItemType, u64)>,
    options: ReadOptions,
) -> Result<HttpResponse, ApiError> {
    let page = get_items(store, caller, itemtype, parent, &request.params, options)?;
    // APIRest::call computes the header from the range parameter, defaulting to 0-list_limit
    // (one more than getItems returns), then clamps the end to total - 1.
    let total = page.total as i128;
    let (start, end) = request
        .params
        .scalar("range")
        .and_then(|r| parse_range(&r))
        .map_or((0, LIST_LIMIT as i128), |(a, b)| (a as i128, b as i128));
    let end = end.min(total - 1);
    let status = if end - start + 1 < total {
        StatusCode::PARTIAL_CONTENT
    } else {
        StatusCode::OK
    };
    let mut response = json_response(status, &page.rows);
    set_header(
        &mut response,
        "accept-range",
        &format!("{} 1000", itemtype.name()),
    );
    if total > 0 {
        set_header(
            &mut response,
            "content-range",
            &format!("{start}-{end}/{total}"),
        );
    }
    Ok(response)
}

/// `GET /Document/:id` with `Accept: application/octet-stream`: the file itself.
fn download(store: &Store, caller: &Caller, id: u64) -> Result<HttpResponse, ApiError> {
    let document = store.documents.get(&id).ok_or_else(ApiError::not_found)?;
    if !store.can_download(caller, document) {
        return Err(ApiError::right_missing());
    }
    let mut response = Response::new(Full::new(document.bytes.clone()));
    set_header(&mut response, "content-type", &document.mime);
    set_header(
        &mut response,
        "content-disposition",
        &format!("attachment; filename=\"{}\"", document.filename),
    );
    Ok(response)
}

/// `POST /:itemtype`.
fn create(
    store: &mut Store,
    caller: &Caller,
    request: &ApiRequest,
    itemtype: ItemType,
    uploads: Option<CheckedUploads>,
) -> Result<HttpResponse, ApiError> {
    let base = store.base_url.clone();
    let Some(Value::Object(input)) = request.params.body.get("input") else {
        return Err(ApiError::bad_array(&base));
    };
    let tags = input.get("_tag_filename").and_then(Value::as_array);
    let accepted = uploads.as_ref().map(|u| u.tagged(tags)).unwrap_or_default();
    let (id, message) = match itemtype {
        ItemType::Ticket => {
            let id = store.create_ticket(caller, input, &accepted)?;
            // GLPI 11: a refused type fails after the ticket is stored (V.11).
            let refused_type = uploads.as_ref().is_some_and(|u| {
                u.slots
                    .iter()
                    .any(|s| s.file.as_ref().err() == Some(&crate::upload::TYPE_NOT_ALLOWED))
            });
            if refused_type && store.config.version == crate::GlpiVersion::V11 {
                return Ok(php_error_page());
            }
            // The message stays encoded on GLPI 11 too (V.11).
            let name = store
                .tickets
                .get(&id)
                .map(|t| crate::encode_html(&t.name))
                .unwrap_or_default();
            (id, format!("Item successfully added: {name} ({id})"))
        }
        ItemType::ItilFollowup => (store.add_followup(caller, input, &accepted)?, String::new()),
        ItemType::Document => match uploads.as_ref().and_then(|u| u.slots.first()) {
            Some(SlotOutcome { file: Ok(file), .. }) => (
                store.add_document(caller, input, file)?,
                "Document copy succeeded.".to_owned(),
            ),
            Some(SlotOutcome {
                filename,
                file: Err(_),
            }) => return Err(ApiError::glpi_add(format!("File {filename} not found."))),
            None => return Err(ApiError::glpi_add("")),
        },
        ItemType::DocumentItem => (store.link_document(caller, input)?, String::new()),
        ItemType::ItilSolution
        | ItemType::TicketSatisfaction
        | ItemType::ItilCategory
        | ItemType::Location => return Err(ApiError::glpi_add(NO_PERMISSION)),
    };
    let mut body = json!({ "id": id, "message": message });
    if let Some(uploads) = uploads.filter(|u| !u.upload_result.is_empty()) {
        body["upload_result"] = Value::Object(uploads.upload_result);
    }
    let mut response = json_response(StatusCode::CREATED, &body);
    set_header(
        &mut response,
        "location",
        &format!("{base}/{}/{id}", itemtype.name()),
    );
    Ok(response)
}

/// `PUT /:itemtype/:id`.
fn update(
    store: &mut Store,
    caller: &Caller,
    request: &ApiRequest,
    itemtype: ItemType,
    url_id: Option<u64>,
) -> Result<HttpResponse, ApiError> {
    let Some(Value::Object(input)) = request.params.body.get("input") else {
        return Err(ApiError::bad_array(&store.base_url));
    };
    let id = input
        .get("id")
        .and_then(json_int)
        .map(|v| v.max(0) as u64)
        .or(url_id);
    // Without an id, updateItems skips the item and reports nothing: `[[]]`.
    let Some(id) = id else {
        return Ok(json_response(StatusCode::OK, &json!([[]])));
    };
    let key = match itemtype {
        ItemType::Ticket => {
            store.update_ticket(caller, id, input)?;
            id
        }
        ItemType::TicketSatisfaction => store.update_satisfaction(caller, id, input)?,
        _ => return Err(ApiError::glpi_update(NO_PERMISSION)),
    };
    Ok(json_response(
        StatusCode::OK,
        &json!([{ key.to_string(): true, "message": "" }]),
    ))
}
