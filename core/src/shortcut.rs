//! The global shortcut's syntax ("Ctrl+Alt+G" by default, `[agent] shortcut` in the
//! configuration), the same on every platform: which modifiers and which [`Key`]. Each display
//! back end names that key in its own terms (X11's keysym in the agent's X11 grab, Windows'
//! virtual-key code and macOS's W3C key code below) and grabs it in its own way (the agent's
//! `platform::watch_shortcut`). The core checks the configuration's and the Settings window's
//! shortcuts with it.

use std::fmt;

/// A parsed shortcut: modifiers and one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortcut {
    /// Ctrl is held (`Ctrl` or `Control`).
    pub control: bool,
    /// Alt is held.
    pub alt: bool,
    /// Shift is held.
    pub shift: bool,
    /// The Super key is held (`Super`, `Win` or `Meta`: the Windows key, Command on macOS).
    pub super_key: bool,
    /// The key pressed with the modifiers.
    pub key: Key,
}

/// A key a shortcut may use: what is printed on it, independent of any display system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// `A`–`Z`, always upper case (the key, not the character it types).
    Letter(char),
    /// `0`–`9` on the main row.
    Digit(u8),
    /// A function key, `F1`–`F12`.
    Function(u8),
}

impl Key {
    /// Reads a key's name as written in a shortcut (`g`, `G`, `7`, `f12`), or `None`.
    fn parse(name: &str) -> Option<Key> {
        let lower = name.to_ascii_lowercase();
        match lower.as_bytes() {
            [c @ b'a'..=b'z'] => Some(Key::Letter(char::from(c.to_ascii_uppercase()))),
            [c @ b'0'..=b'9'] => Some(Key::Digit(c - b'0')),
            [b'f', digits @ ..] if !digits.is_empty() => match lower[1..].parse::<u8>() {
                Ok(n @ 1..=12) => Some(Key::Function(n)),
                _ => None,
            },
            _ => None,
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Letter(c) => write!(f, "{c}"),
            Key::Digit(d) => write!(f, "{d}"),
            Key::Function(n) => write!(f, "F{n}"),
        }
    }
}

/// Text that is not a shortcut: no modifier, an unknown one, or a key other than a letter, a
/// digit or F1–F12.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid shortcut {0:?}: use modifiers (Ctrl, Alt, Shift, Super) and one letter, digit or F1–F12, e.g. \"Ctrl+Alt+G\"")]
pub struct ShortcutError(String);

impl ShortcutError {
    /// The text that is not a shortcut.
    pub fn text(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for Shortcut {
    type Err = ShortcutError;

    fn from_str(text: &str) -> Result<Shortcut, ShortcutError> {
        let err = || ShortcutError(text.to_owned());
        let parts: Vec<&str> = text.split('+').map(str::trim).collect();
        let (key, modifiers) = parts.split_last().ok_or_else(err)?;
        let mut s = Shortcut {
            control: false,
            alt: false,
            shift: false,
            super_key: false,
            key: Key::parse(key).ok_or_else(err)?,
        };
        for m in modifiers {
            match m.to_ascii_lowercase().as_str() {
                "ctrl" | "control" => s.control = true,
                "alt" => s.alt = true,
                "shift" => s.shift = true,
                "super" | "win" | "meta" => s.super_key = true,
                _ => return Err(err()),
            }
        }
        if modifiers.is_empty() {
            // A bare key would swallow that key everywhere.
            return Err(err());
        }
        Ok(s)
    }
}

impl fmt::Display for Shortcut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (on, name) in [
            (self.control, "Ctrl+"),
            (self.alt, "Alt+"),
            (self.shift, "Shift+"),
            (self.super_key, "Super+"),
        ] {
            if on {
                f.write_str(name)?;
            }
        }
        write!(f, "{}", self.key)
    }
}

/// The shortcut when nobody chose one.
pub const DEFAULT: &str = "Ctrl+Alt+G";

/// Windows' names for the same shortcut (`RegisterHotKey`): the modifier flags and the
/// virtual-key code. Pure, so that it is tested on every platform.
impl Shortcut {
    /// `MOD_ALT` 1, `MOD_CONTROL` 2, `MOD_SHIFT` 4, `MOD_WIN` 8, and `MOD_NOREPEAT` (0x4000), so
    /// that holding the keys down does not open a wizard per key repeat.
    pub fn windows_modifiers(&self) -> u32 {
        [
            (self.alt, 0x1),
            (self.control, 0x2),
            (self.shift, 0x4),
            (self.super_key, 0x8),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .fold(0x4000, |mods, (_, flag)| mods | flag)
    }

    /// The virtual-key code: `A`–`Z` are 0x41–0x5A, `0`–`9` 0x30–0x39, F1–F12 0x70–0x7B.
    pub fn windows_virtual_key(&self) -> u32 {
        match self.key {
            Key::Letter(c) => u32::from(c),
            Key::Digit(d) => 0x30 + u32::from(d),
            Key::Function(n) => 0x70 + u32::from(n) - 1,
        }
    }
}

impl Shortcut {
    /// The key's name in the W3C UI Events list of key codes ("KeyG", "Digit7", "F12"), which
    /// `global-hotkey` takes on macOS. Pure, so that it is tested on every platform.
    pub fn key_code(&self) -> String {
        match self.key {
            Key::Letter(c) => format!("Key{c}"),
            Key::Digit(d) => format!("Digit{d}"),
            Key::Function(n) => format!("F{n}"),
        }
    }
}

/// The Wayland desktops' names for the same shortcut. Pure, so that they are tested everywhere.
impl Shortcut {
    /// The key as an XKB keysym name: a letter in lower case (the unshifted key), a digit, `F12`.
    fn keysym(&self) -> String {
        match self.key {
            Key::Letter(c) => c.to_ascii_lowercase().to_string(),
            other => other.to_string(),
        }
    }

