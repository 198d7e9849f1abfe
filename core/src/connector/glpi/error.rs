//! GLPI's error answers: the `[CODE, message]` array typed as [`GlpiError`], and how each code
//! maps onto a [`ConnectorError`] (what is retried, what needs IT, what is the user's to fix):
//! GLPI's own exceptions here, the rest as every help desk has it ([`status_error`]).
//! An error answer that is not GLPI's array comes from something else at the help desk's address.

use crate::connector::http::{snippet, status_error, ErrorBody};
use crate::connector::ConnectorError;
use serde_json::Value;

/// A GLPI error array `[CODE, message]`, typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlpiError {
    /// The HTTP status of the answer.
    pub status: u16,
    /// GLPI's code; `Other("HTTP_<status>")` when the answer was not GLPI's array.
    pub code: GlpiCode,
    /// GLPI's message (a bulk result's array as JSON text), or the start of a foreign body.
    pub message: String,
}

/// The error codes of GLPI's legacy API that Guichet can meet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GlpiCode {
    /// `ERROR_SESSION_TOKEN_INVALID`: the session expired or was killed (401).
    SessionTokenInvalid,
    /// `ERROR_SESSION_TOKEN_MISSING`: a request came without a session token (400).
    SessionTokenMissing,
    /// `ERROR_GLPI_LOGIN_USER_TOKEN`: the personal user token is wrong (401).
    LoginUserToken,
    /// `ERROR_GLPI_LOGIN`: the login or password is wrong (401).
    Login,
    /// `ERROR_LOGIN_PARAMETERS_MISSING`: `initSession` got neither a token nor a login (400).
    LoginParametersMissing,
    /// `ERROR_LOGIN_WITH_CREDENTIALS_DISABLED`: GLPI does not let the API sign in with a login
    /// and password (its default).
    LoginWithCredentialsDisabled,
    /// `ERROR_APP_TOKEN_PARAMETERS_MISSING`: GLPI's API client requires an App-Token.
    AppTokenParametersMissing,
    /// `ERROR_WRONG_APP_TOKEN_PARAMETER`: the App-Token is not one GLPI knows.
    WrongAppTokenParameter,
    /// `ERROR_NOT_ALLOWED_IP`: GLPI's API client does not accept this computer's address.
    NotAllowedIp,
    /// `ERROR_RIGHT_MISSING`: the account's profile lacks the right (403), say to read the
    /// categories.
    RightMissing,
    /// `ERROR_ITEM_NOT_FOUND`: no such item (404).
    ItemNotFound,
    /// `ERROR_GLPI_ADD`: an item (ticket, followup, solution answer, document) was not created
    /// (400); the message says why.
    Add,
    /// `ERROR_GLPI_PARTIAL_ADD`: some items of a bulk creation were not created (207).
    PartialAdd,
    /// `ERROR_GLPI_UPDATE`: an update was refused (400).
    Update,
    /// `ERROR_JSON_PAYLOAD_INVALID`: the request's body is not valid JSON.
    JsonPayloadInvalid,
    /// `ERROR_JSON_PAYLOAD_FORBIDDEN`: a GET was sent with a body.
    JsonPayloadForbidden,
    /// `ERROR_BAD_ARRAY`: the request's `input` is not in the form GLPI expects.
    BadArray,
    /// `ERROR_UPLOAD_FILE_TOO_BIG_POST_MAX_SIZE`: the request is over PHP's `post_max_size`.
    UploadTooBigPostMaxSize,
    /// `ERROR_SQL`: the database failed (500); retried like any server error.
    Sql,
    /// `"ERROR"`: API disabled, bad search field, and other generic failures.
    Generic,
    /// Any other code, as written; `HTTP_<status>` for an answer that is not GLPI's array.
    Other(String),
}

