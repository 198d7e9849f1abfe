//! A faithful GLPI REST API test double: an in-process HTTP server that behaves like
//! `apirest.php` of a real GLPI 10.0.14, or of a real GLPI 11.0.6 ([`GlpiVersion`], chosen per
//! test in [`DoubleConfig::version`]), for the connector's tests, benchmarks and end-to-end runs.
//!
//! The contract is section "V. Verified on a real GLPI 10.0.14" of `shared/glpi-api.md`, and for
//! GLPI 11 its section V.11; where they are silent, behaviour follows GLPI 10.0's source
//! (`src/Api/API.php`, `APIRest.php`, `Toolbox/Sanitizer.php`, `ITILFollowup.php`,
//! `Features/ParentStatus.php`, `Search.php`).
//!
//! GLPI 11 mode, after V.11: texts stored and returned raw (no `X-GLPI-Sanitized-Content`; only a
//! 201's `message` stays encoded); `externalid` kept on create, returned on read and searched with
//! option 87; a refused file type in a multipart `POST /Ticket` answers 500 with an HTML page and
//! creates the ticket without the file; every file of a create kept, two parts of one `name[]`
//! included; search answers `"sort":[0]`; the survey's scale ([`DoubleConfig::survey_max_rate`])
//! and its mandatory comment ([`DoubleConfig::survey_comment_required_up_to`]). `getGlpiConfig`
//! gives `cfg_glpi.version` in both modes.
//! This crate deliberately shares no code with `guichet-core`, so the client and the fake cannot
//! share a bug.
//!
//! ```no_run
//! use guichet_glpi_double::{DoubleConfig, GlpiDouble};
//! let glpi = GlpiDouble::start(DoubleConfig::default())?;
//! println!("point the connector at {}", glpi.base_url());
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! Choices where neither section V nor the brief decides:
//! - Times are UTC, whole seconds. A ticket's `date_mod` strictly increases on every change (it
//!   moves one second past the previous value when the clock has not moved).
//! - "A technician is assigned" (a refused solution goes back to status 2, not 1) means a
//!   technician acted through [`GlpiDouble::add_solution`] or [`GlpiDouble::add_tech_followup`].
//! - Approve, refuse and the reopening by a plain followup are driven only by a requester actor
//!   (or a non-Self-Service profile): on a ticket without a requester nothing changes.
//! - `upload_result` lists every file part (`file0`, `file1`, …).
//! - Error messages carry GLPI's "; view documentation in your browser at …/#CODE" suffix exactly
//!   where `API::returnError` adds it (e.g. `ERROR_SESSION_TOKEN_MISSING`, `ERROR_BAD_ARRAY`, the
//!   search errors, whose anchor is `#ERROR`), and not elsewhere.
//! - Search values are HTML-decoded before matching the stored (encoded) text, as GLPI's
//!   `makeTextSearchValue` does, so `<`, `>` and `&` in a search value never match.
//! - Not implemented: bulk (array) `input`, `DELETE` (always `ERROR_GLPI_DELETE`), search on other
//!   itemtypes than Ticket, relative dates (`NOW`, `-1`…) in date criteria, accent-insensitive
//!   matching.
//!
//! Module map: `encode` (GLPI's HTML sanitizer), `params` (PHP-style request parameters),
//! `upload` (multipart and `$_FILES` rules), `state` (the in-memory database and business rules),
//! `items` (JSON rendering of item GETs), `search` (`/search/Ticket`), `routes` (dispatch),
//! `faults` (fault injection), `server` (threads, sockets, hyper).

mod encode;
mod error;
mod faults;
mod items;
mod params;
mod routes;
mod search;
mod server;
mod state;
mod upload;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

pub use encode::{decode_html, encode_html};

