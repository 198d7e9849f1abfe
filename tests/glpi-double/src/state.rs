//! The double's in-memory GLPI database and its business rules: sessions, tickets and their
//! requester actors, followups (approve / refuse / reopen), solutions, documents (with sha1
//! de-duplication) and satisfaction surveys.
//!
//! Timestamps are UTC, with second resolution. A ticket's `date_mod` strictly increases on every
//! change (it moves one second past the previous value when the clock has not moved), so a client
//! polling on `date_mod` always sees a change.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use bytes::Bytes;
use hyper::StatusCode;
use rand::Rng;
use serde_json::{Map, Value};
use sha1::{Digest, Sha1};
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::encode::{decode_html, encode_html};
use crate::error::{ApiError, NO_PERMISSION};
use crate::params::{json_int, json_text};
use crate::upload::{extension, AcceptedFile};
use crate::{
    DocumentView, DoubleConfig, FollowupView, Profile, SatisfactionView, SolutionView, TicketView,
    UserSpec,
};

/// Ticket statuses.
pub(crate) mod status {
    pub const NEW: u8 = 1;
    pub const ASSIGNED: u8 = 2;
    pub const WAITING: u8 = 4;
    pub const SOLVED: u8 = 5;
    pub const CLOSED: u8 = 6;
    /// `getReopenableStatusArray`.
    pub const REOPENABLE: [u8; 3] = [CLOSED, SOLVED, WAITING];
}

/// Solution statuses (`CommonITILValidation`).
pub(crate) mod solution_status {
    pub const WAITING: u8 = 2;
    pub const ACCEPTED: u8 = 3;
    pub const REFUSED: u8 = 4;
}

/// A timestamp (UTC, whole seconds).
pub(crate) type Stamp = PrimitiveDateTime;

/// The current time, truncated to the second.
pub(crate) fn now() -> Stamp {
    let now = OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    PrimitiveDateTime::new(now.date(), now.time())
}

/// `YYYY-MM-DD HH:MM:SS`, GLPI's datetime format.
pub(crate) fn fmt_stamp(stamp: &Stamp) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        stamp.year(),
        u8::from(stamp.month()),
        stamp.day(),
        stamp.hour(),
        stamp.minute(),
        stamp.second()
    )
}

/// The authenticated user of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Caller {
    pub id: u64,
    pub login: String,
    pub profile: Profile,
    pub session_token: String,
}

/// How `initSession` was called.
#[derive(Debug, Clone)]
pub(crate) enum Credentials {
    UserToken(String),
    Password { login: String, password: String },
}

#[derive(Debug, Clone)]
struct Session {
    user_id: u64,
    last_used: Instant,
}

/// A `glpi_tickets` row with its actors and timeline.
#[derive(Debug, Clone)]
pub(crate) struct Ticket {
    pub id: u64,
    /// Stored (HTML-encoded).
    pub name: String,
    /// Stored (HTML-encoded).
    pub content: String,
    pub status: u8,
    pub kind: u8,
    pub urgency: u8,
    pub impact: u8,
    pub priority: u8,
    pub category_id: u64,
    pub location_id: u64,
    pub request_type_id: u64,
    pub requester_ids: Vec<u64>,
    pub recipient_id: u64,
    pub last_updater_id: u64,
    pub date: Stamp,
    pub date_mod: Stamp,
    pub solvedate: Option<Stamp>,
    pub closedate: Option<Stamp>,
    /// Whether a technician acted on the ticket (solution or followup): the double's stand-in for
    /// "a technician is assigned", which decides whether a reopened ticket goes to 2 or 1.
    pub technician_involved: bool,
    pub followups: Vec<Followup>,
    pub solutions: Vec<Solution>,
    pub satisfaction: Option<Satisfaction>,
}

