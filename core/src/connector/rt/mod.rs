//! The Request Tracker 5 connector, through REST2 with a personal token and JSON (see
//! `shared/rt-rest2.md`): tickets created with their requester and files, a client reference in
//! a custom field searched for before any re-creation (RT does not enforce uniqueness), every
//! open ticket polled in one TicketSQL query, followups and refusals as correspondence (RT reopens
//! a resolved ticket when its requester replies), acceptance and satisfaction as a comment plus
//! their custom fields when configured.
//!
//! - `config`: RT's part of `[server]`;
//! - `rest`: the exchange, and RT's errors, including those it answers with 200;
//! - `body`: the JSON bodies;
//! - `read`: RT's tickets and history in the neutral ticket model.

mod body;
mod config;
pub(crate) mod diagnose;
#[doc(hidden)]
#[cfg(feature = "fuzzing")]
pub mod fuzz;
pub(crate) mod read;
pub(crate) mod rest;

pub use config::{ConfigInvalid, RtConfig};

use super::{
    ActionEffect, Capabilities, Connector, ConnectorError, Delivery, RejectCode, RejectedFile,
    TicketDetail, TicketId, TicketState, TicketStatus, TicketSummary, Workflow,
};
use crate::action::{ActionKind, TicketAction};
use crate::html;
use crate::net::HttpConfig;
use crate::report::{Category, Report};
use async_trait::async_trait;
use reqwest::Method;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};

/// The most rows one list asks for; a requester's tickets and a ticket's history are far fewer.
const PAGE: &str = "100";

/// What the acceptance custom field is set to.
const ACCEPTED: &str = "accepted";

/// The `code` of the error saying RT did not keep a custom field Guichet set.
const FIELD_NOT_KEPT: &str = "RT_FIELD_NOT_KEPT";

/// Where RT's REST2 is (`/REST/2.0/` under the server's base URL), and the one place its token
/// header is written. The connector and the doctor ([`diagnose`]) both build on it.
pub(crate) struct Rest {
    base: String,
    client: reqwest::Client,
}

impl Rest {
    pub(crate) fn new(http: &HttpConfig) -> Result<Rest, ConnectorError> {
        Ok(Rest {
            base: server_base(&http.url),
            client: super::http::client(http)?,
        })
    }

    /// `method path` under `/REST/2.0/`, without a token (the doctor's first question).
    pub(crate) fn anonymous(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}/REST/2.0/{path}", self.base))
            .header("Accept", "application/json")
    }

    /// `method path` under `/REST/2.0/`, authenticated by `token` (`Authorization: token …`).
    pub(crate) fn request(
        &self,
        method: Method,
        path: &str,
        token: &str,
    ) -> reqwest::RequestBuilder {
        self.anonymous(method, path)
            .header("Authorization", format!("token {token}"))
    }
}

/// A Request Tracker server.
pub struct RtConnector {
    rest: Rest,
    config: RtConfig,
    /// The idempotency field was seen on a ticket this connector created: RT ignores an unknown
    /// custom field without a word, which would make retries create duplicates.
    field_checked: AtomicBool,
}

impl std::fmt::Debug for RtConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RtConnector")
            .field("base", &self.rest.base)
            .field("queue", &self.config.queue)
            .finish_non_exhaustive()
    }
}

/// The server's base URL from the configured one, which may or may not end with `/REST/2.0`.
fn server_base(url: &str) -> String {
    let base = url.trim().trim_end_matches('/');
    base.strip_suffix("/REST/2.0").unwrap_or(base).to_owned()
}

/// A TicketSQL string literal.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

impl RtConnector {
    /// `NotConfigured` without a token: the user has not signed in yet.
    pub fn new(http: &HttpConfig, config: &RtConfig) -> Result<RtConnector, ConnectorError> {
        if config.token.trim().is_empty() {
            return Err(ConnectorError::NotConfigured);
        }
        Ok(RtConnector {
            rest: Rest::new(http)?,
            config: config.clone(),
            field_checked: AtomicBool::new(false),
        })
    }

    fn acceptance(&self) -> Option<&str> {
        self.config.acceptance_field.as_deref()
    }

