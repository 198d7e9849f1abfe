//! What one step of the connection doctor found, before it is worded: a catalogue key and its
//! arguments. The doctor's own steps ([`crate::doctor`]) and each connector's (its `diagnose.rs`)
//! both produce it, so neither imports the other for it.

use crate::i18n::{t, Lang};
use guichet_protocol::doctor::{CheckStatus, DoctorCheck, DoctorStep};

/// One step's outcome before it is worded: a catalogue key and its arguments.
#[derive(Debug, Clone)]
pub struct Finding {
    pub step: DoctorStep,
    pub status: CheckStatus,
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
    pub detail: Option<String>,
}

impl Finding {
    pub fn new(step: DoctorStep, status: CheckStatus, key: &'static str) -> Finding {
        Finding {
            step,
            status,
            key,
            args: Vec::new(),
            detail: None,
        }
    }
    pub fn pass(step: DoctorStep, key: &'static str) -> Finding {
        Finding::new(step, CheckStatus::Pass, key)
    }
    pub fn fail(step: DoctorStep, key: &'static str) -> Finding {
        Finding::new(step, CheckStatus::Fail, key)
    }
    pub fn arg(mut self, name: &'static str, value: impl std::fmt::Display) -> Finding {
        self.args.push((name, value.to_string()));
        self
    }
    pub fn detail(mut self, detail: impl Into<String>) -> Finding {
        self.detail = Some(detail.into());
        self
    }

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
