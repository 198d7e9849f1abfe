//! Scale evidence for the status poller: 100,000 workstations on a virtual clock for 24 simulated
//! hours, 5 % of them holding an open ticket at any time, all talking to one simulated help desk.
//! Each workstation runs the real poller logic ([`StatusPoller::poll`], [`next_delay`]); the help
//! desk counts the HTTP requests the GLPI connector would send for each call (one search for a
//! status check; two GETs for the activity of a changed ticket, three once closed).
//!
//! Goal (docs/PERFORMANCE.md): ≤ 20 requests/s on average, and none from workstations with nothing
//! open. Prints its figures; `cargo test -p guichet-core --release --test poll_simulation --
//! --nocapture` shows them.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use async_trait::async_trait;
use guichet_core::action::{ActionKind, TicketAction};
use guichet_core::connector::{
    ActionEffect, Capabilities, ChangeStamp, Connector, ConnectorError, Delivery, RejectedFile,
    SolutionStatus, TicketDetail, TicketId, TicketState, TicketStatus, TicketSummary,
    TimelineEntry, TimelineKind,
};
use guichet_core::follow::{next_delay, FollowState, PollSettings, StatusPoller};
use guichet_core::report::{Category, Report};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const WORKSTATIONS: usize = 100_000;
const OPEN_SHARE: f64 = 0.05;
const DAY_MS: i64 = 24 * 3600 * 1000;
const INTERVAL: Duration = Duration::from_secs(300);
/// Mean time from filing to the technician's solution, and from solution to the user's answer.
const MEAN_TO_SOLUTION_MS: f64 = 6.0 * 3600e3;
const MEAN_TO_ANSWER_MS: f64 = 2.0 * 3600e3;

#[derive(Debug, Clone)]
struct SimTicket {
    owner: usize,
    status: TicketStatus,
    updated_ms: i64,
    followups: Vec<u64>,
    solution: Option<u64>,
}

#[derive(Debug, Default)]
struct Desk {
    now_ms: i64,
    tickets: HashMap<TicketId, SimTicket>,
    requests: u64,
    /// Requests per simulated minute.
    per_minute: Vec<u32>,
    /// Requests made on behalf of workstations that had no open ticket.
    from_idle: u64,
    caller_has_open: bool,
}

impl Desk {
    fn count(&mut self, n: u32) {
        self.requests += u64::from(n);
        let minute = usize::try_from(self.now_ms / 60_000).unwrap();
        if self.per_minute.len() <= minute {
            self.per_minute.resize(minute + 1, 0);
        }
        self.per_minute[minute] += n;
        if !self.caller_has_open {
            self.from_idle += u64::from(n);
        }
    }
}

#[derive(Debug, Clone)]
struct SimConnector(Arc<Mutex<Desk>>);

fn stamp(ms: i64) -> String {
    format!("{ms:015}")
}

#[async_trait]
impl Connector for SimConnector {
    fn capabilities(&self) -> Capabilities {
        Capabilities::ALL
    }
    fn effect(&self, _: &ActionKind) -> ActionEffect {
        unreachable!()
    }
    fn dry_run(&self, _: &Report) -> serde_json::Value {
        unreachable!()
    }
    async fn categories(&self) -> Result<Vec<Category>, ConnectorError> {
        unreachable!()
    }
    async fn create_ticket(&self, _: &Report) -> Result<Delivery, ConnectorError> {
        unreachable!()
    }
    async fn find_delivered(&self, _: &Report) -> Result<Option<Delivery>, ConnectorError> {
        unreachable!()
    }
    async fn my_tickets(&self) -> Result<Vec<TicketSummary>, ConnectorError> {
        unreachable!()
    }
    async fn perform(&self, _: &TicketAction) -> Result<Vec<RejectedFile>, ConnectorError> {
        unreachable!()
    }
    async fn find_performed(&self, _: &TicketAction) -> Result<bool, ConnectorError> {
        unreachable!()
    }

    async fn ticket_states(&self, ids: &[TicketId]) -> Result<Vec<TicketState>, ConnectorError> {
        let mut desk = self.0.lock().unwrap();
        desk.count(1);
        Ok(ids
            .iter()
            .filter_map(|id| {
                desk.tickets.get(id).map(|t| TicketState {
                    id: *id,
                    status: t.status,
                    stamp: ChangeStamp::new(stamp(t.updated_ms)),
                    updated_at_ms: Some(t.updated_ms),
                })
            })
            .collect())
    }

    async fn ticket_activity(&self, state: &TicketState) -> Result<TicketDetail, ConnectorError> {
        // Followups and solutions; and the survey once closed (see GlpiConnector).
        self.0
            .lock()
            .unwrap()
            .count(if state.status == TicketStatus::Closed {
                3
            } else {
                2
            });
        self.detail(state.id)
    }

