//! The global shortcut on macOS: `global-hotkey`, which registers a Carbon hot key
//! (`RegisterEventHotKey`). Carbon delivers the presses through the main thread's run loop, which
//! runs the application's event loop (`super::app`), so the manager is made and the key
//! registered on the main thread; nothing polls. Stopping unregisters it there too.
//!
//! The modifiers are taken literally: "Ctrl" is the Control key (⌃), "Alt" is Option (⌥),
//! "Super" (or "Win", "Meta") is Command (⌘). The default Ctrl+Alt+G is thus ⌃⌥G.

use crate::platform::shortcut::Shortcut;
use crate::platform::PlatformError;
use global_hotkey::hotkey::{Code, HotKey, Modifiers};
use global_hotkey::{GlobalHotKeyEvent, GlobalHotKeyManager, HotKeyState};
use std::sync::{Mutex, Once, OnceLock};

/// What to call for each registered hot key, by its id. `global-hotkey` takes its event handler
/// once per process, so that handler is installed once ([`install_handler`]) and looks here.
type Presses = Vec<(u32, Box<dyn Fn() + Send>)>;
static PRESSES: Mutex<Presses> = Mutex::new(Vec::new());

/// The hot-key manager: made on the main thread the first time it is needed, then kept for the
/// process's life (dropping it would unregister the keys).
static MANAGER: OnceLock<Result<GlobalHotKeyManager, global_hotkey::Error>> = OnceLock::new();

fn install_handler() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        GlobalHotKeyEvent::set_event_handler(Some(|event: GlobalHotKeyEvent| {
            if event.state() != HotKeyState::Pressed {
                return;
            }
            if let Ok(presses) = PRESSES.lock() {
                for (id, on_press) in presses.iter() {
                    if *id == event.id() {
                        on_press();
                    }
                }
            }
        }));
    });
}

/// A registered shortcut, until [`ShortcutWatch::stop`].
#[derive(Debug)]
pub struct ShortcutWatch {
    hotkey: HotKey,
}

impl ShortcutWatch {
    /// Unregisters the key (done when this returns) and forgets its callback.
    pub fn stop(self) {
        let hotkey = self.hotkey;
        let unregistered = dispatch2::run_on_main(|_mtm| match MANAGER.get() {
            Some(Ok(manager)) => manager.unregister(hotkey).map_err(|e| e.to_string()),
            _ => Ok(()),
        });
        if let Err(e) = unregistered {
            tracing::warn!("cannot unregister the global shortcut: {e}");
        }
        forget(hotkey.id());
    }
}

/// Removes the callback of the hot key `id`.
fn forget(id: u32) {
    if let Ok(mut presses) = PRESSES.lock() {
        if let Some(ours) = presses.iter().rposition(|(pressed, _)| *pressed == id) {
            drop(presses.remove(ours));
        }
    }
}

/// Our shortcut in `global-hotkey`'s terms; `None` for a key it cannot name.
fn hot_key(shortcut: &Shortcut) -> Option<HotKey> {
    let code: Code = shortcut.key_code().parse().ok()?;
    let mut mods = Modifiers::empty();
    for (on, modifier) in [
        (shortcut.control, Modifiers::CONTROL),
        (shortcut.alt, Modifiers::ALT),
        (shortcut.shift, Modifiers::SHIFT),
        (shortcut.super_key, Modifiers::META),
    ] {
        if on {
            mods |= modifier;
        }
    }
    Some(HotKey::new(Some(mods), code))
}

/// Registers `shortcut` and calls `on_press` on each press (from the main thread). Fails when
/// macOS refuses the combination (one already registered); the agent then runs without a
/// shortcut.
pub fn watch_shortcut(
    shortcut: Shortcut,
    on_press: impl Fn() + Send + 'static,
) -> Result<ShortcutWatch, PlatformError> {
    let text = shortcut.to_string();
    let hotkey = hot_key(&shortcut).ok_or_else(|| PlatformError::NoKey(text.clone()))?;
    let id = hotkey.id();
    // In place before the key is registered, so that no press is missed.
    install_handler();
    if let Ok(mut presses) = PRESSES.lock() {
        presses.push((id, Box::new(on_press)));
    }
    // Short work: the calling thread (the agent's) waits for the main thread to do it.
    let registered = dispatch2::run_on_main(|_mtm| {
        let manager = MANAGER
            .get_or_init(GlobalHotKeyManager::new)
            .as_ref()
            .map_err(|e| PlatformError::Io {
                what: "cannot install the hot-key handler",
                source: std::io::Error::other(e.to_string()),
            })?;
        manager.register(hotkey).map_err(|e| {
            tracing::info!("RegisterEventHotKey refused {text}: {e}");
            PlatformError::ShortcutTaken(text.clone())
        })
    });
    match registered {
        Ok(()) => Ok(ShortcutWatch { hotkey }),
        Err(e) => {
            forget(id);
            Err(e)
        }
    }
}
