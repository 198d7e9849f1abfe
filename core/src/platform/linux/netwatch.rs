//! Noticing that the network came back, without polling: the kernel announces every link going
//! up, address added and route added on a `NETLINK_ROUTE` socket. The agent listens there, so
//! that a report queued while the cable was out (or the Wi-Fi not yet joined) is sent within
//! seconds of the network returning, instead of at the next back-off deadline, and the status
//! poller checks again soon after failures.
//!
//! [`came_online`] is the pure part (which kernel messages mean "maybe reachable again");
//! [`NetWatch`] is the socket, asynchronous on tokio: it costs no thread and no wake-up while
//! the network does not change.
//!
//! Changes that are not a return (a link going down, an address removed) are ignored, and so
//! are returns while nothing failed: the callers act only when something waits because the help
//! desk could not be reached.

/// `RTM_NEWLINK`: a link appeared or changed.
const RTM_NEWLINK: u16 = 16;
/// `RTM_NEWADDR`: an address was added (a DHCP lease, an IPv6 address).
const RTM_NEWADDR: u16 = 20;
/// `RTM_NEWROUTE`: a route was added (the default route once connected).
const RTM_NEWROUTE: u16 = 24;
/// `IFF_UP` and `IFF_RUNNING`: administratively up, and carrier present.
const IFF_UP: u32 = 0x1;
const IFF_RUNNING: u32 = 0x40;
/// `struct nlmsghdr` is 16 bytes; `struct ifinfomsg`'s flags sit 8 bytes into its payload.
const NLMSG_HEADER: usize = 16;
const IFINFO_FLAGS: usize = 8;

/// The multicast groups listened to: `RTMGRP_LINK`, `RTMGRP_IPV4_IFADDR`, `RTMGRP_IPV4_ROUTE`,
/// `RTMGRP_IPV6_IFADDR`, `RTMGRP_IPV6_ROUTE`.
pub const GROUPS: u32 = 0x1 | 0x10 | 0x40 | 0x100 | 0x400;

/// Whether one datagram from the route socket says the network may be reachable again: a link
/// that is up with a carrier, or an address or a route added. Malformed or truncated messages
/// are ignored (never a panic: the bytes come from the kernel, but are parsed defensively).
pub fn came_online(datagram: &[u8]) -> bool {
    let mut rest = datagram;
    while rest.len() >= NLMSG_HEADER {
        let len = u32::from_ne_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        let kind = u16::from_ne_bytes([rest[4], rest[5]]);
        if len < NLMSG_HEADER || len > rest.len() {
            return false;
        }
        let payload = &rest[NLMSG_HEADER..len];
        let online = match kind {
            RTM_NEWADDR | RTM_NEWROUTE => true,
            RTM_NEWLINK => payload
                .get(IFINFO_FLAGS..IFINFO_FLAGS + 4)
                .map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
                .is_some_and(|flags| flags & (IFF_UP | IFF_RUNNING) == IFF_UP | IFF_RUNNING),
            _ => false,
        };
        if online {
            return true;
        }
        // Messages are padded to 4 bytes.
        let next = (len + 3) & !3;
        rest = rest.get(next..).unwrap_or_default();
    }
    false
}

#[cfg(target_os = "linux")]
pub use linux::NetWatch;

#[cfg(target_os = "linux")]
mod linux {
    use super::{came_online, GROUPS};
    use rustix::net::netlink::SocketAddrNetlink;
    use rustix::net::{AddressFamily, RecvFlags, SocketFlags, SocketType};
    use std::io;
    use std::os::fd::OwnedFd;
    use tokio::io::unix::AsyncFd;

    /// The kernel's route notifications, read asynchronously. Opening it needs no privilege.
    #[derive(Debug)]
    pub struct NetWatch {
        socket: AsyncFd<OwnedFd>,
        buffer: Vec<u8>,
    }

    /// Hands the socket to tokio's reactor, for readability only.
    #[allow(unsafe_code)]
    fn register(fd: OwnedFd) -> io::Result<AsyncFd<OwnedFd>> {
        // SAFETY: an `OwnedFd` is a valid open descriptor that always answers the same number
        // to `as_raw_fd`, and it is closed only when dropped, which happens inside the
        // `AsyncFd` (or with it): it stays open for the registration's whole life.
        unsafe { AsyncFd::register_with_interest(fd, tokio::io::Interest::READABLE) }
            .map_err(|e| e.into_parts().1)
    }

