//! What a user does on an existing ticket: add information, accept or refuse the solution, answer
//! the satisfaction survey. An [`ActionInput`] is what the window or the CLI collected;
//! [`TicketAction::build`] validates it (a refusal needs a reason, a score is within the help
//! desk's scale and comes with a comment when that scale asks for one, an approval that reads like
//! a refusal is questioned once) and reads its attachments. Built actions travel
//! through the outbox like reports, so they are offline-safe and performed exactly once.

use crate::i18n::Lang;
use crate::report::{read_attachments, Attachment, AttachmentSource, Field, Limits};
use guichet_protocol::TicketId;
use serde::{Deserialize, Serialize};

pub use guichet_protocol::action::{ActionInput, ActionKind};
use uuid::Uuid;

pub use guichet_protocol::ticket::SurveyScale;

/// A valid action, ready for the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketAction {
    /// The client id: written into the followup, it makes retries exactly-once.
    pub id: Uuid,
    /// The ticket it acts on.
    pub ticket: TicketId,
    /// What the user does, its texts trimmed and checked.
    pub kind: ActionKind,
    /// Files added with a followup (never with another kind), within the report's limits.
    pub attachments: Vec<Attachment>,
    /// When the user acted, ms since the Unix epoch.
    pub created_at_ms: i64,
    /// The language of the fixed texts added to the followup.
    pub lang: Lang,
}

/// One problem with an action.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", crate::i18n::t(Lang::En, self.key(), &[]))]
pub enum ActionError {
    /// A followup's message is empty once trimmed.
    MessageMissing,
    /// A refusal's reason is empty once trimmed.
    ReasonMissing,
    /// A text is longer than a report's description may be (`Limits::description_max`).
    TooLong {
        /// The field holding the text.
        field: Field,
        /// Its length, in characters.
        len: usize,
        /// The most allowed, in characters.
        max: usize,
    },
    /// A survey score outside the help desk's scale (GLPI does not check it).
    ScoreOutOfRange {
        /// The score given.
        score: i32,
        /// The scale's highest score.
        max: u8,
    },
    /// The help desk wants a comment with a score this low.
    CommentRequired {
        /// The highest score that needs one.
        up_to: u8,
    },
    /// The approval's comment reads like "it still does not work".
    ApprovalContradicts,
    /// Files were given with an action other than a followup.
    AttachmentsNotAllowed,
}

/// Words that, in an approval comment, suggest the user meant to refuse. Compared on lower-case
/// text with accents kept, so both "ne marche toujours pas" and "still broken" are caught.
const UNRESOLVED_HINTS: &[&str] = &[
    "toujours pas",
    "ne marche pas",
    "ne fonctionne pas",
    "marche toujours pas",
    "fonctionne toujours pas",
    "toujours en panne",
    "encore en panne",
    "pas résolu",
    "pas resolu",
    "n'est pas réglé",
    "pas réglé",
    "toujours le même problème",
    "toujours le meme probleme",
    "still broken",
    "still not",
    "still doesn",
    "still does not",
    "not working",
    "doesn't work",
    "does not work",
    "not fixed",
    "not solved",
    "not resolved",
    "same problem",
];

/// Whether `text` reads like "the problem is still there". No help desk guards against an
/// approval that says so; Guichet asks once.
pub fn looks_unresolved(text: &str) -> bool {
    let text = text.to_lowercase().replace('’', "'");
    UNRESOLVED_HINTS.iter().any(|hint| text.contains(hint))
}

impl ActionError {
    /// The part of the form this problem belongs to, so it is shown beside that field.
    pub fn field(&self) -> Field {
        match self {
            ActionError::MessageMissing | ActionError::AttachmentsNotAllowed => Field::Message,
            ActionError::ReasonMissing => Field::Reason,
            ActionError::TooLong { field, .. } => *field,
            ActionError::ScoreOutOfRange { .. } => Field::Score,
            ActionError::ApprovalContradicts | ActionError::CommentRequired { .. } => {
                Field::Comment
            }
        }
    }

    /// The catalogue key of this error's message.
    pub fn key(&self) -> &'static str {
        match self {
            ActionError::MessageMissing => "validation.message.missing",
            ActionError::ReasonMissing => "validation.reason.missing",
            ActionError::TooLong { .. } => "validation.text.too_long",
            ActionError::ScoreOutOfRange { .. } => "validation.score.range",
            ActionError::ApprovalContradicts => "validation.approve.contradiction",
            ActionError::CommentRequired { .. } => "validation.rating.comment_required",
            ActionError::AttachmentsNotAllowed => "validation.action.no_attachments",
        }
    }

    /// The message for people, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        use crate::i18n::t;
        match self {
            ActionError::TooLong { len, max, .. } => {
                t(lang, self.key(), &[("len", len), ("max", max)])
            }
            ActionError::ScoreOutOfRange { score, max } => {
                t(lang, self.key(), &[("score", score), ("max", max)])
            }
            ActionError::CommentRequired { up_to } => t(lang, self.key(), &[("up_to", up_to)]),
            _ => t(lang, self.key(), &[]),
        }
    }
}

