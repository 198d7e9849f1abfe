//! The global shortcut ("Ctrl+Alt+G" by default, `[agent] shortcut` in the configuration). On X11
//! it is a passive key grab on the root window, watched by a thread blocked on the X connection:
//! an idle agent never wakes for it.

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

pub const DEFAULT: &str = guichet_core::service::DEFAULT_SHORTCUT;

/// Grabs `shortcut` and calls `on_press` on each press, from a dedicated thread. Returns an error
/// when there is no X display or the key is taken; the agent then runs without a shortcut.
#[cfg(target_os = "linux")]
pub fn watch(shortcut: Shortcut, on_press: impl Fn() + Send + 'static) -> Result<(), String> {
    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::{ConnectionExt, GrabMode, ModMask};
    use x11rb::protocol::Event;

    let (conn, screen) = x11rb::connect(None).map_err(|e| format!("no X display: {e}"))?;
    let root = conn.setup().roots.get(screen).ok_or("no X screen")?.root;
    let (min, max) = (conn.setup().min_keycode, conn.setup().max_keycode);
    let mapping = conn
        .get_keyboard_mapping(min, max - min + 1)
        .map_err(|e| e.to_string())?
        .reply()
        .map_err(|e| e.to_string())?;
    let per = usize::from(mapping.keysyms_per_keycode).max(1);
    let keycode = mapping
        .keysyms
        .chunks(per)
        .position(|syms| syms.contains(&shortcut.keysym))
        .map(|i| min + u8::try_from(i).unwrap_or(0))
        .ok_or_else(|| format!("no key produces {shortcut}"))?;
    let mut mods = ModMask::from(0u16);
    for (on, m) in [
        (shortcut.control, ModMask::CONTROL),
        (shortcut.alt, ModMask::M1),
        (shortcut.shift, ModMask::SHIFT),
        (shortcut.super_key, ModMask::M4),
    ] {
        if on {
            mods |= m;
        }
    }
    // The grab must also hold with Caps Lock (LOCK) and Num Lock (M2) on.
    for extra in [
        0u16,
        u16::from(ModMask::LOCK),
        u16::from(ModMask::M2),
        u16::from(ModMask::LOCK | ModMask::M2),
    ] {
        conn.grab_key(
            true,
            root,
            mods | ModMask::from(extra),
            keycode,
            GrabMode::ASYNC,
            GrabMode::ASYNC,
        )
        .map_err(|e| e.to_string())?
        .check()
        .map_err(|e| format!("{shortcut} is already taken: {e:?}"))?;
    }
    conn.flush().map_err(|e| e.to_string())?;
    std::thread::Builder::new()
        .name("guichet-shortcut".into())
        .spawn(move || loop {
            match conn.wait_for_event() {
                Ok(Event::KeyPress(_)) => on_press(),
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!("global shortcut stopped: {e}");
                    return;
                }
            }
        })
        .map_err(|e| e.to_string())?;
    Ok(())
}

#[cfg(not(target_os = "linux"))]
pub fn watch(_shortcut: Shortcut, _on_press: impl Fn() + Send + 'static) -> Result<(), String> {
    Err("the global shortcut is not implemented on this platform yet".into())
}

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
