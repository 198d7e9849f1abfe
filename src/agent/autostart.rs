//! Starting the agent when the user logs in, as IT's `[agent] autostart` says. The agent makes
//! the user's login items match the setting each time it starts; with the key unset it leaves
//! them alone (the user's or an installer's choice). Through the `auto-launch` crate (what
//! tauri-plugin-autostart wraps; the agent links no Tauri): an XDG autostart entry
//! (`~/.config/autostart/Guichet.desktop`) on Linux, the user's `Run` registry key on Windows, a
//! LaunchAgent on macOS. The entry names the running `guichet` by its absolute path.

use auto_launch::{AutoLaunch, AutoLaunchBuilder};
use std::path::PathBuf;

/// The login item's name (the `.desktop` file's, the registry value's, the LaunchAgent's).
pub const ENTRY_NAME: &str = "Guichet";

#[derive(Debug, thiserror::Error)]
pub enum AutostartError {
    #[error("cannot tell where the running guichet is: {0}")]
    Executable(std::io::Error),
    #[error("the path of the running guichet is not absolute: {0:?}")]
    NotAbsolute(PathBuf),
    #[error("the path of the running guichet is not valid Unicode: {0:?}")]
    NotUnicode(PathBuf),
    #[error("cannot change the login items: {0}")]
    Registration(#[from] auto_launch::Error),
}

/// What [`apply`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The key is unset: nothing touched.
    LeftAlone,
    /// The agent starts at login (the entry is written again, so a moved `guichet` is followed).
    Registered,
    /// The agent no longer starts at login (`existed`: there was an entry to remove).
    Removed { existed: bool },
}

/// Makes the login items match `wanted` (`[agent] autostart`).
pub fn apply(wanted: Option<bool>) -> Result<Change, AutostartError> {
    let Some(wanted) = wanted else {
        return Ok(Change::LeftAlone);
    };
    let entry = entry()?;
    if wanted {
        entry.enable()?;
        Ok(Change::Registered)
    } else {
        let existed = entry.is_enabled()?;
        if existed {
            entry.disable()?;
        }
        Ok(Change::Removed { existed })
    }
}

/// The login item for the running executable.
fn entry() -> Result<AutoLaunch, AutostartError> {
    let exe = std::env::current_exe().map_err(AutostartError::Executable)?;
    // Without symbolic links on Unix. Windows already gives an absolute path, and its
    // canonical form (`\\?\C:\…`) is not one to put in the `Run` key.
    let exe = if cfg!(windows) {
        exe
    } else {
        exe.canonicalize().map_err(AutostartError::Executable)?
    };
    if !exe.is_absolute() {
        return Err(AutostartError::NotAbsolute(exe));
    }
    let path = exe
        .to_str()
        .ok_or_else(|| AutostartError::NotUnicode(exe.clone()))?;
    let mut builder = AutoLaunchBuilder::new();
    builder
        .set_app_name(ENTRY_NAME)
        .set_app_path(&command_path(path))
        // A login item never opens the wizard, even when another one started the agent first.
        .set_args(&["--background"])
        .set_windows_enable_mode(auto_launch::WindowsEnableMode::CurrentUser)
        .set_macos_launch_mode(auto_launch::MacOSLaunchMode::LaunchAgent)
        .set_linux_launch_mode(auto_launch::LinuxLaunchMode::XdgAutostart);
    Ok(builder.build()?)
}

/// The path as the entry's command line needs it: quoted when it holds spaces on Linux (a
/// desktop entry's `Exec`) and Windows (`C:\Program Files\…` in the `Run` key). macOS passes it
/// as one argument, unquoted.
fn command_path(path: &str) -> String {
    if cfg!(not(target_os = "macos")) && path.contains(char::is_whitespace) {
        format!("\"{path}\"")
    } else {
        path.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_with_spaces_is_quoted_on_the_command_line() {
        assert_eq!(command_path("/usr/bin/guichet"), "/usr/bin/guichet");
        let spaced = command_path(r"C:\Program Files\Guichet\guichet.exe");
        if cfg!(target_os = "macos") {
            assert_eq!(spaced, r"C:\Program Files\Guichet\guichet.exe");
        } else {
            assert_eq!(spaced, r#""C:\Program Files\Guichet\guichet.exe""#);
        }
    }

    #[test]
    fn an_unset_key_touches_nothing() {
        assert!(matches!(apply(None), Ok(Change::LeftAlone)));
    }
}
