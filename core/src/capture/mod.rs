//! Screenshots: capturing every monitor, burning the user's masks and highlights into the pixels,
//! and encoding each screen as a JPEG attachment. The same code serves the resident agent, the
//! window process and `guichet report --screenshot`.
//!
//! Privacy invariant: an unmasked capture lives only in memory. Nothing here writes pixels to
//! disk or logs them ([`ScreenShot`]'s `Debug` prints only its size), nothing holding unmasked
//! pixels is `Serialize` or `Clone`, and [`screenshot_attachments`] consumes the [`Capture`] so
//! that each original is dropped as soon as its masked JPEG exists.
//!
//! - [`ScreenSource`] is the side effect (the display); [`DisplaySource`] implements it through
//!   the session's back end, chosen at run time ([`source::back_end`]).
//! - [`pipeline`]: the one way from a capture to a report's attachments, under IT's limits.
//! - [`annotate`]: rectangles that mask (solid, pixelated) or highlight.
//! - [`encode`](mod@encode): downscale and JPEG 4:4:4 under a size limit.
//! - [`frame`]: a screen's pixels in the order the back end gave them (BGRX or RGBA).
//! - [`naming`]: screens named for people ("Screen 1 (left), 1920 × 1080").
//!
//! Each monitor is its own image in its own physical pixels, so mixed scale factors need no
//! stitching and no resampling.

pub mod annotate;
pub mod encode;
pub mod frame;
/// Screens named for people, one function for the wizard and the machine facts.
pub use guichet_protocol::naming;
pub mod pipeline;
pub mod source;

pub use annotate::{apply, Annotation, AnnotationKind, Rect};
pub use encode::{encode, EncodeOptions, EncodedImage};
pub use frame::{Frame, FrameRef, PixelLayout};
/// The `image` crate whose `RgbaImage` this API also takes, for callers that build or read images.
pub use image;
pub use naming::{screen_labels, screen_numbers, Placement};
pub use pipeline::{screenshots, Screenshots};
pub use source::{
    back_end, capture_method, capture_monitors, capture_xcap, display_available, DisplaySource,
    GrabError, Monitor,
};

use crate::facts::ScreenInfo;
use crate::report::AttachmentSource;
use std::fmt;

/// What can go wrong while capturing, annotating or encoding. Messages say what to change.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// No display session is named (Linux: neither `DISPLAY` nor `WAYLAND_DISPLAY` is set).
    #[error("no display to capture: neither DISPLAY nor WAYLAND_DISPLAY is set")]
    NoDisplay,
    /// The session is one Guichet has no capture back end for on this system.
    #[error("Guichet cannot capture the screen of a {0} session yet")]
    NoBackEnd(crate::display::Session),
    /// The system refuses to let this program see the screen (macOS: the Screen Recording
    /// permission, System Settings › Privacy & Security).
    #[error("the screen recording permission is not granted")]
    PermissionDenied,
    /// The desktop's Screenshot portal said no (the user refused, or a stored refusal).
    #[error("the desktop refused the screenshot (Screenshot portal)")]
    PortalRefused,
    /// The desktop's Screenshot portal failed, with what went wrong.
    #[error("the desktop's screenshot service failed: {0}")]
    Portal(String),
    /// The monitors could not be listed, with the display system's words.
    #[error("cannot list the monitors: {0}")]
    Monitors(String),
    /// Every monitor failed, each with why.
    #[error("no monitor could be captured{}", failures_suffix(.0))]
    NothingCaptured(Vec<ScreenFailure>),
    /// A screen was selected or annotated that the capture does not hold.
    #[error("there is no screen {number}: the capture holds {count}")]
    NoSuchScreen {
        /// The screen asked for, counted from 1.
        number: usize,
        /// How many screens the capture holds.
        count: usize,
    },
    /// An annotation's rectangle has no width or no height.
    #[error("the rectangle {rect} is empty: its width and height must be at least 1 pixel")]
    EmptyRect {
        /// The rectangle, as given.
        rect: Rect,
    },
    /// An annotation's rectangle does not touch its screen.
    #[error("the rectangle {rect} lies entirely outside the {width}×{height} screen")]
    OutsideImage {
        /// The rectangle, as given.
        rect: Rect,
        /// The screen's width, in physical pixels.
        width: u32,
        /// The screen's height, in physical pixels.
        height: u32,
    },
    /// Downscaling failed (an empty image or width), with the resizer's words.
    #[error("cannot resize the screenshot: {0}")]
    Resize(String),
    /// JPEG encoding failed, with the encoder's words.
    #[error("cannot encode the screenshot as JPEG: {0}")]
    Encode(String),
    /// Even the smallest JPEG tried is over the size limit.
    #[error("the screenshot does not fit in {max_bytes} bytes even at {width} pixels wide and low quality ({smallest} bytes); raise the attachment size limit")]
    TooLarge {
        /// The limit, in bytes (`EncodeOptions::max_bytes`).
        max_bytes: u64,
        /// The smallest JPEG made, in bytes.
        smallest: u64,
        /// The width it was made at, in pixels.
        width: u32,
    },
}