impl GlpiCode {
    /// The code GLPI wrote (`ERROR_GLPI_ADD`); an unknown one is kept as [`GlpiCode::Other`].
    pub fn parse(code: &str) -> GlpiCode {
        match code {
            "ERROR_SESSION_TOKEN_INVALID" => GlpiCode::SessionTokenInvalid,
            "ERROR_SESSION_TOKEN_MISSING" => GlpiCode::SessionTokenMissing,
            "ERROR_GLPI_LOGIN_USER_TOKEN" => GlpiCode::LoginUserToken,
            "ERROR_GLPI_LOGIN" => GlpiCode::Login,
            "ERROR_LOGIN_PARAMETERS_MISSING" => GlpiCode::LoginParametersMissing,
            "ERROR_LOGIN_WITH_CREDENTIALS_DISABLED" => GlpiCode::LoginWithCredentialsDisabled,
            "ERROR_APP_TOKEN_PARAMETERS_MISSING" => GlpiCode::AppTokenParametersMissing,
            "ERROR_WRONG_APP_TOKEN_PARAMETER" => GlpiCode::WrongAppTokenParameter,
            "ERROR_NOT_ALLOWED_IP" => GlpiCode::NotAllowedIp,
            "ERROR_RIGHT_MISSING" => GlpiCode::RightMissing,
            "ERROR_ITEM_NOT_FOUND" => GlpiCode::ItemNotFound,
            "ERROR_GLPI_ADD" => GlpiCode::Add,
            "ERROR_GLPI_PARTIAL_ADD" => GlpiCode::PartialAdd,
            "ERROR_GLPI_UPDATE" => GlpiCode::Update,
            "ERROR_JSON_PAYLOAD_INVALID" => GlpiCode::JsonPayloadInvalid,
            "ERROR_JSON_PAYLOAD_FORBIDDEN" => GlpiCode::JsonPayloadForbidden,
            "ERROR_BAD_ARRAY" => GlpiCode::BadArray,
            "ERROR_UPLOAD_FILE_TOO_BIG_POST_MAX_SIZE" => GlpiCode::UploadTooBigPostMaxSize,
            "ERROR_SQL" => GlpiCode::Sql,
            "ERROR" => GlpiCode::Generic,
            other => GlpiCode::Other(other.to_owned()),
        }
    }

    /// The code as GLPI writes it; the inverse of [`GlpiCode::parse`].
    pub fn as_str(&self) -> &str {
        match self {
            GlpiCode::SessionTokenInvalid => "ERROR_SESSION_TOKEN_INVALID",
            GlpiCode::SessionTokenMissing => "ERROR_SESSION_TOKEN_MISSING",
            GlpiCode::LoginUserToken => "ERROR_GLPI_LOGIN_USER_TOKEN",
            GlpiCode::Login => "ERROR_GLPI_LOGIN",
            GlpiCode::LoginParametersMissing => "ERROR_LOGIN_PARAMETERS_MISSING",
            GlpiCode::LoginWithCredentialsDisabled => "ERROR_LOGIN_WITH_CREDENTIALS_DISABLED",
            GlpiCode::AppTokenParametersMissing => "ERROR_APP_TOKEN_PARAMETERS_MISSING",
            GlpiCode::WrongAppTokenParameter => "ERROR_WRONG_APP_TOKEN_PARAMETER",
            GlpiCode::NotAllowedIp => "ERROR_NOT_ALLOWED_IP",
            GlpiCode::RightMissing => "ERROR_RIGHT_MISSING",
            GlpiCode::ItemNotFound => "ERROR_ITEM_NOT_FOUND",
            GlpiCode::Add => "ERROR_GLPI_ADD",
            GlpiCode::PartialAdd => "ERROR_GLPI_PARTIAL_ADD",
            GlpiCode::Update => "ERROR_GLPI_UPDATE",
            GlpiCode::JsonPayloadInvalid => "ERROR_JSON_PAYLOAD_INVALID",
            GlpiCode::JsonPayloadForbidden => "ERROR_JSON_PAYLOAD_FORBIDDEN",
            GlpiCode::BadArray => "ERROR_BAD_ARRAY",
            GlpiCode::UploadTooBigPostMaxSize => "ERROR_UPLOAD_FILE_TOO_BIG_POST_MAX_SIZE",
            GlpiCode::Sql => "ERROR_SQL",
            GlpiCode::Generic => "ERROR",
            GlpiCode::Other(s) => s,
        }
    }
}

/// The code prefix of an error answer that is not GLPI's `[CODE, message]` array.
const NOT_GLPI: &str = "HTTP_";

impl GlpiError {
    /// Whether the answer was GLPI's own `[CODE, message]` array (not a proxy's page).
    pub fn is_glpi(&self) -> bool {
        !matches!(&self.code, GlpiCode::Other(code) if code.starts_with(NOT_GLPI))
    }

    /// Reads an error answer. GLPI sends `[CODE, message]`, where the message may itself be an
    /// array (bulk results); anything else (a proxy's HTML page) keeps the HTTP status as its code.
    pub fn from_answer(status: u16, body: &[u8]) -> GlpiError {
        let parsed: Option<Vec<Value>> = serde_json::from_slice(body).ok();
        match parsed.as_deref() {
            Some([Value::String(code), rest @ ..]) => GlpiError {
                status,
                code: GlpiCode::parse(code),
                message: match rest.first() {
                    Some(Value::String(m)) => m.clone(),
                    Some(other) => other.to_string(),
                    None => String::new(),
                },
            },
            _ => GlpiError {
                status,
                code: GlpiCode::Other(format!("{NOT_GLPI}{status}")),
                message: snippet(body),
            },
        }
    }
}