impl Ticket {
    /// Records a change: `date_mod` moves forward (at least one second) and the last updater is set.
    fn touch(&mut self, by: u64) {
        let now = now();
        let next = self.date_mod + time::Duration::seconds(1);
        self.date_mod = if now >= next { now } else { next };
        self.last_updater_id = by;
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Followup {
    pub id: u64,
    pub users_id: u64,
    /// Stored (HTML-encoded).
    pub content: String,
    pub date: Stamp,
}

#[derive(Debug, Clone)]
pub(crate) struct Solution {
    pub id: u64,
    pub users_id: u64,
    /// Stored (HTML-encoded).
    pub content: String,
    pub date_creation: Stamp,
    pub status: u8,
    pub users_id_approval: u64,
    pub date_approval: Option<Stamp>,
}

#[derive(Debug, Clone)]
pub(crate) struct Satisfaction {
    pub id: u64,
    pub kind: u8,
    pub date_begin: Stamp,
    pub date_answered: Option<Stamp>,
    pub satisfaction: Option<i64>,
    /// Stored (HTML-encoded).
    pub comment: Option<String>,
}

/// A `glpi_documents` row.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    pub id: u64,
    pub name: String,
    pub filename: String,
    pub filepath: String,
    pub mime: String,
    pub sha1: String,
    pub bytes: Bytes,
    pub users_id: u64,
    pub tickets_id: u64,
    pub date_creation: Stamp,
}

/// A `glpi_documents_items` row (always `itemtype` Ticket here).
#[derive(Debug, Clone)]
pub(crate) struct DocumentItem {
    pub id: u64,
    pub documents_id: u64,
    pub items_id: u64,
    pub users_id: u64,
    pub date_creation: Stamp,
}

#[derive(Debug, Default)]
struct NextIds {
    ticket: u64,
    followup: u64,
    solution: u64,
    document: u64,
    document_item: u64,
    satisfaction: u64,
}

fn next(counter: &mut u64) -> u64 {
    *counter += 1;
    *counter
}

/// The whole fake database.
#[derive(Debug)]
pub(crate) struct Store {
    pub config: DoubleConfig,
    pub base_url: String,
    /// Every profile may read `ITILCategory`.
    pub categories_open: bool,
    /// Closing a ticket creates its satisfaction survey.
    pub surveys: bool,
    sessions: HashMap<String, Session>,
    pub tickets: BTreeMap<u64, Ticket>,
    pub documents: BTreeMap<u64, Document>,
    pub document_items: Vec<DocumentItem>,
    ids: NextIds,
}

impl Store {
    pub fn new(config: DoubleConfig, base_url: String) -> Self {
        Store {
            config,
            base_url,
            categories_open: false,
            surveys: false,
            sessions: HashMap::new(),
            tickets: BTreeMap::new(),
            documents: BTreeMap::new(),
            document_items: Vec::new(),
            ids: NextIds::default(),
        }
    }

    // ----- users and sessions -------------------------------------------------------------

    pub fn user(&self, id: u64) -> Option<&UserSpec> {
        self.config.users.iter().find(|u| u.id == id)
    }

    /// `initSession`: checks the credentials and opens a session.
    pub fn open_session(&mut self, credentials: &Credentials) -> Result<Caller, ApiError> {
        let user = match credentials {
            Credentials::UserToken(token) => self
                .config
                .users
                .iter()
                .find(|u| u.user_token == *token)
                .ok_or_else(|| {
                    ApiError::plain(
                        StatusCode::UNAUTHORIZED,
                        "ERROR_GLPI_LOGIN_USER_TOKEN",
                        "parameter user_token seems invalid",
                    )
                })?,
            Credentials::Password { login, password } => self
                .config
                .users
                .iter()
                .find(|u| u.login == *login && u.password == *password)
                .ok_or_else(|| {
                    ApiError::plain(
                        StatusCode::UNAUTHORIZED,
                        "ERROR_GLPI_LOGIN",
                        "Incorrect username or password",
                    )
                })?,
        };
        let caller = Caller {
            id: user.id,
            login: user.login.clone(),
            profile: user.profile,
            session_token: new_session_token(),
        };
        self.sessions.insert(
            caller.session_token.clone(),
            Session {
                user_id: caller.id,
                last_used: Instant::now(),
            },
        );
        Ok(caller)
    }

    /// Resolves a session token (`checkSessionToken`), refreshing its idle timer.
    pub fn session(&mut self, token: &str) -> Result<Caller, ApiError> {
        let ttl = self.config.session_ttl;
        let session = self
            .sessions
            .get_mut(token)
            .ok_or_else(ApiError::session_token_invalid)?;
        if ttl.is_some_and(|ttl| session.last_used.elapsed() > ttl) {
            self.sessions.remove(token);
            return Err(ApiError::session_token_invalid());
        }
        session.last_used = Instant::now();
        let user_id = session.user_id;
        let user = self
            .user(user_id)
            .ok_or_else(ApiError::session_token_invalid)?;
        Ok(Caller {
            id: user.id,
            login: user.login.clone(),
            profile: user.profile,
            session_token: token.to_owned(),
        })
    }