    async fn ticket_detail(&self, id: TicketId) -> Result<TicketDetail, ConnectorError> {
        unreachable!("the poller asks for {id}'s activity only")
    }
}

impl SimConnector {
    fn detail(&self, id: TicketId) -> Result<TicketDetail, ConnectorError> {
        let desk = self.0.lock().unwrap();
        let t = desk.tickets.get(&id).cloned().unwrap();
        let mut timeline: Vec<TimelineEntry> = t
            .followups
            .iter()
            .map(|&f| TimelineEntry {
                id: f,
                kind: TimelineKind::Followup,
                date: stamp(0),
                at_ms: Some(0),
                by_me: false,
                html: String::new(),
                solution_status: None,
            })
            .collect();
        if let Some(s) = t.solution {
            timeline.push(TimelineEntry {
                id: s,
                kind: TimelineKind::Solution,
                date: stamp(1),
                at_ms: Some(1),
                by_me: false,
                html: String::new(),
                solution_status: Some(if t.status == TicketStatus::Closed {
                    SolutionStatus::Accepted
                } else {
                    SolutionStatus::Waiting
                }),
            });
        }
        Ok(TicketDetail {
            id,
            subject: format!("ticket {id}"),
            status: t.status,
            opened: stamp(0),
            opened_at_ms: Some(0),
            stamp: ChangeStamp::new(stamp(t.updated_ms)),
            updated_at_ms: Some(t.updated_ms),
            description_html: String::new(),
            timeline,
            documents: Vec::new(),
            survey: None,
        })
    }
}

/// Something that happens at a virtual time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    /// Workstation `n` checks its tickets (if its timer still stands: `generation` matches).
    Poll { ws: usize, generation: u32 },
    /// A technician answers ticket `id`.
    TechFollowup(TicketId),
    /// A technician solves ticket `id`.
    Solve(TicketId),
    /// The user accepts the solution of ticket `id`.
    Close(TicketId),
}

fn exp_ms(rng: &mut StdRng, mean: f64) -> i64 {
    let u: f64 = rng.gen_range(f64::EPSILON..1.0);
    (-u.ln() * mean) as i64
}

struct Sim {
    rng: StdRng,
    desk: Arc<Mutex<Desk>>,
    states: Vec<FollowState>,
    generation: Vec<u32>,
    queue: BinaryHeap<Reverse<(i64, Event)>>,
    next_ticket: TicketId,
    settings: PollSettings,
    polls: u64,
}

impl Sim {
    fn schedule_poll(&mut self, ws: usize, now: i64) {
        self.generation[ws] += 1;
        if let Some(d) = next_delay(&self.settings, &self.states[ws], &mut self.rng) {
            let at = now + i64::try_from(d.as_millis()).unwrap();
            let generation = self.generation[ws];
            self.queue
                .push(Reverse((at, Event::Poll { ws, generation })));
        }
    }

    /// Workstation `ws` files a ticket at `now` (it is followed from then on, as after a report).
    fn file(&mut self, ws: usize, now: i64) {
        let id = self.next_ticket;
        self.next_ticket += 1;
        self.desk.lock().unwrap().tickets.insert(
            id,
            SimTicket {
                owner: ws,
                status: TicketStatus::New,
                updated_ms: now,
                followups: Vec::new(),
                solution: None,
            },
        );
        self.states[ws].track(id, "sim");
        let solve_at = now + exp_ms(&mut self.rng, MEAN_TO_SOLUTION_MS);
        let answer_at = now + exp_ms(&mut self.rng, MEAN_TO_SOLUTION_MS / 2.0);
        self.queue.push(Reverse((
            answer_at.min(solve_at - 1),
            Event::TechFollowup(id),
        )));
        self.queue.push(Reverse((solve_at, Event::Solve(id))));
        // The first check comes after a full interval, like the agent's timer after a report.
        self.schedule_poll(ws, now);
    }
}

