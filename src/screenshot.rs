//! `guichet report --screenshot [--mask X,Y,W,H]...`: captures every monitor once, places the
//! masks (desktop coordinates, translated to each screen's own pixels), and hands the rest to the
//! core's screenshot pipeline ([`capture::screenshots`]): one JPEG attachment per screen within
//! IT's limits, and the screens for the machine facts. This is the only headless path that opens
//! a display connection.

use guichet_core::capture::{
    self, Annotation, AnnotationKind, Capture, CaptureError, DisplaySource, Rect, ScreenSource,
};
use guichet_core::report::Limits;
use std::fmt;

/// What a report gets from `--screenshot`: nothing without it.
pub(crate) use guichet_core::capture::Screenshots;

#[derive(Debug)]
pub(crate) enum ScreenshotError {
    /// A `--mask` that is not `X,Y,W,H`.
    MaskSyntax(String),
    /// A `--mask` that touches no captured screen.
    MaskOffScreen {
        mask: String,
        screens: String,
    },
    Capture(CaptureError),
}

impl fmt::Display for ScreenshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScreenshotError::MaskSyntax(mask) => write!(
                f,
                "--mask {mask:?}: expected X,Y,W,H in desktop pixels, W and H at least 1 (for example --mask 100,200,300,40)"
            ),
            ScreenshotError::MaskOffScreen { mask, screens } => write!(
                f,
                "--mask {mask}: this rectangle covers no screen (screens: {screens})"
            ),
            ScreenshotError::Capture(e) => write!(f, "--screenshot: {e}"),
        }
    }
}

impl std::error::Error for ScreenshotError {}

impl From<CaptureError> for ScreenshotError {
    fn from(e: CaptureError) -> Self {
        ScreenshotError::Capture(e)
    }
}

impl ScreenshotError {
    /// The message for people, in `lang`.
    pub(crate) fn message(&self, lang: guichet_core::i18n::Lang) -> String {
        use guichet_core::i18n::t;
        match self {
            ScreenshotError::MaskSyntax(mask) => {
                t(lang, "screenshot.mask_syntax", &[("mask", mask)])
            }
            ScreenshotError::MaskOffScreen { mask, screens } => t(
                lang,
                "screenshot.mask_off_screen",
                &[("mask", mask), ("screens", screens)],
            ),
            ScreenshotError::Capture(e) => {
                t(lang, "screenshot.failed", &[("detail", &e.message(lang))])
            }
        }
    }

    /// 2 (invalid input or environment) for everything the user can fix; 1 for encoding bugs.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            ScreenshotError::Capture(CaptureError::Resize(_) | CaptureError::Encode(_)) => {
                crate::exit::EXIT_FAILURE
            }
            _ => crate::exit::EXIT_INVALID,
        }
    }
}

/// `--screenshot` with the real display, or nothing when it was not asked for.
pub(crate) fn take_if(
    wanted: bool,
    masks: &[String],
    limits: &Limits,
) -> Result<Screenshots, ScreenshotError> {
    if !wanted {
        return Ok(Screenshots::default());
    }
    take(&DisplaySource, masks, limits)
}

/// Captures `source`, masks, encodes. Masks are checked before the display is opened; a monitor
/// that fails is reported on stderr and the others are still attached.
pub(crate) fn take(
    source: &dyn ScreenSource,
    masks: &[String],
    limits: &Limits,
) -> Result<Screenshots, ScreenshotError> {
    let masks = masks
        .iter()
        .map(|m| DesktopRect::parse(m).ok_or_else(|| ScreenshotError::MaskSyntax(m.clone())))
        .collect::<Result<Vec<_>, _>>()?;
    let capture = source.capture_all()?;
    for failure in &capture.failures {
        eprintln!("guichet: --screenshot: one screen is left out: {failure}");
    }
    if capture.screens.is_empty() {
        return Err(CaptureError::NothingCaptured(capture.failures).into());
    }
    let annotations = place_masks(&capture, &masks)?;
    let every: Vec<usize> = (0..capture.screens.len()).collect();
    Ok(capture::screenshots(capture, &every, &annotations, limits)?)
}

/// A rectangle in desktop coordinates (physical pixels; a monitor left of or above the primary
/// one has negative coordinates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DesktopRect {
    x: i64,
    y: i64,
    w: i64,
    h: i64,
}

impl DesktopRect {
    fn parse(text: &str) -> Option<DesktopRect> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        let [x, y, w, h] = parts.as_slice() else {
            return None;
        };
        let (x, y): (i32, i32) = (x.parse().ok()?, y.parse().ok()?);
        let (w, h): (u32, u32) = (w.parse().ok()?, h.parse().ok()?);
        (w > 0 && h > 0).then_some(DesktopRect {
            x: x.into(),
            y: y.into(),
            w: w.into(),
            h: h.into(),
        })
    }
}

impl fmt::Display for DesktopRect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{},{},{}", self.x, self.y, self.w, self.h)
    }
}