    /// `GET /tickets` for `query`: the rows, with `fields`.
    async fn search(&self, query: &str, fields: &str) -> Result<Vec<Value>, ConnectorError> {
        let value = self
            .get(
                "tickets",
                &[
                    ("query", query),
                    ("fields", fields),
                    ("per_page", PAGE),
                    ("orderby", "id"),
                    ("order", "DESC"),
                ],
            )
            .await?;
        match value.get("items") {
            Some(Value::Array(rows)) => Ok(rows.clone()),
            _ => Err(ConnectorError::Protocol {
                detail: "the ticket search answered without items".into(),
            }),
        }
    }

    /// The `items` of a ticket's sub-list (`history`, `attachments`).
    async fn items(
        &self,
        ticket: TicketId,
        list: &str,
        fields: &str,
    ) -> Result<Vec<Value>, ConnectorError> {
        let value = self
            .get(
                &format!("ticket/{ticket}/{list}"),
                &[("fields", fields), ("per_page", PAGE)],
            )
            .await?;
        match value.get("items") {
            Some(Value::Array(rows)) => Ok(rows.clone()),
            _ => Err(ConnectorError::Protocol {
                detail: format!("the {list} of ticket {ticket} came without items"),
            }),
        }
    }

    async fn ticket(&self, id: TicketId) -> Result<Value, ConnectorError> {
        self.get(&format!("ticket/{id}"), &[]).await
    }

    /// The attachments of a ticket: file names, message bodies and their transactions.
    async fn attachments(&self, ticket: TicketId) -> Result<Vec<Value>, ConnectorError> {
        self.items(
            ticket,
            "attachments",
            "Filename,ContentType,TransactionId,Content",
        )
        .await
    }

    /// Sets custom field `name` to `value` on `ticket` (`PUT`), then reads it back: RT's answer
    /// is worded in the requester's language and ignores a field it does not know.
    async fn set_custom_field(
        &self,
        ticket: TicketId,
        name: &str,
        value: &str,
    ) -> Result<(), ConnectorError> {
        let body = body::custom_field(name, value);
        self.act(Method::PUT, &format!("ticket/{ticket}"), &body)
            .await?;
        self.check_kept(ticket, name, value).await
    }

    /// Whether custom field `name` of `ticket` holds `value`.
    async fn field_is(
        &self,
        ticket: TicketId,
        name: &str,
        value: &str,
    ) -> Result<bool, ConnectorError> {
        let t = self.ticket(ticket).await?;
        Ok(read::custom_field(&t, name).as_deref() == Some(value))
    }

    /// `Rejected` unless custom field `name` of `ticket` holds `value`.
    async fn check_kept(
        &self,
        ticket: TicketId,
        name: &str,
        value: &str,
    ) -> Result<(), ConnectorError> {
        if self.field_is(ticket, name, value).await? {
            return Ok(());
        }
        Err(ConnectorError::Rejected {
            status: 403,
            code: FIELD_NOT_KEPT.to_owned(),
            message: format!(
                "RT did not keep the custom field {name:?} on ticket {ticket}: it must exist on \
                 queue {:?}, and requesters need the rights SeeCustomField and ModifyCustomField",
                self.config.queue
            ),
        })
    }

    /// A comment on `ticket`, with custom field `field` set in the same request when given (RT
    /// 5.0 takes `CustomFields` with a comment): a lost answer then leaves the field to say
    /// whether the comment was made. The field is read back, and set on its own if this RT did
    /// not take it with the comment.
    async fn comment(
        &self,
        ticket: TicketId,
        content: String,
        field: Option<(&str, String)>,
    ) -> Result<(), ConnectorError> {
        let mut body = body::message(content, &[]);
        if let Some((name, value)) = &field {
            body["CustomFields"] = body::fields(name, value);
        }
        self.act(Method::POST, &format!("ticket/{ticket}/comment"), &body)
            .await?;
        match field {
            Some((name, value)) if !self.field_is(ticket, name, &value).await? => {
                self.set_custom_field(ticket, name, &value).await
            }
            _ => Ok(()),
        }
    }

    /// Whether a message carrying `action`'s reference is on its ticket. Correspondence is
    /// always visible to the requester; comments only with RT's right ShowTicketComments.
    async fn carries_reference(&self, action: &TicketAction) -> Result<bool, ConnectorError> {
        let needle = action.id.to_string();
        Ok(self
            .attachments(action.ticket)
            .await?
            .iter()
            .any(|a| a["Content"].as_str().is_some_and(|c| c.contains(&needle))))
    }

