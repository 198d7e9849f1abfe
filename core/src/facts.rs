//! Reading this machine's facts (host name, system, session, uptime, memory, disk, IP addresses,
//! screens). Gathering never fails: a fact that cannot be read is left out. The types, and how
//! they read, are the protocol's (`guichet_protocol::facts`).

use std::path::Path;

pub use guichet_protocol::facts::{MachineFacts, ScreenInfo};

/// Reads the facts of this machine. `screens` come from the capture layer when a display is
/// in use; the headless CLI passes none so that it never opens a display connection.
pub fn gather(screens: Vec<ScreenInfo>) -> MachineFacts {
    use sysinfo::{Disks, System};
    let mut system = System::new();
    system.refresh_memory();
    let os = System::long_os_version()
        .or_else(|| {
            Some(format!(
                "{} {}",
                System::name()?,
                System::os_version().unwrap_or_default()
            ))
        })
        .unwrap_or_else(|| std::env::consts::OS.to_owned());
    let home = dirs::home_dir().unwrap_or_else(|| "/".into());
    let disks = Disks::new_with_refreshed_list();
    // The disk holding the user's home: the mount point that is the longest prefix of it.
    let disk_free_bytes = disks
        .list()
        .iter()
        .filter(|d| home.starts_with(d.mount_point()))
        .max_by_key(|d| d.mount_point().as_os_str().len())
        .map(|d| d.available_space());
    MachineFacts {
        hostname: System::host_name().unwrap_or_default(),
        os: os.trim().to_owned(),
        kernel: System::kernel_version(),
        user: current_user(&home),
        uptime_secs: System::uptime(),
        memory_total_bytes: system.total_memory(),
        memory_available_bytes: system.available_memory(),
        disk_free_bytes,
        ip_addresses: ip_addresses(),
        screens,
    }
}

fn current_user(home: &Path) -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()))
        .or_else(|| home.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default()
}

fn ip_addresses() -> Vec<String> {
    let mut addrs: Vec<std::net::IpAddr> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .filter(|i| !i.is_loopback())
        .map(|i| i.ip())
        // IPv6 link-local addresses say nothing useful to a technician.
        .filter(
            |ip| !matches!(ip, std::net::IpAddr::V6(v6) if (v6.segments()[0] & 0xffc0) == 0xfe80),
        )
        .collect();
    addrs.sort_by_key(|ip| (ip.is_ipv6(), *ip));
    addrs.dedup();
    addrs.into_iter().map(|ip| ip.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gathered_facts_describe_this_machine() {
        let facts = gather(vec![]);
        assert!(!facts.hostname.is_empty());
        assert!(!facts.os.is_empty());
        assert!(facts.memory_total_bytes > 0);
        assert!(facts.memory_available_bytes <= facts.memory_total_bytes);
        assert!(facts.screens.is_empty());
    }
}
