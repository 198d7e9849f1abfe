//! Reading this machine's facts (host name and domain, firmware serial number and UUID, system,
//! session, uptime, memory, disk, IP and MAC addresses, screens). Gathering never fails: a fact that cannot be read is left out. The types, and how
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
    let hostname = System::host_name().unwrap_or_default();
    MachineFacts {
        domain: domain(&hostname),
        serial: firmware(product_serial()),
        uuid: firmware(product_uuid()),
        mac_addresses: mac_addresses(),
        hostname,
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

/// The DNS domain: the rest of a fully qualified host name; else, on Windows, the domain the
/// session belongs to (`USERDNSDOMAIN`); else `resolv.conf`'s `domain` or first `search` entry.
fn domain(hostname: &str) -> Option<String> {
    if let Some((_, domain)) = hostname.split_once('.') {
        return Some(domain.to_owned()).filter(|d| !d.is_empty());
    }
    if let Ok(domain) = std::env::var("USERDNSDOMAIN") {
        return Some(domain.to_lowercase()).filter(|d| !d.is_empty());
    }
    let conf = std::fs::read_to_string("/etc/resolv.conf").ok()?;
    resolv_domain(&conf)
}

/// `domain` wins over `search`, as in the resolver.
fn resolv_domain(conf: &str) -> Option<String> {
    let entry = |key: &str| {
        conf.lines().find_map(|line| {
            let mut words = line.split_whitespace();
            (words.next() == Some(key)).then(|| words.next()).flatten()
        })
    };
    entry("domain")
        .or_else(|| entry("search"))
        .map(|d| d.trim_end_matches('.').to_owned())
        .filter(|d| !d.is_empty())
}

/// A firmware string, unless it is empty or one of the placeholders vendors leave.
/// The computer's serial number, from its firmware (SMBIOS). Not read on Windows: sysinfo 0.37
/// parses the raw SMBIOS table itself and panics on a table shorter than it expects (seen under
/// Wine), so the asset line goes without it there; name, domain and MAC addresses still link the
/// computer (`docs/DEPLOYMENT.md`).
fn product_serial() -> Option<String> {
    if cfg!(windows) {
        return None;
    }
    sysinfo::Product::serial_number()
}

/// The computer's SMBIOS UUID; not read on Windows, for the reason [`product_serial`] gives.
fn product_uuid() -> Option<String> {
    if cfg!(windows) {
        return None;
    }
    sysinfo::Product::uuid()
}

fn firmware(value: Option<String>) -> Option<String> {
    let value = value?.trim().to_owned();
    let placeholder = value.is_empty()
        || value.chars().all(|c| c == '0' || c == '-')
        || [
            "to be filled by o.e.m.",
            "default string",
            "system serial number",
            "none",
        ]
        .contains(&value.to_lowercase().as_str());
    (!placeholder).then_some(value)
}

fn mac_addresses() -> Vec<String> {
    let networks = sysinfo::Networks::new_with_refreshed_list();
    let mut macs: Vec<String> = networks
        .list()
        .values()
        .map(|n| n.mac_address())
        .filter(|m| !m.is_unspecified())
        .map(|m| m.to_string())
        .collect();
    macs.sort();
    macs.dedup();
    macs
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
        assert!(facts.asset_line().starts_with("Guichet-Asset: name="));
    }

    #[test]
    fn the_domain_and_firmware_strings_are_read_with_care() {
        assert_eq!(
            resolv_domain("# x\nsearch lan college.example.org\n"),
            Some("lan".into())
        );
        assert_eq!(
            resolv_domain("search a.example\ndomain college.example.org.\n"),
            Some("college.example.org".into())
        );
        assert_eq!(resolv_domain("nameserver 1.1.1.1\n"), None);
        assert_eq!(
            domain("pc03.college.example.org"),
            Some("college.example.org".into())
        );
        assert_eq!(firmware(Some(" 5CG123 ".into())), Some("5CG123".into()));
        for placeholder in [
            "",
            "To Be Filled By O.E.M.",
            "00000000-0000-0000-0000-000000000000",
        ] {
            assert_eq!(firmware(Some(placeholder.into())), None, "{placeholder}");
        }
    }
}
