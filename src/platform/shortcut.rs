//! The global shortcut's syntax ("Ctrl+Alt+G" by default, `[agent] shortcut` in the
//! configuration), the same on every platform; each platform grabs it in its own way
//! ([`crate::platform::watch_shortcut`]).

use std::fmt;

/// A parsed shortcut: modifiers and one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortcut {
    pub control: bool,
    pub alt: bool,
    pub shift: bool,
    pub super_key: bool,
    /// The X keysym of the key (a letter, a digit or F1–F12).
    pub keysym: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid shortcut {0:?}: use modifiers (Ctrl, Alt, Shift, Super) and one letter, digit or F1–F12, e.g. \"Ctrl+Alt+G\"")]
pub struct ShortcutError(String);

impl std::str::FromStr for Shortcut {
    type Err = ShortcutError;

    fn from_str(text: &str) -> Result<Shortcut, ShortcutError> {
        let err = || ShortcutError(text.to_owned());
        let mut s = Shortcut {
            control: false,
            alt: false,
            shift: false,
            super_key: false,
            keysym: 0,
        };
        let parts: Vec<&str> = text.split('+').map(str::trim).collect();
        let (key, modifiers) = parts.split_last().ok_or_else(err)?;
        for m in modifiers {
            match m.to_ascii_lowercase().as_str() {
                "ctrl" | "control" => s.control = true,
                "alt" => s.alt = true,
                "shift" => s.shift = true,
                "super" | "win" | "meta" => s.super_key = true,
                _ => return Err(err()),
            }
        }
        let key = key.to_ascii_lowercase();
        s.keysym = match key.as_bytes() {
            [c @ (b'a'..=b'z' | b'0'..=b'9')] => u32::from(*c),
            [b'f', digits @ ..] if !digits.is_empty() => match key[1..].parse::<u32>() {
                Ok(n @ 1..=12) => 0xffbe + n - 1,
                _ => return Err(err()),
            },
            _ => return Err(err()),
        };
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
        match self.keysym {
            k @ 0xffbe..=0xffc9 => write!(f, "F{}", k - 0xffbe + 1),
            k => write!(
                f,
                "{}",
                char::from_u32(k).unwrap_or('?').to_ascii_uppercase()
            ),
        }
    }
}

pub const DEFAULT: &str = guichet_core::api::DEFAULT_SHORTCUT;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_parse_and_print() {
        let s: Shortcut = "Ctrl+Alt+G".parse().expect("default parses");
        assert!(s.control && s.alt && !s.shift);
        assert_eq!(s.keysym, u32::from(b'g'));
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
}
