//! The GLPI 10 REST connector (`…/apirest.php`), following `shared/glpi-api.md` section V:
//! sessions opened with a user token or login/password (plus an optional App-Token) and re-opened
//! once when GLPI says `ERROR_SESSION_TOKEN_INVALID`; tickets created with their files in one
//! multipart request; per-file `upload_result` errors reported, never taken as success; and
//! idempotent retries by searching our own tickets for the report's client id (GLPI 10 has no
//! `externalid`).

use super::{
    Connector, ConnectorError, Delivery, RejectedFile, SolutionStatus, Survey, TicketDetail,
    TicketDocument, TicketId, TicketState, TicketStatus, TicketSummary, TimelineEntry,
    TimelineKind,
};
use crate::action::{ActionKind, TicketAction};
use crate::config::ServerConfig;
use crate::html;
use crate::report::Attachment;
use crate::report::{Category, Report};
use async_trait::async_trait;
use base64::Engine;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{json, Value};
use tokio::sync::Mutex;

/// A GLPI error array `[CODE, message]`, typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlpiError {
    pub status: u16,
    pub code: GlpiCode,
    pub message: String,
}

/// The error codes of GLPI's legacy API that Guichet can meet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GlpiCode {
    SessionTokenInvalid,
    SessionTokenMissing,
    LoginUserToken,
    Login,
    LoginParametersMissing,
    LoginWithCredentialsDisabled,
    AppTokenParametersMissing,
    WrongAppTokenParameter,
    NotAllowedIp,
    RightMissing,
    ItemNotFound,
    Add,
    PartialAdd,
    Update,
    JsonPayloadInvalid,
    JsonPayloadForbidden,
    BadArray,
    UploadTooBigPostMaxSize,
    Sql,
    /// `"ERROR"`: API disabled, bad search field, and other generic failures.
    Generic,
    Other(String),
}

impl GlpiCode {
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

/// The largest answer read from the help desk. GLPI's answers here are JSON lists of a few
/// tickets, followups or documents (no file is downloaded): a few hundred KiB at most.
pub const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;

/// The start of an answer, for an error message (never the whole of a portal's page).
fn snippet(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[..body.len().min(200)])
        .trim()
        .to_owned()
}

/// The code prefix of an error answer that is not GLPI's `[CODE, message]` array.
const NOT_GLPI: &str = "HTTP_";

impl GlpiError {
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
            },
            (_, status) if status >= 500 => ConnectorError::Server {
                status,
                code,
                message,
            },
            // Not GLPI's error array: a Wi-Fi login portal, a filtering proxy or a misrouted URL
            // answered, not the help desk. Nothing it says is final: retry later, and show why.
            (GlpiCode::Other(other), status) if other.starts_with(NOT_GLPI) => {
                ConnectorError::NotHelpDesk {
                    status,
                    detail: message,
                }
            }
            (_, 401) => ConnectorError::Unauthorized { code, message },
            (_, status) => ConnectorError::Rejected {
                status,
                code,
                message,
            },
        }
    }
}

#[derive(Debug, Clone)]
struct Session {
    token: String,
    user_id: u64,
}

/// A raw answer: status and body, read completely.
struct Answer {
    status: StatusCode,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Result<Value, ConnectorError> {
        serde_json::from_slice(&self.body).map_err(|e| {
            // A web page where JSON was due: a Wi-Fi login portal answering in GLPI's place.
            if self.body.trim_ascii_start().starts_with(b"<") {
                ConnectorError::NotHelpDesk {
                    status: self.status.as_u16(),
                    detail: snippet(&self.body),
                }
            } else {
                ConnectorError::Protocol {
                    detail: format!("invalid JSON: {e}"),
                }
            }
        })
    }

    fn into_result(self) -> Result<Answer, ConnectorError> {
        if self.status.is_success() {
            Ok(self)
        } else {
            Err(GlpiError::from_answer(self.status.as_u16(), &self.body).into())
        }
    }

    fn is_session_invalid(&self) -> bool {
        self.status == StatusCode::UNAUTHORIZED
            && GlpiError::from_answer(401, &self.body).code == GlpiCode::SessionTokenInvalid
    }
}

enum Credentials {
    UserToken(String),
    Login { login: String, password: String },
}

/// A GLPI server.
pub struct GlpiConnector {
    base: String,
    client: reqwest::Client,
    app_token: Option<String>,
    credentials: Credentials,
    session: Mutex<Option<Session>>,
}

