//! Request decoding like `APIRest::parseIncomingParams`: the authentication headers, the
//! `X-GLPI-Sanitized-Content` header, and JSON, multipart and urlencoded bodies.

use bytes::Bytes;
use hyper::header::{self, HeaderMap, HeaderName};
use hyper::{Method, StatusCode};
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::params::{json_truthy, parse_query, Params, PhpValue};
use crate::upload::{read_multipart, MultipartBody};

/// `Session-Token`, `App-Token`, `Authorization: user_token …` and Basic authentication.
pub(super) fn header_params(headers: &HeaderMap) -> Params {
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

pub(super) fn header_str(headers: &HeaderMap, name: HeaderName) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// `X-GLPI-Sanitized-Content` read with PHP's `FILTER_VALIDATE_BOOLEAN`: anything but a true-ish
/// value asks for raw content.
pub(super) fn wants_raw(headers: &HeaderMap) -> bool {
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
pub(super) async fn read_body(
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

pub(super) fn upload_too_big() -> ApiError {
    ApiError::plain(
        StatusCode::BAD_REQUEST,
        "ERROR_UPLOAD_FILE_TOO_BIG_POST_MAX_SIZE",
        "The file seems too big",
    )
}
