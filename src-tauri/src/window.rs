//! Opening a window from its template in `tauri.conf.json`. Windows are identified by the core's
//! [`WindowKind`], whose [`arg`](WindowKind::arg) is both the Tauri label and the name on the
//! command line, so the agent and this process cannot disagree on it.

use guichet_protocol::view::WindowKind;
use tauri::utils::config::WindowConfig;
use tauri::{AppHandle, Manager, Monitor, Runtime, WebviewWindow, WebviewWindowBuilder};

/// The share of the work area's width and height the wizard takes: the screenshot, which is
/// also where the user masks, needs room; a margin shows that this is a window over the desktop.
const WIZARD_SHARE: f64 = 0.9;
/// Beyond this (logical pixels), the wizard's lines and preview only grow longer, not clearer.
const WIZARD_MAX: (f64, f64) = (1600.0, 1200.0);

/// A rectangle in logical pixels: where a window goes and how big it is.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Placement {
    x: f64,
    y: f64,
    width: f64,
    height: f64,
}

/// Where the wizard goes on a monitor whose work area (the screen less its panels and docks) is
/// `work`, in physical pixels at `scale`: most of it, centred in it, never under `min` (the
/// template's smallest size, kept on a tiny screen).
fn wizard_placement(work: (i32, i32, u32, u32), scale: f64, min: (f64, f64)) -> Placement {
    let scale = if scale > 0.0 { scale } else { 1.0 };
    let (x, y) = (f64::from(work.0) / scale, f64::from(work.1) / scale);
    let (w, h) = (f64::from(work.2) / scale, f64::from(work.3) / scale);
    let fit = |extent: f64, max: f64, min: f64| (extent * WIZARD_SHARE).min(max).max(min).round();
    let width = fit(w, WIZARD_MAX.0, min.0);
    let height = fit(h, WIZARD_MAX.1, min.1);
    Placement {
        x: (x + (w - width) / 2.0).max(x).round(),
        y: (y + (h - height) / 2.0).max(y).round(),
        width,
        height,
    }
}

/// The monitor the wizard should open on: the one under the pointer (where the user is looking
/// when they pressed the shortcut or clicked the tray), else the primary one.
fn wizard_monitor<R: Runtime>(app: &AppHandle<R>) -> Option<Monitor> {
    let under_pointer = app
        .cursor_position()
        .ok()
        .and_then(|p| app.monitor_from_point(p.x, p.y).ok().flatten());
    under_pointer.or_else(|| app.primary_monitor().ok().flatten())
}

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
    let monitor = (kind == WindowKind::Wizard)
        .then(|| wizard_monitor(app))
        .flatten();
    let config = match monitor {
        Some(monitor) => placed(template, &monitor),
        None => template.clone(),
    };
    let window = WebviewWindowBuilder::from_config(app, &config)?.build()?;
    if crate::wayland::is_wayland() {
        // The compositor decides the focus: the window asks to be noticed.
        if let Err(e) = window.request_user_attention(Some(tauri::UserAttentionType::Informational))
        {
            tracing::debug!("cannot ask for the user's attention: {e}");
        }
    }
    Ok(window)
}

/// `template` sized and placed by [`wizard_placement`] on `monitor`: not centred on the whole
/// screen, which would put it under a panel.
fn placed(template: &WindowConfig, monitor: &Monitor) -> WindowConfig {
    let area = monitor.work_area();
    let work = (
        area.position.x,
        area.position.y,
        area.size.width,
        area.size.height,
    );
    let min = (
        template.min_width.unwrap_or(0.0),
        template.min_height.unwrap_or(0.0),
    );
    let place = wizard_placement(work, monitor.scale_factor(), min);
    WindowConfig {
        center: false,
        x: Some(place.x),
        y: Some(place.y),
        width: place.width,
        height: place.height,
        ..template.clone()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_wizard_takes_most_of_the_work_area_centred_in_it() {
        // The template's smallest size (tauri.conf.json).
        const MIN: (f64, f64) = (320.0, 480.0);
        // A school laptop's 1366×768 with a 32 px panel at the top.
        let place = wizard_placement((0, 32, 1366, 736), 1.0, MIN);
        assert_eq!((place.width, place.height), (1229.0, 662.0));
        assert_eq!((place.x, place.y), (69.0, 69.0));
        // A 4K screen at 200 %: logical pixels, and no wider than useful.
        let place = wizard_placement((0, 0, 3840, 2160), 2.0, MIN);
        assert_eq!((place.width, place.height), (1600.0, 972.0));
        assert_eq!(place.x, 160.0);
        // A second monitor to the right keeps its offset.
        let place = wizard_placement((1920, 0, 1920, 1080), 1.0, MIN);
        assert_eq!(place.x, 1920.0 + 160.0);
        // A tiny screen: the template's minimum, from the work area's corner.
        let place = wizard_placement((0, 0, 300, 400), 1.0, MIN);
        assert_eq!(
            (place.x, place.y, place.width, place.height),
            (0.0, 0.0, 320.0, 480.0)
        );
    }

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
