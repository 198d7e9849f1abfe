//! What one step of the connection doctor found, before it is worded: a catalogue key and its
//! arguments. The doctor's own steps ([`crate::doctor`]) and each connector's (its `diagnose.rs`)
//! both produce it, so neither imports the other for it.

use crate::i18n::{t, Lang};
use guichet_protocol::doctor::{CheckStatus, DoctorCheck, DoctorStep};

/// One step's outcome before it is worded: a catalogue key and its arguments.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The step it is about.
    pub step: DoctorStep,
    /// How the step went.
    pub status: CheckStatus,
    /// The catalogue key of its message.
    pub key: &'static str,
    /// The message's arguments, by name, already formatted.
    pub args: Vec<(&'static str, String)>,
    /// Technical detail for IT (the underlying error), not translated; `None` when there is none.
    pub detail: Option<String>,
}

impl Finding {
    /// A finding with no arguments and no detail.
    pub fn new(step: DoctorStep, status: CheckStatus, key: &'static str) -> Finding {
        Finding {
            step,
            status,
            key,
            args: Vec::new(),
            detail: None,
        }
    }

    /// A step that works.
    pub fn pass(step: DoctorStep, key: &'static str) -> Finding {
        Finding::new(step, CheckStatus::Pass, key)
    }

    /// A step that failed: reports cannot reach the help desk until it is fixed.
    pub fn fail(step: DoctorStep, key: &'static str) -> Finding {
        Finding::new(step, CheckStatus::Fail, key)
    }

    /// The same finding with the message's argument `name` set to `value`.
    pub fn arg(mut self, name: &'static str, value: impl std::fmt::Display) -> Finding {
        self.args.push((name, value.to_string()));
        self
    }

    /// The same finding with technical detail for IT.
    pub fn detail(mut self, detail: impl Into<String>) -> Finding {
        self.detail = Some(detail.into());
        self
    }

    /// The finding as people read it: its message in `lang`, its key and detail kept.
    pub fn worded(&self, lang: Lang) -> DoctorCheck {
        let args: Vec<(&str, &dyn std::fmt::Display)> = self
            .args
            .iter()
            .map(|(name, value)| (*name, value as &dyn std::fmt::Display))
            .collect();
        DoctorCheck {
            step: self.step,
            status: self.status,
            message: t(lang, self.key, &args),
            key: self.key.to_owned(),
            detail: self.detail.clone(),
        }
    }
}