    pub fn kill_session(&mut self, token: &str) {
        self.sessions.remove(token);
    }

    pub fn expire_sessions(&mut self) {
        self.sessions.clear();
    }

    // ----- rights -------------------------------------------------------------------------

    /// Whether the caller may read the ticket (Self-Service: requester or recipient only).
    pub fn can_see(caller: &Caller, ticket: &Ticket) -> bool {
        caller.profile != Profile::SelfService
            || ticket.requester_ids.contains(&caller.id)
            || ticket.recipient_id == caller.id
    }

    /// A ticket the caller may read: 404 when missing, 403 when not theirs.
    pub fn visible_ticket(&self, caller: &Caller, id: u64) -> Result<&Ticket, ApiError> {
        let ticket = self.tickets.get(&id).ok_or_else(ApiError::not_found)?;
        if Self::can_see(caller, ticket) {
            Ok(ticket)
        } else {
            Err(ApiError::right_missing())
        }
    }

    /// Whether the caller may read the document's bytes (`Document::canViewFile`).
    pub fn can_download(&self, caller: &Caller, document: &Document) -> bool {
        caller.profile != Profile::SelfService
            || document.users_id == caller.id
            || self
                .document_items
                .iter()
                .filter(|link| link.documents_id == document.id)
                .any(|link| {
                    self.tickets
                        .get(&link.items_id)
                        .is_some_and(|t| Self::can_see(caller, t))
                })
    }

    // ----- tickets ------------------------------------------------------------------------

    /// `POST /Ticket`: creates the ticket and attaches the accepted files.
    pub fn create_ticket(
        &mut self,
        caller: &Caller,
        input: &Map<String, Value>,
        files: &[AcceptedFile],
    ) -> Result<u64, ApiError> {
        let content_raw = json_text(input.get("content")).unwrap_or_default();
        let content_raw = content_raw.trim_start();
        let name_raw = json_text(input.get("name")).unwrap_or_default();
        let name_raw = name_raw.trim_start();
        let name = if name_raw.is_empty() || name_raw == "0" {
            encode_html(&name_from_content(&decode_html(content_raw)))
        } else {
            encode_html(name_raw)
        };
        let urgency = small_int(input, "urgency", 1..=5).unwrap_or(3);
        let impact = small_int(input, "impact", 1..=5).unwrap_or(3);
        let id = next(&mut self.ids.ticket);
        let now = now();
        let ticket = Ticket {
            id,
            name,
            content: encode_html(content_raw),
            status: status::NEW,
            kind: small_int(input, "type", 1..=2).unwrap_or(1),
            urgency,
            impact,
            priority: compute_priority(urgency, impact),
            category_id: id_field(input, "itilcategories_id"),
            location_id: id_field(input, "locations_id"),
            request_type_id: input
                .get("requesttypes_id")
                .and_then(json_int)
                .map_or(1, |v| v.max(0) as u64),
            requester_ids: requester_ids(input.get("_users_id_requester")),
            recipient_id: caller.id,
            last_updater_id: caller.id,
            date: now,
            date_mod: now,
            solvedate: None,
            closedate: None,
            technician_involved: false,
            followups: Vec::new(),
            solutions: Vec::new(),
            satisfaction: None,
        };
        self.tickets.insert(id, ticket);
        for file in files {
            self.attach(id, caller.id, file, None);
        }
        Ok(id)
    }

