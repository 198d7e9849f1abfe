//! The pure parts of following: notices, the effect of the user's own actions, delays.

use super::*;
use crate::action::ActionKind;
use crate::connector::glpi;
use crate::i18n::Lang;
use std::time::Duration;

fn snap(status: TicketStatus) -> Snapshot {
    Snapshot {
        status,
        ..Snapshot::filed("Imprimante HS")
    }
}

#[test]
fn a_new_technician_followup_is_one_notice() {
    let old = snap(TicketStatus::Assigned);
    let mut new = old.clone();
    new.tech_followups.insert(41);
    let n = notices(815, &old, &new);
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].kind, NoticeKind::Followup { followup: 41 });
    assert_eq!(
        notices(815, &new, &new),
        vec![],
        "nothing new, nothing said"
    );
}

#[test]
fn solved_then_closed_then_survey() {
    let old = snap(TicketStatus::Assigned);
    let mut solved = old.clone();
    solved.status = TicketStatus::Solved;
    solved.solution = Some((3, SolutionStatus::Waiting));
    let n = notices(815, &old, &solved);
    assert_eq!(
        n,
        vec![Notice {
            ticket: 815,
            subject: "Imprimante HS".into(),
            kind: NoticeKind::Solved { solution: 3 }
        }]
    );
    assert!(notices(815, &solved, &solved).is_empty());
    let mut closed = solved.clone();
    closed.status = TicketStatus::Closed;
    closed.solution = Some((3, SolutionStatus::Accepted));
    closed.survey_open = true;
    let kinds: Vec<_> = notices(815, &solved, &closed)
        .into_iter()
        .map(|n| n.kind)
        .collect();
    assert_eq!(kinds, vec![NoticeKind::Closed, NoticeKind::Survey]);
}

#[test]
fn a_refused_then_new_solution_is_news_again() {
    let mut refused = snap(TicketStatus::Assigned);
    refused.solution = Some((3, SolutionStatus::Refused));
    let mut again = refused.clone();
    again.status = TicketStatus::Solved;
    again.solution = Some((4, SolutionStatus::Waiting));
    assert_eq!(
        notices(1, &refused, &again)[0].kind,
        NoticeKind::Solved { solution: 4 }
    );
}

#[test]
fn what_the_user_did_is_not_announced_back() {
    let mut state = FollowState::default();
    state.track(9, "Wifi");
    let w = state.tickets.get_mut(&9).unwrap();
    w.seen.status = TicketStatus::Solved;
    w.seen.solution = Some((2, SolutionStatus::Waiting));
    let approve = ActionKind::Approve { comment: None };
    state.note_action(9, glpi::effect(&approve), "Wifi");
    let seen = state.tickets[&9].seen.clone();
    let mut after = seen.clone();
    after.survey_open = true;
    let kinds: Vec<_> = notices(9, &seen, &after)
        .into_iter()
        .map(|n| n.kind)
        .collect();
    assert_eq!(
        kinds,
        vec![NoticeKind::Survey],
        "no 'closed' for one's own approval"
    );
}

#[test]
fn a_check_that_started_before_the_user_acted_announces_nothing_for_that_ticket() {
    let mut state = FollowState::default();
    state.track(9, "Wifi");
    let before = state.tickets[&9].revision;
    let mut solved = snap(TicketStatus::Solved);
    solved.solution = Some((2, SolutionStatus::Waiting));
    solved.stamp = ChangeStamp::new("2026-11-28 10:00:00");
    let seen = Observation {
        fetched: vec![(9, before, solved.clone())],
        ..Observation::default()
    };
    // Meanwhile the user refused the solution through another window.
    let refuse = ActionKind::Refuse {
        reason: "non".into(),
    };
    state.note_action(9, glpi::effect(&refuse), "Wifi");
    assert_eq!(state.apply(seen, 1).unwrap(), vec![]);
    assert_eq!(
        state.tickets[&9].seen.stamp.as_str(),
        "",
        "kept for the next check"
    );
    // Two processes applying the same view: announced once.
    let fresh = Observation {
        fetched: vec![(9, state.tickets[&9].revision, solved.clone())],
        ..Observation::default()
    };
    let again = Observation {
        fetched: vec![(9, state.tickets[&9].revision, solved)],
        ..Observation::default()
    };
    assert_eq!(state.apply(fresh, 2).unwrap().len(), 1);
    assert_eq!(state.apply(again, 3).unwrap(), vec![]);
}

