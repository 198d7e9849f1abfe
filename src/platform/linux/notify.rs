//! Desktop notifications through the freedesktop notification service (D-Bus), with notify-rust
//! on the tokio zbus the tray uses too. The action is waited for on a task of its own.

use crate::platform::{Notification, PlatformError};

/// Notification bodies interpret a little markup: the user's text must not.
fn escape_markup(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Shows `notification`; `on_activate` runs if the user clicks it or its action (not when it is
/// merely closed or expires).
pub async fn notify(
    notification: &Notification,
    on_activate: impl FnOnce() + Send + 'static,
) -> Result<(), PlatformError> {
    let handle = notify_rust::Notification::new()
        .appname("Guichet")
        .summary(&notification.title)
        .body(&escape_markup(&notification.body))
        .icon("help-browser")
        .action("default", &notification.action)
        .show_async()
        .await
        .map_err(|e| PlatformError::Notification(e.to_string()))?;
    tokio::spawn(async move {
        handle
            .wait_for_action_async(|response| {
                if !matches!(response, notify_rust::NotificationResponse::Closed(_)) {
                    on_activate();
                }
            })
            .await;
    });
    Ok(())
}