    /// `PUT /Ticket/:id`.
    pub fn update_ticket(
        &mut self,
        caller: &Caller,
        id: u64,
        input: &Map<String, Value>,
    ) -> Result<(), ApiError> {
        let surveys = self.surveys;
        let satisfaction_id = &mut self.ids.satisfaction;
        let ticket = self
            .tickets
            .get_mut(&id)
            .ok_or_else(ApiError::glpi_update_not_found)?;
        // Ticket::canUpdateItem: staff always; a requester only while nobody has touched it.
        let requester_may_update = (ticket.requester_ids.contains(&caller.id)
            || ticket.recipient_id == caller.id)
            && ticket.status != status::SOLVED
            && ticket.status != status::CLOSED
            && ticket.followups.is_empty();
        let allowed = Self::can_see(caller, ticket)
            && (caller.profile != Profile::SelfService || requester_may_update);
        if !allowed {
            return Err(ApiError::glpi_update(NO_PERMISSION));
        }
        if let Some(name) = json_text(input.get("name")) {
            ticket.name = encode_html(name.trim_start());
        }
        if let Some(content) = json_text(input.get("content")) {
            ticket.content = encode_html(content.trim_start());
        }
        if let Some(urgency) = small_int(input, "urgency", 1..=5) {
            ticket.urgency = urgency;
        }
        if let Some(impact) = small_int(input, "impact", 1..=5) {
            ticket.impact = impact;
        }
        ticket.priority = compute_priority(ticket.urgency, ticket.impact);
        if let Some(kind) = small_int(input, "type", 1..=2) {
            ticket.kind = kind;
        }
        if input.contains_key("itilcategories_id") {
            ticket.category_id = id_field(input, "itilcategories_id");
        }
        if input.contains_key("locations_id") {
            ticket.location_id = id_field(input, "locations_id");
        }
        if let Some(new_status) = small_int(input, "status", 1..=6) {
            let accepted = input.get("_accepted").is_some_and(|v| !v.is_null());
            set_status(
                ticket,
                new_status,
                caller.id,
                accepted,
                surveys,
                satisfaction_id,
            );
        }
        ticket.touch(caller.id);
        Ok(())
    }

    // ----- followups and solutions --------------------------------------------------------

    /// `POST /ITILFollowup`, with GLPI's approve (`add_close`) and refuse (`add_reopen`) rules.
    pub fn add_followup(
        &mut self,
        caller: &Caller,
        input: &Map<String, Value>,
        files: &[AcceptedFile],
    ) -> Result<u64, ApiError> {
        let itemtype = json_text(input.get("itemtype")).unwrap_or_default();
        let ticket_id = input.get("items_id").and_then(json_int).unwrap_or(0).max(0) as u64;
        // ITILFollowup::canCreateItem: the parent must be readable and not closed.
        let allowed = itemtype.eq_ignore_ascii_case("Ticket")
            && self
                .tickets
                .get(&ticket_id)
                .is_some_and(|t| Self::can_see(caller, t) && t.status != status::CLOSED);
        if !allowed {
            return Err(ApiError::glpi_add(NO_PERMISSION));
        }
        // The flags are read with isset(): present and not null, whatever the value.
        let add_close = input.get("add_close").is_some_and(|v| !v.is_null());
        let add_reopen = input.get("add_reopen").is_some_and(|v| !v.is_null());
        let mut content = json_text(input.get("content")).unwrap_or_default();
        if php_empty(&content) && !add_close && !add_reopen {
            return Err(ApiError::glpi_add(
                "You can't add a followup without description",
            ));
        }
        if add_close && php_empty(&content) {
            content = "Solution approved".to_owned();
        }
        if add_reopen && content.is_empty() {
            return Err(ApiError::glpi_add(
                "If you want to reopen this item, you must specify a reason",
            ));
        }

        let followup_id = next(&mut self.ids.followup);
        for file in files {
            self.attach(ticket_id, caller.id, file, None);
        }
        if let Some(ticket) = self.tickets.get_mut(&ticket_id) {
            ticket.followups.push(Followup {
                id: followup_id,
                users_id: caller.id,
                content: encode_html(&content),
                date: now(),
            });
            ticket.touch(caller.id);
        }
        self.update_parent_status(caller, ticket_id, add_close, add_reopen);
        Ok(followup_id)
    }

