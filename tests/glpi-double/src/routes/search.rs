//! `GET /search/:itemtype` (Ticket only), with GLPI's `accept-range` and `content-range` headers.

use hyper::StatusCode;

use super::response::{json_response, set_header};
use super::{ApiRequest, HttpResponse};
use crate::error::ApiError;
use crate::items::ItemType;
use crate::search::SearchRequest;
use crate::state::{Caller, Store};

/// `GET /search/:itemtype`.
pub(super) fn search(
    store: &Store,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<HttpResponse, ApiError> {
    let base = &store.base_url;
    let itemtype = request
        .segment(1)
        .and_then(ItemType::parse)
        .ok_or_else(|| ApiError::resource_not_found(base))?;
    if itemtype != ItemType::Ticket {
        return Err(ApiError::generic(
            "the GLPI double only implements search on Ticket",
            base,
        ));
    }
    let params = &request.params;
    let search = SearchRequest::parse(
        params.query_value("criteria"),
        params.query_value("forcedisplay"),
        params.query_value("sort"),
        params.query_value("order"),
        params.scalar("range"),
        base,
        store.config.version,
    )?;
    let result = search.run(store, caller)?;
    let status = if result.count >= result.totalcount {
        StatusCode::OK
    } else {
        StatusCode::PARTIAL_CONTENT
    };
    let mut response = json_response(status, &result);
    set_header(&mut response, "accept-range", "Ticket 1000");
    if result.totalcount > 0 {
        set_header(&mut response, "content-range", &result.content_range);
    }
    Ok(response)
}