#[test]
fn one_hundred_thousand_workstations_stay_under_twenty_requests_per_second() {
    let desk = Arc::new(Mutex::new(Desk::default()));
    let poller = StatusPoller::new(Arc::new(SimConnector(desk.clone())));
    let mut sim = Sim {
        rng: StdRng::seed_from_u64(2026),
        desk: desk.clone(),
        states: vec![FollowState::default(); WORKSTATIONS],
        generation: vec![0; WORKSTATIONS],
        queue: BinaryHeap::new(),
        next_ticket: 1,
        settings: PollSettings::new(INTERVAL),
        polls: 0,
    };
    // 5 % hold a ticket filed at some point before the simulation starts.
    let open = (WORKSTATIONS as f64 * OPEN_SHARE) as usize;
    for ws in 0..open {
        let filed = -sim.rng.gen_range(0..INTERVAL.as_millis() as i64);
        sim.file(ws, filed);
    }
    // The other 95 % run the same scheduling logic: with nothing open it sets no timer at all.
    for ws in open..WORKSTATIONS {
        sim.schedule_poll(ws, 0);
    }
    assert_eq!(
        sim.queue.len(),
        open * 3,
        "no timer for workstations with nothing open"
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let mut idle_polls_with_requests = 0u64;
    while let Some(Reverse((at, event))) = sim.queue.pop() {
        if at >= DAY_MS {
            break;
        }
        let now = at.max(0);
        desk.lock().unwrap().now_ms = now;
        match event {
            Event::Poll { ws, generation } => {
                if generation != sim.generation[ws] {
                    continue;
                }
                sim.polls += 1;
                let before = desk.lock().unwrap().requests;
                let has_open = !sim.states[ws].tickets.is_empty();
                desk.lock().unwrap().caller_has_open = has_open;
                runtime
                    .block_on(poller.poll(&mut sim.states[ws], now))
                    .unwrap();
                if !has_open && desk.lock().unwrap().requests > before {
                    idle_polls_with_requests += 1;
                }
                sim.schedule_poll(ws, now);
            }
            Event::TechFollowup(id) => {
                let mut d = desk.lock().unwrap();
                let t = d.tickets.get_mut(&id).unwrap();
                t.followups.push(id * 10);
                t.status = TicketStatus::Assigned;
                t.updated_ms = now;
            }
            Event::Solve(id) => {
                {
                    let mut d = desk.lock().unwrap();
                    let t = d.tickets.get_mut(&id).unwrap();
                    t.solution = Some(id * 10 + 1);
                    t.status = TicketStatus::Solved;
                    t.updated_ms = now;
                }
                let answer = now + exp_ms(&mut sim.rng, MEAN_TO_ANSWER_MS);
                sim.queue.push(Reverse((answer, Event::Close(id))));
            }
            Event::Close(id) => {
                let owner = {
                    let mut d = desk.lock().unwrap();
                    let t = d.tickets.get_mut(&id).unwrap();
                    t.status = TicketStatus::Closed;
                    t.updated_ms = now;
                    t.owner
                };
                // Keep 5 % open: another workstation files a ticket.
                let filer = loop {
                    let ws = sim.rng.gen_range(0..WORKSTATIONS);
                    if sim.states[ws].tickets.is_empty() && ws != owner {
                        break ws;
                    }
                };
                sim.file(filer, now);
            }
        }
    }
    let desk = desk.lock().unwrap();
    let seconds = (DAY_MS / 1000) as f64;
    let average = desk.requests as f64 / seconds;
    let peak_minute = desk.per_minute.iter().copied().max().unwrap_or(0);
    // After the first hour, once the start-up burst (every open ticket's first check within one
    // interval) is over.
    let steady_peak = desk.per_minute.iter().skip(60).copied().max().unwrap_or(0);
    let following = sim.states.iter().filter(|s| !s.tickets.is_empty()).count();
    eprintln!(
        "poll simulation: {WORKSTATIONS} workstations, 24 h, interval {INTERVAL:?} ±20 %: \
         {} checks, {} requests, average {average:.2} req/s, busiest minute {:.2} req/s ({:.2} after the first hour), \
         {} requests from workstations with nothing open, {following} workstations following \
         a ticket at the end, {} tickets filed",
        sim.polls,
        desk.requests,
        f64::from(peak_minute) / 60.0,
        f64::from(steady_peak) / 60.0,
        desk.from_idle,
        sim.next_ticket - 1,
    );
    assert!(average <= 20.0, "average {average:.2} req/s");
    assert_eq!(desk.from_idle, 0);
    assert_eq!(idle_polls_with_requests, 0);
    assert!(
        (4000..=6000).contains(&following),
        "about 5 % open at the end: {following}"
    );
}

/// Share of the open tickets a technician changed while the school slept (evening and early
/// morning work: a followup or a solution); the rest are as the workstation last saw them.
const CHANGED_OVERNIGHT: f64 = 1.0 / 3.0;
/// The whole school starts within this window after 8:00.
const BOOT_WINDOW_MS: i64 = 10 * 60 * 1000;

/// The morning: every workstation starts within ten minutes, and each one holding an open ticket
/// makes its first check `first(rng)` after it starts (then follows `next_delay`). Returns the
/// busiest minute in requests per second, and the longest wait from a workstation's start to the
/// notice of what changed overnight.
fn morning(
    changed_share: f64,
    first: impl Fn(&PollSettings, &mut StdRng) -> Duration,
) -> (f64, i64) {
    let settings = PollSettings::new(INTERVAL);
    let desk = Arc::new(Mutex::new(Desk::default()));
    let poller = StatusPoller::new(Arc::new(SimConnector(desk.clone())));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let mut rng = StdRng::seed_from_u64(808);
    let open = (WORKSTATIONS as f64 * OPEN_SHARE) as usize;
    // Yesterday: each open ticket was seen as it stands (a check with the counters reset after).
    let mut states = vec![FollowState::default(); open];
    for (ws, state) in states.iter_mut().enumerate() {
        let id = ws as TicketId + 1;
        desk.lock().unwrap().tickets.insert(
            id,
            SimTicket {
                owner: ws,
                status: TicketStatus::Assigned,
                updated_ms: -DAY_MS,
                followups: Vec::new(),
                solution: None,
            },
        );
        state.track(id, "sim");
        runtime.block_on(poller.poll(state, -DAY_MS)).unwrap();
    }
    let mut changed = Vec::new();
    {
        let mut d = desk.lock().unwrap();
        *d = Desk {
            tickets: std::mem::take(&mut d.tickets),
            ..Desk::default()
        };
        for (id, t) in d.tickets.iter_mut() {
            if rng.gen_bool(changed_share) {
                t.solution = Some(id * 10 + 1);
                t.status = TicketStatus::Solved;
                t.updated_ms = -DAY_MS / 2;
                changed.push(*id);
            }
        }
    }
    // Every workstation starts; the 95 % with nothing open set no timer (checked above).
    let mut queue: BinaryHeap<Reverse<(i64, usize)>> = BinaryHeap::new();
    let mut boot = vec![0i64; open];
    for (ws, b) in boot.iter_mut().enumerate() {
        *b = rng.gen_range(0..BOOT_WINDOW_MS);
        let at = *b + i64::try_from(first(&settings, &mut rng).as_millis()).unwrap();
        queue.push(Reverse((at, ws)));
    }
    let mut longest_wait = 0i64;
    let mut announced = 0usize;
    let end = BOOT_WINDOW_MS + 4 * i64::try_from(INTERVAL.as_millis()).unwrap();
    while let Some(Reverse((now, ws))) = queue.pop() {
        if now >= end {
            break;
        }
        desk.lock().unwrap().now_ms = now;
        desk.lock().unwrap().caller_has_open = true;
        let notices = runtime.block_on(poller.poll(&mut states[ws], now)).unwrap();
        if !notices.is_empty() {
            announced += 1;
            longest_wait = longest_wait.max(now - boot[ws]);
        }
        if let Some(d) = next_delay(&settings, &states[ws], &mut rng) {
            queue.push(Reverse((now + i64::try_from(d.as_millis()).unwrap(), ws)));
        }
    }
    assert_eq!(announced, changed.len(), "every overnight change announced");
    let d = desk.lock().unwrap();
    let peak = f64::from(d.per_minute.iter().copied().max().unwrap_or(0)) / 60.0;
    (peak, longest_wait)
}

#[test]
fn a_school_booting_at_eight_is_spread_over_the_interval() {
    let (peak, wait) = morning(CHANGED_OVERNIGHT, |settings, rng| settings.first(rng));
    // For comparison: the first check one jittered interval after start, as before.
    let (old_peak, old_wait) = morning(CHANGED_OVERNIGHT, |settings, rng| {
        let mut state = FollowState::default();
        state.track(1, "x");
        next_delay(settings, &state, rng).unwrap()
    });
    // And the worst night: every open ticket changed.
    let (all_peak, _) = morning(1.0, |settings, rng| settings.first(rng));
    eprintln!(
        "morning simulation: {WORKSTATIONS} workstations starting within {} min, {:.0} % of the \
         open tickets changed overnight: busiest minute {peak:.2} req/s, news after at most \
         {:.0} s (first check one jittered interval after start: {old_peak:.2} req/s, {:.0} s; \
         every ticket changed: {all_peak:.2} req/s)",
        BOOT_WINDOW_MS / 60_000,
        CHANGED_OVERNIGHT * 100.0,
        wait as f64 / 1e3,
        old_wait as f64 / 1e3,
    );
    assert!(peak <= 25.0, "busiest minute {peak:.2} req/s");
    assert!(
        wait <= i64::try_from(INTERVAL.as_millis()).unwrap(),
        "news from the night within one interval of arrival: {wait} ms"
    );
}