    /// `ParentStatus::updateParentStatus` after a requester's followup or document.
    ///
    /// Only a requester actor (or staff) drives the status: on a ticket without a requester actor,
    /// approve and refuse change nothing (contract V).
    fn update_parent_status(&mut self, caller: &Caller, ticket_id: u64, close: bool, reopen: bool) {
        let surveys = self.surveys;
        let satisfaction_id = &mut self.ids.satisfaction;
        let Some(ticket) = self.tickets.get_mut(&ticket_id) else {
            return;
        };
        let is_requester = ticket.requester_ids.contains(&caller.id);
        if !is_requester && caller.profile == Profile::SelfService {
            return;
        }
        if close && ticket.status == status::SOLVED {
            set_status(
                ticket,
                status::CLOSED,
                caller.id,
                true,
                surveys,
                satisfaction_id,
            );
        }
        // needReopen(): a requester's plain followup on a pending, solved or closed ticket.
        let need_reopen = !close && is_requester && status::REOPENABLE.contains(&ticket.status);
        if (reopen || need_reopen) && status::REOPENABLE.contains(&ticket.status) {
            let target = if ticket.technician_involved {
                status::ASSIGNED
            } else {
                status::NEW
            };
            set_status(ticket, target, caller.id, false, surveys, satisfaction_id);
        }
    }

    /// The technician's solution (`ITILSolution` add).
    pub fn add_solution(&mut self, ticket_id: u64, content: &str) -> Result<u64, String> {
        let technician = self.technician_id();
        let solution_id = self.ids.solution + 1;
        let ticket = self
            .tickets
            .get_mut(&ticket_id)
            .ok_or_else(|| "Item not found".to_owned())?;
        match ticket.status {
            status::SOLVED => {
                return Err(
                    "The item is already solved, did anyone pushed a solution before you?"
                        .to_owned(),
                )
            }
            status::CLOSED => return Err(NO_PERMISSION.to_owned()),
            _ => {}
        }
        self.ids.solution = solution_id;
        let now = now();
        ticket.solutions.push(Solution {
            id: solution_id,
            users_id: technician,
            content: encode_html(content),
            date_creation: now,
            status: solution_status::WAITING,
            users_id_approval: 0,
            date_approval: None,
        });
        ticket.status = status::SOLVED;
        ticket.solvedate = Some(now);
        ticket.technician_involved = true;
        ticket.touch(technician);
        Ok(solution_id)
    }

    /// A technician's public followup.
    pub fn add_tech_followup(&mut self, ticket_id: u64, content: &str) -> Result<u64, String> {
        let technician = self.technician_id();
        let followup_id = self.ids.followup + 1;
        let ticket = self
            .tickets
            .get_mut(&ticket_id)
            .ok_or_else(|| "Item not found".to_owned())?;
        if ticket.status == status::CLOSED {
            return Err(NO_PERMISSION.to_owned());
        }
        if content.is_empty() {
            return Err("You can't add a followup without description".to_owned());
        }
        self.ids.followup = followup_id;
        ticket.followups.push(Followup {
            id: followup_id,
            users_id: technician,
            content: encode_html(content),
            date: now(),
        });
        ticket.technician_involved = true;
        ticket.touch(technician);
        Ok(followup_id)
    }

    /// The user id technician actions are recorded under: the first non-Self-Service user.
    fn technician_id(&self) -> u64 {
        self.config
            .users
            .iter()
            .find(|u| u.profile == Profile::Technician)
            .or_else(|| {
                self.config
                    .users
                    .iter()
                    .find(|u| u.profile == Profile::Admin)
            })
            .map_or(2, |u| u.id)
    }

    // ----- satisfaction -------------------------------------------------------------------

    /// `PUT /TicketSatisfaction/:ticket_id`; returns the satisfaction row id.
    pub fn update_satisfaction(
        &mut self,
        caller: &Caller,
        ticket_id: u64,
        input: &Map<String, Value>,
    ) -> Result<u64, ApiError> {
        let ticket = self
            .tickets
            .get(&ticket_id)
            .ok_or_else(ApiError::glpi_update_not_found)?;
        let row = ticket
            .satisfaction
            .as_ref()
            .ok_or_else(ApiError::glpi_update_not_found)?;
        // TicketSatisfaction::canUpdateItem: requesters only, and not 12 hours after answering.
        let too_late = row
            .date_answered
            .is_some_and(|d| now() - d > time::Duration::hours(12));
        let allowed =
            ticket.requester_ids.contains(&caller.id) || caller.profile != Profile::SelfService;
        if too_late || !allowed {
            return Err(ApiError::glpi_update(NO_PERMISSION));
        }
        // The row is found again through its index key, `tickets_id`, which must be in the input.
        let target = input
            .get("tickets_id")
            .and_then(json_int)
            .and_then(|id| self.tickets.get_mut(&(id.max(0) as u64)))
            .and_then(|t| t.satisfaction.as_mut())
            .ok_or_else(|| ApiError::glpi_update(""))?;
        let satisfaction = input.get("satisfaction").and_then(json_int);
        if let Some(value) = satisfaction {
            target.satisfaction = Some(value);
        }
        // prepareInputForUpdate: `$input['satisfaction'] >= 0` (true for a missing value too).
        if !matches!(satisfaction, Some(v) if v < 0) {
            target.date_answered = Some(now());
        }
        if let Some(comment) = json_text(input.get("comment")) {
            target.comment = Some(encode_html(&comment));
        }
        Ok(target.id)
    }