/// Everything configurable about the fake GLPI instance.
#[derive(Debug, Clone)]
pub struct DoubleConfig {
    /// Accounts that can open a session. Default: [`UserSpec::default_requester`] and
    /// [`UserSpec::default_admin`].
    pub users: Vec<UserSpec>,
    /// When `Some`, every call must carry this `App-Token` (header or `app_token` parameter).
    /// When `None`, like a GLPI API client without token, an empty token is fine but a non-empty
    /// one is refused with `ERROR_WRONG_APP_TOKEN_PARAMETER`.
    pub app_token: Option<String>,
    /// The ITIL categories (`GET /ITILCategory`, search option 7).
    pub categories: Vec<CategorySpec>,
    /// The entity tree: the root entity (0) and those below it (`getMyEntities`, `entities_id`).
    pub entities: Vec<EntitySpec>,
    /// GLPI's `document_max_size`, in MiB: bigger files get "File is too big".
    pub document_max_size_mib: u64,
    /// Uploadable extensions (lower case, without dot); others get "Filetype not allowed".
    pub allowed_extensions: Vec<String>,
    /// Idle lifetime of a session (PHP's `session.gc_maxlifetime`); `None` = never expires by time.
    pub session_ttl: Option<Duration>,
    /// Which GLPI the double plays.
    pub version: GlpiVersion,
    /// GLPI 11's entity setting `inquest_max_rate` (5 by default, up to 10); GLPI 10's scale is 5.
    /// The server does not check a score against it (V: "the range is not checked").
    pub survey_max_rate: u8,
    /// GLPI 11's entity setting `inquest_mandatory_comment`: a score at or below it without a
    /// comment is refused with 400 `ERROR_GLPI_UPDATE`. `None` (and always on GLPI 10): never.
    pub survey_comment_required_up_to: Option<u8>,
}

/// The GLPI release the double plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GlpiVersion {
    /// GLPI 10.0.14 (`shared/glpi-api.md` section V).
    #[default]
    V10,
    /// GLPI 11.0.6 (section V.11).
    V11,
}

impl GlpiVersion {
    /// `cfg_glpi.version` as `getGlpiConfig` gives it.
    pub fn number(self) -> &'static str {
        match self {
            GlpiVersion::V10 => "10.0.14",
            GlpiVersion::V11 => "11.0.6",
        }
    }

    /// How an input string is stored: encoded by GLPI 10's sanitizer, as it is on GLPI 11.
    pub(crate) fn store(self, raw: &str) -> String {
        match self {
            GlpiVersion::V10 => encode_html(raw),
            GlpiVersion::V11 => raw.to_owned(),
        }
    }

    /// The text a client sent, from what is stored.
    pub(crate) fn unstore(self, stored: &str) -> String {
        match self {
            GlpiVersion::V10 => decode_html(stored),
            GlpiVersion::V11 => stored.to_owned(),
        }
    }
}

impl DoubleConfig {
    /// The default accounts and categories on a GLPI 11.0.6.
    pub fn glpi11() -> DoubleConfig {
        DoubleConfig {
            version: GlpiVersion::V11,
            ..DoubleConfig::default()
        }
    }

    /// The default set-up on `version`.
    pub fn of(version: GlpiVersion) -> DoubleConfig {
        DoubleConfig {
            version,
            ..DoubleConfig::default()
        }
    }
}

impl Default for DoubleConfig {
    fn default() -> Self {
        let category = |id: u64, name: &str, completename: &str, parent_id: u64| CategorySpec {
            id,
            name: name.to_owned(),
            completename: completename.to_owned(),
            parent_id,
        };
        let entity = |id: u64, completename: &str| EntitySpec {
            id,
            completename: completename.to_owned(),
        };
        DoubleConfig {
            users: vec![UserSpec::default_requester(), UserSpec::default_admin()],
            app_token: None,
            entities: vec![
                entity(0, "Root entity"),
                entity(1, "Root entity > Collège Jean Moulin"),
                entity(2, "Root entity > Lycée Victor Hugo"),
                entity(3, "Root entity > École Jules Ferry"),
            ],
            categories: vec![
                category(1, "Matériel", "Matériel", 0),
                category(2, "Réseau", "Réseau", 0),
                category(3, "Logiciel", "Logiciel", 0),
                category(4, "Imprimante", "Matériel > Imprimante", 1),
            ],
            document_max_size_mib: 2,
            allowed_extensions: [
                "7z", "bmp", "csv", "doc", "docx", "gif", "gz", "jpeg", "jpg", "log", "odp", "ods",
                "odt", "pdf", "png", "ppt", "pptx", "rtf", "svg", "tar", "tgz", "tif", "tiff",
                "txt", "xls", "xlsx", "xml", "zip",
            ]
            .iter()
            .map(|ext| (*ext).to_owned())
            .collect(),
            session_ttl: None,
            version: GlpiVersion::V10,
            survey_max_rate: 5,
            survey_comment_required_up_to: None,
        }
    }
}

