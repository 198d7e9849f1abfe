//! Fault injection in front of the API: scripted faults (FIFO, one per request) first, then
//! seeded random faults. The server applies the chosen fault before routing the request.

use std::collections::VecDeque;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::{Fault, RandomFaults};

/// Scripted queue and random generator.
#[derive(Debug, Default)]
pub(crate) struct FaultState {
    scripted: VecDeque<Fault>,
    random: Option<(RandomFaults, StdRng)>,
}

/// What to do with one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decision {
    pub fault: Option<Fault>,
    /// Latency added to every request while random faults are on.
    pub latency: Duration,
}

impl FaultState {
    pub fn push(&mut self, fault: Fault) {
        self.scripted.push_back(fault);
    }

    pub fn set_random(&mut self, faults: Option<RandomFaults>) {
        self.random = faults.map(|f| {
            let rng = StdRng::seed_from_u64(f.seed);
            (f, rng)
        });
    }

    /// Draws the fault of the next request.
    pub fn next(&mut self) -> Decision {
        let latency = self
            .random
            .as_ref()
            .map_or(Duration::ZERO, |(f, _)| f.delay);
        if let Some(fault) = self.scripted.pop_front() {
            return Decision {
                fault: Some(fault),
                latency,
            };
        }
        let fault = self.random.as_mut().and_then(|(config, rng)| {
            let faulted = rng.gen_bool(config.rate.clamp(0.0, 1.0));
            if !faulted || config.kinds.is_empty() {
                return None;
            }
            let index = rng.gen_range(0..config.kinds.len());
            config.kinds.get(index).cloned()
        });
        Decision { fault, latency }
    }
}

impl Fault {
    /// How the request log names the fault.
    pub(crate) fn label(&self) -> String {
        match self {
            Fault::ServerError => "ServerError".to_owned(),
            Fault::Reset => "Reset".to_owned(),
            Fault::Delay(d) => format!("Delay({d:?})"),
            Fault::ExpireSession => "ExpireSession".to_owned(),
            Fault::LoseAnswer => "LoseAnswer".to_owned(),
            Fault::BadGateway => "BadGateway".to_owned(),
            Fault::Unavailable { retry_after_secs } => format!("Unavailable({retry_after_secs}s)"),
            Fault::TruncateAnswer => "TruncateAnswer".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draw(seed: u64) -> Vec<Option<Fault>> {
        let mut state = FaultState::default();
        state.set_random(Some(RandomFaults {
            rate: 0.5,
            kinds: vec![Fault::ServerError, Fault::Reset],
            seed,
            delay: Duration::ZERO,
        }));
        (0..50).map(|_| state.next().fault).collect()
    }

    #[test]
    fn same_seed_same_faults() {
        assert_eq!(draw(42), draw(42));
        assert_ne!(draw(42), draw(43));
        assert!(draw(42).iter().any(Option::is_some));
    }

    #[test]
    fn scripted_first() {
        let mut state = FaultState::default();
        state.push(Fault::Reset);
        assert_eq!(state.next().fault, Some(Fault::Reset));
        assert_eq!(state.next().fault, None);
    }
}
