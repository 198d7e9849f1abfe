//! The screenshot taken when a report is triggered, held in memory only until the report is
//! durable (masks are burned in before anything is encoded; the unmasked original is never
//! written anywhere). The chosen screens become attachments through the core's screenshot
//! pipeline ([`capture::screenshots`]), under IT's limits, as `guichet report --screenshot` does.

use base64::Engine;
use guichet_core::capture::{
    self, Capture, CaptureError, DisplaySource, EncodeOptions, ScreenShot, ScreenSource,
    Screenshots,
};
use guichet_core::facts::ScreenInfo;
use guichet_core::protocol::desktop::CaptureTest;
use guichet_core::protocol::view::{ScreenPreview, ScreenshotChoice};
use guichet_core::report::Limits;
use std::sync::Arc;
use tokio::sync::Mutex;

#[derive(Debug)]
pub struct Screens {
    source: Arc<dyn ScreenSource>,
    held: Arc<Mutex<Option<Held>>>,
    /// Why the last capture got nothing at all (no display, the permission refused), for the
    /// wizard to say; `None` when it worked.
    problem: Mutex<Option<CaptureError>>,
}

impl Default for Screens {
    fn default() -> Self {
        Screens {
            source: Arc::new(DisplaySource),
            held: Arc::new(Mutex::new(None)),
            problem: Mutex::new(None),
        }
    }
}

impl Screens {
    /// Captures every monitor now, replacing any earlier capture.
    pub async fn capture(&self) {
        let started = std::time::Instant::now();
        let source = self.source.clone();
        let mut problem = None;
        let capture = match tokio::task::spawn_blocking(move || source.capture_all()).await {
            Ok(Ok(c)) => c,
            Ok(Err(e)) => {
                // No display at all, or no permission: the report goes ahead without a
                // screenshot, and the wizard says why.
                tracing::warn!("screen capture failed: {e}");
                problem = Some(e);
                Capture::default()
            }
            Err(e) => {
                tracing::warn!("screen capture failed: {e}");
                Capture::default()
            }
        };
        for failure in &capture.failures {
            tracing::warn!("screen not captured: {failure}");
        }
        tracing::info!(
            "captured {} screen(s) in {:.1} ms",
            capture.screens.len(),
            started.elapsed().as_secs_f64() * 1e3
        );
        *self.held.lock().await = Some(Held {
            capture,
            previews: None,
        });
        *self.problem.lock().await = problem;
    }

    /// Captures every monitor now for Settings' "Test the capture" (a desktop that asks the user
    /// first asks now, while Settings has the focus), and drops the pictures at once: the held
    /// capture, the wizard's, is left as it was.
    pub async fn test(&self, lang: guichet_core::i18n::Lang) -> CaptureTest {
        let source = self.source.clone();
        match tokio::task::spawn_blocking(move || source.capture_all()).await {
            Ok(Ok(capture)) => CaptureTest {
                screens: u32::try_from(capture.screens.len()).unwrap_or(u32::MAX),
                problem: (!capture.failures.is_empty())
                    .then(|| CaptureError::NothingCaptured(capture.failures.clone()).message(lang)),
            },
            Ok(Err(e)) => {
                tracing::warn!("capture test: {e}");
                CaptureTest {
                    screens: 0,
                    problem: Some(e.message(lang)),
                }
            }
            Err(e) => {
                tracing::warn!("capture test: {e}");
                CaptureTest {
                    screens: 0,
                    problem: Some(CaptureError::Portal(e.to_string()).message(lang)),
                }
            }
        }
    }

    /// Encodes the held capture's previews on a blocking thread, holding the capture meanwhile:
    /// a wizard that asks for them sooner waits for this rather than encoding them twice.
    pub async fn prepare_previews(&self) {
        let mut held = self.held.clone().lock_owned().await;
        let encode = tokio::task::spawn_blocking(move || {
            if let Some(held) = held.as_mut() {
                held.previews();
            }
        });
        if let Err(e) = encode.await {
            tracing::warn!("previews: {e}");
        }
    }

    /// Why the last capture got nothing at all, in `lang`; `None` when it worked.
    pub async fn problem(&self, lang: guichet_core::i18n::Lang) -> Option<String> {
        self.problem.lock().await.as_ref().map(|e| e.message(lang))
    }