/// A GLPI account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSpec {
    /// `glpiID`.
    pub id: u64,
    /// `glpiname`, used for Basic authentication.
    pub login: String,
    /// Password for Basic authentication.
    pub password: String,
    /// The 40-character API token (`Authorization: user_token …`).
    pub user_token: String,
    /// The active profile, which decides the rights.
    pub profile: Profile,
    /// The entities the user's profile is given in. `None`: the root entity, recursively (every
    /// entity; tickets go to the root by default), like the accounts GLPI's installer and
    /// `glpi-real` create. `Some(ids)`: exactly these, not recursively; the first is the active
    /// entity tickets go to without `entities_id` (a user whose default entity is not theirs,
    /// as measured on 10.0.14).
    pub entities: Option<Vec<u64>>,
}

impl UserSpec {
    /// A user with any profile.
    pub fn new(id: u64, login: &str, password: &str, user_token: &str, profile: Profile) -> Self {
        UserSpec {
            id,
            login: login.to_owned(),
            password: password.to_owned(),
            user_token: user_token.to_owned(),
            profile,
            entities: None,
        }
    }

    /// The same user, given their profile in exactly these entities (the first is active).
    pub fn in_entities(self, entities: &[u64]) -> Self {
        UserSpec {
            entities: Some(entities.to_vec()),
            ..self
        }
    }

    /// A Self-Service user (a requester, like the teachers using Guichet).
    pub fn self_service(id: u64, login: &str, password: &str, user_token: &str) -> Self {
        Self::new(id, login, password, user_token, Profile::SelfService)
    }

    /// A Technician.
    pub fn technician(id: u64, login: &str, password: &str, user_token: &str) -> Self {
        Self::new(id, login, password, user_token, Profile::Technician)
    }

    /// An admin-like (Super-Admin) user.
    pub fn admin(id: u64, login: &str, password: &str, user_token: &str) -> Self {
        Self::new(id, login, password, user_token, Profile::Admin)
    }

    /// The default requester: id 7, `prof` / `secret`, token `0123456789abcdef0123456789abcdef01234567`.
    pub fn default_requester() -> Self {
        Self::self_service(
            7,
            "prof",
            "secret",
            "0123456789abcdef0123456789abcdef01234567",
        )
    }

    /// The default admin: id 2, `glpi` / `glpi`, token `aaaa…` (40 × `a`).
    pub fn default_admin() -> Self {
        Self::admin(2, "glpi", "glpi", &"a".repeat(40))
    }
}

/// The profile of a user, as far as the double's rights go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Profile {
    /// GLPI's default "Self-Service" profile (helpdesk interface): sees only the tickets where it
    /// is requester or recipient, cannot read categories, documents or `Document_Item`.
    SelfService,
    /// "Technician": sees every ticket, still cannot read categories (contract V).
    Technician,
    /// "Super-Admin": sees and reads everything.
    Admin,
}

impl Profile {
    /// The profile's name as GLPI shows it in `glpiactiveprofile.name`.
    pub fn glpi_name(self) -> &'static str {
        match self {
            Profile::SelfService => "Self-Service",
            Profile::Technician => "Technician",
            Profile::Admin => "Super-Admin",
        }
    }
}

/// An ITIL category (`glpi_itilcategories` row). Names are given raw; the double stores and
/// returns them HTML-encoded like GLPI 10 does (`Matériel &#62; Imprimante`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategorySpec {
    pub id: u64,
    pub name: String,
    /// Full path, GLPI-style: `Parent > Child`.
    pub completename: String,
    /// `itilcategories_id`; 0 for a root category.
    pub parent_id: u64,
}

/// An entity (`glpi_entities` row). Its complete name is given raw; GLPI 10 returns it encoded
/// (`Root entity &#62; Collège`), GLPI 11 as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntitySpec {
    pub id: u64,
    /// Full path, GLPI-style: `Root entity > Child`.
    pub completename: String,
}

/// A fault injected in front of the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// 500 with a GLPI-like body `["ERROR","Internal server error"]`.
    ServerError,
    /// The TCP connection is dropped without any HTTP response.
    Reset,
    /// Sleep this long, then answer normally.
    Delay(Duration),
    /// Invalidate every session before handling the request (so it gets a 401 unless it is
    /// `initSession`).
    ExpireSession,
    /// Handle the request normally, then drop the connection without answering: the client
    /// cannot know that the change was made.
    LoseAnswer,
    /// 502 with a proxy's HTML page (the help desk behind it is down).
    BadGateway,
    /// 503 with `Retry-After: <seconds>` (maintenance, overload).
    Unavailable { retry_after_secs: u64 },
    /// Handle the request normally, then send only the first half of the answer's body (with a
    /// matching `Content-Length`): the change was made, the client reads broken JSON.
    TruncateAnswer,
}