    /// The trigger the GlobalShortcuts portal takes as a preference, in the XDG shortcuts
    /// specification's syntax: `CTRL+ALT+g`.
    pub fn xdg_trigger(&self) -> String {
        self.modifiers(["CTRL+", "ALT+", "SHIFT+", "LOGO+"]) + &self.keysym()
    }

    /// GNOME's accelerator syntax (a custom keyboard shortcut's `binding`): `<Control><Alt>g`.
    pub fn gnome_accelerator(&self) -> String {
        self.modifiers(["<Control>", "<Alt>", "<Shift>", "<Super>"]) + &self.keysym()
    }

    /// The sway configuration's syntax (`bindsym`): `Ctrl+Alt+g`.
    pub fn sway_keys(&self) -> String {
        self.modifiers(["Ctrl+", "Alt+", "Shift+", "Mod4+"]) + &self.keysym()
    }

    /// The modifiers held, each by its name in `names` (Ctrl, Alt, Shift, Super), in that order.
    fn modifiers(&self, names: [&str; 4]) -> String {
        [self.control, self.alt, self.shift, self.super_key]
            .iter()
            .zip(names)
            .filter(|(on, _)| **on)
            .map(|(_, name)| name)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_parse_and_print() {
        let s: Shortcut = "Ctrl+Alt+G".parse().expect("default parses");
        assert!(s.control && s.alt && !s.shift);
        assert_eq!(s.key, Key::Letter('G'));
        assert_eq!(s.to_string(), "Ctrl+Alt+G");
        assert_eq!(
            "super+shift+f12"
                .parse::<Shortcut>()
                .expect("F-key")
                .to_string(),
            "Shift+Super+F12"
        );
        for bad in ["G", "Ctrl+", "Ctrl+Hyper+G", "Ctrl+F13", "Ctrl+Alt+GG", ""] {
            assert!(bad.parse::<Shortcut>().is_err(), "{bad}");
        }
    }

    #[test]
    fn windows_gets_the_same_keys() {
        let s: Shortcut = "Ctrl+Alt+G".parse().expect("default parses");
        assert_eq!(s.windows_modifiers(), 0x4000 | 0x2 | 0x1);
        assert_eq!(s.windows_virtual_key(), 0x47);
        let f: Shortcut = "Shift+Win+F12".parse().expect("F-key");
        assert_eq!(f.windows_modifiers(), 0x4000 | 0x4 | 0x8);
        assert_eq!(f.windows_virtual_key(), 0x7B);
        let d: Shortcut = "Ctrl+7".parse().expect("digit");
        assert_eq!(d.windows_virtual_key(), 0x37);
        let one: Shortcut = "Alt+F1".parse().expect("F1");
        assert_eq!(one.windows_virtual_key(), 0x70);
    }

    #[test]
    fn macos_gets_the_same_keys() {
        for (text, code) in [
            ("Ctrl+Alt+G", "KeyG"),
            ("Ctrl+a", "KeyA"),
            ("Ctrl+z", "KeyZ"),
            ("Ctrl+0", "Digit0"),
            ("Ctrl+7", "Digit7"),
            ("Alt+F1", "F1"),
            ("Shift+Win+F12", "F12"),
        ] {
            let s: Shortcut = text.parse().expect("valid shortcut");
            assert_eq!(s.key_code(), code, "{text}");
        }
    }

    #[test]
    fn wayland_desktops_get_the_shortcut_in_their_own_words() {
        let s: Shortcut = "Ctrl+Alt+G".parse().unwrap();
        assert_eq!(s.xdg_trigger(), "CTRL+ALT+g");
        assert_eq!(s.gnome_accelerator(), "<Control><Alt>g");
        assert_eq!(s.sway_keys(), "Ctrl+Alt+g");
        let s: Shortcut = "Super+Shift+F12".parse().unwrap();
        assert_eq!(s.xdg_trigger(), "SHIFT+LOGO+F12");
        assert_eq!(s.gnome_accelerator(), "<Shift><Super>F12");
    }
}