    // ----- documents ----------------------------------------------------------------------

    /// `POST /Document` with one accepted file; links it to a ticket when the manifest says so.
    pub fn add_document(
        &mut self,
        caller: &Caller,
        input: &Map<String, Value>,
        file: &AcceptedFile,
    ) -> Result<u64, ApiError> {
        let itemtype = json_text(input.get("itemtype")).unwrap_or_default();
        let link_to = if itemtype.eq_ignore_ascii_case("Ticket") {
            let ticket_id = input.get("items_id").and_then(json_int).unwrap_or(0).max(0) as u64;
            let allowed = self
                .tickets
                .get(&ticket_id)
                .is_some_and(|t| Self::can_see(caller, t) && t.status != status::CLOSED);
            if !allowed {
                return Err(ApiError::glpi_add(NO_PERMISSION));
            }
            Some(ticket_id)
        } else {
            None
        };
        let name = json_text(input.get("name"))
            .filter(|n| !n.is_empty())
            .map(|n| encode_html(&n));
        let document_id = match link_to {
            Some(ticket_id) => {
                let title = self
                    .tickets
                    .get(&ticket_id)
                    .map(|t| t.name.clone())
                    .unwrap_or_default();
                let id = self.attach(
                    ticket_id,
                    caller.id,
                    file,
                    Some(format!("Document: Ticket - {title}")),
                );
                if let Some(ticket) = self.tickets.get_mut(&ticket_id) {
                    ticket.touch(caller.id);
                }
                self.update_parent_status(caller, ticket_id, false, false);
                id
            }
            None => self.store_document(
                caller.id,
                0,
                file,
                name.unwrap_or_else(|| encode_html(&file.filename)),
            ),
        };
        Ok(document_id)
    }

    /// `POST /Document_Item`: links an existing document to a ticket; returns the link id.
    pub fn link_document(
        &mut self,
        caller: &Caller,
        input: &Map<String, Value>,
    ) -> Result<u64, ApiError> {
        let itemtype = json_text(input.get("itemtype")).unwrap_or_default();
        let ticket_id = input.get("items_id").and_then(json_int).unwrap_or(0).max(0) as u64;
        let document_id = input
            .get("documents_id")
            .and_then(json_int)
            .unwrap_or(0)
            .max(0) as u64;
        let ticket_ok = itemtype.eq_ignore_ascii_case("Ticket")
            && self
                .tickets
                .get(&ticket_id)
                .is_some_and(|t| Self::can_see(caller, t) && t.status != status::CLOSED);
        let document_ok = self
            .documents
            .get(&document_id)
            .is_some_and(|d| self.can_download(caller, d));
        if !ticket_ok || !document_ok {
            return Err(ApiError::glpi_add(NO_PERMISSION));
        }
        if let Some(existing) = self
            .document_items
            .iter()
            .find(|l| l.documents_id == document_id && l.items_id == ticket_id)
        {
            return Ok(existing.id);
        }
        let id = next(&mut self.ids.document_item);
        self.document_items.push(DocumentItem {
            id,
            documents_id: document_id,
            items_id: ticket_id,
            users_id: caller.id,
            date_creation: now(),
        });
        if let Some(ticket) = self.tickets.get_mut(&ticket_id) {
            ticket.touch(caller.id);
        }
        self.update_parent_status(caller, ticket_id, false, false);
        Ok(id)
    }

