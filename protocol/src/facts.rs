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
    /// The left edge on the desktop, in physical pixels (0 in reports saved before it was kept).
    #[serde(default)]
    pub x: i32,
    /// The top edge on the desktop (down is positive), in physical pixels.
    #[serde(default)]
    pub y: i32,
}

/// What opens [`MachineFacts::asset_line`]: a regular expression in GLPI's ticket business rules
/// finds the line by it (`docs/DEPLOYMENT.md`).
pub const ASSET_LINE_PREFIX: &str = "Guichet-Asset:";

impl ScreenInfo {
    /// Where it sits on the desktop, for [`crate::naming::screen_labels`].
    pub fn placement(&self) -> crate::naming::Placement {
        crate::naming::Placement {
            x: self.x,
            y: self.y,
            width: self.width,
            height: self.height,
        }
    }
}

/// What a technician needs to know about the computer a report comes from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct MachineFacts {
    /// The computer's network name.
    pub hostname: String,
    /// The DNS domain it belongs to, when known (with `hostname`, GLPI's "name + domain").
    #[serde(default)]
    pub domain: Option<String>,
    /// The serial number its firmware gives (SMBIOS), when this user may read it.
    #[serde(default)]
    pub serial: Option<String>,
    /// Its SMBIOS UUID, when this user may read it.
    #[serde(default)]
    pub uuid: Option<String>,
    /// The MAC addresses of its network interfaces (loopback and all-zero left out).
    #[serde(default)]
    pub mac_addresses: Vec<String>,
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
    /// The workstation's identity as GLPI's inventory records it, on one line whose shape never
    /// changes (`docs/DEPLOYMENT.md`), so that one rule in GLPI can link the ticket to the
    /// Computer: `Guichet-Asset: name=PC03; fqdn=pc03.college.example.org; serial=5CG123;
    /// uuid=4C4C4544-…; mac=00:11:22:33:44:55,66:77:88:99:aa:bb`. Every key is always there, its
    /// value empty when unknown; values hold no `;`, `=` or space.
    pub fn asset_line(&self) -> String {
        let clean = |v: &str| -> String {
            v.chars()
                .filter(|c| !c.is_whitespace() && *c != ';' && *c != '=' && *c != ',')
                .collect()
        };
        let name = clean(&self.hostname);
        let short = name.split('.').next().unwrap_or_default().to_owned();
        let domain = self.domain.as_deref().map(clean).unwrap_or_default();
        let fqdn = match (short.is_empty(), domain.is_empty()) {
            (false, false) => format!("{short}.{domain}"),
            _ => name.clone(),
        };
        let macs: Vec<String> = self.mac_addresses.iter().map(|m| clean(m)).collect();
        format!(
            "{ASSET_LINE_PREFIX} name={short}; fqdn={fqdn}; serial={}; uuid={}; mac={}",
            self.serial.as_deref().map(clean).unwrap_or_default(),
            self.uuid.as_deref().map(clean).unwrap_or_default(),
            macs.join(",")
        )
    }

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
        if !self.mac_addresses.is_empty() {
            lines.push((t(lang, "ticket.mac", &[]), self.mac_addresses.join(", ")));
        }
        for (key, value) in [
            ("ticket.domain", &self.domain),
            ("ticket.serial", &self.serial),
            ("ticket.uuid", &self.uuid),
        ] {
            if let Some(value) = value {
                lines.push((t(lang, key, &[]), value.clone()));
            }
        }
        if !self.screens.is_empty() {
            // Named as the wizard names them ("Écran 1 (gauche), 1920 × 1080"), in their order.
            let placements: Vec<_> = self.screens.iter().map(ScreenInfo::placement).collect();
            let labels = crate::naming::screen_labels(&placements, lang);
            let mut named: Vec<_> = placements.iter().map(|p| (p.x, p.y)).zip(labels).collect();
            named.sort_by_key(|(at, _)| *at);
            let labels: Vec<String> = named.into_iter().map(|(_, label)| label).collect();
            let separator = if lang == Lang::En { "; " } else { " ; " };
            lines.push((t(lang, "ticket.screens", &[]), labels.join(separator)));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn screen(name: &str, x: i32, width: u32, height: u32) -> ScreenInfo {
        ScreenInfo {
            name: name.into(),
            width,
            height,
            scale: 1.0,
            x,
            y: 0,
        }
    }

    fn screens_line(facts: &MachineFacts, lang: Lang) -> String {
        let label = t(lang, "ticket.screens", &[]);
        facts
            .lines(lang)
            .into_iter()
            .find(|(l, _)| *l == label)
            .map(|(_, v)| v)
            .unwrap_or_default()
    }

    #[test]
    fn screens_are_named_as_the_wizard_names_them() {
        // Listed right screen first, as a back end may: numbered by their place all the same.
        let facts = MachineFacts {
            screens: vec![
                screen("DP-1", 1920, 1280, 1024),
                screen("HDMI-1", 0, 1920, 1080),
            ],
            ..MachineFacts::default()
        };
        assert_eq!(
            screens_line(&facts, Lang::Fr),
            "Écran 1 (gauche), 1920 × 1080 ; Écran 2 (droite), 1280 × 1024"
        );
        assert_eq!(
            screens_line(&facts, Lang::En),
            "Screen 1 (left), 1920 × 1080; Screen 2 (right), 1280 × 1024"
        );
        let one = MachineFacts {
            screens: vec![screen("eDP-1", 0, 1600, 900)],
            ..MachineFacts::default()
        };
        assert_eq!(screens_line(&one, Lang::Fr), "Écran 1, 1600 × 900");
        // The asset line: every key, in order, empty values kept.
        let asset = MachineFacts {
            hostname: "SALLE12-PC03".into(),
            domain: Some("college.example.org".into()),
            serial: Some("5CG 123;X".into()),
            mac_addresses: vec!["00:11:22:33:44:55".into(), "66:77:88:99:aa:bb".into()],
            ..MachineFacts::default()
        };
        assert_eq!(
            asset.asset_line(),
            "Guichet-Asset: name=SALLE12-PC03; fqdn=SALLE12-PC03.college.example.org; \
             serial=5CG123X; uuid=; mac=00:11:22:33:44:55,66:77:88:99:aa:bb"
        );
        assert_eq!(
            MachineFacts::default().asset_line(),
            "Guichet-Asset: name=; fqdn=; serial=; uuid=; mac="
        );
        assert!(asset
            .lines(Lang::Fr)
            .iter()
            .any(|(l, v)| l == "Domaine" && v == "college.example.org"));
        // A report saved before screens had a place still reads.
        let old: ScreenInfo =
            serde_json::from_str(r#"{"name":"X","width":800,"height":600,"scale":1.0}"#)
                .expect("old shape");
        assert_eq!((old.x, old.y), (0, 0));
    }
}
