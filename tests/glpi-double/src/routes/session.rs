//! Session endpoints: `initSession` with its credentials, the `App-Token` check, and the session
//! and profile answers (`getFullSession`, `getActiveProfile`, `getMyProfiles`).

use hyper::StatusCode;
use serde_json::{json, Value};

use super::response::json_response;
use super::{ApiRequest, HttpResponse};
use crate::error::ApiError;
use crate::items::LIST_LIMIT;
use crate::params::Params;
use crate::state::{fmt_stamp, now, Caller, Credentials, Store};
use crate::Profile;

/// `GET /initSession`.
pub(super) fn init_session(
    store: &mut Store,
    request: &ApiRequest,
) -> Result<HttpResponse, ApiError> {
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
pub(super) fn check_app_token(store: &Store, params: &Params) -> Result<(), ApiError> {
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

pub(super) fn profile_json(profile: Profile) -> Value {
    let (id, interface) = match profile {
        Profile::SelfService => (1, "helpdesk"),
        Profile::Technician => (6, "central"),
        Profile::Admin => (4, "central"),
    };
    json!({ "id": id, "name": profile.glpi_name(), "interface": interface })
}

/// The parts of PHP's `$_SESSION` a client may look at.
pub(super) fn session_json(store: &Store, caller: &Caller) -> Value {
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