    /// Stores a file (or reuses the document with the same sha1) and links it to the ticket.
    fn attach(
        &mut self,
        ticket_id: u64,
        users_id: u64,
        file: &AcceptedFile,
        name: Option<String>,
    ) -> u64 {
        let name = name.unwrap_or_else(|| format!("Document Ticket {ticket_id}"));
        let document_id = self.store_document(users_id, ticket_id, file, name);
        let already_linked = self
            .document_items
            .iter()
            .any(|l| l.documents_id == document_id && l.items_id == ticket_id);
        if !already_linked {
            let id = next(&mut self.ids.document_item);
            self.document_items.push(DocumentItem {
                id,
                documents_id: document_id,
                items_id: ticket_id,
                users_id,
                date_creation: now(),
            });
        }
        document_id
    }

    /// Creates a document, or returns the existing one with identical bytes.
    fn store_document(
        &mut self,
        users_id: u64,
        tickets_id: u64,
        file: &AcceptedFile,
        name: String,
    ) -> u64 {
        let sha1 = sha1_hex(&file.bytes);
        if let Some(existing) = self.documents.values().find(|d| d.sha1 == sha1) {
            return existing.id;
        }
        let id = next(&mut self.ids.document);
        let ext = extension(&file.filename).unwrap_or_default();
        let filepath = format!(
            "{}/{}/{}.{ext}",
            ext.to_ascii_uppercase(),
            &sha1[..2],
            &sha1[2..]
        );
        self.documents.insert(
            id,
            Document {
                id,
                name,
                filename: file.filename.clone(),
                filepath,
                mime: file.mime.clone(),
                sha1,
                bytes: file.bytes.clone(),
                users_id,
                tickets_id,
                date_creation: now(),
            },
        );
        id
    }

    /// Documents linked to a ticket, in link order.
    pub fn ticket_documents(&self, ticket_id: u64) -> Vec<(&DocumentItem, &Document)> {
        self.document_items
            .iter()
            .filter(|link| link.items_id == ticket_id)
            .filter_map(|link| {
                self.documents
                    .get(&link.documents_id)
                    .map(|doc| (link, doc))
            })
            .collect()
    }

    // ----- snapshots ----------------------------------------------------------------------

    pub fn ticket_views(&self) -> Vec<TicketView> {
        self.tickets.values().map(|t| self.view(t)).collect()
    }

    pub fn ticket_view(&self, id: u64) -> Option<TicketView> {
        self.tickets.get(&id).map(|t| self.view(t))
    }

