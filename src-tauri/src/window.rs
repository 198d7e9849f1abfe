//! Window identities, and opening a window from its template in `tauri.conf.json`.

use guichet_core::ipc::WindowKind;
use tauri::{AppHandle, Manager, Runtime, WebviewWindow, WebviewWindowBuilder};

/// Every window this process can show. Labels in `tauri.conf.json` and in the capability files
/// must match [`WindowLabel::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WindowLabel {
    /// The "report a problem" wizard.
    Wizard,
}

impl WindowLabel {
    /// All labels, for checks that must cover every window.
    pub const ALL: [Self; 1] = [Self::Wizard];

    /// The label Tauri knows the window by.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Wizard => "wizard",
        }
    }

    /// The same window in the agent's protocol.
    pub const fn kind(self) -> WindowKind {
        match self {
            Self::Wizard => WindowKind::Wizard,
        }
    }

    /// The window with this Tauri label, if it is one of ours.
    pub fn from_label(label: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|window| window.as_str() == label)
    }
}

/// Shows the window `label`: focuses it when already open, otherwise builds it from its
/// `app > windows` template (declared with `"create": false` so that only this code opens it).
pub(crate) fn open<R: Runtime>(
    app: &AppHandle<R>,
    label: WindowLabel,
) -> tauri::Result<WebviewWindow<R>> {
    if let Some(window) = app.get_webview_window(label.as_str()) {
        window.set_focus()?;
        return Ok(window);
    }
    let template = app
        .config()
        .app
        .windows
        .iter()
        .find(|config| config.label == label.as_str())
        .ok_or(tauri::Error::WindowNotFound)?;
    WebviewWindowBuilder::from_config(app, template)?.build()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::WindowLabel;

    #[test]
    fn labels_round_trip() {
        for window in WindowLabel::ALL {
            assert_eq!(WindowLabel::from_label(window.as_str()), Some(window));
        }
        assert_eq!(WindowLabel::from_label("main"), None);
    }

    #[test]
    fn every_label_has_a_template_that_start_up_does_not_create() {
        let config: serde_json::Value =
            serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
        let templates = config["app"]["windows"].as_array().unwrap();
        for window in WindowLabel::ALL {
            let template = templates
                .iter()
                .find(|t| t["label"] == window.as_str())
                .unwrap_or_else(|| panic!("no template for window `{}`", window.as_str()));
            assert_eq!(
                template["create"],
                false,
                "`{}` is opened by code",
                window.as_str()
            );
        }
    }
}
