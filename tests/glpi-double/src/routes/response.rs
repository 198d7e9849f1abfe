//! Answers: JSON and text bodies with GLPI's content types, headers, the CORS preflight, and the
//! fault layer's 500.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{self, HeaderMap, HeaderName, HeaderValue};
use hyper::{Response, StatusCode};
use serde::Serialize;
use serde_json::json;

use super::HttpResponse;

/// The answer of the fault `ServerError`.
pub(crate) fn server_error() -> HttpResponse {
    json_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        &json!(["ERROR", "Internal server error"]),
    )
}

/// What a reverse proxy answers when GLPI behind it is down.
pub(crate) fn bad_gateway() -> HttpResponse {
    text_page(
        StatusCode::BAD_GATEWAY,
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
    )
}

/// GLPI 11's answer to a multipart `POST /Ticket` with a refused file type (V.11): PHP's error page,
/// not JSON, although the ticket was created.
pub(crate) fn php_error_page() -> HttpResponse {
    text_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "<!DOCTYPE html><html><head><title>An error occurred</title></head><body>\
         <h1>Oops! An Error Occurred</h1><p>The server returned a \"500 Internal Server Error\".</p>\
         </body></html>",
    )
}

/// GLPI under maintenance: 503, and when to come back.
pub(crate) fn unavailable(retry_after_secs: u64) -> HttpResponse {
    let mut response = text_page(
        StatusCode::SERVICE_UNAVAILABLE,
        "<html><body><h1>503 Service Unavailable</h1></body></html>",
    );
    set_header(&mut response, "retry-after", &retry_after_secs.to_string());
    response
}

/// `answer` with only the first half of its body, and a `Content-Length` that says so.
pub(crate) async fn truncated(answer: HttpResponse) -> HttpResponse {
    use http_body_util::BodyExt;
    let (mut parts, body) = answer.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Full::new(half))
}

fn text_page(status: StatusCode, html: &'static str) -> HttpResponse {
    let mut response = Response::new(Full::new(Bytes::from_static(html.as_bytes())));
    *response.status_mut() = status;
    set_header(&mut response, "content-type", "text/html");
    response
}

pub(super) fn cors_preflight(headers: &HeaderMap) -> HttpResponse {
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
pub(super) fn json_response(status: StatusCode, body: &impl Serialize) -> HttpResponse {
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

pub(super) fn text_response(
    status: StatusCode,
    content_type: &str,
    text: &'static str,
) -> HttpResponse {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    set_header(&mut response, "content-type", content_type);
    response
}

pub(super) fn set_header(response: &mut HttpResponse, name: &'static str, value: &str) {
    if let Ok(value) = HeaderValue::from_bytes(value.as_bytes()) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(name), value);
    }
}

pub(super) const INLINE_DOC: &str =
    "<!DOCTYPE html><html><head><title>GLPI REST API (test double)</title></head>\
<body><h1>GLPI REST API</h1><p>This is Guichet's GLPI 10 test double.</p></body></html>";
