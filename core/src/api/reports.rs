//! A report built from what the user typed: validated against IT's limits and categories, the
//! remembered phone and location filled in, the diagnostic log attached when asked for, and the
//! request a dry run would send.

use super::{ApiError, Guichet};
use crate::facts::{self, ScreenInfo};
use crate::profile::Profile;
use crate::report::{AttachmentSource, Report, ReportDraft, ReportInput};

/// The most of the agent's log a report carries when the user agrees to attach it.
pub const LOG_TAIL_BYTES: u64 = 200 * 1024;

/// The attached log's file name.
pub const LOG_ATTACHMENT: &str = "guichet-log.txt";

/// The end of the agent's current log file as an attachment: at most [`LOG_TAIL_BYTES`], and
/// never more than one attachment may weigh. `None` (and a warning) when there is no log file.
fn diagnostic_log(limits: &crate::report::Limits) -> Option<AttachmentSource> {
    use guichet_protocol::logs;
    let Some(path) = logs::log_dir().and_then(|dir| logs::current_file(&dir, logs::AGENT_LOG))
    else {
        tracing::warn!("the diagnostic log was asked for, but there is no log file");
        return None;
    };
    match logs::tail(&path, LOG_TAIL_BYTES.min(limits.attachment_max_bytes)) {
        Ok(bytes) => Some(AttachmentSource::Bytes {
            name: LOG_ATTACHMENT.to_owned(),
            bytes,
        }),
        Err(e) => {
            tracing::warn!("cannot read the diagnostic log {}: {e}", path.display());
            None
        }
    }
}

impl Guichet {
    /// Validates `input` into a report. `extra` are attachments already in memory (screenshots);
    /// `screens` go into the machine facts. A valid phone and location are remembered.
    pub fn build_report(
        &self,
        input: &ReportInput,
        extra: Vec<AttachmentSource>,
        screens: Vec<ScreenInfo>,
    ) -> Result<Report, ApiError> {
        let profile = self.profile();
        let log = input
            .attach_log
            .then(|| diagnostic_log(&self.config.limits))
            .flatten();
        let draft = ReportDraft {
            subject: input.subject.clone(),
            description: input.description.clone(),
            category: input.category.clone(),
            phone: input.phone.clone().or_else(|| profile.phone.clone()),
            location: input.location.clone().or_else(|| profile.location.clone()),
            attachments: extra
                .into_iter()
                .chain(
                    input
                        .attachments
                        .iter()
                        .cloned()
                        .map(AttachmentSource::Path),
                )
                .chain(log)
                .collect(),
        };
        let known = self.offline_categories();
        let report = Report::build(
            &draft,
            &self.config.limits,
            &known.categories,
            facts::gather(screens),
            self.now_ms(),
            self.lang,
        )?;
        let remembered = Profile {
            phone: draft.phone.clone(),
            location: draft.location.clone(),
        };
        if remembered != profile {
            if let Err(e) = remembered.save(&self.data_dir) {
                tracing::warn!("cannot remember the phone number: {e}");
            }
        }
        Ok(report)
    }

    /// What `guichet report --dry-run` writes: the request the help desk would be sent (files
    /// aside), or `None` when no help desk is configured (the report would wait in the outbox).
    pub fn dry_run(&self, report: &Report) -> Option<serde_json::Value> {
        self.connector.as_ref().map(|c| c.dry_run(report))
    }
}
