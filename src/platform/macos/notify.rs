//! Desktop notifications on macOS: NSUserNotificationCenter, through mac-notification-sys (Apple
//! deprecated it, but unlike UNUserNotificationCenter it works for a program outside an
//! application bundle). Sending blocks until the user answers, so it runs on a blocking task; the
//! answer arrives through the main thread's run loop, which the application's event loop runs
//! (`super::app`).
//!
//! macOS files a notification under the sender's bundle identifier, its name and icon included,
//! and a bare binary has none. mac-notification-sys substitutes one, which must name an
//! application that Launch Services knows: the agent's own bundle when it runs inside one, else
//! the installed Guichet application (`fr.guichet.app`, src-tauri/tauri.conf.json), else Terminal.
//! So an unbundled `guichet` shows its notifications as Guichet's where Guichet.app is installed,
//! and as Terminal's elsewhere (a developer's machine). Either way the click comes back to this
//! process, whose delegate (mac-notification-sys's) is waiting for it.

use crate::platform::{Notification, PlatformError};
use mac_notification_sys::{MainButton, NotificationResponse};
use objc2_app_kit::NSWorkspace;
use objc2_foundation::{NSBundle, NSString};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

/// The Guichet application's bundle identifier (`identifier` in src-tauri/tauri.conf.json).
const GUICHET_APP: &str = "fr.guichet.app";

/// Always installed; also what macOS shows when no identifier could be set at all.
const FALLBACK_APP: &str = "com.apple.Terminal";

/// Whether Launch Services knows an application with this bundle identifier.
fn installed(bundle_id: &str) -> bool {
    NSWorkspace::sharedWorkspace()
        .URLForApplicationWithBundleIdentifier(&NSString::from_str(bundle_id))
        .is_some()
}

/// Chooses the identity notifications are shown under, once, before the first one. It must run
/// before mac-notification-sys replaces the main bundle's identifier, which it does for good.
fn set_application() {
    static SET: Once = Once::new();
    SET.call_once(|| {
        let own = NSBundle::mainBundle()
            .bundleIdentifier()
            .map(|id| id.to_string());
        let bundle_id = own
            .into_iter()
            .chain([GUICHET_APP.to_owned()])
            .find(|id| installed(id))
            .unwrap_or_else(|| FALLBACK_APP.to_owned());
        match mac_notification_sys::set_application(&bundle_id) {
            Ok(()) => tracing::info!("notifications are shown as {bundle_id}'s"),
            Err(e) => tracing::warn!("notifications cannot be shown as {bundle_id}'s: {e}"),
        }
    });
}

/// How many notifications may wait for their answer at once, each holding a blocking thread until
/// the user clicks or clears it. Beyond that a notification is still shown, but its click is not
/// heard (the tray's unread count still says there is news).
const MAX_WAITING: usize = 8;

static WAITING: AtomicUsize = AtomicUsize::new(0);

/// One of the [`MAX_WAITING`] places, given back when dropped.
struct Waiting;

impl Waiting {
    fn take() -> Option<Waiting> {
        WAITING
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < MAX_WAITING).then_some(n + 1)
            })
            .ok()
            .map(|_| Waiting)
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        WAITING.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Shows `notification`; `on_activate` runs if the user clicks it or its button (not when it is
/// closed or cleared). macOS reports no failure to show one: errors are only logged.
pub async fn notify(
    notification: &Notification,
    on_activate: impl FnOnce() + Send + 'static,
) -> Result<(), PlatformError> {
    let Notification {
        title,
        body,
        action,
    } = notification.clone();
    let waiting = Waiting::take();
    tokio::task::spawn_blocking(move || {
        set_application();
        let mut options = mac_notification_sys::Notification::new();
        options
            .title(&title)
            .message(&body)
            .main_button(MainButton::SingleAction(&action));
        if waiting.is_some() {
            options.wait_for_click(true);
        } else {
            tracing::info!(
                "{MAX_WAITING} notifications wait for an answer: not waiting for this one"
            );
            options.asynchronous(true);
        }
        match options.send() {
            Ok(NotificationResponse::Click | NotificationResponse::ActionButton(_)) => {
                on_activate();
            }
            // Closed, cleared or gone by itself.
            Ok(_) => {}
            Err(e) => tracing::warn!("desktop notification: {e}"),
        }
        drop(waiting);
    });
    Ok(())
}