    /// Previews for the wizard (each screen named for people, in `lang`), the names of failed
    /// screens, and the screens' facts.
    pub async fn previews(
        &self,
        lang: guichet_core::i18n::Lang,
    ) -> (Vec<ScreenPreview>, Vec<String>, Vec<ScreenInfo>) {
        let mut held = self.held.lock().await;
        let Some(held) = held.as_mut() else {
            return (Vec::new(), Vec::new(), Vec::new());
        };
        let encoded = held.previews().to_vec();
        let capture = &held.capture;
        let labels = capture.labels(lang);
        let previews = capture
            .screens
            .iter()
            .zip(labels)
            .zip(encoded)
            .enumerate()
            .filter_map(|(index, ((shot, name), jpeg))| {
                Some(ScreenPreview {
                    index,
                    name,
                    width: shot.image.width(),
                    height: shot.image.height(),
                    preview_jpeg_base64: jpeg?,
                })
            })
            .collect();
        let failures = capture.failures.iter().map(ToString::to_string).collect();
        let infos = capture.screens.iter().map(|s| s.info.clone()).collect();
        (previews, failures, infos)
    }

    /// The chosen screens, masked and encoded within `limits` (IT's), as attachments; and all
    /// screens' facts. The held capture stays until [`Screens::forget`], so a report refused by
    /// validation loses nothing.
    pub async fn attachments(
        &self,
        choice: &ScreenshotChoice,
        limits: &Limits,
    ) -> Result<Screenshots, CaptureError> {
        let held = self.held.lock().await;
        let Some(Held { capture, .. }) = held.as_ref() else {
            return match choice.screens.first() {
                None => Ok(Screenshots::default()),
                // No screenshot was taken: the chosen screen does not exist.
                Some(&index) => Err(CaptureError::NoSuchScreen {
                    number: index + 1,
                    count: 0,
                }),
            };
        };
        let copy = chosen_copy(capture, &choice.screens);
        drop(held);
        let (choice, limits) = (choice.clone(), limits.clone());
        tokio::task::spawn_blocking(move || {
            capture::screenshots(copy, &choice.screens, &choice.annotations, &limits)
        })
        .await
        .map_err(|e| CaptureError::Encode(e.to_string()))?
    }

    pub async fn forget(&self) {
        *self.held.lock().await = None;
    }
}

/// The capture taken at the trigger, and its previews once encoded: made while the window
/// process starts ([`Screens::prepare_previews`]) so that the wizard's first request does not
/// wait for them, and gone with the capture.
#[derive(Debug)]
struct Held {
    capture: Capture,
    /// Each screen's preview JPEG in base64 (`None`: it could not be encoded).
    previews: Option<Vec<Option<String>>>,
}

impl Held {
    /// The previews, encoded the first time they are needed.
    fn previews(&mut self) -> &[Option<String>] {
        let Held { capture, previews } = self;
        previews.get_or_insert_with(|| encode_previews(capture))
    }
}

/// Each screen of `capture` as the wizard previews it ([`EncodeOptions::PREVIEW`]), in base64;
/// `None` for a screen that could not be encoded (logged).
fn encode_previews(capture: &Capture) -> Vec<Option<String>> {
    let options = EncodeOptions::PREVIEW;
    capture
        .screens
        .iter()
        .map(|shot| match capture::encode(&shot.image, &options) {
            Ok(encoded) => Some(base64::engine::general_purpose::STANDARD.encode(&encoded.bytes)),
            Err(e) => {
                tracing::warn!("preview of {}: {e}", shot.info.name);
                None
            }
        })
        .collect()
}

/// A copy of `capture` for the pipeline to consume, leaving the held original intact until the
/// report is durable (a refused report loses nothing). Screens not `chosen` are copied as empty
/// images of the same size: indices and facts keep their meaning, no pixels are duplicated.
fn chosen_copy(capture: &Capture, chosen: &[usize]) -> Capture {
    let screens = capture
        .screens
        .iter()
        .enumerate()
        .map(|(i, s)| ScreenShot {
            info: s.info.clone(),
            x: s.x,
            y: s.y,
            image: if chosen.contains(&i) {
                s.image.duplicate()
            } else {
                capture::image::RgbaImage::new(s.image.width(), s.image.height()).into()
            },
        })
        .collect();
    Capture {
        screens,
        failures: Vec::new(),
    }
}
