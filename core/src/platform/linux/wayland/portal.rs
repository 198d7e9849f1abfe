//! The desktop's Screenshot portal (`org.freedesktop.portal.Screenshot`, through `ashpd`): one
//! non-interactive request for the whole desktop. The portal answers with a file it wrote: it is
//! read, then deleted at once (the wlroots back end writes a world-readable `/tmp/out.png`, KDE
//! a file in the user's Pictures), so that the unmasked screen lives only in memory afterwards.
//!
//! Before asking, Guichet registers its application id with the portal's host registry (on the
//! same D-Bus connection, as the registry requires), so that the permission the desktop stores
//! is Guichet's own and matches the shipped `fr.guichet.app.desktop`. Portals older than 1.19.4
//! have no registry: that is logged and the request goes on.

use crate::capture::CaptureError;
use ashpd::desktop::screenshot::Screenshot;
use ashpd::desktop::ResponseError;
use image::RgbaImage;
use std::path::{Path, PathBuf};

// Guichet's application id (the protocol's): the desktop entry the `.deb` installs is named by it.
use guichet_protocol::desktop::APP_ID;

/// The whole desktop now, as the portal pictured it.
pub fn whole_desktop() -> Result<RgbaImage, CaptureError> {
    let path = ask_on_own_thread()?;
    let bytes = std::fs::read(&path);
    // Deleted before anything else can fail: a picture left behind is the one thing not allowed.
    if let Err(e) = std::fs::remove_file(&path) {
        tracing::warn!(
            "cannot delete the portal's screenshot {}: {e}",
            path.display()
        );
    }
    let bytes = bytes.map_err(|e| {
        CaptureError::Portal(format!("cannot read its file {}: {e}", path.display()))
    })?;
    let image = image::load_from_memory(&bytes)
        .map_err(|e| CaptureError::Portal(format!("cannot decode its picture: {e}")))?;
    Ok(image.into_rgba8())
}

/// Runs [`ask_portal`] on a thread of its own with a one-thread Tokio runtime, so that the
/// blocking capture API works wherever it is called from: the agent's blocking pool, the CLI, a
/// test.
fn ask_on_own_thread() -> Result<PathBuf, CaptureError> {
    let failed = |what: String| CaptureError::Portal(what);
    std::thread::Builder::new()
        .name("portal".into())
        .spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| CaptureError::Portal(format!("cannot start its runtime: {e}")))?
                .block_on(ask_portal())
        })
        .map_err(|e| failed(format!("cannot start its thread: {e}")))?
        .join()
        .unwrap_or_else(|_| Err(failed("its thread panicked".into())))
}

/// Asks the portal for a picture of the whole desktop, and returns the file it wrote.
async fn ask_portal() -> Result<PathBuf, CaptureError> {
    let connection = ashpd::zbus::Connection::session()
        .await
        .map_err(|e| CaptureError::Portal(format!("no session bus: {e}")))?;
    register(&connection).await;
    let request = Screenshot::request()
        .interactive(false)
        .modal(false)
        .connection(Some(connection))
        .send()
        .await
        .map_err(refusal_or_failure)?;
    let answer = request.response().map_err(refusal_or_failure)?;
    file_path(answer.uri().as_str())
}

/// Registers [`APP_ID`] for this D-Bus connection, before any other portal call on it (the
/// capture's, and the agent's GlobalShortcuts session); a portal without the registry is no
/// error.
pub async fn register(connection: &ashpd::zbus::Connection) {
    let Ok(app_id) = ashpd::AppID::try_from(APP_ID) else {
        return;
    };
    match ashpd::register_host_app_with_connection(connection.clone(), app_id).await {
        Ok(()) => tracing::debug!("registered {APP_ID} with the portal's host registry"),
        Err(e) => tracing::debug!("the portal has no host registry ({e}); asking unregistered"),
    }
}

/// The user (or a stored answer) said no: [`CaptureError::PortalRefused`]; anything else is the
/// portal failing, in its words.
fn refusal_or_failure(error: ashpd::Error) -> CaptureError {
    match error {
        ashpd::Error::Response(ResponseError::Cancelled | ResponseError::Other) => {
            CaptureError::PortalRefused
        }
        ashpd::Error::Portal(ashpd::PortalError::NotAllowed(_)) => CaptureError::PortalRefused,
        other => CaptureError::Portal(other.to_string()),
    }
}

/// The local file a portal's `file://` URI names, percent-decoded.
fn file_path(uri: &str) -> Result<PathBuf, CaptureError> {
    url::Url::parse(uri)
        .ok()
        .filter(|u| u.scheme() == "file")
        .and_then(|u| u.to_file_path().ok())
        .filter(|p: &PathBuf| p.is_absolute() && p != Path::new("/"))
        .ok_or_else(|| CaptureError::Portal(format!("it answered with no local file: {uri}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_says_how_to_allow_it_and_a_failure_says_what_failed() {
        use crate::i18n::Lang;
        for refused in [
            ashpd::Error::Response(ResponseError::Cancelled),
            ashpd::Error::Response(ResponseError::Other),
        ] {
            let error = refusal_or_failure(refused);
            assert!(matches!(error, CaptureError::PortalRefused), "{error:?}");
            assert!(error.message(Lang::Fr).contains("Tester la capture"));
            assert!(error.message(Lang::En).contains("Test the capture"));
        }
        let failed = refusal_or_failure(ashpd::Error::NoResponse);
        assert!(matches!(failed, CaptureError::Portal(_)), "{failed:?}");
    }

    #[test]
    fn the_portals_uri_names_a_local_file() {
        assert_eq!(
            file_path("file:///tmp/out.png").unwrap(),
            PathBuf::from("/tmp/out.png")
        );
        assert_eq!(
            file_path("file:///home/anne/Images/Capture%20d%E2%80%99%C3%A9cran.png").unwrap(),
            PathBuf::from("/home/anne/Images/Capture d’écran.png")
        );
        for bad in ["https://example.org/a.png", "not a uri", "file:///"] {
            assert!(
                matches!(file_path(bad), Err(CaptureError::Portal(_))),
                "{bad}"
            );
        }
    }
}
