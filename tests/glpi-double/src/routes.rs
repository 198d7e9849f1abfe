//! Request dispatch in the order of GLPI's `APIRest::call` (CORS, parameters and body, upload
//! checks, then `App-Token`, then the session, then the resource) and the endpoint handlers.

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap, HeaderName, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::error::{ApiError, NO_PERMISSION};
use crate::items::{get_item, get_items, ItemType, ReadOptions, LIST_LIMIT};
use crate::params::{json_int, json_truthy, parse_query, Params, PhpValue};
use crate::search::{list_search_options, parse_range, SearchRequest};
use crate::state::{fmt_stamp, now, Caller, Credentials, Store};
use crate::upload::{
    check_files, read_multipart, CheckedUploads, MultipartBody, SlotOutcome, UploadLimits,
};
use crate::{lock, Profile, Shared};

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

/// The answer of the fault `ServerError`.
pub(crate) fn server_error() -> HttpResponse {
    json_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        &json!(["ERROR", "Internal server error"]),
    )
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

/// `Session-Token`, `App-Token`, `Authorization: user_token …` and Basic authentication.
fn header_params(headers: &HeaderMap) -> Params {
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let authorization = header_str(headers, header::AUTHORIZATION);
    let header_user_token = authorization
        .contains("user_token")
        .then(|| authorization.split(' ').nth(1).map(str::to_owned))
        .flatten();
    let basic = authorization
        .get(..6)
        .filter(|scheme| scheme.eq_ignore_ascii_case("basic "))
        .and_then(|_| decode_basic(&authorization[6..]));
    Params {
        header_session_token: get("session-token"),
        header_app_token: get("app-token"),
        header_user_token,
        basic,
        ..Params::default()
    }
}

fn decode_basic(encoded: &str) -> Option<(String, String)> {
    use base64::Engine as _;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (login, password) = decoded.split_once(':')?;
    Some((login.to_owned(), password.to_owned()))
}

fn header_str(headers: &HeaderMap, name: HeaderName) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// `X-GLPI-Sanitized-Content` read with PHP's `FILTER_VALIDATE_BOOLEAN`: anything but a true-ish
/// value asks for raw content.
fn wants_raw(headers: &HeaderMap) -> bool {
    headers
        .get("x-glpi-sanitized-content")
        .is_some_and(|value| {
            let value = value
                .to_str()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            !matches!(value.as_str(), "1" | "true" | "on" | "yes")
        })
}

/// Reads the body like `parseIncomingParams`: JSON (also when there is no Content-Type),
/// multipart with an `uploadManifest`, or a urlencoded form.
async fn read_body(
    method: &Method,
    headers: &HeaderMap,
    body: Bytes,
    params: &mut Params,
) -> Result<Option<MultipartBody>, ApiError> {
    let content_type = header_str(headers, header::CONTENT_TYPE);
    let trimmed = php_trim(&body);
    if *method == Method::GET && !trimmed.is_empty() {
        return Err(ApiError::plain(
            StatusCode::BAD_REQUEST,
            "ERROR_JSON_PAYLOAD_FORBIDDEN",
            "GET Request should not have json payload (http body)",
        ));
    }
    if content_type.is_empty() || content_type.contains("application/json") {
        if !trimmed.is_empty() {
            params.body = decode_json_params(trimmed)?;
        }
        Ok(None)
    } else if content_type.contains("multipart/form-data") {
        // A body PHP cannot parse leaves `$_FILES` empty, which GLPI reports as too big.
        let multipart = read_multipart(&content_type, body)
            .await
            .map_err(|_| upload_too_big())?;
        if multipart.files.is_empty() {
            return Err(upload_too_big());
        }
        let manifest = multipart.field("uploadManifest").unwrap_or_default();
        params.body = decode_json_params(manifest.as_bytes())?;
        Ok(Some(multipart))
    } else if content_type.contains("application/x-www-form-urlencoded") {
        let form = parse_query(&String::from_utf8_lossy(&body));
        params.body = form.into_iter().map(|(k, v)| (k, php_to_json(v))).collect();
        Ok(None)
    } else {
        Ok(None)
    }
}

/// `json_decode` whose result must be truthy; only an object contributes parameters.
fn decode_json_params(bytes: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(value) if json_truthy(&value) => Ok(match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }),
        _ => Err(ApiError::json_payload_invalid()),
    }
}

fn php_to_json(value: PhpValue) -> Value {
    match value {
        PhpValue::Str(s) => Value::String(s),
        PhpValue::Array(items) => Value::Object(
            items
                .into_iter()
                .map(|(k, v)| (k, php_to_json(v)))
                .collect(),
        ),
    }
}