/// Seeded random faults: every request (`initSession` included) is independently faulted with
/// probability `rate`, the kind drawn uniformly from `kinds`. Same seed and same request
/// sequence give the same faults.
#[derive(Debug, Clone, PartialEq)]
pub struct RandomFaults {
    /// Probability in `[0, 1]` that a request is faulted.
    pub rate: f64,
    /// The kinds to draw from; an empty list faults nothing.
    pub kinds: Vec<Fault>,
    /// Seed of the `StdRng`.
    pub seed: u64,
    /// Extra latency added to every request while random faults are on (zero for none).
    pub delay: Duration,
}

/// A snapshot of a stored ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketView {
    pub id: u64,
    /// `name` decoded back to the raw text the client sent.
    pub name: String,
    /// GLPI 11's `externalid` (always `None` on GLPI 10, which drops the key).
    pub externalid: Option<String>,
    /// Items linked to the ticket (`items_id` on create): `("Computer", 42)`.
    pub items: Vec<(String, u64)>,
    /// The entity the ticket went to (0: the root entity, the default).
    pub entity_id: u64,
    /// `content` decoded back to the raw text the client sent.
    pub content: String,
    /// `name` as stored (HTML-encoded).
    pub stored_name: String,
    /// `content` as stored (HTML-encoded).
    pub stored_content: String,
    /// 1 New, 2 Assigned, 3 Planned, 4 Pending, 5 Solved, 6 Closed.
    pub status: u8,
    /// Users with the requester actor role (empty when `_users_id_requester` was not sent).
    pub requester_ids: Vec<u64>,
    /// `users_id_recipient`: the user who created the ticket.
    pub recipient_id: u64,
    pub category_id: u64,
    /// `YYYY-MM-DD HH:MM:SS` (UTC).
    pub date_mod: String,
    pub documents: Vec<DocumentView>,
    pub followups: Vec<FollowupView>,
    pub solutions: Vec<SolutionView>,
    pub satisfaction: Option<SatisfactionView>,
}

/// A document linked to a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentView {
    pub id: u64,
    pub filename: String,
    pub mime: String,
    pub bytes: Vec<u8>,
    /// Lower-case hex SHA-1 of `bytes`.
    pub sha1: String,
}

/// A followup of a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowupView {
    pub id: u64,
    pub users_id: u64,
    /// Decoded content.
    pub content: String,
    pub date: String,
}

/// A solution of a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SolutionView {
    pub id: u64,
    /// Decoded content.
    pub content: String,
    /// 2 waiting, 3 accepted, 4 refused.
    pub status: u8,
}

/// The satisfaction survey of a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SatisfactionView {
    pub id: u64,
    pub satisfaction: Option<i64>,
    /// Decoded comment.
    pub comment: Option<String>,
}

/// One request received by the double.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    pub method: String,
    /// Path after `/apirest.php` (for example `/Ticket/3`), or the full path for other URLs.
    pub path: String,
    /// Raw query string, without `?` (empty when none).
    pub query: String,
    /// The injected fault (`"ServerError"`, `"Reset"`, `"Delay(150ms)"`, `"ExpireSession"`).
    pub fault: Option<String>,
}

/// GLPI's message when the item does not exist.
const ITEM_NOT_FOUND: &str = "Item not found";
/// GLPI's message when a solution is added to a solved ticket.
const ALREADY_SOLVED: &str = "The item is already solved, did anyone pushed a solution before you?";
/// GLPI's message when a followup has no content.
const EMPTY_FOLLOWUP: &str = "You can't add a followup without description";

/// Why a technician action ([`GlpiDouble::add_solution`], [`GlpiDouble::add_tech_followup`]) was
/// refused. The messages are GLPI's own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TechActionError {
    /// No ticket has this id.
    #[error("{}", ITEM_NOT_FOUND)]
    NoSuchTicket(u64),
    /// The ticket already waits for the approval of a solution.
    #[error("{}", ALREADY_SOLVED)]
    AlreadySolved(u64),
    /// The ticket is closed: nothing can be added any more.
    #[error("{}", error::NO_PERMISSION)]
    Closed(u64),
    /// A followup without content.
    #[error("{}", EMPTY_FOLLOWUP)]
    EmptyContent,
}