impl From<GlpiError> for ConnectorError {
    fn from(e: GlpiError) -> ConnectorError {
        let code = e.code.as_str().to_owned();
        let message = e.message;
        match (&e.code, e.status) {
            (
                GlpiCode::LoginUserToken
                | GlpiCode::Login
                | GlpiCode::LoginParametersMissing
                | GlpiCode::LoginWithCredentialsDisabled
                | GlpiCode::AppTokenParametersMissing
                | GlpiCode::WrongAppTokenParameter
                | GlpiCode::NotAllowedIp
                | GlpiCode::SessionTokenInvalid
                | GlpiCode::SessionTokenMissing,
                _,
            ) => ConnectorError::Unauthorized { code, message },
            // "API disabled" is IT's to fix, like credentials.
            (GlpiCode::Generic, 400) if message.contains("API disabled") => {
                ConnectorError::Unauthorized { code, message }
            }
            (GlpiCode::Sql, status) => ConnectorError::Server {
                status,
                code,
                message,
                retry_after_secs: None,
            },
            // Not GLPI's error array: a Wi-Fi login portal, a filtering proxy or a misrouted URL
            // answered, not the help desk. Nothing it says is final: retry later, and show why.
            (GlpiCode::Other(other), status) if other.starts_with(NOT_GLPI) => {
                status_error(status, ErrorBody::Other { snippet: message }, None)
            }
            (_, status) => status_error(status, ErrorBody::Desk { code, message }, None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_array_maps_to_a_typed_error() {
        let e = GlpiError::from_answer(
            401,
            br#"["ERROR_SESSION_TOKEN_INVALID","session_token seems invalid"]"#,
        );
        assert_eq!(e.code, GlpiCode::SessionTokenInvalid);
        assert_eq!(e.message, "session_token seems invalid");
        let c: ConnectorError = GlpiError::from_answer(
            401,
            br#"["ERROR_GLPI_LOGIN_USER_TOKEN","parameter user_token seems invalid"]"#,
        )
        .into();
        assert!(
            matches!(c, ConnectorError::Unauthorized { ref code, .. } if code == "ERROR_GLPI_LOGIN_USER_TOKEN")
        );
        assert!(!c.is_transient());
        let c: ConnectorError = GlpiError::from_answer(
            403,
            br#"["ERROR_RIGHT_MISSING","You don't have permission to perform this action."]"#,
        )
        .into();
        assert!(matches!(c, ConnectorError::Rejected { status: 403, .. }));
        let c: ConnectorError = GlpiError::from_answer(400, br#"["ERROR","API disabled"]"#).into();
        assert!(matches!(c, ConnectorError::Unauthorized { .. }));
        let c: ConnectorError = GlpiError::from_answer(500, br#"["ERROR_SQL","boom"]"#).into();
        assert!(c.is_transient());
        let c: ConnectorError = GlpiError::from_answer(502, b"<html>Bad Gateway</html>").into();
        assert!(matches!(c, ConnectorError::Server { status: 502, .. }));
        assert!(c.is_transient());
        // A proxy's or a portal's 4xx is not the help desk refusing: retried later.
        for status in [401, 403, 404, 407, 429] {
            let c: ConnectorError = GlpiError::from_answer(status, b"<h1>Acces refuse</h1>").into();
            assert!(
                matches!(c, ConnectorError::NotHelpDesk { .. }),
                "{status}: {c:?}"
            );
            assert!(c.is_transient(), "{status}");
            assert!(c.to_string().contains("Acces refuse"), "{c}");
        }
        let bulk = GlpiError::from_answer(
            207,
            br#"["ERROR_GLPI_PARTIAL_ADD",[{"id":8},{"id":false,"message":"x"}]]"#,
        );
        assert_eq!(bulk.code, GlpiCode::PartialAdd);
        assert!(bulk.message.contains("\"id\":8"));
        for code in [
            "ERROR_GLPI_ADD",
            "ERROR_GLPI_UPDATE",
            "ERROR_ITEM_NOT_FOUND",
            "ERROR_BAD_ARRAY",
            "ERROR_JSON_PAYLOAD_INVALID",
        ] {
            let e = GlpiError::from_answer(400, format!(r#"["{code}","m"]"#).as_bytes());
            assert_eq!(e.code.as_str(), code);
            assert!(!ConnectorError::from(e).is_transient());
        }
    }
}