/// PHP's `trim` (spaces, tabs, newlines, NUL, vertical tab).
fn php_trim(bytes: &[u8]) -> &[u8] {
    let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0 | 0x0b);
    let start = bytes
        .iter()
        .position(|b| !is_space(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !is_space(b))
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

fn upload_too_big() -> ApiError {
    ApiError::plain(
        StatusCode::BAD_REQUEST,
        "ERROR_UPLOAD_FILE_TOO_BIG_POST_MAX_SIZE",
        "The file seems too big",
    )
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
        "getMyEntities" => Ok(json_response(
            StatusCode::OK,
            &json!({ "myentities": [{ "id": 0, "name": "Root entity" }] }),
        )),
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

/// `GET /initSession`.
fn init_session(store: &mut Store, request: &ApiRequest) -> Result<HttpResponse, ApiError> {
    check_app_token(store, &request.params)?;
    let params = &request.params;
    let (login, password) = params.credentials();
    let non_empty = |s: Option<String>| s.filter(|s| !s.is_empty());
    let credentials = match (
        non_empty(params.user_token()),
        non_empty(login),
        non_empty(password),
    ) {
        (Some(token), _, _) => Credentials::UserToken(token),
        (None, Some(login), Some(password)) => Credentials::Password { login, password },
        _ => {
            return Err(ApiError::documented(
                StatusCode::BAD_REQUEST,
                "ERROR_LOGIN_PARAMETERS_MISSING",
                "parameter(s) login, password or user_token are missing",
                &store.base_url,
            ))
        }
    };
    let caller = store.open_session(&credentials)?;
    let mut body = json!({ "session_token": caller.session_token });
    if params.flag("get_full_session") {
        body["session"] = session_json(store, &caller);
    }
    Ok(json_response(StatusCode::OK, &body))
}

/// `API::checkAppToken`. Without a configured token an empty one is fine, like a GLPI API client
/// whose `app_token` is empty, and a non-empty one is "wrong".
fn check_app_token(store: &Store, params: &Params) -> Result<(), ApiError> {
    let given = params.app_token().unwrap_or_default();
    let ok = match &store.config.app_token {
        Some(expected) => given == *expected,
        None => given.is_empty(),
    };
    if ok {
        Ok(())
    } else if given.is_empty() {
        Err(ApiError::documented(
            StatusCode::BAD_REQUEST,
            "ERROR_APP_TOKEN_PARAMETERS_MISSING",
            "missing parameter app_token",
            &store.base_url,
        ))
    } else {
        Err(ApiError::documented(
            StatusCode::BAD_REQUEST,
            "ERROR_WRONG_APP_TOKEN_PARAMETER",
            "parameter app_token seems wrong",
            &store.base_url,
        ))
    }
}

fn profile_json(profile: Profile) -> Value {
    let (id, interface) = match profile {
        Profile::SelfService => (1, "helpdesk"),
        Profile::Technician => (6, "central"),
        Profile::Admin => (4, "central"),
    };
    json!({ "id": id, "name": profile.glpi_name(), "interface": interface })
}

/// The parts of PHP's `$_SESSION` a client may look at.
fn session_json(store: &Store, caller: &Caller) -> Value {
    let profile = profile_json(caller.profile);
    let profile_id = profile["id"].clone();
    json!({
        "glpi_use_mode": 0,
        "glpiID": caller.id,
        "glpiname": caller.login,
        "glpifriendlyname": caller.login,
        "glpirealname": "",
        "glpifirstname": "",
        "glpiactiveprofile": profile,
        "glpiprofiles": { profile_id.to_string(): { "name": caller.profile.glpi_name(), "entities": [{ "id": 0, "name": "Root entity", "is_recursive": 1 }] } },
        "glpidefault_entity": 0,
        "glpiactive_entity": 0,
        "glpiactive_entity_name": "Root entity",
        "glpiactive_entity_shortname": "Root entity",
        "glpiactive_entity_recursive": false,
        "glpiactiveentities": [0],
        "glpiactiveentities_string": "'0'",
        "glpigroups": [],
        "glpilist_limit": LIST_LIMIT,
        "glpilanguage": "en_GB",
        "glpi_currenttime": fmt_stamp(&now()),
        "valid_id": caller.session_token,
        "glpi_document_max_size": store.config.document_max_size_mib,
    })
}

/// `GET /search/:itemtype`.
fn search(store: &Store, caller: &Caller, request: &ApiRequest) -> Result<HttpResponse, ApiError> {
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

/// CommonDBTM routes: `/:itemtype[/:id[/:sub_itemtype[/:sub_id]]]`.
fn items(
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
    let accepted = uploads
        .as_ref()
        .map(CheckedUploads::accepted)
        .unwrap_or_default();
    let (id, message) = match itemtype {
        ItemType::Ticket => {
            let id = store.create_ticket(caller, input, &accepted)?;
            let name = store
                .tickets
                .get(&id)
                .map(|t| t.name.clone())
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

fn cors_preflight(headers: &HeaderMap) -> HttpResponse {
    let mut response = Response::new(Full::new(Bytes::new()));
    set_header(
        &mut response,
        "access-control-expose-headers",
        "content-type, content-range, accept-range",
    );
    if headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD) {
        set_header(
            &mut response,
            "access-control-allow-methods",
            "PUT, GET, POST, DELETE, OPTIONS",
        );
    }
    if headers.contains_key(header::ACCESS_CONTROL_REQUEST_HEADERS) {
        set_header(
            &mut response,
            "access-control-allow-headers",
            "origin, content-type, accept, session-token, authorization, app-token",
        );
    }
    response
}

/// A JSON answer with GLPI's content type.
fn json_response(status: StatusCode, body: &impl Serialize) -> HttpResponse {
    let bytes = serde_json::to_vec(body)
        .unwrap_or_else(|_| br#"["ERROR","serialization failed"]"#.to_vec());
    let mut response = Response::new(Full::new(Bytes::from(bytes)));
    *response.status_mut() = status;
    set_header(
        &mut response,
        "content-type",
        "application/json; charset=UTF-8",
    );
    response
}

fn text_response(status: StatusCode, content_type: &str, text: &'static str) -> HttpResponse {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    set_header(&mut response, "content-type", content_type);
    response
}

fn set_header(response: &mut HttpResponse, name: &'static str, value: &str) {
    if let Ok(value) = HeaderValue::from_bytes(value.as_bytes()) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(name), value);
    }
}

const INLINE_DOC: &str =
    "<!DOCTYPE html><html><head><title>GLPI REST API (test double)</title></head>\
<body><h1>GLPI REST API</h1><p>This is Guichet's GLPI 10 test double.</p></body></html>";
