//! Request dispatch in the order of GLPI's `APIRest::call` (CORS, parameters and body, upload
//! checks, then `App-Token`, then the session, then the resource) and the endpoint handlers.
//!
//! This module owns the decoded request and the dispatch; the endpoints are split by resource:
//! `session` (`initSession`, `App-Token`, session and profile answers), `search`
//! (`/search/:itemtype`) and `itemtype` (CommonDBTM routes). `request` decodes headers and bodies,
//! `response` builds the answers.

mod itemtype;
mod request;
mod response;
mod search;
mod session;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::json;

use crate::error::ApiError;
use crate::items::{ItemType, LIST_LIMIT};
use crate::params::{parse_query, Params};
use crate::search::list_search_options;
use crate::state::Store;
use crate::upload::{check_files, MultipartBody, UploadLimits};
use crate::{lock, Shared};
use itemtype::items;
use request::{header_params, header_str, read_body, upload_too_big, wants_raw};
use response::{cors_preflight, json_response, text_response, INLINE_DOC};
use search::search;
use session::{check_app_token, init_session, profile_json, session_json};

pub(crate) use response::{bad_gateway, server_error, truncated, unavailable};

/// The API's entry point (GLPI's `url_base_api` ends with it).
pub(crate) const API_PREFIX: &str = "/apirest.php";
/// Bodies over this size get `ERROR_UPLOAD_FILE_TOO_BIG_POST_MAX_SIZE` (PHP's `post_max_size`).
const POST_MAX_SIZE: usize = 64 * 1024 * 1024;

pub(crate) type HttpResponse = Response<Full<Bytes>>;

/// One decoded API request.
#[derive(Debug)]
struct ApiRequest {
    method: Method,
    /// Path segments after `/apirest.php/`, percent-decoded.
    segments: Vec<String>,
    params: Params,
    /// `X-GLPI-Sanitized-Content` asked for raw (decoded) content.
    raw: bool,
    /// `Accept: application/octet-stream` (document download).
    wants_bytes: bool,
    multipart: Option<MultipartBody>,
}

impl ApiRequest {
    fn segment(&self, index: usize) -> Option<&str> {
        self.segments
            .get(index)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }
}

/// Answers one HTTP request (after the fault layer).
pub(crate) async fn handle(shared: &Shared, request: Request<Incoming>) -> HttpResponse {
    let (parts, body) = request.into_parts();
    let mut response = match respond(shared, &parts, body).await {
        Ok(response) => response,
        Err(error) => json_response(error.status, &error.body()),
    };
    if parts.headers.contains_key(header::ORIGIN) {
        response.headers_mut().insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    }
    response
}

async fn respond(
    shared: &Shared,
    parts: &hyper::http::request::Parts,
    body: Incoming,
) -> Result<HttpResponse, ApiError> {
    let path = parts.uri.path();
    let Some(rest) = path
        .strip_prefix(API_PREFIX)
        .filter(|r| r.is_empty() || r.starts_with('/'))
    else {
        return Ok(text_response(
            StatusCode::NOT_FOUND,
            "text/plain; charset=UTF-8",
            "Not Found",
        ));
    };
    // GLPI checks `enable_api` when the API object is built, before anything else, and answers
    // without its documentation link.
    if !lock(&shared.store).api_enabled {
        return Err(ApiError::plain(
            StatusCode::BAD_REQUEST,
            "ERROR",
            "API disabled",
        ));
    }
    if parts.method == Method::OPTIONS {
        return Ok(cors_preflight(&parts.headers));
    }
    let body = Limited::new(body, POST_MAX_SIZE)
        .collect()
        .await
        .map_err(|_| upload_too_big())?
        .to_bytes();

    let mut params = header_params(&parts.headers);
    params.query = parse_query(parts.uri.query().unwrap_or_default());
    let multipart = read_body(&parts.method, &parts.headers, body, &mut params).await?;
    let segments = rest
        .trim_matches('/')
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let request = ApiRequest {
        method: parts.method.clone(),
        segments,
        params,
        raw: wants_raw(&parts.headers),
        wants_bytes: header_str(&parts.headers, header::ACCEPT)
            .contains("application/octet-stream"),
        multipart,
    };
    let mut store = lock(&shared.store);
    dispatch(&mut store, &request)
}

/// Resource dispatch, with the store locked.
fn dispatch(store: &mut Store, request: &ApiRequest) -> Result<HttpResponse, ApiError> {
    let base = store.base_url.clone();
    let resource = request.segment(0).unwrap_or_default();
    if resource.is_empty() || resource == "api" {
        return Ok(text_response(
            StatusCode::OK,
            "text/html; charset=UTF-8",
            INLINE_DOC,
        ));
    }
    let limits = UploadLimits {
        max_bytes: store
            .config
            .document_max_size_mib
            .saturating_mul(1024 * 1024),
        extensions: store.config.allowed_extensions.clone(),
        every_array_file: store.config.version == crate::GlpiVersion::V11,
    };
    let uploads = request
        .multipart
        .as_ref()
        .map(|m| check_files(&m.files, &limits));
    if resource == "initSession" {
        return init_session(store, request);
    }
    check_app_token(store, &request.params)?;
    let token = request
        .params
        .session_token()
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::session_token_missing(&base))?;
    let caller = store.session(&token)?;
    match resource {
        "killSession" => {
            store.kill_session(&token);
            Ok(json_response(StatusCode::OK, &json!(true)))
        }
        "getFullSession" => Ok(json_response(
            StatusCode::OK,
            &json!({ "session": session_json(store, &caller) }),
        )),
        "getActiveProfile" => Ok(json_response(
            StatusCode::OK,
            &json!({ "active_profile": profile_json(caller.profile) }),
        )),
        "getMyProfiles" => Ok(json_response(
            StatusCode::OK,
            &json!({ "myprofiles": [profile_json(caller.profile)] }),
        )),
        "getMyEntities" => {
            // Complete names, encoded by GLPI 10 whatever `X-GLPI-Sanitized-Content` says.
            let version = store.config.version;
            let recursive = request.params.flag("is_recursive");
            let rows: Vec<_> = store
                .my_entities(&caller, recursive)
                .iter()
                .map(|e| json!({ "id": e.id, "name": version.store(&e.completename) }))
                .collect();
            Ok(json_response(
                StatusCode::OK,
                &json!({ "myentities": rows }),
            ))
        }
        "getActiveEntities" => Ok(json_response(
            StatusCode::OK,
            &json!({ "active_entity": { "id": 0, "active_entity_recursive": false, "active_entities": [{ "id": 0 }] } }),
        )),
        "changeActiveEntities" | "changeActiveProfile" => {
            Ok(json_response(StatusCode::OK, &json!(true)))
        }
        "getGlpiConfig" => Ok(json_response(
            StatusCode::OK,
            &json!({ "cfg_glpi": {
                "url_base_api": base,
                "version": store.config.version.number(),
                "document_max_size": store.config.document_max_size_mib,
                "list_limit": LIST_LIMIT,
                "enable_api": 1,
                "enable_api_login_credentials": 1,
            } }),
        )),
        "search" => search(store, &caller, request),
        "listSearchOptions" => match request.segment(1).and_then(ItemType::parse) {
            Some(ItemType::Ticket) => Ok(json_response(StatusCode::OK, &list_search_options())),
            _ => Err(ApiError::resource_not_found(&base)),
        },
        _ => items(store, &caller, request, uploads),
    }
}