impl std::fmt::Debug for GlpiConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GlpiConnector")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl GlpiConnector {
    pub fn new(config: &ServerConfig) -> Result<GlpiConnector, ConnectorError> {
        let credentials = match (&config.user_token, &config.login, &config.password) {
            (Some(token), _, _) if !token.is_empty() => Credentials::UserToken(token.clone()),
            (_, Some(login), Some(password)) => Credentials::Login {
                login: login.clone(),
                password: password.clone(),
            },
            _ => return Err(ConnectorError::NotConfigured),
        };
        let client = reqwest::Client::builder()
            .timeout(config.timeout())
            .connect_timeout(config.connect_timeout())
            .user_agent(concat!("Guichet/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ConnectorError::Protocol {
                detail: format!("HTTP client: {e}"),
            })?;
        Ok(GlpiConnector {
            base: config.url.trim_end_matches('/').to_owned(),
            client,
            app_token: config.app_token.clone().filter(|t| !t.is_empty()),
            credentials,
            session: Mutex::new(None),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{}", self.base, path)
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let rb = self.client.request(method, self.url(path));
        match &self.app_token {
            Some(app) => rb.header("App-Token", app),
            None => rb,
        }
    }

    async fn send(&self, rb: RequestBuilder) -> Result<Answer, ConnectorError> {
        let mut response = rb.send().await.map_err(transport_error)?;
        let status = response.status();
        // Read in pieces up to a bound: a broken or hostile server (or a portal streaming a
        // page) must not be able to fill the agent's memory.
        let too_large = || ConnectorError::Protocol {
            detail: format!(
                "the answer is larger than {} MiB, far more than any GLPI answer Guichet asks for",
                MAX_ANSWER_BYTES / (1024 * 1024)
            ),
        };
        if response
            .content_length()
            .is_some_and(|n| n > MAX_ANSWER_BYTES as u64)
        {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
            if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer { status, body })
    }

    async fn open_session(&self) -> Result<Session, ConnectorError> {
        let rb = self
            .request(Method::GET, "initSession")
            .query(&[("get_full_session", "true")]);
        let rb = match &self.credentials {
            Credentials::UserToken(token) => {
                rb.header("Authorization", format!("user_token {token}"))
            }
            Credentials::Login { login, password } => {
                let b64 =
                    base64::engine::general_purpose::STANDARD.encode(format!("{login}:{password}"));
                rb.header("Authorization", format!("Basic {b64}"))
            }
        };
        let value = self.send(rb).await?.into_result()?.json()?;
        let token = value["session_token"].as_str().filter(|t| !t.is_empty());
        let user_id = value["session"]["glpiID"]
            .as_u64()
            .or_else(|| value["session"]["glpiID"].as_str()?.parse().ok());
        match (token, user_id) {
            (Some(token), Some(user_id)) => Ok(Session {
                token: token.to_owned(),
                user_id,
            }),
            _ => Err(ConnectorError::Protocol {
                detail: "initSession answered without session_token or glpiID".into(),
            }),
        }
    }

    async fn session(&self) -> Result<Session, ConnectorError> {
        let mut guard = self.session.lock().await;
        if let Some(s) = guard.as_ref() {
            return Ok(s.clone());
        }
        let s = self.open_session().await?;
        *guard = Some(s.clone());
        Ok(s)
    }

    /// Sends an authenticated request built by `build`. On `ERROR_SESSION_TOKEN_INVALID` the
    /// session is re-opened and the request sent again, once.
    async fn call<F>(&self, build: F) -> Result<Answer, ConnectorError>
    where
        F: Fn(&Session) -> RequestBuilder,
    {
        let session = self.session().await?;
        let answer = self
            .send(build(&session).header("Session-Token", &session.token))
            .await?;
        if !answer.is_session_invalid() {
            return answer.into_result();
        }
        let fresh = {
            let mut guard = self.session.lock().await;
            // Another task may have re-opened it meanwhile.
            match guard.as_ref() {
                Some(s) if s.token != session.token => s.clone(),
                _ => {
                    let s = self.open_session().await?;
                    *guard = Some(s.clone());
                    s
                }
            }
        };
        let answer = self
            .send(build(&fresh).header("Session-Token", &fresh.token))
            .await?;
        if answer.is_session_invalid() {
            // A session refused right after it was opened is the server's trouble, not our
            // credentials' (those were just accepted): retry later rather than give up.
            return Err(ConnectorError::Protocol {
                detail: "the help desk dropped a session it had just opened".into(),
            });
        }
        answer.into_result()
    }

    /// The file names of the documents on `ticket`, as its requester may read them
    /// (`GET /Document_Item` is refused to Self-Service; `with_documents` is not).
    async fn document_names(&self, ticket: u64) -> Result<Vec<String>, ConnectorError> {
        let detail = self
            .call(|_| {
                self.request(Method::GET, &format!("Ticket/{ticket}"))
                    .query(&[("with_documents", "true")])
            })
            .await?
            .json()?;
        Ok(detail["_documents"]
            .as_array()
            .map(|docs| {
                docs.iter()
                    .filter_map(|d| d["filename"].as_str().map(decode_entities))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// `GET /search/Ticket` with `query`; the rows (keys are search option ids as strings).
    async fn search_tickets<Q: serde::Serialize + ?Sized>(
        &self,
        query: &Q,
    ) -> Result<Vec<Value>, ConnectorError> {
        let value = self
            .call(|_| self.request(Method::GET, "search/Ticket").query(query))
            .await?
            .json()?;
        // No match: GLPI leaves `data` out entirely.
        match value.get("data") {
            None => Ok(Vec::new()),
            Some(Value::Array(rows)) => Ok(rows.clone()),
            Some(_) => Err(ConnectorError::Protocol {
                detail: "search data is not a list".into(),
            }),
        }
    }

    /// Searches this user's tickets whose content contains `needle`; returns their ids.
    async fn search_own(&self, needle: &str) -> Result<Vec<u64>, ConnectorError> {
        let query = [
            ("criteria[0][field]", "21"),
            ("criteria[0][searchtype]", "contains"),
            ("criteria[0][value]", needle),
            ("criteria[1][link]", "AND"),
            ("criteria[1][field]", "4"),
            ("criteria[1][searchtype]", "equals"),
            ("criteria[1][value]", "myself"),
            ("forcedisplay[0]", "2"),
        ];
        let rows = self.search_tickets(&query).await?;
        Ok(rows.iter().filter_map(|row| as_u64(&row["2"])).collect())
    }
}

impl GlpiConnector {
    /// A JSON body, or the same manifest as multipart with one distinct part name per file
    /// (GLPI 10 keeps only the first file of a part name).
    fn with_files(
        &self,
        rb: RequestBuilder,
        manifest: &Value,
        files: &[Attachment],
    ) -> RequestBuilder {
        if files.is_empty() {
            return rb.json(manifest);
        }
        let mut form = reqwest::multipart::Form::new().text("uploadManifest", manifest.to_string());
        for (i, a) in files.iter().enumerate() {
            let part = reqwest::multipart::Part::bytes(a.bytes.clone()).file_name(a.name.clone());
            let part = part.mime_str(&a.mime).unwrap_or_else(|_| {
                reqwest::multipart::Part::bytes(a.bytes.clone()).file_name(a.name.clone())
            });
            form = form.part(format!("file{i}"), part);
        }
        rb.multipart(form)
    }

    /// `GET /Ticket/:id/:sub` as raw HTML, every row (a requester's list is small).
    async fn sub_items(&self, ticket: TicketId, sub: &str) -> Result<Vec<Value>, ConnectorError> {
        let value = self
            .call(|_| {
                self.request(Method::GET, &format!("Ticket/{ticket}/{sub}"))
                    .query(&[("range", "0-999")])
                    .header("X-GLPI-Sanitized-Content", "false")
            })
            .await?
            .json()?;
        match value {
            Value::Array(rows) => Ok(rows),
            other => Err(ConnectorError::Protocol {
                detail: format!("{sub} of ticket {ticket} is not a list: {other}"),
            }),
        }
    }
}

/// The followup that carries `action`: its text as paragraphs, then the client reference that
/// makes retries exactly-once (see [`Connector::find_performed`]).
pub fn followup_manifest(action: &TicketAction) -> Value {
    use crate::i18n::t;
    let lang = action.lang;
    let text = match (&action.kind, action.text()) {
        (_, Some(text)) => html::paragraphs(text),
        (ActionKind::Approve { .. }, None) => {
            format!(
                "<p>{}</p>",
                html::escape(&t(lang, "action.approved_text", &[]))
            )
        }
        _ => String::new(),
    };
    let content = format!(
        "{text}<p><small>{} : {}</small></p>",
        html::escape(&t(lang, "ticket.reference", &[])),
        action.id
    );
    let mut input = json!({
        "itemtype": "Ticket",
        "items_id": action.ticket,
        "content": content,
    });
    // GLPI reads these flags by presence: send only the one meant.
    match action.kind {
        ActionKind::Approve { .. } => input["add_close"] = json!(1),
        ActionKind::Refuse { .. } => input["add_reopen"] = json!(1),
        _ => {}
    }
    json!({ "input": input })
}

fn as_i64(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_str()?.trim().parse().ok())
}

fn text_of(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// The `uploadManifest` / JSON body that creates a ticket for `report`, with `requester` being the
/// caller's `glpiID`. Public so that `guichet report --dry-run` shows exactly what would be sent.
pub fn ticket_manifest(report: &Report, requester: Value) -> Value {
    let mut input = json!({
        "name": report.subject,
        "content": html::ticket_body(report),
        // Without it GLPI records no requester, and the ticket can never be approved.
        "_users_id_requester": requester,
    });
    if let Some(category) = &report.category {
        input["itilcategories_id"] = json!(category.id);
    }
    json!({ "input": input })
}

fn as_u64(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| v.as_str()?.trim().parse().ok())
}

fn transport_error(e: reqwest::Error) -> ConnectorError {
    // Connection refused, reset, timeout, DNS, TLS or a body cut short: all "try again later".
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        detail.push_str(": ");
        detail.push_str(&s.to_string());
        source = s.source();
    }
    ConnectorError::Unreachable { detail }
}

/// Decodes the entities GLPI 10 applies to stored text (`&#60;` `&#62;` `&#38;`, and their named
/// forms), in one pass so that an encoded entity is not decoded twice.
pub fn decode_entities(text: &str) -> String {
    const ENTITIES: [(&str, char); 6] = [
        ("&#60;", '<'),
        ("&#62;", '>'),
        ("&#38;", '&'),
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&amp;", '&'),
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        match ENTITIES.iter().find(|(e, _)| rest.starts_with(e)) {
            Some((entity, c)) => {
                out.push(*c);
                rest = &rest[entity.len()..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// What `upload_result` of a 201 says about each file we sent: `Some(Ok)` accepted,
/// `Some(Err(reason))` refused, `None` not mentioned.
fn upload_results(files: &[Attachment], body: &Value) -> Vec<Option<Result<(), String>>> {
    let results = &body["upload_result"];
    (0..files.len())
        .map(|i| {
            let entry = &results[format!("file{i}")][0];
            if entry.is_null() {
                return None;
            }
            Some(
                match entry
                    .get("error")
                    .and_then(Value::as_str)
                    .filter(|e| !e.is_empty())
                {
                    Some(error) => Err(error.to_owned()),
                    None => Ok(()),
                },
            )
        })
        .collect()
}

#[async_trait]
impl Connector for GlpiConnector {
    async fn categories(&self) -> Result<Vec<Category>, ConnectorError> {
        let answer = self
            .call(|_| {
                self.request(Method::GET, "ITILCategory")
                    .query(&[("range", "0-999"), ("searchText[is_helpdeskvisible]", "1")])
                    .header("X-GLPI-Sanitized-Content", "false")
            })
            .await?;
        let rows = answer.json()?;
        let rows = rows.as_array().ok_or_else(|| ConnectorError::Protocol {
            detail: "ITILCategory is not a list".into(),
        })?;
        let mut categories: Vec<Category> = rows
            .iter()
            .filter_map(|row| {
                let id = as_u64(&row["id"])?;
                let name = row["completename"]
                    .as_str()
                    .or_else(|| row["name"].as_str())?;
                Some(Category {
                    id,
                    name: decode_entities(name),
                })
            })
            .collect();
        categories.sort_by_key(|c| c.name.to_lowercase());
        Ok(categories)
    }

    async fn create_ticket(&self, report: &Report) -> Result<Delivery, ConnectorError> {
        let answer = self
            .call(|session| {
                let manifest = ticket_manifest(report, json!(session.user_id));
                self.with_files(
                    self.request(Method::POST, "Ticket"),
                    &manifest,
                    &report.attachments,
                )
            })
            .await?;
        let body = answer.json()?;
        let ticket = as_u64(&body["id"]).ok_or_else(|| ConnectorError::Protocol {
            detail: format!("ticket created without an id: {body}"),
        })?;
        let results = upload_results(&report.attachments, &body);
        // A file the answer does not mention is checked on the ticket itself, never assumed.
        let on_ticket = if results.iter().any(Option::is_none) {
            self.document_names(ticket).await?
        } else {
            Vec::new()
        };
        let rejected = report
            .attachments
            .iter()
            .zip(results)
            .filter_map(|(a, result)| {
                let reason = match result {
                    Some(Ok(())) => return None,
                    Some(Err(reason)) => reason,
                    None if on_ticket.contains(&a.name) => return None,
                    None => "not found on the ticket".to_owned(),
                };
                Some(RejectedFile {
                    name: a.name.clone(),
                    reason,
                })
            })
            .collect();
        Ok(Delivery { ticket, rejected })
    }

    async fn find_delivered(&self, report: &Report) -> Result<Option<Delivery>, ConnectorError> {
        let ids = self.search_own(&report.id.to_string()).await?;
        let Some(&ticket) = ids.iter().min() else {
            return Ok(None);
        };
        if ids.len() > 1 {
            tracing::warn!(
                "report {} matches several tickets {ids:?}; keeping {ticket}",
                report.id
            );
        }
        let names = self.document_names(ticket).await?;
        let rejected = report
            .attachments
            .iter()
            .filter(|a| !names.iter().any(|n| n == &a.name))
            .map(|a| RejectedFile {
                name: a.name.clone(),
                reason: "not found on the ticket".into(),
            })
            .collect();
        Ok(Some(Delivery { ticket, rejected }))
    }

    async fn my_tickets(&self) -> Result<Vec<TicketSummary>, ConnectorError> {
        let answer = self
            .call(|_| {
                self.request(Method::GET, "Ticket")
                    .query(&[("range", "0-999")])
                    .header("X-GLPI-Sanitized-Content", "false")
            })
            .await?;
        let rows = answer.json()?;
        let rows = rows.as_array().ok_or_else(|| ConnectorError::Protocol {
            detail: "Ticket list is not a list".into(),
        })?;
        let mut tickets: Vec<TicketSummary> = rows
            .iter()
            .filter_map(|row| {
                Some(TicketSummary {
                    id: as_u64(&row["id"])?,
                    subject: row["name"].as_str().unwrap_or_default().to_owned(),
                    status: TicketStatus::from_glpi(
                        row["status"]
                            .as_i64()
                            .or_else(|| row["status"].as_str()?.parse().ok())?,
                    )?,
                    updated: row["date_mod"].as_str().unwrap_or_default().to_owned(),
                })
            })
            .collect();
        tickets.sort_by_key(|t| std::cmp::Reverse(t.id));
        Ok(tickets)
    }

    async fn ticket_states(&self, ids: &[TicketId]) -> Result<Vec<TicketState>, ConnectorError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // One search: `id = a OR id = b …`, showing status (12) and last change (19).
        let mut query: Vec<(String, String)> = Vec::with_capacity(ids.len() * 4 + 3);
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                query.push((format!("criteria[{i}][link]"), "OR".into()));
            }
            query.push((format!("criteria[{i}][field]"), "2".into()));
            query.push((format!("criteria[{i}][searchtype]"), "equals".into()));
            query.push((format!("criteria[{i}][value]"), id.to_string()));
        }
        query.push(("forcedisplay[0]".into(), "12".into()));
        query.push(("forcedisplay[1]".into(), "19".into()));
        query.push(("range".into(), format!("0-{}", ids.len().saturating_sub(1))));
        let rows = self.search_tickets(&query).await?;
        Ok(rows
            .iter()
            .filter_map(|row| {
                Some(TicketState {
                    id: as_u64(&row["2"])?,
                    status: TicketStatus::from_glpi(as_i64(&row["12"])?)?,
                    updated: text_of(&row["19"]),
                })
            })
            .collect())
    }

    async fn ticket_detail(&self, id: TicketId) -> Result<TicketDetail, ConnectorError> {
        let me = self.session().await?.user_id;
        let ticket = self
            .call(|_| {
                self.request(Method::GET, &format!("Ticket/{id}"))
                    .query(&[("with_documents", "true")])
                    .header("X-GLPI-Sanitized-Content", "false")
            })
            .await?
            .json()?;
        let status = as_i64(&ticket["status"])
            .and_then(TicketStatus::from_glpi)
            .ok_or_else(|| ConnectorError::Protocol {
                detail: format!("ticket {id} has no known status"),
            })?;
        let entry = |row: &Value, kind: TimelineKind| -> Option<TimelineEntry> {
            let date = match kind {
                TimelineKind::Followup => &row["date"],
                TimelineKind::Solution => &row["date_creation"],
            };
            Some(TimelineEntry {
                id: as_u64(&row["id"])?,
                kind,
                date: text_of(date),
                by_me: as_u64(&row["users_id"]) == Some(me),
                html: html::sanitize(&decode_entities(
                    row["content"].as_str().unwrap_or_default(),
                )),
                solution_status: (kind == TimelineKind::Solution)
                    .then(|| SolutionStatus::from_glpi(as_i64(&row["status"]).unwrap_or(2))),
            })
        };
        let mut timeline: Vec<TimelineEntry> = self
            .sub_items(id, "ITILFollowup")
            .await?
            .iter()
            .filter_map(|row| entry(row, TimelineKind::Followup))
            .chain(
                self.sub_items(id, "ITILSolution")
                    .await?
                    .iter()
                    .filter_map(|row| entry(row, TimelineKind::Solution)),
            )
            .collect();
        timeline.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
        // Surveys exist only on closed tickets: no request otherwise.
        let survey = if status == TicketStatus::Closed {
            self.sub_items(id, "TicketSatisfaction")
                .await?
                .first()
                .map(|row| Survey {
                    score: as_i64(&row["satisfaction"]).and_then(|s| u8::try_from(s).ok()),
                    comment: row["comment"]
                        .as_str()
                        .filter(|c| !c.is_empty())
                        .map(decode_entities),
                })
        } else {
            None
        };
        let documents = ticket["_documents"]
            .as_array()
            .map(|docs| {
                docs.iter()
                    .filter_map(|d| {
                        Some(TicketDocument {
                            id: as_u64(&d["id"])?,
                            name: decode_entities(d["filename"].as_str()?),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(TicketDetail {
            id,
            subject: decode_entities(ticket["name"].as_str().unwrap_or_default()),
            status,
            opened: text_of(&ticket["date"]),
            updated: text_of(&ticket["date_mod"]),
            description_html: html::sanitize(&decode_entities(
                ticket["content"].as_str().unwrap_or_default(),
            )),
            timeline,
            documents,
            survey,
        })
    }

    async fn perform(&self, action: &TicketAction) -> Result<Vec<RejectedFile>, ConnectorError> {
        if let ActionKind::Rate { score, comment } = &action.kind {
            // The index key of TicketSatisfaction is the ticket id, and `tickets_id` is required.
            let body = json!({"input": {
                "tickets_id": action.ticket,
                "satisfaction": score,
                "comment": comment.clone().unwrap_or_default(),
            }});
            self.call(|_| {
                self.request(
                    Method::PUT,
                    &format!("TicketSatisfaction/{}", action.ticket),
                )
                .json(&body)
            })
            .await?;
            return Ok(Vec::new());
        }
        let manifest = followup_manifest(action);
        let answer = self
            .call(|_| {
                self.with_files(
                    self.request(Method::POST, "ITILFollowup"),
                    &manifest,
                    &action.attachments,
                )
            })
            .await?;
        let body = answer.json()?;
        let results = upload_results(&action.attachments, &body);
        Ok(action
            .attachments
            .iter()
            .zip(results)
            .filter_map(|(a, result)| match result {
                Some(Err(reason)) => Some(RejectedFile {
                    name: a.name.clone(),
                    reason,
                }),
                _ => None,
            })
            .collect())
    }

    async fn find_performed(&self, action: &TicketAction) -> Result<bool, ConnectorError> {
        if matches!(action.kind, ActionKind::Rate { .. }) {
            // Answering the survey is a PUT of the same values: repeating it is harmless.
            return Ok(false);
        }
        let needle = action.id.to_string();
        Ok(self
            .sub_items(action.ticket, "ITILFollowup")
            .await?
            .iter()
            .any(|row| row["content"].as_str().is_some_and(|c| c.contains(&needle))))
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

    #[test]
    fn entities_are_decoded_for_display() {
        assert_eq!(decode_entities("&#60;b&#62; &#38;amp;"), "<b> &amp;");
    }
}
