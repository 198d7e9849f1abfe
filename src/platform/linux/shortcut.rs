//! The global shortcut on X11: a passive key grab on the root window, watched by a thread
//! blocked on the X connection, so an idle agent never wakes for it (global-hotkey polls its X
//! connection every 50 ms). Stopping releases the grab, then wakes the thread with an event sent
//! to a window of its own, and the connection closes with the thread.

use crate::platform::shortcut::Shortcut;
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

/// A grabbed shortcut, until [`ShortcutWatch::stop`].
#[derive(Debug)]
pub struct ShortcutWatch {
    conn: Arc<RustConnection>,
    root: u32,
    keycode: u8,
    /// An unmapped window of the watching connection: an event sent to it with an empty mask
    /// goes to its creator, which wakes the thread.
    waker: u32,
}

impl ShortcutWatch {
    /// Releases the key (the server has done so when this returns, so the same key may be
    /// grabbed again at once) and ends the watching thread.
    pub fn stop(self) {
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
pub fn watch_shortcut(
    shortcut: Shortcut,
    on_press: impl Fn() + Send + 'static,
) -> Result<ShortcutWatch, PlatformError> {
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
    Ok(ShortcutWatch {
        conn,
        root,
        keycode,
        waker,
    })
}
