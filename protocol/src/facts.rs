//! The machine facts added to every ticket (host name, system, session, uptime, memory, disk, IP
//! addresses, screens), and how they read for a technician. Gathering them is the core's
//! (`guichet_core::facts::gather`): this crate only carries and words them.

use crate::i18n::{human_size, t, Lang};
use serde::{Deserialize, Serialize};

/// One monitor, in physical pixels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ScreenInfo {
    /// The monitor's name as the system gives it ("DP-1").
    pub name: String,
    /// Width in physical pixels.
    pub width: u32,
    /// Height in physical pixels.
    pub height: u32,
    /// Physical pixels per logical pixel (1.0, 1.25, 2.0…).
    pub scale: f32,
}

/// What a technician needs to know about the computer a report comes from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct MachineFacts {
    /// The computer's network name.
    pub hostname: String,
    /// The operating system's name and version ("Debian GNU/Linux 12").
    pub os: String,
    /// The kernel version, when the system reports one.
    pub kernel: Option<String>,
    /// The login name of the user who filed the report.
    pub user: String,
    /// Seconds since the computer started.
    pub uptime_secs: u64,
    /// Installed memory, in bytes.
    pub memory_total_bytes: u64,
    /// Memory still available, in bytes.
    pub memory_available_bytes: u64,
    /// Free space on the disk holding the user's home, in bytes; `None` when it cannot be read.
    pub disk_free_bytes: Option<u64>,
    /// The computer's IP addresses (loopback left out).
    pub ip_addresses: Vec<String>,
    /// Empty when there is no display, or when the caller runs headless.
    pub screens: Vec<ScreenInfo>,
}

impl MachineFacts {
    /// Label and value pairs, in the order a technician reads them.
    pub fn lines(&self, lang: Lang) -> Vec<(String, String)> {
        let mut lines = vec![
            (t(lang, "ticket.host", &[]), self.hostname.clone()),
            (
                t(lang, "ticket.os", &[]),
                match &self.kernel {
                    Some(k) => format!("{} (noyau {k})", self.os)
                        .replace("noyau", if lang == Lang::En { "kernel" } else { "noyau" }),
                    None => self.os.clone(),
                },
            ),
            (t(lang, "ticket.user", &[]), self.user.clone()),
            (
                t(lang, "ticket.uptime", &[]),
                duration(self.uptime_secs, lang),
            ),
            (
                t(lang, "ticket.memory", &[]),
                format!(
                    "{} / {}",
                    human_size(lang, self.memory_available_bytes),
                    human_size(lang, self.memory_total_bytes)
                ),
            ),
        ];
        if let Some(free) = self.disk_free_bytes {
            lines.push((t(lang, "ticket.disk", &[]), human_size(lang, free)));
        }
        if !self.ip_addresses.is_empty() {
            lines.push((t(lang, "ticket.ip", &[]), self.ip_addresses.join(", ")));
        }
        if !self.screens.is_empty() {
            let screens: Vec<String> = self
                .screens
                .iter()
                .map(|s| format!("{} {}×{} @{}x", s.name, s.width, s.height, s.scale))
                .collect();
            lines.push((t(lang, "ticket.screens", &[]), screens.join(", ")));
        }
        lines.retain(|(_, v)| !v.trim().is_empty());
        lines
    }
}

fn duration(secs: u64, lang: Lang) -> String {
    let (days, hours, minutes) = (secs / 86_400, secs % 86_400 / 3_600, secs % 3_600 / 60);
    let d = if lang == Lang::En { "d" } else { "j" };
    if days > 0 {
        format!("{days} {d} {hours} h")
    } else {
        format!("{hours} h {minutes:02} min")
    }
}
