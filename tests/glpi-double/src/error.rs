//! GLPI's API errors: an HTTP status plus the JSON body `[CODE, message]`, with GLPI's exact
//! messages (and its "; view documentation in your browser at …" suffix where GLPI adds it).

use hyper::StatusCode;
use serde_json::Value;

/// The message GLPI uses for every rights failure.
pub(crate) const NO_PERMISSION: &str = "You don't have permission to perform this action.";

/// An error answer of the API.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    /// Usually a string; GLPI sends `null` in a few odd cases.
    pub message: Value,
}

impl ApiError {
    /// An error whose message is sent exactly as given.
    pub fn plain(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: Value::String(message.into()),
        }
    }

    /// An error whose message gets GLPI's documentation suffix (`returnError(..., docmessage: true)`).
    pub fn documented(
        status: StatusCode,
        code: &'static str,
        message: &str,
        base_url: &str,
    ) -> Self {
        Self::plain(
            status,
            code,
            format!("{message}; view documentation in your browser at {base_url}/#{code}"),
        )
    }

    /// The JSON body `[CODE, message]`.
    pub fn body(&self) -> Value {
        Value::Array(vec![
            Value::String(self.code.to_owned()),
            self.message.clone(),
        ])
    }

    pub fn session_token_missing(base_url: &str) -> Self {
        Self::documented(
            StatusCode::BAD_REQUEST,
            "ERROR_SESSION_TOKEN_MISSING",
            "parameter session_token is missing or empty",
            base_url,
        )
    }

    pub fn session_token_invalid() -> Self {
        Self::plain(
            StatusCode::UNAUTHORIZED,
            "ERROR_SESSION_TOKEN_INVALID",
            "session_token seems invalid",
        )
    }

    pub fn bad_array(base_url: &str) -> Self {
        Self::documented(
            StatusCode::BAD_REQUEST,
            "ERROR_BAD_ARRAY",
            "input parameter must be an array of objects",
            base_url,
        )
    }

    pub fn json_payload_invalid() -> Self {
        Self::plain(
            StatusCode::BAD_REQUEST,
            "ERROR_JSON_PAYLOAD_INVALID",
            "JSON payload seems not valid",
        )
    }

    pub fn not_found() -> Self {
        Self::plain(
            StatusCode::NOT_FOUND,
            "ERROR_ITEM_NOT_FOUND",
            "Item not found",
        )
    }

    pub fn right_missing() -> Self {
        Self::plain(StatusCode::FORBIDDEN, "ERROR_RIGHT_MISSING", NO_PERMISSION)
    }

    pub fn resource_not_found(base_url: &str) -> Self {
        Self::documented(
            StatusCode::BAD_REQUEST,
            "ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM",
            "resource not found or not an instance of CommonDBTM",
            base_url,
        )
    }

    /// A failed single add (`createItems`): 400 `["ERROR_GLPI_ADD", message]`.
    pub fn glpi_add(message: impl Into<String>) -> Self {
        Self::plain(StatusCode::BAD_REQUEST, "ERROR_GLPI_ADD", message)
    }

    /// A failed single update (`updateItems`): 400 `["ERROR_GLPI_UPDATE", message]`.
    pub fn glpi_update(message: impl Into<String>) -> Self {
        Self::plain(StatusCode::BAD_REQUEST, "ERROR_GLPI_UPDATE", message)
    }

    /// GLPI 10.0's update of a missing item: `updateItems` skips it before recording a message,
    /// then reads the message of an empty collection, so the body is `["ERROR_GLPI_UPDATE",null]`.
    pub fn glpi_update_not_found() -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "ERROR_GLPI_UPDATE",
            message: Value::Null,
        }
    }

    /// A generic 400 `["ERROR", "<message>; view documentation…/#ERROR"]`.
    pub fn generic(message: &str, base_url: &str) -> Self {
        Self::documented(StatusCode::BAD_REQUEST, "ERROR", message, base_url)
    }

    pub fn bad_range(base_url: &str) -> Self {
        Self::generic(
            "range must be in format : [start-end] with integers",
            base_url,
        )
    }

    pub fn range_exceeds_total(total: usize, base_url: &str) -> Self {
        Self::documented(
            StatusCode::BAD_REQUEST,
            "ERROR_RANGE_EXCEED_TOTAL",
            &format!("Provided range exceed total count of data: {total}"),
            base_url,
        )
    }
}
