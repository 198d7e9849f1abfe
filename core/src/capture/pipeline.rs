//! The one way from a capture to a report's screenshots, for `guichet report --screenshot` and
//! the agent's wizard alike: [`ScreenSource::capture_all`](super::ScreenSource::capture_all)
//! takes every screen, then [`screenshots`] burns in the masks of the screens chosen and encodes
//! each within IT's `[limits]`, so both paths attach what the help desk accepts.

use super::{screenshot_attachments, Annotation, Capture, CaptureError, EncodeOptions};
use crate::facts::ScreenInfo;
use crate::report::{AttachmentSource, Limits};

/// What a report gets from a capture.
#[derive(Debug, Default)]
pub struct Screenshots {
    /// One JPEG per chosen screen, masked, named `ecran-N.jpg` after its screen's number.
    pub attachments: Vec<AttachmentSource>,
    /// Every captured screen, chosen or not, for the machine facts.
    pub screens: Vec<ScreenInfo>,
}

impl EncodeOptions {
    /// The encoding of one of `count` screenshots of a report: each gets an equal share of the
    /// report's total, within the per-file limit, so that together they pass validation.
    pub fn within(limits: &Limits, count: usize) -> EncodeOptions {
        let count = u64::try_from(count.max(1)).unwrap_or(u64::MAX);
        EncodeOptions {
            max_bytes: limits
                .attachment_max_bytes
                .min(limits.attachments_total_max_bytes / count),
            ..EncodeOptions::default()
        }
    }
}

/// The screens `selected` (indices into `capture.screens`) with the `annotations` that name them
/// burned in, each encoded under `limits` ([`EncodeOptions::within`]); the capture is consumed,
/// each original dropped as soon as its JPEG exists (see [`screenshot_attachments`], which also
/// says what is checked first).
pub fn screenshots(
    capture: Capture,
    selected: &[usize],
    annotations: &[Annotation],
    limits: &Limits,
) -> Result<Screenshots, CaptureError> {
    let screens = capture.screen_infos();
    if selected.is_empty() {
        return Ok(Screenshots {
            attachments: Vec::new(),
            screens,
        });
    }
    let options = EncodeOptions::within(limits, selected.len());
    let attachments = screenshot_attachments(capture, selected, annotations, &options)?;
    Ok(Screenshots {
        attachments,
        screens,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_screen_gets_its_share_of_the_total_within_the_per_file_limit() {
        let limits = Limits {
            attachment_max_bytes: 300,
            attachments_total_max_bytes: 1_000,
            ..Limits::default()
        };
        assert_eq!(EncodeOptions::within(&limits, 1).max_bytes, 300);
        assert_eq!(EncodeOptions::within(&limits, 4).max_bytes, 250);
        assert_eq!(EncodeOptions::within(&limits, 0).max_bytes, 300);
        let defaults = EncodeOptions::within(&Limits::default(), 1);
        assert_eq!(defaults.max_width, EncodeOptions::default().max_width);
        assert_eq!(defaults.quality, EncodeOptions::default().quality);
    }
}