impl CaptureError {
    /// The message for people, in `lang` (technical details stay as the system gave them).
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::{human_size, t};
        match self {
            CaptureError::NoDisplay => t(lang, "capture.no_display", &[]),
            CaptureError::NoBackEnd(session) => {
                t(lang, "capture.no_back_end", &[("session", session)])
            }
            CaptureError::PermissionDenied => t(lang, "capture.permission", &[]),
            CaptureError::PortalRefused => t(lang, "capture.portal_refused", &[]),
            CaptureError::Portal(detail) => t(lang, "capture.portal", &[("detail", detail)]),
            CaptureError::Monitors(detail) => t(lang, "capture.monitors", &[("detail", detail)]),
            CaptureError::NothingCaptured(failures) => t(
                lang,
                "capture.nothing",
                &[("detail", &failures_suffix(failures))],
            ),
            CaptureError::NoSuchScreen { number, count } => t(
                lang,
                "capture.no_such_screen",
                &[("number", number), ("count", count)],
            ),
            CaptureError::EmptyRect { rect } => t(lang, "capture.empty_rect", &[("rect", rect)]),
            CaptureError::OutsideImage {
                rect,
                width,
                height,
            } => t(
                lang,
                "capture.outside",
                &[("rect", rect), ("width", width), ("height", height)],
            ),
            CaptureError::Resize(detail) => t(lang, "capture.resize", &[("detail", detail)]),
            CaptureError::Encode(detail) => t(lang, "capture.encode", &[("detail", detail)]),
            CaptureError::TooLarge {
                max_bytes,
                smallest,
                width,
            } => t(
                lang,
                "capture.too_large",
                &[
                    ("max", &human_size(lang, *max_bytes)),
                    ("smallest", &human_size(lang, *smallest)),
                    ("width", width),
                ],
            ),
        }
    }
}

fn failures_suffix(failures: &[ScreenFailure]) -> String {
    if failures.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = failures.iter().map(ToString::to_string).collect();
        format!(": {}", list.join("; "))
    }
}

/// The display, as a side effect behind a trait so that tests can fake monitors and failures.
pub trait ScreenSource: Send + Sync + fmt::Debug {
    /// Captures every monitor now. One monitor failing is not an error: it is listed in
    /// [`Capture::failures`] and the others are still returned. `Err` means nothing could even
    /// be enumerated (no display, no connection).
    fn capture_all(&self) -> Result<Capture, CaptureError>;
}

/// Every monitor at one instant, unmasked. Lives only in memory: see the module's invariant.
#[derive(Debug, Default)]
pub struct Capture {
    /// The monitors captured, in the order the back end listed them.
    pub screens: Vec<ScreenShot>,
    /// The monitors that could not be captured; the others are still in `screens`.
    pub failures: Vec<ScreenFailure>,
}

impl Capture {
    /// The screens' names for people ([`screen_labels`]), in capture order.
    pub fn labels(&self, lang: crate::i18n::Lang) -> Vec<String> {
        screen_labels(&self.placements(), lang)
    }

