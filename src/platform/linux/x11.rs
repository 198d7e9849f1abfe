//! The X11 back end's global shortcut: a passive key grab on the root window, watched by a thread
//! blocked on the X connection, so an idle agent never wakes for it (global-hotkey polls its X
//! connection every 50 ms). Stopping releases the grab, then wakes the thread with an event sent
//! to a window of its own, and the connection closes with the thread. The shortcut's key is
//! named here in X11's terms ([`keysym`]).

use super::shortcut::HeldShortcut;
use crate::platform::shortcut::{Key, Shortcut};
use crate::platform::PlatformError;
use std::sync::Arc;
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{
    AtomEnum, ClientMessageEvent, ConnectionExt, CreateWindowAux, EventMask, GrabMode, ModMask,
    WindowClass,
};
use x11rb::protocol::Event;
use x11rb::rust_connection::RustConnection;

fn display(e: impl std::fmt::Display) -> PlatformError {
    PlatformError::Display(e.to_string())
}

/// X11's name for `key` (`<X11/keysymdef.h>`): a letter's lower-case keysym (the one the key
/// produces unshifted), a digit's, or `XK_F1`–`XK_F12`.
pub(super) fn keysym(key: Key) -> u32 {
    match key {
        Key::Letter(c) => u32::from(c.to_ascii_lowercase()),
        Key::Digit(d) => 0x30 + u32::from(d),
        Key::Function(n) => 0xffbe + u32::from(n) - 1,
    }
}

/// A grabbed shortcut, until it is released.
#[derive(Debug)]
pub(super) struct X11Grab {
    conn: Arc<RustConnection>,
    root: u32,
    keycode: u8,
    /// An unmapped window of the watching connection: an event sent to it with an empty mask
    /// goes to its creator, which wakes the thread.
    waker: u32,
}

impl HeldShortcut for X11Grab {
    /// Releases the key (the server has done so when this returns, so the same key may be
    /// grabbed again at once) and ends the watching thread.
    fn release(self: Box<Self>) {
        let released = (|| -> Result<(), PlatformError> {
            self.conn
                .ungrab_key(self.keycode, self.root, ModMask::ANY)
                .map_err(display)?;
            let wake = ClientMessageEvent::new(32, self.waker, AtomEnum::NONE, [0u32; 5]);
            self.conn
                .send_event(false, self.waker, EventMask::NO_EVENT, wake)
                .map_err(display)?;
            // A round trip: both requests are done when its answer comes.
            self.conn
                .get_input_focus()
                .map_err(display)?
                .reply()
                .map_err(display)?;
            Ok(())
        })();
        if let Err(e) = released {
            tracing::warn!("cannot release the global shortcut: {e}");
        }
    }
}

/// Grabs `shortcut` and calls `on_press` on each press, from a dedicated thread. Returns an error
/// when there is no X display or the key is taken; the agent then runs without a shortcut.
pub(super) fn grab(
    shortcut: &Shortcut,
    on_press: impl Fn() + Send + 'static,
) -> Result<X11Grab, PlatformError> {
    let (conn, screen) =
        x11rb::connect(None).map_err(|e| PlatformError::NoDisplay(e.to_string()))?;
    let root = conn
        .setup()
        .roots
        .get(screen)
        .ok_or_else(|| PlatformError::NoDisplay(format!("no X screen {screen}")))?
        .root;
    let keycode = keycode_of(&conn, shortcut)?;
    grab_key(&conn, root, keycode, shortcut)?;
    let waker = waker_window(&conn, root)?;
    let conn = Arc::new(conn);
    let watching = conn.clone();
    std::thread::Builder::new()
        .name("guichet-shortcut".into())
        .spawn(move || loop {
            match watching.wait_for_event() {
                Ok(Event::KeyPress(_)) => on_press(),
                Ok(Event::ClientMessage(m)) if m.window == waker => return,
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
    Ok(X11Grab {
        conn,
        root,
        keycode,
        waker,
    })
}

/// The keycode of this keyboard that produces the shortcut's key.
fn keycode_of(conn: &RustConnection, shortcut: &Shortcut) -> Result<u8, PlatformError> {
    let (min, max) = (conn.setup().min_keycode, conn.setup().max_keycode);
    let mapping = conn
        .get_keyboard_mapping(min, max - min + 1)
        .map_err(display)?
        .reply()
        .map_err(display)?;
    let per = usize::from(mapping.keysyms_per_keycode).max(1);
    let wanted = keysym(shortcut.key);
    mapping
        .keysyms
        .chunks(per)
        .position(|syms| syms.contains(&wanted))
        .map(|i| min + u8::try_from(i).unwrap_or(0))
        .ok_or_else(|| PlatformError::NoKey(shortcut.to_string()))
}

/// The passive grab of `keycode` with the shortcut's modifiers on `root`; a grab refused means
/// another program holds the combination.
fn grab_key(
    conn: &RustConnection,
    root: u32,
    keycode: u8,
    shortcut: &Shortcut,
) -> Result<(), PlatformError> {
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
    Ok(())
}

/// An unmapped 1×1 input-only window of this connection, for waking its watching thread.
fn waker_window(conn: &RustConnection, root: u32) -> Result<u32, PlatformError> {
    let waker = conn.generate_id().map_err(display)?;
    conn.create_window(
        0,
        waker,
        root,
        0,
        0,
        1,
        1,
        0,
        WindowClass::INPUT_ONLY,
        0,
        &CreateWindowAux::new(),
    )
    .map_err(display)?
    .check()
    .map_err(display)?;
    Ok(waker)
}

#[cfg(test)]
mod tests {
    use super::keysym;
    use crate::platform::shortcut::{Key, Shortcut};

    #[test]
    fn keys_get_their_x11_keysyms() {
        let key = |text: &str| text.parse::<Shortcut>().map(|s| s.key);
        assert_eq!(key("Ctrl+Alt+G").map(keysym), Ok(0x67)); // XK_g
        assert_eq!(key("ctrl+alt+g").map(keysym), Ok(0x67));
        assert_eq!(key("Ctrl+7").map(keysym), Ok(0x37)); // XK_7
        assert_eq!(keysym(Key::Function(1)), 0xffbe); // XK_F1
        assert_eq!(keysym(Key::Function(12)), 0xffc9); // XK_F12
    }
}
