//! The GLPI 10 and 11 REST connector (`…/apirest.php`), following `shared/glpi-api.md` sections V
//! and V.11: sessions opened with a user token or login/password (plus an optional App-Token),
//! the server's release read once per session, re-opened once when GLPI says
//! `ERROR_SESSION_TOKEN_INVALID`; tickets created with their files in one multipart request;
//! per-file `upload_result` errors reported, never taken as success; a 5xx on a create taken as
//! "perhaps created" and looked for; and idempotent retries by searching our own tickets for the
//! report's client id (its `externalid` on GLPI 11, set on create; its content on 10, which has
//! no `externalid`); the requester's entities listed (`getMyEntities`) for the one chosen in
//! Settings, sent as `entities_id`.
//!
//! - `config`: GLPI's part of `[server]`;
//! - `session`: sessions, the raw exchange and its size bound;
//! - `error`: GLPI's error arrays and what each one means;
//! - `search`: the search engine's criteria and rows;
//! - `body`: the ticket's and followup's manifests, multipart, `upload_result`;
//! - `read`: GLPI's items into the neutral ticket model;
//! - `status`: GLPI's statuses and workflow in the neutral vocabulary;
//! - `text`: numbers as strings, HTML entities, local dates.

pub(crate) mod body;
mod config;
pub(crate) mod diagnose;
mod error;
#[doc(hidden)]
#[cfg(feature = "fuzzing")]
pub mod fuzz;
pub(crate) mod read;
pub(crate) mod search;
mod session;
mod status;
mod text;

pub use crate::connector::http::MAX_ANSWER_BYTES;
pub use body::{followup_manifest, ticket_manifest};
pub use config::{ConfigInvalid, GlpiConfig, TicketLinks};
pub use error::{GlpiCode, GlpiError};
pub use status::effect;
pub use text::{date_ms, decode_entities};

use super::{
    ActionEffect, Capabilities, Connector, ConnectorError, Delivery, Entity, RejectCode,
    RejectedFile, TicketDetail, TicketId, TicketState, TicketStatus, TicketSummary, TimelineEntry,
    TimelineKind,
};
use crate::action::{ActionKind, TicketAction};
use crate::html;
use crate::net::HttpConfig;
use crate::report::{Category, Report};
use async_trait::async_trait;
use reqwest::{Method, RequestBuilder};
use serde_json::{json, Value};
use session::Session;
use text::{as_u64, date_ms as read_date, text_of};
use tokio::sync::Mutex;

enum Credentials {
    UserToken(String),
    Login { login: String, password: String },
}

impl Credentials {
    /// What signs in, from the configuration (a token wins over a login); `None` without either.
    fn from_config(config: &GlpiConfig) -> Option<Credentials> {
        match (&config.user_token, &config.login, &config.password) {
            (Some(token), _, _) if !token.is_empty() => Some(Credentials::UserToken(token.clone())),
            (_, Some(login), Some(password)) => Some(Credentials::Login {
                login: login.clone(),
                password: password.clone(),
            }),
            _ => None,
        }
    }

    /// `initSession`'s `Authorization` header: `user_token …` or Basic.
    fn authorization(&self) -> String {
        use base64::Engine;
        match self {
            Credentials::UserToken(token) => format!("user_token {token}"),
            Credentials::Login { login, password } => format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{login}:{password}"))
            ),
        }
    }
}

/// Where GLPI's API is and how every request to it starts: the base URL trimmed once, and the
/// App-Token when IT set one. The connector and the doctor ([`diagnose`]) both build on it.
pub(crate) struct Endpoint {
    base: String,
    client: reqwest::Client,
    app_token: Option<String>,
}

impl Endpoint {
    pub(crate) fn new(http: &HttpConfig, config: &GlpiConfig) -> Result<Endpoint, ConnectorError> {
        Ok(Endpoint {
            base: http.url.trim().trim_end_matches('/').to_owned(),
            client: super::http::client(http)?,
            app_token: config.app_token.clone().filter(|t| !t.is_empty()),
        })
    }

    /// `method` on `path` under the API's base, with the App-Token.
    pub(crate) fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let rb = self
            .client
            .request(method, format!("{}/{}", self.base, path));
        match &self.app_token {
            Some(app) => rb.header("App-Token", app),
            None => rb,
        }
    }
}

/// A GLPI server.
pub struct GlpiConnector {
    endpoint: Endpoint,
    credentials: Credentials,
    survey: super::SurveyScale,
    /// IT's computer ids and entity ([`GlpiConfig::links_for`]); no secrets.
    links: GlpiConfig,
    session: Mutex<Option<Session>>,
}

impl std::fmt::Debug for GlpiConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GlpiConnector")
            .field("base", &self.endpoint.base)
            .finish_non_exhaustive()
    }
}

