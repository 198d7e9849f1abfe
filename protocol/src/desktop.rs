//! How Guichet reaches this desktop session, as Settings and the doctor show it: the session
//! kind, how the screen is captured, and how the global shortcut is heard. The agent decides
//! each at run time (the core's `display::Session`, `capture::back_end`, the agent's
//! `platform::watch_shortcut`); these types only carry its answer.

use serde::{Deserialize, Serialize};

/// Guichet's application id: the Tauri identifier, the name of the desktop entry the `.deb`
/// installs (`fr.guichet.app.desktop`), the id registered with the portals' host registry, and
/// the windows' Wayland app id (X11 class), so that desktops tie all four together.
pub const APP_ID: &str = "fr.guichet.app";

/// How the screen is captured in this session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum CaptureMethod {
    /// The X server's own pictures (MIT-SHM, else `xcap`).
    X11,
    /// The desktop's Screenshot portal (Wayland: GNOME, KDE Plasma, sway…).
    Portal,
    /// Windows' screen capture, per-monitor DPI aware.
    Windows,
    /// macOS' screen capture, with the Screen Recording permission.
    MacOs,
    /// No display session: reports go without a screenshot.
    Unavailable,
}

/// How the global shortcut is heard in this session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum ShortcutMechanism {
    /// Guichet holds the key itself (X11's key grab, Windows' hot key, macOS' hot key).
    KeyGrab,
    /// The desktop's GlobalShortcuts portal (KDE Plasma ≥ 5.27, GNOME ≥ 48).
    Portal,
    /// A GNOME custom keyboard shortcut running `guichet --report` is installed.
    GnomeKeybinding,
    /// GNOME without the portal: a custom keyboard shortcut can be installed from Settings.
    GnomeKeybindingOffered,
    /// Another Wayland desktop (sway…): its own configuration binds a key to
    /// `guichet --report` (the documentation gives the line).
    Compositor,
    /// No shortcut (no display, or the key is taken): the tray and the menu entry remain.
    Unavailable,
}

/// This session, for Settings and the doctor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct DesktopView {
    /// The session's kind ("X11", "Wayland", "Windows", "macOS"), `None` with no display.
    pub session: Option<String>,
    /// How the screen is captured.
    pub capture: CaptureMethod,
    /// How the shortcut is heard.
    pub shortcut: ShortcutMechanism,
    /// With [`ShortcutMechanism::Compositor`], the line to add to the compositor's configuration
    /// (sway's syntax: `bindsym Ctrl+Alt+g exec guichet --report`).
    #[serde(default)]
    pub binding: Option<String>,
}

/// What "Test the capture" found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct CaptureTest {
    /// How many screens were captured.
    pub screens: u32,
    /// Why nothing (or not every screen) could be captured, in the user's language.
    pub problem: Option<String>,
}