/// Each mask goes to every screen it overlaps, translated into that screen's pixels: a mask drawn
/// across two monitors hides its part on both.
fn place_masks(
    capture: &Capture,
    masks: &[DesktopRect],
) -> Result<Vec<Annotation>, ScreenshotError> {
    let mut annotations = Vec::new();
    for mask in masks {
        let before = annotations.len();
        for (screen, shot) in capture.screens.iter().enumerate() {
            let (sx, sy) = (i64::from(shot.x), i64::from(shot.y));
            let (sw, sh) = (
                i64::from(shot.image.width()),
                i64::from(shot.image.height()),
            );
            let (x0, y0) = (mask.x.max(sx), mask.y.max(sy));
            let (x1, y1) = (
                (mask.x + mask.w).min(sx + sw),
                (mask.y + mask.h).min(sy + sh),
            );
            if x1 <= x0 || y1 <= y0 {
                continue;
            }
            // Within the screen's own size, so every value fits in u32.
            let to_u32 = |v: i64| u32::try_from(v).unwrap_or(0);
            annotations.push(Annotation {
                screen,
                kind: AnnotationKind::MaskSolid,
                rect: Rect {
                    x: to_u32(x0 - sx),
                    y: to_u32(y0 - sy),
                    w: to_u32(x1 - x0),
                    h: to_u32(y1 - y0),
                },
            });
        }
        if annotations.len() == before {
            let screens: Vec<String> = capture
                .screens
                .iter()
                .map(|s| {
                    format!(
                        "{} {}×{} at {},{}",
                        s.info.name,
                        s.image.width(),
                        s.image.height(),
                        s.x,
                        s.y
                    )
                })
                .collect();
            return Err(ScreenshotError::MaskOffScreen {
                mask: mask.to_string(),
                screens: screens.join("; "),
            });
        }
    }
    Ok(annotations)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use guichet_core::capture::image::{Rgba, RgbaImage};
    use guichet_core::capture::{ScreenFailure, ScreenShot};
    use guichet_core::facts::ScreenInfo;
    use guichet_core::report::AttachmentSource;

    /// Two monitors side by side: 1920×1080 at 1×, then 2560×1440 at 2× on its right, plus one
    /// that fails.
    #[derive(Debug)]
    struct TwoScreens;

    impl ScreenSource for TwoScreens {
        fn capture_all(&self) -> Result<Capture, CaptureError> {
            let shot = |name: &str, x, width, height, scale| ScreenShot {
                info: ScreenInfo {
                    name: name.into(),
                    width,
                    height,
                    scale,
                    x,
                    y: 0,
                },
                x,
                y: 0,
                image: RgbaImage::from_pixel(width, height, Rgba([200, 210, 220, 255])).into(),
            };
            Ok(Capture {
                screens: vec![
                    shot("HDMI-1", 0, 1920, 1080, 1.0),
                    shot("DP-1", 1920, 2560, 1440, 2.0),
                ],
                failures: vec![ScreenFailure {
                    name: "DP-2".into(),
                    reason: "asleep".into(),
                }],
            })
        }
    }

    /// A source that must not be reached.
    #[derive(Debug)]
    struct Unreachable;

    impl ScreenSource for Unreachable {
        fn capture_all(&self) -> Result<Capture, CaptureError> {
            panic!("the display was opened before the masks were checked");
        }
    }

    fn place(masks: &[&str]) -> Result<Vec<Annotation>, ScreenshotError> {
        let capture = TwoScreens.capture_all().unwrap();
        let masks: Vec<DesktopRect> = masks
            .iter()
            .map(|m| DesktopRect::parse(m).unwrap())
            .collect();
        place_masks(&capture, &masks)
    }

    fn solid(screen: usize, x: u32, y: u32, w: u32, h: u32) -> Annotation {
        Annotation {
            screen,
            kind: AnnotationKind::MaskSolid,
            rect: Rect { x, y, w, h },
        }
    }

    #[test]
    fn masks_parse_as_x_y_w_h() {
        assert_eq!(
            DesktopRect::parse(" -10, 20,30 ,40"),
            Some(DesktopRect {
                x: -10,
                y: 20,
                w: 30,
                h: 40
            })
        );
        for bad in ["", "1,2,3", "1,2,3,4,5", "a,2,3,4", "1,2,0,4", "1,2,3,-4"] {
            assert_eq!(DesktopRect::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_mask_lands_in_the_pixels_of_the_screen_it_is_on() {
        assert_eq!(
            place(&["100,50,20,10"]).unwrap(),
            [solid(0, 100, 50, 20, 10)]
        );
        assert_eq!(
            place(&["2000,40,30,20"]).unwrap(),
            [solid(1, 80, 40, 30, 20)]
        );
    }

    #[test]
    fn a_mask_across_two_screens_hides_both_parts() {
        assert_eq!(
            place(&["1900,10,40,20"]).unwrap(),
            [solid(0, 1900, 10, 20, 20), solid(1, 0, 10, 20, 20)]
        );
    }

    #[test]
    fn a_mask_off_every_screen_is_refused_naming_the_screens() {
        let err = place(&["5000,10,40,20"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "--mask 5000,10,40,20: this rectangle covers no screen (screens: HDMI-1 1920×1080 at 0,0; DP-1 2560×1440 at 1920,0)"
        );
        assert_eq!(err.exit_code(), crate::exit::EXIT_INVALID);
    }

    #[test]
    fn bad_masks_are_refused_before_the_display_is_opened() {
        let err = take(&Unreachable, &["1,2,3".into()], &Limits::default()).unwrap_err();
        assert!(err.to_string().contains("expected X,Y,W,H"), "{err}");
        assert_eq!(err.exit_code(), crate::exit::EXIT_INVALID);
    }

    #[test]
    fn every_captured_screen_is_attached_and_described() {
        let shots = take(&TwoScreens, &["10,10,100,100".into()], &Limits::default()).unwrap();
        let names: Vec<&str> = shots
            .attachments
            .iter()
            .map(|a| match a {
                AttachmentSource::Bytes { name, .. } => name.as_str(),
                AttachmentSource::Path(_) => "a path",
            })
            .collect();
        assert_eq!(names, ["ecran-1.jpg", "ecran-2.jpg"]);
        assert_eq!(
            shots
                .screens
                .iter()
                .map(|s| (s.name.as_str(), s.width))
                .collect::<Vec<_>>(),
            [("HDMI-1", 1920), ("DP-1", 2560)]
        );
    }
}