#[test]
fn no_open_ticket_means_no_timer_and_delays_stay_within_jitter_and_backoff() {
    let settings = PollSettings::new(Duration::from_secs(300));
    let mut rng = rand::rngs::mock::StepRng::new(0, 1 << 60);
    let mut state = FollowState::default();
    assert_eq!(next_delay(&settings, &state, &mut rng), None);
    state.track(1, "x");
    let mut rng = rand::thread_rng();
    for _ in 0..200 {
        let d = next_delay(&settings, &state, &mut rng).unwrap();
        assert!(
            d >= Duration::from_secs(240) && d <= Duration::from_secs(360),
            "{d:?}"
        );
    }
    state.failures = 3;
    let d = next_delay(&settings, &state, &mut rng).unwrap();
    assert!(
        d >= Duration::from_secs(1920) && d <= Duration::from_secs(2880),
        "{d:?}"
    );
    state.failures = 30;
    let d = next_delay(&settings, &state, &mut rng).unwrap();
    assert!(d <= Duration::from_secs(4320), "capped: {d:?}");
    assert!(settings.soon(&mut rng) <= Duration::from_secs(30));
}

#[test]
fn a_wall_clock_far_ahead_of_the_monotonic_one_means_a_suspend() {
    let minute = Duration::from_secs(60);
    assert!(!woke_from_sleep(minute, minute));
    assert!(
        !woke_from_sleep(minute + Duration::from_secs(5), minute),
        "NTP slew"
    );
    assert!(
        woke_from_sleep(Duration::from_secs(3 * 3600), minute),
        "a night asleep"
    );
    assert!(
        !woke_from_sleep(Duration::ZERO, minute),
        "the clock went back"
    );
}

#[test]
fn notices_are_in_both_catalogues() {
    for kind in [
        NoticeKind::Followup { followup: 1 },
        NoticeKind::Solved { solution: 1 },
        NoticeKind::Closed,
        NoticeKind::Survey,
    ] {
        let n = Notice {
            ticket: 815,
            subject: "Imprimante".into(),
            kind,
        };
        for lang in [Lang::Fr, Lang::En] {
            assert!(n.title(lang).contains("815"), "{}", n.title(lang));
            assert!(n.body(lang).contains("Imprimante"), "{}", n.body(lang));
        }
    }
}

fn seen(fetched: Vec<(TicketId, u64, Snapshot)>, missing: Vec<TicketId>) -> Observation {
    Observation {
        fetched,
        unchanged: Vec::new(),
        missing,
        error: None,
    }
}

/// `docs/PRIVACY.md`: a ticket is remembered while it is open only: forgotten once closed, or
/// once the help desk has not listed it [`MISSING_LIMIT`] checks in a row; at most
/// [`UNREAD_LIMIT`] unread notices are kept.
#[test]
fn what_is_remembered_of_tickets_is_bounded() {
    let mut state = FollowState::default();
    state.track(1, "Imprimante HS");
    state.track(2, "Wi-Fi");
    let observation = seen(vec![(1, 0, snap(TicketStatus::Closed))], vec![2]);
    state.apply(observation, 1).expect("applied");
    assert!(!state.tickets.contains_key(&1), "closed: forgotten");
    assert!(state.tickets.contains_key(&2), "missed once: kept");
    for check in 2..=MISSING_LIMIT {
        assert!(state.tickets.contains_key(&2), "missed {} times", check - 1);
        state.apply(seen(Vec::new(), vec![2]), 2).expect("applied");
    }
    assert!(
        state.tickets.is_empty(),
        "missed {MISSING_LIMIT} times: forgotten"
    );

    state.track(3, "Vidéoprojecteur");
    let extra = 10;
    for followup in 0..(UNREAD_LIMIT as u64 + extra) {
        let mut new = state.tickets[&3].seen.clone();
        new.tech_followups.insert(followup);
        state
            .apply(seen(vec![(3, 0, new)], Vec::new()), 3)
            .expect("applied");
    }
    assert_eq!(state.unread.len(), UNREAD_LIMIT);
    assert_eq!(
        state.unread[0].kind,
        NoticeKind::Followup { followup: extra },
        "the oldest went first"
    );
}