impl GlpiConnector {
    /// A connector to the GLPI API at `http` that signs in with `config`'s token, or login and
    /// password (no request is made yet): `NotConfigured` when it holds neither, `Protocol` when
    /// the HTTP client cannot be built.
    pub fn new(http: &HttpConfig, config: &GlpiConfig) -> Result<GlpiConnector, ConnectorError> {
        let credentials = Credentials::from_config(config).ok_or(ConnectorError::NotConfigured)?;
        Ok(GlpiConnector {
            endpoint: Endpoint::new(http, config)?,
            credentials,
            survey: config.survey(),
            links: GlpiConfig {
                computer_id: config.computer_id,
                computers: config.computers.clone(),
                entity: config.entity,
                ..GlpiConfig::default()
            },
            session: Mutex::new(None),
        })
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.endpoint.request(method, path)
    }

    /// A JSON list at `path`, every row (a requester's lists are small), texts unescaped.
    async fn list(&self, path: &str, query: &[(&str, &str)]) -> Result<Vec<Value>, ConnectorError> {
        let value = self
            .call(|_| {
                self.request(Method::GET, path)
                    .query(query)
                    .header("X-GLPI-Sanitized-Content", "false")
            })
            .await?
            .json()?;
        match value {
            Value::Array(rows) => Ok(rows),
            _ => Err(ConnectorError::Protocol {
                detail: format!("{path} is not a list"),
            }),
        }
    }

    /// `GET /Ticket/:id/:sub` as raw HTML, every row.
    async fn sub_items(&self, ticket: TicketId, sub: &str) -> Result<Vec<Value>, ConnectorError> {
        self.list(&format!("Ticket/{ticket}/{sub}"), &[("range", "0-999")])
            .await
    }

    /// One ticket with its documents, raw HTML.
    async fn ticket(&self, id: TicketId) -> Result<Value, ConnectorError> {
        self.call(|_| {
            self.request(Method::GET, &format!("Ticket/{id}"))
                .query(&[("with_documents", "true")])
                .header("X-GLPI-Sanitized-Content", "false")
        })
        .await?
        .json()
    }

    /// A ticket's followups and solutions, oldest first, and its survey once closed.
    async fn activity(
        &self,
        id: TicketId,
        status: TicketStatus,
    ) -> Result<(Vec<TimelineEntry>, Option<super::Survey>), ConnectorError> {
        let me = self.session().await?.user_id;
        let mut timeline: Vec<TimelineEntry> = self
            .sub_items(id, "ITILFollowup")
            .await?
            .iter()
            .filter_map(|row| read::timeline_entry(row, TimelineKind::Followup, me))
            .chain(
                self.sub_items(id, "ITILSolution")
                    .await?
                    .iter()
                    .filter_map(|row| read::timeline_entry(row, TimelineKind::Solution, me)),
            )
            .collect();
        timeline.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
        // Surveys exist only on closed tickets: no request otherwise.
        let survey = if status == TicketStatus::Closed {
            self.sub_items(id, "TicketSatisfaction")
                .await?
                .first()
                .map(read::survey)
        } else {
            None
        };
        Ok((timeline, survey))
    }

    /// The file names of the documents on `ticket`, as its requester may read them
    /// (`GET /Document_Item` is refused to Self-Service; `with_documents` is not).
    async fn document_names(&self, ticket: TicketId) -> Result<Vec<String>, ConnectorError> {
        let detail = self.ticket(ticket).await?;
        let encoded = self.session().await?.release == session::Release::Glpi10;
        Ok(read::documents(&detail, encoded)
            .into_iter()
            .map(|d| d.name)
            .collect())
    }
}

