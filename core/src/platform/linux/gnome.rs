//! GNOME's custom keyboard shortcuts, for GNOME sessions without the GlobalShortcuts portal
//! (before GNOME 48): Guichet installs, when the user asks in Settings, one custom shortcut whose
//! command is `guichet --report` (which hands over to the running agent). It is written with
//! `gsettings`, as GNOME's own Settings writes it: the shortcut's path added to
//! `org.gnome.settings-daemon.plugins.media-keys custom-keybindings`, and its `name`, `command`
//! and `binding` in the relocatable `…media-keys.custom-keybinding` schema at that path.

use crate::shortcut::Shortcut;
use std::process::Command;

const MEDIA_KEYS: &str = "org.gnome.settings-daemon.plugins.media-keys";
const CUSTOM: &str = "org.gnome.settings-daemon.plugins.media-keys.custom-keybinding";
/// Guichet's own custom shortcut (GNOME's Settings names theirs `custom0`, `custom1`…).
pub const PATH: &str = "/org/gnome/settings-daemon/plugins/media-keys/custom-keybindings/guichet/";

/// Why GNOME's shortcuts could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum GnomeError {
    /// `gsettings` could not be run.
    #[error("cannot run gsettings: {0}")]
    Spawn(#[from] std::io::Error),
    /// `gsettings` failed (no such schema: GNOME's settings daemon is not installed).
    #[error("gsettings {args} failed: {stderr}")]
    Failed {
        /// What it was asked.
        args: String,
        /// What it said.
        stderr: String,
    },
    /// The list of custom shortcuts is not in the shape GNOME writes.
    #[error("GNOME's list of custom shortcuts is unreadable: {0}")]
    List(String),
}

/// Whether `current_desktop` (`XDG_CURRENT_DESKTOP`, colon-separated) names GNOME.
pub fn is_gnome(current_desktop: &str) -> bool {
    current_desktop
        .split(':')
        .any(|d| d.eq_ignore_ascii_case("gnome"))
}

/// Whether Guichet's custom shortcut is in GNOME's list.
pub fn installed() -> Result<bool, GnomeError> {
    let list = gsettings(&["get", MEDIA_KEYS, "custom-keybindings"])?;
    Ok(paths(&list)?.iter().any(|p| p == PATH))
}

/// Installs (or updates) Guichet's custom shortcut: `shortcut` runs `command`.
pub fn install(shortcut: &Shortcut, name: &str, command: &str) -> Result<(), GnomeError> {
    let at = format!("{CUSTOM}:{PATH}");
    gsettings(&["set", &at, "name", &quoted(name)])?;
    gsettings(&["set", &at, "command", &quoted(command)])?;
    gsettings(&[
        "set",
        &at,
        "binding",
        &quoted(&shortcut.gnome_accelerator()),
    ])?;
    let list = gsettings(&["get", MEDIA_KEYS, "custom-keybindings"])?;
    let mut paths = paths(&list)?;
    if !paths.iter().any(|p| p == PATH) {
        paths.push(PATH.to_owned());
        gsettings(&[
            "set",
            MEDIA_KEYS,
            "custom-keybindings",
            &as_gvariant(&paths),
        ])?;
    }
    Ok(())
}

fn gsettings(args: &[&str]) -> Result<String, GnomeError> {
    let out = Command::new("gsettings").args(args).output()?;
    if !out.status.success() {
        return Err(GnomeError::Failed {
            args: args.join(" "),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The paths of a GVariant string array as `gsettings get` prints it: `@as []` or
/// `['/a/', '/b/']`. Paths never hold quotes or commas (GNOME's are `[a-z0-9/-]`).
fn paths(text: &str) -> Result<Vec<String>, GnomeError> {
    let inner = text
        .trim()
        .trim_start_matches("@as")
        .trim()
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .ok_or_else(|| GnomeError::List(text.to_owned()))?;
    inner
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.strip_prefix('\'')
                .and_then(|i| i.strip_suffix('\''))
                .map(str::to_owned)
                .ok_or_else(|| GnomeError::List(text.to_owned()))
        })
        .collect()
}

/// `text` as a GVariant string literal (`gsettings set` parses its value as GVariant text).
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn as_gvariant(paths: &[String]) -> String {
    let items: Vec<String> = paths.iter().map(|p| format!("'{p}'")).collect();
    format!("[{}]", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_read_and_written_as_gsettings_prints_it() {
        assert_eq!(paths("@as []").unwrap(), Vec::<String>::new());
        let two = "['/org/gnome/settings-daemon/plugins/media-keys/custom-keybindings/custom0/', \
                   '/org/gnome/settings-daemon/plugins/media-keys/custom-keybindings/guichet/']";
        let read = paths(two).unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(read[1], PATH);
        assert_eq!(as_gvariant(&read), two);
        assert!(matches!(paths("nonsense"), Err(GnomeError::List(_))));
        assert!(matches!(paths("[unquoted]"), Err(GnomeError::List(_))));
    }

    #[test]
    fn values_are_written_as_gvariant_strings() {
        assert_eq!(
            quoted("'/opt/guichet' --report"),
            r"'\'/opt/guichet\' --report'"
        );
        assert_eq!(quoted(r"C:\x"), r"'C:\\x'");
        assert_eq!(quoted("<Control><Alt>g"), "'<Control><Alt>g'");
    }

    #[test]
    fn gnome_is_found_among_the_current_desktops() {
        assert!(is_gnome("ubuntu:GNOME"));
        assert!(is_gnome("GNOME"));
        assert!(!is_gnome("sway"));
        assert!(!is_gnome("KDE"));
        assert!(!is_gnome(""));
    }
}
