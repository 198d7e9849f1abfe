//! The global shortcut on X11: a passive key grab on the root window, watched by a thread
//! blocked on the X connection, so an idle agent never wakes for it (global-hotkey polls its X
//! connection every 50 ms).

use crate::platform::shortcut::Shortcut;
use crate::platform::PlatformError;

fn display(e: impl std::fmt::Display) -> PlatformError {
    PlatformError::Display(e.to_string())
}

/// Grabs `shortcut` and calls `on_press` on each press, from a dedicated thread. Returns an error
/// when there is no X display or the key is taken; the agent then runs without a shortcut.
pub fn watch_shortcut(
    shortcut: Shortcut,
    on_press: impl Fn() + Send + 'static,
) -> Result<(), PlatformError> {
    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::{ConnectionExt, GrabMode, ModMask};
    use x11rb::protocol::Event;

    let (conn, screen) =
        x11rb::connect(None).map_err(|e| PlatformError::NoDisplay(e.to_string()))?;
    let root = conn
        .setup()
        .roots
        .get(screen)
        .ok_or_else(|| PlatformError::NoDisplay(format!("no X screen {screen}")))?
        .root;
    let (min, max) = (conn.setup().min_keycode, conn.setup().max_keycode);
    let mapping = conn
        .get_keyboard_mapping(min, max - min + 1)
        .map_err(display)?
        .reply()
        .map_err(display)?;
    let per = usize::from(mapping.keysyms_per_keycode).max(1);
    let keycode = mapping
        .keysyms
        .chunks(per)
        .position(|syms| syms.contains(&shortcut.keysym))
        .map(|i| min + u8::try_from(i).unwrap_or(0))
        .ok_or_else(|| PlatformError::NoKey(shortcut.to_string()))?;
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
        .map_err(display)?
        .check()
        .map_err(|_| PlatformError::ShortcutTaken(shortcut.to_string()))?;
    }
    conn.flush().map_err(display)?;
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
        .map_err(|source| PlatformError::Io {
            what: "cannot start the shortcut's thread",
            source,
        })?;
    Ok(())
}
