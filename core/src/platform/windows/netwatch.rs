//! Noticing that the network came back, on Windows: `NotifyIpInterfaceChange` calls back (on a
//! thread of the system's) whenever an IP interface is added or changes; [`came_online`] keeps
//! the changes that may mean "reachable again", and they are handed to tokio through a channel.
//! No thread of ours and no wake-up while the network does not change.
#![allow(unsafe_code)]

use std::ffi::c_void;
use std::io;
use tokio::sync::mpsc;
use windows_sys::Win32::Foundation::{HANDLE, NO_ERROR};
use windows_sys::Win32::NetworkManagement::IpHelper::{
    CancelMibChangeNotify2, NotifyIpInterfaceChange, MIB_IPINTERFACE_ROW, MIB_NOTIFICATION_TYPE,
};
use windows_sys::Win32::Networking::WinSock::AF_UNSPEC;

/// `MibParameterNotification`, `MibAddInstance`: an interface changed, or appeared.
const MIB_PARAMETER_NOTIFICATION: MIB_NOTIFICATION_TYPE = 0;
const MIB_ADD_INSTANCE: MIB_NOTIFICATION_TYPE = 1;

/// Whether a notification may mean the network is reachable again: an interface that appeared,
/// or one that changed and is connected. Removals and the initial listing do not.
pub fn came_online(kind: MIB_NOTIFICATION_TYPE, connected: bool) -> bool {
    match kind {
        MIB_ADD_INSTANCE => true,
        MIB_PARAMETER_NOTIFICATION => connected,
        _ => false,
    }
}

/// A subscription to interface changes; cancelled when dropped.
#[derive(Debug)]
pub struct NetWatch {
    handle: HANDLE,
    /// The callback's context: the sending half, boxed so that its address stays fixed.
    sender: *mut mpsc::UnboundedSender<()>,
    changes: mpsc::UnboundedReceiver<()>,
}

// SAFETY: the handle is only used to cancel the subscription (once, in Drop), and `sender` is
// only read by the system's callback thread through a shared reference to a thread-safe sender.
unsafe impl Send for NetWatch {}

unsafe extern "system" fn on_change(
    context: *const c_void,
    row: *const MIB_IPINTERFACE_ROW,
    kind: MIB_NOTIFICATION_TYPE,
) {
    if context.is_null() {
        return;
    }
    // SAFETY: `row` is null or points to the changed interface's row for this call's duration.
    let connected = unsafe { row.as_ref() }.is_some_and(|row| row.Connected);
    if came_online(kind, connected) {
        // SAFETY: `context` is the boxed sender, alive until the subscription is cancelled.
        let sender = unsafe { &*context.cast::<mpsc::UnboundedSender<()>>() };
        let _ = sender.send(());
    }
}

impl NetWatch {
    /// Subscribes to IPv4 and IPv6 interface changes.
    pub fn open() -> io::Result<NetWatch> {
        let (tx, changes) = mpsc::unbounded_channel();
        let sender = Box::into_raw(Box::new(tx));
        let mut handle: HANDLE = std::ptr::null_mut();
        // SAFETY: the callback and its context outlive the subscription (cancelled in Drop
        // before the context is freed); `handle` is written on success.
        let status = unsafe {
            NotifyIpInterfaceChange(
                AF_UNSPEC,
                Some(on_change),
                sender.cast(),
                false,
                &mut handle,
            )
        };
        if status != NO_ERROR {
            // SAFETY: never handed to Windows, freed once.
            drop(unsafe { Box::from_raw(sender) });
            return Err(io::Error::from_raw_os_error(status as i32));
        }
        Ok(NetWatch {
            handle,
            sender,
            changes,
        })
    }

    /// Waits until the network may have come back.
    pub async fn came_online(&mut self) -> io::Result<()> {
        self.changes
            .recv()
            .await
            .ok_or_else(|| io::Error::from(io::ErrorKind::BrokenPipe))
    }
}

impl Drop for NetWatch {
    fn drop(&mut self) {
        // SAFETY: cancelled once; CancelMibChangeNotify2 waits for a running callback to end, so
        // the context can be freed afterwards.
        unsafe {
            CancelMibChangeNotify2(self.handle);
            drop(Box::from_raw(self.sender));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_arrivals_and_connected_changes_count() {
        assert!(came_online(MIB_ADD_INSTANCE, false));
        assert!(came_online(MIB_PARAMETER_NOTIFICATION, true));
        assert!(!came_online(MIB_PARAMETER_NOTIFICATION, false));
        assert!(!came_online(2, true), "a removal");
        assert!(!came_online(3, true), "the initial listing");
    }
}