    fn view(&self, ticket: &Ticket) -> TicketView {
        TicketView {
            id: ticket.id,
            name: decode_html(&ticket.name),
            content: decode_html(&ticket.content),
            stored_name: ticket.name.clone(),
            stored_content: ticket.content.clone(),
            status: ticket.status,
            requester_ids: ticket.requester_ids.clone(),
            recipient_id: ticket.recipient_id,
            category_id: ticket.category_id,
            date_mod: fmt_stamp(&ticket.date_mod),
            documents: self
                .ticket_documents(ticket.id)
                .into_iter()
                .map(|(_, doc)| DocumentView {
                    id: doc.id,
                    filename: doc.filename.clone(),
                    mime: doc.mime.clone(),
                    bytes: doc.bytes.to_vec(),
                    sha1: doc.sha1.clone(),
                })
                .collect(),
            followups: ticket
                .followups
                .iter()
                .map(|f| FollowupView {
                    id: f.id,
                    users_id: f.users_id,
                    content: decode_html(&f.content),
                    date: fmt_stamp(&f.date),
                })
                .collect(),
            solutions: ticket
                .solutions
                .iter()
                .map(|s| SolutionView {
                    id: s.id,
                    content: decode_html(&s.content),
                    status: s.status,
                })
                .collect(),
            satisfaction: ticket.satisfaction.as_ref().map(|s| SatisfactionView {
                id: s.id,
                satisfaction: s.satisfaction,
                comment: s.comment.as_deref().map(decode_html),
            }),
        }
    }
}

/// Moves a ticket to a new status with GLPI's side effects: solve/close dates, the latest
/// solution accepted on close (with `_accepted`) or refused on reopen, the survey created on
/// close (when surveys are on) and deleted on reopen.
fn set_status(
    ticket: &mut Ticket,
    new: u8,
    by: u64,
    accepted: bool,
    surveys: bool,
    satisfaction_id: &mut u64,
) {
    let old = ticket.status;
    if old == new {
        return;
    }
    let now = now();
    let was_done = old == status::SOLVED || old == status::CLOSED;
    match new {
        status::SOLVED => ticket.solvedate = Some(now),
        status::CLOSED => {
            ticket.closedate = Some(now);
            if ticket.solvedate.is_none() {
                ticket.solvedate = Some(now);
            }
            if accepted {
                if let Some(solution) = ticket
                    .solutions
                    .last_mut()
                    .filter(|s| s.status == solution_status::WAITING)
                {
                    solution.status = solution_status::ACCEPTED;
                    solution.users_id_approval = by;
                    solution.date_approval = Some(now);
                }
            }
            if surveys && ticket.satisfaction.is_none() {
                ticket.satisfaction = Some(Satisfaction {
                    id: next(satisfaction_id),
                    kind: 1,
                    date_begin: now,
                    date_answered: None,
                    satisfaction: None,
                    comment: None,
                });
            }
        }
        _ if was_done => {
            ticket.solvedate = None;
            ticket.closedate = None;
            if let Some(solution) = ticket
                .solutions
                .last_mut()
                .filter(|s| s.status != solution_status::REFUSED)
            {
                solution.status = solution_status::REFUSED;
                solution.users_id_approval = by;
                solution.date_approval = Some(now);
            }
            ticket.satisfaction = None;
        }
        _ => {}
    }
    ticket.status = new;
    ticket.touch(by);
}

/// PHP's `empty()` on a request string.
fn php_empty(s: &str) -> bool {
    s.is_empty() || s == "0"
}

/// An integer input field within a range.
fn small_int(
    input: &Map<String, Value>,
    key: &str,
    range: std::ops::RangeInclusive<i64>,
) -> Option<u8> {
    input
        .get(key)
        .and_then(json_int)
        .filter(|v| range.contains(v))
        .and_then(|v| u8::try_from(v).ok())
}

/// A foreign-key input field (negative or garbage → 0).
fn id_field(input: &Map<String, Value>, key: &str) -> u64 {
    input
        .get(key)
        .and_then(json_int)
        .map_or(0, |v| v.max(0) as u64)
}

/// `_users_id_requester`: one id or an array of ids; 0 means nobody.
fn requester_ids(value: Option<&Value>) -> Vec<u64> {
    let candidates: Vec<i64> = match value {
        Some(Value::Array(items)) => items.iter().filter_map(json_int).collect(),
        Some(other) => json_int(other).into_iter().collect(),
        None => Vec::new(),
    };
    let mut ids: Vec<u64> = Vec::new();
    for id in candidates.into_iter().filter(|id| *id > 0) {
        let id = id as u64;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// GLPI's default priority matrix (`priority_<urgency><impact>`).
fn compute_priority(urgency: u8, impact: u8) -> u8 {
    const MATRIX: [[u8; 5]; 5] = [
        [1, 1, 2, 2, 2],
        [1, 2, 2, 3, 3],
        [2, 2, 3, 4, 4],
        [2, 3, 4, 4, 5],
        [2, 3, 4, 5, 5],
    ];
    let u = usize::from(urgency.clamp(1, 5) - 1);
    let i = usize::from(impact.clamp(1, 5) - 1);
    MATRIX[u][i]
}

/// The name GLPI builds from the content when none is given: the text without tags, runs of
/// whitespace collapsed, cut to 70 characters.
fn name_from_content(raw_content: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in raw_content.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed.chars().take(70).collect()
}

/// A PHP-like session id.
fn new_session_token() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    (0..26)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

/// Lower-case hex SHA-1.
pub(crate) fn sha1_hex(bytes: &[u8]) -> String {
    Sha1::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priority_matrix() {
        assert_eq!(compute_priority(3, 3), 3);
        assert_eq!(compute_priority(5, 5), 5);
        assert_eq!(compute_priority(1, 1), 1);
    }

    #[test]
    fn name_from_html_content() {
        assert_eq!(
            name_from_content("<p>Bourrage   salle 12</p>"),
            "Bourrage salle 12"
        );
        assert_eq!(name_from_content(&"x".repeat(100)).chars().count(), 70);
    }

    #[test]
    fn sha1_of_abc() {
        assert_eq!(sha1_hex(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    }
}