    impl NetWatch {
        /// Subscribes to link, address and route changes. Must be called within a tokio runtime.
        pub fn open() -> io::Result<NetWatch> {
            let fd = rustix::net::socket_with(
                AddressFamily::NETLINK,
                SocketType::RAW,
                SocketFlags::NONBLOCK | SocketFlags::CLOEXEC,
                // NETLINK_ROUTE is protocol 0.
                None,
            )?;
            rustix::net::bind(&fd, &SocketAddrNetlink::new(0, GROUPS))?;
            Ok(NetWatch {
                socket: register(fd)?,
                // Notifications are small; a burst fits, and a longer one is cut (MSG_TRUNC).
                buffer: vec![0; 16 * 1024],
            })
        }

        /// Waits until the network may have come back (see [`came_online`]). Messages that say
        /// otherwise are read and dropped. A buffer overrun (`ENOBUFS`: changes were lost) counts
        /// as a change, since what was lost may have been the return.
        pub async fn came_online(&mut self) -> io::Result<()> {
            loop {
                let mut guard = self.socket.readable().await?;
                let buffer = &mut self.buffer;
                match guard.try_io(|fd| {
                    rustix::net::recv(fd.get_ref(), &mut buffer[..], RecvFlags::empty())
                        .map(|(read, _)| read)
                        .map_err(io::Error::from)
                }) {
                    Ok(Ok(read)) => {
                        if came_online(&buffer[..read.min(buffer.len())]) {
                            return Ok(());
                        }
                    }
                    Ok(Err(e))
                        if e.raw_os_error() == Some(rustix::io::Errno::NOBUFS.raw_os_error()) =>
                    {
                        return Ok(());
                    }
                    Ok(Err(e)) => return Err(e),
                    // Spurious readiness: wait again.
                    Err(_would_block) => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(kind: u16, payload: &[u8]) -> Vec<u8> {
        let len = NLMSG_HEADER + payload.len();
        let mut m = Vec::new();
        m.extend_from_slice(&(len as u32).to_ne_bytes());
        m.extend_from_slice(&kind.to_ne_bytes());
        m.extend_from_slice(&[0; 10]); // flags, sequence, port id
        m.extend_from_slice(payload);
        while m.len() % 4 != 0 {
            m.push(0);
        }
        m
    }

    /// A `struct ifinfomsg` with these flags (family, type and index do not matter here).
    fn link(flags: u32) -> Vec<u8> {
        let mut p = vec![0u8; 16];
        p[8..12].copy_from_slice(&flags.to_ne_bytes());
        message(RTM_NEWLINK, &p)
    }

    #[test]
    fn a_link_up_with_a_carrier_an_address_or_a_route_added_mean_online() {
        assert!(came_online(&link(IFF_UP | IFF_RUNNING)));
        assert!(came_online(&link(IFF_UP | IFF_RUNNING | 0x10000)));
        assert!(came_online(&message(RTM_NEWADDR, &[0; 8])));
        assert!(came_online(&message(RTM_NEWROUTE, &[0; 12])));
    }

    #[test]
    fn links_going_down_or_without_carrier_and_removals_do_not() {
        assert!(!came_online(&link(0)));
        assert!(!came_online(&link(IFF_UP)), "up but no carrier yet");
        assert!(!came_online(&message(17, &[0; 16])), "RTM_DELLINK");
        assert!(!came_online(&message(21, &[0; 8])), "RTM_DELADDR");
        assert!(!came_online(&message(25, &[0; 12])), "RTM_DELROUTE");
    }

    #[test]
    fn every_message_of_a_datagram_is_read() {
        let mut datagram = link(0);
        datagram.extend(message(21, &[0; 5])); // padded to 4 bytes
        datagram.extend(message(RTM_NEWADDR, &[0; 8]));
        assert!(came_online(&datagram));
    }

    #[test]
    fn malformed_datagrams_are_ignored_without_panicking() {
        assert!(!came_online(&[]));
        assert!(!came_online(&[1, 2, 3]));
        // A length shorter than the header, then one longer than the datagram.
        let mut short = message(RTM_NEWADDR, &[0; 8]);
        short[..4].copy_from_slice(&4u32.to_ne_bytes());
        assert!(!came_online(&short));
        let mut long = message(RTM_NEWADDR, &[0; 8]);
        long[..4].copy_from_slice(&4096u32.to_ne_bytes());
        assert!(!came_online(&long));
        // A link message too short to hold its flags.
        assert!(!came_online(&message(RTM_NEWLINK, &[0; 6])));
        for n in 0..64 {
            let _ = came_online(&link(IFF_UP | IFF_RUNNING)[..n.min(32)]);
        }
    }
}