#[async_trait]
impl Connector for GlpiConnector {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            survey: self.survey,
            entities: true,
            ..Capabilities::ALL
        }
    }

    fn effect(&self, action: &ActionKind) -> ActionEffect {
        status::effect(action)
    }

    fn dry_run(&self, report: &Report) -> Value {
        // The requester id is only known once a session is open; the placeholder says so.
        let links = self.links.links_for(&report.facts.hostname);
        let manifest = ticket_manifest(report, json!("<glpiID of the logged-in account>"), &links);
        json!({"method": "POST", "path": "Ticket", "uploadManifest": manifest})
    }

    async fn categories(&self) -> Result<Vec<Category>, ConnectorError> {
        let rows = self
            .list(
                "ITILCategory",
                &[("range", "0-999"), ("searchText[is_helpdeskvisible]", "1")],
            )
            .await?;
        let mut categories: Vec<Category> = rows.iter().filter_map(read::category).collect();
        categories.sort_by_key(|c| c.name.to_lowercase());
        Ok(categories)
    }

    async fn create_ticket(&self, report: &Report) -> Result<Delivery, ConnectorError> {
        let links = self.links.links_for(&report.facts.hostname);
        let answer = self
            .call(|session| {
                let manifest = ticket_manifest(report, json!(session.user_id), &links);
                self.with_files(
                    self.request(Method::POST, "Ticket"),
                    &manifest,
                    &report.attachments,
                )
            })
            .await;
        let answer = match answer {
            Ok(answer) => answer,
            // "Perhaps created", never a reason to create twice: GLPI 11 answers a refused file
            // type with a 500 page after storing the ticket (V.11). Look for it now; the outbox
            // looks again before any new attempt.
            Err(error @ ConnectorError::Server { .. }) => {
                return match self.find_delivered(report).await {
                    Ok(Some(delivery)) => Ok(delivery),
                    _ => Err(error),
                };
            }
            Err(error) => return Err(error),
        };
        let body = answer.json()?;
        let ticket = as_u64(&body["id"]).ok_or_else(|| ConnectorError::Protocol {
            detail: format!("ticket created without an id: {body}"),
        })?;
        let results = body::upload_results(&report.attachments, &body);
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
            .filter_map(|(a, result)| match result {
                Some(Ok(())) => None,
                Some(Err(refused)) => Some(RejectedFile::refused(&a.name, refused.0)),
                None if on_ticket.contains(&a.name) => None,
                None => Some(RejectedFile::because(&a.name, RejectCode::NotOnTicket)),
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
            .map(|a| RejectedFile::because(&a.name, RejectCode::NotOnTicket))
            .collect();
        Ok(Some(Delivery { ticket, rejected }))
    }

    async fn my_tickets(&self) -> Result<Vec<TicketSummary>, ConnectorError> {
        let rows = self.list("Ticket", &[("range", "0-999")]).await?;
        let mut tickets: Vec<TicketSummary> = rows.iter().filter_map(read::summary).collect();
        tickets.sort_by_key(|t| std::cmp::Reverse(t.id));
        Ok(tickets)
    }

    async fn ticket_states(&self, ids: &[TicketId]) -> Result<Vec<TicketState>, ConnectorError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self.search_tickets(&search::states_query(ids)).await?;
        Ok(rows.iter().filter_map(search::state_of).collect())
    }

    async fn ticket_detail(&self, id: TicketId) -> Result<TicketDetail, ConnectorError> {
        let ticket = self.ticket(id).await?;
        let status = read::ticket_status(&ticket).ok_or_else(|| ConnectorError::Protocol {
            detail: format!("ticket {id} has no known status"),
        })?;
        let (timeline, survey) = self.activity(id, status).await?;
        let encoded = self.session().await?.release == session::Release::Glpi10;
        let opened = text_of(&ticket["date"]);
        let stamp = text_of(&ticket["date_mod"]);
        Ok(TicketDetail {
            id,
            subject: text_of(&ticket["name"]),
            status,
            opened_at_ms: read_date(&opened),
            opened,
            updated_at_ms: read_date(&stamp),
            stamp: stamp.into(),
            description_html: html::sanitize(ticket["content"].as_str().unwrap_or_default()),
            timeline,
            documents: read::documents(&ticket, encoded),
            survey,
        })
    }

    /// Followups, solutions and survey: two requests (three once closed), not the ticket too.
    async fn ticket_activity(&self, state: &TicketState) -> Result<TicketDetail, ConnectorError> {
        let (timeline, survey) = self.activity(state.id, state.status).await?;
        Ok(TicketDetail {
            id: state.id,
            subject: String::new(),
            status: state.status,
            opened: String::new(),
            opened_at_ms: None,
            stamp: state.stamp.clone(),
            updated_at_ms: state.updated_at_ms,
            description_html: String::new(),
            timeline,
            documents: Vec::new(),
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
        let results = body::upload_results(&action.attachments, &body);
        Ok(action
            .attachments
            .iter()
            .zip(results)
            .filter_map(|(a, result)| match result {
                Some(Err(refused)) => Some(RejectedFile::refused(&a.name, refused.0)),
                _ => None,
            })
            .collect())
    }

    async fn entities(&self) -> Result<Vec<Entity>, ConnectorError> {
        // `is_recursive` also lists the entities below those the user belongs to recursively:
        // without it a requester of the root entity sees only the root (checked on 10.0.14).
        let answer = self
            .call(|_| {
                self.request(Method::GET, "getMyEntities")
                    .query(&[("is_recursive", "1")])
            })
            .await?
            .json()?;
        let encoded = self.session().await?.release == session::Release::Glpi10;
        Ok(read::entities(&answer, encoded))
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
