//! Opening a window from its template in `tauri.conf.json`. Windows are identified by the core's
//! [`WindowKind`], whose [`arg`](WindowKind::arg) is both the Tauri label and the name on the
//! command line, so the agent and this process cannot disagree on it.

use guichet_protocol::view::WindowKind;
use tauri::{AppHandle, Manager, Runtime, WebviewWindow, WebviewWindowBuilder};

/// The window with this Tauri label, if it is one of ours.
pub fn from_label(label: &str) -> Option<WindowKind> {
    WindowKind::from_arg(label)
}

/// Shows the window `kind`: focuses it when already open, otherwise builds it from its
/// `app > windows` template (declared with `"create": false` so that only this code opens it).
pub(crate) fn open<R: Runtime>(
    app: &AppHandle<R>,
    kind: WindowKind,
) -> tauri::Result<WebviewWindow<R>> {
    let label = kind.arg();
    if let Some(window) = app.get_webview_window(label) {
        window.set_focus()?;
        return Ok(window);
    }
    let template = app
        .config()
        .app
        .windows
        .iter()
        .find(|config| config.label == label)
        .ok_or(tauri::Error::WindowNotFound)?;
    WebviewWindowBuilder::from_config(app, template)?.build()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip() {
        for window in WindowKind::ALL {
            assert_eq!(from_label(window.arg()), Some(window));
        }
        assert_eq!(from_label("main"), None);
    }

    #[test]
    fn every_window_has_a_template_that_start_up_does_not_create_and_a_capability() {
        let config: serde_json::Value =
            serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
        let templates = config["app"]["windows"].as_array().unwrap();
        let capabilities: Vec<serde_json::Value> = [
            include_str!("../capabilities/wizard.json"),
            include_str!("../capabilities/my-tickets.json"),
            include_str!("../capabilities/settings.json"),
        ]
        .iter()
        .map(|c| serde_json::from_str(c).unwrap())
        .collect();
        for window in WindowKind::ALL {
            let label = window.arg();
            let template = templates
                .iter()
                .find(|t| t["label"] == label)
                .unwrap_or_else(|| panic!("no template for window `{label}`"));
            assert_eq!(template["create"], false, "`{label}` is opened by code");
            let granted = capabilities
                .iter()
                .filter(|c| c["windows"].as_array().unwrap().iter().any(|w| w == label))
                .count();
            assert_eq!(granted, 1, "`{label}` has exactly one capability file");
        }
        for capability in &capabilities {
            for permission in capability["permissions"].as_array().unwrap() {
                let p = permission.as_str().unwrap_or_default();
                assert!(
                    !p.starts_with("fs:") && !p.starts_with("shell:") && !p.starts_with("http:"),
                    "no file system, shell or network permission: {p}"
                );
            }
        }
    }
}