    /// Says loudly, once, when RT dropped the client reference of a ticket just created: the
    /// idempotency custom field is missing or not writable, and retries could duplicate.
    async fn check_field(&self, ticket: TicketId, report: &Report) {
        if self.field_checked.load(Ordering::Relaxed) {
            return;
        }
        match self.ticket(ticket).await {
            Ok(t) => {
                let field = &self.config.idempotency_field;
                if read::custom_field(&t, field) == Some(report.id.to_string()) {
                    self.field_checked.store(true, Ordering::Relaxed);
                } else {
                    tracing::error!(
                        "RT did not keep the custom field {field:?} on ticket {ticket}: create it \
                         (free-form, on queue {:?}) and let requesters set it, or a report retried \
                         after a lost answer may become two tickets",
                        self.config.queue
                    );
                }
            }
            Err(e) => tracing::warn!("cannot check ticket {ticket}'s client reference: {e}"),
        }
    }

    /// The files of `names` missing from `ticket`.
    async fn missing_files(
        &self,
        ticket: TicketId,
        names: impl Iterator<Item = &str>,
    ) -> Result<Vec<RejectedFile>, ConnectorError> {
        let present: Vec<String> = read::documents(&self.attachments(ticket).await?)
            .into_iter()
            .map(|d| d.name)
            .collect();
        Ok(names
            .filter(|n| !present.iter().any(|p| p == n))
            .map(|name| RejectedFile::because(name, RejectCode::NotOnTicket))
            .collect())
    }
}