    /// Where each screen sits, in capture order.
    fn placements(&self) -> Vec<Placement> {
        self.screens
            .iter()
            .map(|s| Placement {
                x: s.x,
                y: s.y,
                width: s.image.width(),
                height: s.image.height(),
            })
            .collect()
    }

    /// The screens' descriptions for the machine facts, in capture order.
    pub fn screen_infos(&self) -> Vec<ScreenInfo> {
        self.screens.iter().map(|s| s.info.clone()).collect()
    }
}

/// One monitor's pixels and where it sits on the desktop, all in physical pixels.
pub struct ScreenShot {
    /// Name, size (equal to the image's) and scale factor.
    pub info: ScreenInfo,
    /// The monitor's left edge on the desktop, in physical pixels.
    pub x: i32,
    /// The monitor's top edge on the desktop (down is positive), in physical pixels.
    pub y: i32,
    /// The monitor's pixels, unmasked, at its physical size, in the back end's byte order.
    pub image: Frame,
}

impl fmt::Debug for ScreenShot {
    // Manual so that pixels never reach a log line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScreenShot")
            .field("info", &self.info)
            .field("x", &self.x)
            .field("y", &self.y)
            .field("image", &self.image)
            .finish()
    }
}

/// A monitor that could not be captured, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreenFailure {
    /// The monitor's name when it could be read, else empty.
    pub name: String,
    /// Why, as the display system said it (not translated).
    pub reason: String,
}

impl fmt::Display for ScreenFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.name.is_empty() {
            write!(f, "{}", self.reason)
        } else {
            write!(f, "{}: {}", self.name, self.reason)
        }
    }
}

/// The file name of the screen numbered `number` ([`screen_numbers`], 1 the leftmost):
/// `ecran-1.jpg` is "Écran 1 (gauche)". The number stays the monitor's own, whichever screens the
/// user selected.
pub fn attachment_name(number: usize, extension: &str) -> String {
    format!("ecran-{number}.{extension}")
}

/// The number of the screen a report's image attachment shows, from its name
/// ([`attachment_name`]'s inverse): `Some(1)` for `ecran-1.jpg`; `None` for any other file.
pub fn screen_number(name: &str, mime: &str) -> Option<usize> {
    let (stem, _) = name.rsplit_once('.')?;
    let number: usize = stem.strip_prefix("ecran-")?.parse().ok()?;
    (mime.starts_with("image/") && number > 0).then_some(number)
}

/// Turns a capture into report attachments: for each selected screen (indices into
/// `capture.screens`, in that order of screens), burns in the annotations that name it, encodes
/// it, and drops the original. Every index and annotation is checked before anything is encoded,
/// so a bad rectangle fails fast. Annotations on screens that are not selected are ignored.
pub fn screenshot_attachments(
    capture: Capture,
    selected: &[usize],
    annotations: &[Annotation],
    opts: &EncodeOptions,
) -> Result<Vec<AttachmentSource>, CaptureError> {
    let count = capture.screens.len();
    let no_such = |index: usize| CaptureError::NoSuchScreen {
        number: index + 1,
        count,
    };
    if let Some(&bad) = selected.iter().find(|&&i| i >= count) {
        return Err(no_such(bad));
    }
    for a in annotations {
        let shot = capture
            .screens
            .get(a.screen)
            .ok_or_else(|| no_such(a.screen))?;
        annotate::clip(&a.rect, shot.image.width(), shot.image.height())?;
    }
    let mut out = Vec::with_capacity(selected.len());
    // Files are numbered as the screens are named, by place, not in capture order.
    let numbers = screen_numbers(&capture.placements());
    // Consuming the screens one by one frees each original right after its JPEG is made.
    for (index, mut shot) in capture.screens.into_iter().enumerate() {
        if !selected.contains(&index) {
            continue;
        }
        let mine: Vec<Annotation> = annotations
            .iter()
            .filter(|a| a.screen == index)
            .copied()
            .collect();
        apply(&mut shot.image, &mine)?;
        let encoded = encode(&shot.image, opts)?;
        drop(shot);
        out.push(AttachmentSource::Bytes {
            name: attachment_name(numbers[index], encoded.extension),
            bytes: encoded.bytes,
        });
    }
    Ok(out)
}