/// State shared by the handle and the server thread.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) base_url: String,
    pub(crate) store: Mutex<state::Store>,
    pub(crate) faults: Mutex<faults::FaultState>,
    pub(crate) requests: Mutex<Vec<RequestRecord>>,
}

/// Locks a mutex, ignoring poisoning: the double's state stays usable after a panicking test.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running fake GLPI server. Stops (and joins its thread) on [`GlpiDouble::shutdown`] or drop.
pub struct GlpiDouble {
    shared: Arc<Shared>,
    server: server::ServerHandle,
}

impl std::fmt::Debug for GlpiDouble {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GlpiDouble")
            .field("base_url", &self.shared.base_url)
            .finish_non_exhaustive()
    }
}

impl GlpiDouble {
    /// Starts the double on `127.0.0.1` and a free port. Not async: the server runs on its own
    /// thread with its own tokio runtime, so this works from sync tests, async tests of any
    /// flavour, and benches.
    pub fn start(config: DoubleConfig) -> std::io::Result<GlpiDouble> {
        Self::start_on(config, SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// Like [`GlpiDouble::start`], on a chosen address (port 0 = any free port).
    pub fn start_on(config: DoubleConfig, addr: SocketAddr) -> std::io::Result<GlpiDouble> {
        let listener = std::net::TcpListener::bind(addr)?;
        let local = listener.local_addr()?;
        let base_url = format!("http://{local}/apirest.php");
        let shared = Arc::new(Shared {
            store: Mutex::new(state::Store::new(config, base_url.clone())),
            base_url,
            faults: Mutex::new(faults::FaultState::default()),
            requests: Mutex::new(Vec::new()),
        });
        let server = server::ServerHandle::spawn(listener, Arc::clone(&shared))?;
        Ok(GlpiDouble { shared, server })
    }

    /// `http://127.0.0.1:PORT/apirest.php`, like GLPI's `url_base_api`.
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// Queues a scripted fault for the next request (FIFO; one fault per request, applied before
    /// random faults).
    pub fn push_fault(&self, fault: Fault) {
        lock(&self.shared.faults).push(fault);
    }

    /// Turns seeded random faults on (`Some`) or off (`None`).
    pub fn set_random_faults(&self, faults: Option<RandomFaults>) {
        lock(&self.shared.faults).set_random(faults);
    }

    /// Invalidates every current session token (401 `ERROR_SESSION_TOKEN_INVALID` afterwards).
    pub fn expire_sessions(&self) {
        lock(&self.shared.store).expire_sessions();
    }

    /// Lets every profile read `ITILCategory` (as if an admin had granted the READ right).
    pub fn set_categories_open(&self, open: bool) {
        lock(&self.shared.store).categories_open = open;
    }

    /// Turns GLPI's REST API off or on (Setup > General > API).
    pub fn set_api_enabled(&self, enabled: bool) {
        lock(&self.shared.store).api_enabled = enabled;
    }

    /// Snapshot of all stored tickets, in id order.
    pub fn tickets(&self) -> Vec<TicketView> {
        lock(&self.shared.store).ticket_views()
    }

    /// Snapshot of one ticket.
    pub fn ticket(&self, id: u64) -> Option<TicketView> {
        lock(&self.shared.store).ticket_view(id)
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.shared.requests).clone()
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        lock(&self.shared.requests).clear();
    }

    /// A technician solves the ticket: status 5, `solvedate` set, the solution waits for approval
    /// (status 2). Errors like GLPI when the ticket is already solved.
    pub fn add_solution(&self, ticket_id: u64, content: &str) -> Result<u64, TechActionError> {
        lock(&self.shared.store).add_solution(ticket_id, content)
    }

    /// A technician adds a public followup. The ticket then counts as having an assigned
    /// technician (a refused solution sends it back to status 2 instead of 1).
    pub fn add_tech_followup(&self, ticket_id: u64, content: &str) -> Result<u64, TechActionError> {
        lock(&self.shared.store).add_tech_followup(ticket_id, content)
    }

    /// When on, closing a ticket creates its `TicketSatisfaction` row at once (type 1,
    /// satisfaction null), like an entity with `inquest_config` 1, delay 0 and rate 100 %.
    pub fn enable_surveys(&self, on: bool) {
        lock(&self.shared.store).surveys = on;
    }

    /// Stops the server and joins its thread (also done on drop).
    pub fn shutdown(self) {
        drop(self);
    }
}