#[async_trait]
impl Connector for RtConnector {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            solution_approval: true,
            satisfaction_survey: self.config.satisfaction_field.is_some(),
            categories: false,
            followup_files: true,
            // RT has no survey of its own: Guichet's scale, written in a custom field.
            survey: crate::connector::SurveyScale::FIVE,
            // A queue is IT's choice, not the requester's.
            entities: false,
        }
    }

    fn effect(&self, action: &ActionKind) -> ActionEffect {
        let workflow = Workflow {
            // Without the acceptance field RT keeps the ticket resolved, and so does the next
            // check: the status is left as it is, so that nothing is announced again.
            approved: self.acceptance().map(|_| TicketStatus::Closed),
            // RT's scrip reopens a resolved ticket when its requester replies.
            refused: Some(TicketStatus::Assigned),
        };
        ActionEffect::of(action, workflow)
    }

    fn dry_run(&self, report: &Report) -> Value {
        let mut body = body::ticket(&self.config, report);
        // The files are listed beside the request; their base64 would only bury it.
        body["Attachments"] = json!(report
            .attachments
            .iter()
            .map(|a| json!({"FileName": a.name, "FileType": body::file_type(&a.mime)}))
            .collect::<Vec<_>>());
        json!({"method": "POST", "path": "REST/2.0/ticket", "body": body})
    }

    /// RT has queues, not categories: the wizard offers none.
    async fn categories(&self) -> Result<Vec<Category>, ConnectorError> {
        Ok(Vec::new())
    }

    async fn create_ticket(&self, report: &Report) -> Result<Delivery, ConnectorError> {
        let body = body::ticket(&self.config, report);
        let answer = self.send_json(Method::POST, "ticket", &body).await?;
        let ticket = read::id_of(&answer["id"]).ok_or_else(|| ConnectorError::Protocol {
            detail: format!("ticket created without an id: {answer}"),
        })?;
        self.check_field(ticket, report).await;
        // RT takes every file it is given (or replaces an oversized one by a note), and the
        // report's limits were checked before: nothing is refused here.
        Ok(Delivery {
            ticket,
            rejected: Vec::new(),
        })
    }

    async fn find_delivered(&self, report: &Report) -> Result<Option<Delivery>, ConnectorError> {
        let query = format!(
            "CF.{{{}}} = {}",
            self.config.idempotency_field,
            quoted(&report.id.to_string())
        );
        let rows = self.search(&query, "Status").await?;
        let Some(ticket) = rows.iter().filter_map(|r| read::id_of(&r["id"])).min() else {
            return Ok(None);
        };
        if rows.len() > 1 {
            tracing::warn!(
                "report {} matches several tickets; keeping {ticket}",
                report.id
            );
        }
        let names = report.attachments.iter().map(|a| a.name.as_str());
        let rejected = self.missing_files(ticket, names).await?;
        Ok(Some(Delivery { ticket, rejected }))
    }

    async fn my_tickets(&self) -> Result<Vec<TicketSummary>, ConnectorError> {
        let query = format!(
            "Requestor.EmailAddress = {}",
            quoted(&self.config.requestor)
        );
        let rows = self
            .search(&query, "Subject,Status,LastUpdated,CustomFields")
            .await?;
        Ok(rows
            .iter()
            .filter_map(|r| read::summary(r, self.acceptance()))
            .collect())
    }

    async fn ticket_states(&self, ids: &[TicketId]) -> Result<Vec<TicketState>, ConnectorError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let query = ids
            .iter()
            .map(|id| format!("id = {id}"))
            .collect::<Vec<_>>()
            .join(" OR ");
        let rows = self
            .search(&query, "Status,LastUpdated,CustomFields")
            .await?;
        Ok(rows
            .iter()
            .filter_map(|r| read::state(r, self.acceptance()))
            .collect())
    }

    async fn ticket_detail(&self, id: TicketId) -> Result<TicketDetail, ConnectorError> {
        let ticket = self.ticket(id).await?;
        let history = self
            .items(
                id,
                "history",
                "Type,Field,OldValue,NewValue,Creator,Created",
            )
            .await?;
        let attachments = self.attachments(id).await?;
        let accepted = self
            .acceptance()
            .is_some_and(|f| read::custom_field(&ticket, f).is_some());
        let status = ticket["Status"]
            .as_str()
            .and_then(|s| read::status(s, accepted))
            .ok_or_else(|| ConnectorError::Protocol {
                detail: format!("ticket {id} has no known status"),
            })?;
        let requestors: Vec<String> = ticket["Requestor"]
            .as_array()
            .map(|r| {
                r.iter()
                    .filter_map(|u| u["id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let bodies = read::bodies(&attachments);
        let reading = read::Reading {
            bodies: &bodies,
            requestors: &requestors,
            accepted,
        };
        let (description_html, timeline) = read::timeline(&history, &reading);
        let survey = match (&self.config.satisfaction_field, status) {
            (Some(field), TicketStatus::Closed) => Some(read::survey(&ticket, field)),
            _ => None,
        };
        let opened = ticket["Created"].as_str().unwrap_or_default().to_owned();
        let updated = ticket["LastUpdated"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        Ok(TicketDetail {
            id,
            subject: ticket["Subject"].as_str().unwrap_or_default().to_owned(),
            status,
            opened_at_ms: read::date_ms(&opened),
            opened,
            updated_at_ms: read::date_ms(&updated),
            stamp: updated.into(),
            description_html,
            timeline,
            documents: read::documents(&attachments),
            survey,
        })
    }

    async fn perform(&self, action: &TicketAction) -> Result<Vec<RejectedFile>, ConnectorError> {
        let ticket = action.ticket;
        let content = html::action_body(action);
        match &action.kind {
            ActionKind::Followup { .. } | ActionKind::Refuse { .. } => {
                let body = body::message(content, &action.attachments);
                self.act(Method::POST, &format!("ticket/{ticket}/correspond"), &body)
                    .await?;
                let names = action.attachments.iter().map(|a| a.name.as_str());
                return self.missing_files(ticket, names).await;
            }
            ActionKind::Approve { .. } => {
                let field = self.acceptance().map(|f| (f, ACCEPTED.to_owned()));
                self.comment(ticket, content, field).await?;
            }
            ActionKind::Rate { score, .. } => {
                let field = self.config.satisfaction_field.as_deref();
                self.comment(ticket, content, field.map(|f| (f, score.to_string())))
                    .await?;
            }
        }
        Ok(Vec::new())
    }

    /// Asked before an action is tried again. A correspondence carries the action's reference,
    /// which the requester can read. An approval or a rating is a comment, which requesters
    /// usually cannot read: its custom field, set in the same request, says whether it was made.
    /// Without that field, the reference is looked for all the same (found when IT granted
    /// ShowTicketComments); otherwise a comment whose answer was lost in transit is made again.
    async fn find_performed(&self, action: &TicketAction) -> Result<bool, ConnectorError> {
        let field = match &action.kind {
            ActionKind::Followup { .. } | ActionKind::Refuse { .. } => None,
            ActionKind::Approve { .. } => self.acceptance().map(|f| (f, ACCEPTED.to_owned())),
            ActionKind::Rate { score, .. } => self
                .config
                .satisfaction_field
                .as_deref()
                .map(|f| (f, score.to_string())),
        };
        match field {
            Some((name, value)) => self.field_is(action.ticket, name, &value).await,
            None => self.carries_reference(action).await,
        }
    }
}