/// Every problem found in an action: the report's validation errors for its attachments, the
/// action's own for the rest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message(Lang::En))]
pub struct ActionErrors {
    /// The problems with the action's kind and texts.
    pub action: Vec<ActionError>,
    /// The problems with its files.
    pub attachments: Vec<crate::report::ValidationError>,
}

impl ActionErrors {
    /// Every problem's message in `lang`, one per line: the action's first, then the files'.
    pub fn message(&self, lang: Lang) -> String {
        self.action
            .iter()
            .map(|e| e.message(lang))
            .chain(self.attachments.iter().map(|e| e.message(lang)))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Trims optional text to `None` when blank.
fn non_blank(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// `input`'s kind with its texts trimmed; what is missing, too long or contradictory is noted
/// in `errors`.
fn checked_kind(
    input: &ActionInput,
    max: usize,
    survey: &SurveyScale,
    errors: &mut Vec<ActionError>,
) -> ActionKind {
    let check_len = |errors: &mut Vec<ActionError>, field: Field, text: &str| {
        let len = text.chars().count();
        if len > max {
            errors.push(ActionError::TooLong { field, len, max });
        }
    };
    match &input.kind {
        ActionKind::Followup { message } => {
            let message = message.trim().to_owned();
            check_len(errors, Field::Message, &message);
            if message.is_empty() {
                errors.push(ActionError::MessageMissing);
            }
            ActionKind::Followup { message }
        }
        ActionKind::Approve { comment } => {
            let comment = non_blank(comment);
            if let Some(c) = &comment {
                check_len(errors, Field::Comment, c);
                if !input.confirmed && looks_unresolved(c) {
                    errors.push(ActionError::ApprovalContradicts);
                }
            }
            ActionKind::Approve { comment }
        }
        ActionKind::Refuse { reason } => {
            let reason = reason.trim().to_owned();
            check_len(errors, Field::Reason, &reason);
            if reason.is_empty() {
                errors.push(ActionError::ReasonMissing);
            }
            ActionKind::Refuse { reason }
        }
        ActionKind::Rate { score, comment } => {
            let comment = non_blank(comment);
            if let Some(c) = &comment {
                check_len(errors, Field::Comment, c);
            }
            if !(0..=i32::from(survey.max)).contains(score) {
                errors.push(ActionError::ScoreOutOfRange {
                    score: *score,
                    max: survey.max,
                });
            } else if comment.is_none() && survey.needs_comment(*score) {
                if let Some(up_to) = survey.comment_required_up_to {
                    errors.push(ActionError::CommentRequired { up_to });
                }
            }
            ActionKind::Rate {
                score: *score,
                comment,
            }
        }
    }
}

impl TicketAction {
    /// Checks `input` and reads its attachments (followups only), with the report's limits and the
    /// help desk's survey scale.
    pub fn build(
        input: &ActionInput,
        limits: &Limits,
        survey: &SurveyScale,
        created_at_ms: i64,
        lang: Lang,
    ) -> Result<TicketAction, ActionErrors> {
        let mut errors = Vec::new();
        let kind = checked_kind(input, limits.description_max, survey, &mut errors);
        let mut attachment_errors = Vec::new();
        let attachments = if input.attachments.is_empty() {
            Vec::new()
        } else if matches!(kind, ActionKind::Followup { .. }) {
            let sources: Vec<AttachmentSource> = input
                .attachments
                .iter()
                .cloned()
                .map(AttachmentSource::Path)
                .collect();
            read_attachments(&sources, limits, &mut attachment_errors)
        } else {
            errors.push(ActionError::AttachmentsNotAllowed);
            Vec::new()
        };
        if !errors.is_empty() || !attachment_errors.is_empty() {
            return Err(ActionErrors {
                action: errors,
                attachments: attachment_errors,
            });
        }
        Ok(TicketAction {
            id: Uuid::new_v4(),
            ticket: input.ticket,
            kind,
            attachments,
            created_at_ms,
            lang,
        })
    }

    /// The text the followup carries (approval comment, refusal reason, message); `None` for a
    /// survey answer.
    pub fn text(&self) -> Option<&str> {
        match &self.kind {
            ActionKind::Followup { message } => Some(message),
            ActionKind::Refuse { reason } => Some(reason),
            ActionKind::Approve { comment } => comment.as_deref(),
            ActionKind::Rate { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: ActionKind) -> ActionInput {
        ActionInput {
            ticket: 7,
            kind,
            attachments: Vec::new(),
            confirmed: false,
        }
    }

    fn build(kind: ActionKind) -> Result<TicketAction, ActionErrors> {
        TicketAction::build(
            &input(kind),
            &Limits::default(),
            &SurveyScale::FIVE,
            0,
            Lang::Fr,
        )
    }

    #[test]
    fn a_refusal_needs_a_reason() {
        let e = build(ActionKind::Refuse {
            reason: "  \n ".into(),
        })
        .unwrap_err();
        assert_eq!(e.action, vec![ActionError::ReasonMissing]);
        assert_eq!(e.action[0].field(), Field::Reason);
        let ok = build(ActionKind::Refuse {
            reason: " Toujours en panne ".into(),
        })
        .unwrap();
        assert_eq!(ok.text(), Some("Toujours en panne"));
    }

    #[test]
    fn the_help_desks_scale_decides_and_a_low_score_asks_for_a_comment() {
        let ten = SurveyScale {
            max: 10,
            comment_required_up_to: Some(3),
        };
        let rate = |score: i32, comment: Option<&str>| {
            let kind = ActionKind::Rate {
                score,
                comment: comment.map(str::to_owned),
            };
            TicketAction::build(&input(kind), &Limits::default(), &ten, 0, Lang::Fr)
        };
        assert!(rate(9, None).is_ok());
        assert_eq!(
            rate(11, None).unwrap_err().action,
            vec![ActionError::ScoreOutOfRange { score: 11, max: 10 }]
        );
        let e = rate(3, Some("  ")).unwrap_err();
        assert_eq!(e.action, vec![ActionError::CommentRequired { up_to: 3 }]);
        assert_eq!(e.action[0].field(), Field::Comment);
        assert!(e.action[0].message(Lang::Fr).contains('3'));
        assert!(e.action[0].message(Lang::En).contains("comment"));
        assert!(rate(3, Some("Trop lent")).is_ok());
        assert!(rate(4, None).is_ok());
    }

    #[test]
    fn scores_outside_zero_to_five_are_refused() {
        for score in [-1, 6, 100] {
            let e = build(ActionKind::Rate {
                score,
                comment: None,
            })
            .unwrap_err();
            assert_eq!(
                e.action,
                vec![ActionError::ScoreOutOfRange { score, max: 5 }]
            );
        }
        for score in 0..=5 {
            assert!(build(ActionKind::Rate {
                score,
                comment: Some(" ".into())
            })
            .is_ok());
        }
    }

    #[test]
    fn an_approval_that_reads_like_a_refusal_is_questioned_once() {
        let kind = ActionKind::Approve {
            comment: Some("Ça ne marche toujours pas".into()),
        };
        let e = build(kind.clone()).unwrap_err();
        assert_eq!(e.action, vec![ActionError::ApprovalContradicts]);
        let mut confirmed = input(kind);
        confirmed.confirmed = true;
        assert!(TicketAction::build(
            &confirmed,
            &Limits::default(),
            &SurveyScale::FIVE,
            0,
            Lang::En
        )
        .is_ok());
        assert!(build(ActionKind::Approve {
            comment: Some("Merci, tout fonctionne".into())
        })
        .is_ok());
        assert!(build(ActionKind::Approve { comment: None }).is_ok());
        assert!(looks_unresolved("It is STILL BROKEN"));
        assert!(looks_unresolved("l’imprimante n’est pas réglé"));
    }

    #[test]
    fn followups_need_text_within_limits_and_only_they_carry_files() {
        assert_eq!(
            build(ActionKind::Followup { message: "".into() })
                .unwrap_err()
                .action,
            vec![ActionError::MessageMissing]
        );
        let long = "x".repeat(Limits::default().description_max + 1);
        assert!(matches!(
            build(ActionKind::Followup { message: long })
                .unwrap_err()
                .action[0],
            ActionError::TooLong {
                field: Field::Message,
                ..
            }
        ));
        let mut with_file = input(ActionKind::Approve { comment: None });
        with_file.attachments.push("/etc/hostname".into());
        let e = TicketAction::build(
            &with_file,
            &Limits::default(),
            &SurveyScale::FIVE,
            0,
            Lang::Fr,
        )
        .unwrap_err();
        assert_eq!(e.action, vec![ActionError::AttachmentsNotAllowed]);
        let mut missing = input(ActionKind::Followup {
            message: "voici".into(),
        });
        missing.attachments.push("/nonexistent/file.txt".into());
        let e = TicketAction::build(
            &missing,
            &Limits::default(),
            &SurveyScale::FIVE,
            0,
            Lang::Fr,
        )
        .unwrap_err();
        assert!(e.action.is_empty());
        assert_eq!(e.attachments.len(), 1);
    }

    #[test]
    fn every_message_is_in_both_catalogues() {
        let errors = [
            ActionError::MessageMissing,
            ActionError::ReasonMissing,
            ActionError::TooLong {
                field: Field::Message,
                len: 9,
                max: 8,
            },
            ActionError::ScoreOutOfRange { score: 9, max: 5 },
            ActionError::ApprovalContradicts,
            ActionError::AttachmentsNotAllowed,
        ];
        for e in errors {
            for lang in [Lang::Fr, Lang::En] {
                let m = e.message(lang);
                assert!(!m.starts_with("validation."), "{m}");
                assert!(!m.contains('{'), "{m}");
            }
        }
    }
}
