//! Settings IT deploys on Windows without writing a file: the installer's properties, which the
//! MSI keeps in `HKLM\Software\Guichet`, and Group Policy, in `HKLM\Software\Policies\Guichet`
//! (the ADMX template in `packaging/windows/` describes it). Each registry value is named after
//! the configuration file's dotted key (`server.url`, `agent.shortcut`), so that one name means
//! one setting everywhere.
//!
//! The order, lowest first (`docs/DEPLOYMENT.md`): Guichet's defaults, the installer's values,
//! IT's file, the user's own settings, Group Policy. A setting Group Policy sets is always locked.
//!
//! This module turns the values into the file's TOML shape, so that the same types check them;
//! reading the registry is `crate::platform::windows::registry`'s.

use super::Lockable;
use std::path::PathBuf;

/// A registry value as Guichet reads it (`REG_SZ`/`REG_EXPAND_SZ`, or `REG_DWORD`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegValue {
    /// A string.
    Text(String),
    /// A 32-bit number.
    Number(u32),
}

/// One registry key's values: where they come from (for messages), and each `(name, value)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedLayer {
    /// The key, as IT would look for it: `HKLM\Software\Policies\Guichet`.
    pub source: PathBuf,
    /// The values, in the order the registry gave them.
    pub values: Vec<(String, RegValue)>,
}

/// The two registry layers of a Windows computer; both absent elsewhere.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Managed {
    /// What the installer was given (`msiexec … SERVER_URL=…`): under IT's file.
    pub installer: Option<ManagedLayer>,
    /// Group Policy: above everything, and locked.
    pub policy: Option<ManagedLayer>,
}

/// The registry key of the installer's values, under `HKEY_LOCAL_MACHINE`.
pub const INSTALLER_KEY: &str = r"Software\Guichet";
/// The registry key of Group Policy, under `HKEY_LOCAL_MACHINE`.
pub const POLICY_KEY: &str = r"Software\Policies\Guichet";

/// How a value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Kept as text (a number is written in decimal).
    Text,
    /// A whole number: a `REG_DWORD`, or text of digits.
    Number,
    /// Yes or no: `1`/`0` as a number or text, `true`/`false`, `yes`/`no`, `oui`/`non`.
    Flag,
    /// Several keys in one text, separated by commas or semicolons (`server,agent.shortcut`).
    List,
}

/// The settings read from the registry, with how each is read. Any `server.…` value is also
/// read, as text or a number, and checked by the help desk's own section (`server.app_token`
/// for GLPI, `server.queue` for Request Tracker).
const SETTINGS: &[(&str, Shape)] = &[
    ("locked", Shape::List),
    ("language", Shape::Text),
    ("agent.shortcut", Shape::Text),
    ("agent.autostart", Shape::Flag),
    ("defaults.phone", Shape::Text),
    ("defaults.location", Shape::Text),
    ("tls.extra_ca", Shape::Text),
    ("proxy.url", Shape::Text),
    ("proxy.no_proxy", Shape::Text),
    ("poll.interval_secs", Shape::Number),
    ("retention.sent_hours", Shape::Number),
];

/// A registry value Guichet cannot use: the layer goes on without it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name}: {detail}")]
pub struct ValueProblem {
    /// The value's name (the dotted key).
    pub name: String,
    /// What is wrong with it.
    pub detail: ValueError,
}

/// Why a registry value cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// The name is not a setting Guichet reads from the registry.
    #[error("not a setting Guichet reads from the registry")]
    Unknown,
    /// A whole number was expected.
    #[error("{0:?} is not a whole number")]
    NotANumber(String),
    /// Yes or no was expected.
    #[error("{0:?} is neither 1 (yes) nor 0 (no)")]
    NotAFlag(String),
    /// `locked` names a setting IT cannot lock.
    #[error("{0}")]
    NotLockable(String),
}

impl ManagedLayer {
    /// The values as the file's TOML tables. An empty text means "not set" (an installer property
    /// left out writes one); a value that cannot be read is a problem and is left out.
    pub fn table(&self) -> (toml::Table, Vec<ValueProblem>) {
        let mut table = toml::Table::new();
        let mut problems = Vec::new();
        for (name, value) in &self.values {
            if matches!(value, RegValue::Text(text) if text.trim().is_empty()) {
                continue;
            }
            let shape = SETTINGS
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|&(_, shape)| shape)
                .or_else(|| name.starts_with("server.").then_some(Shape::Text));
            let parsed = match shape {
                Some(shape) => read(name, shape, value),
                None => Err(ValueError::Unknown),
            };
            match parsed {
                Ok(parsed) => insert(&mut table, &name.to_ascii_lowercase(), parsed),
                Err(detail) => problems.push(ValueProblem {
                    name: name.clone(),
                    detail,
                }),
            }
        }
        (table, problems)
    }
}

/// Takes the `locked` list out of `table` (a layer adds its locks to the others', it does not
/// replace them), with the names that are not settings IT can lock.
pub fn take_locks(table: &mut toml::Table) -> (Vec<Lockable>, Vec<ValueProblem>) {
    let mut locks = Vec::new();
    let mut problems = Vec::new();
    if let Some(toml::Value::Array(named)) = table.remove("locked") {
        for name in named.iter().filter_map(toml::Value::as_str) {
            match name.parse::<Lockable>() {
                Ok(lock) => locks.push(lock),
                Err(e) => problems.push(ValueProblem {
                    name: "locked".to_owned(),
                    detail: ValueError::NotLockable(e.to_string()),
                }),
            }
        }
    }
    (locks, problems)
}

/// The settings IT can lock that `table` sets: Group Policy locks each one it sets.
pub fn settings_set(table: &toml::Table) -> Vec<Lockable> {
    Lockable::ALL
        .iter()
        .copied()
        .filter(|lock| lookup(table, lock.key()).is_some())
        .collect()
}

fn read(name: &str, shape: Shape, value: &RegValue) -> Result<toml::Value, ValueError> {
    let text = match value {
        RegValue::Text(text) => text.trim().to_owned(),
        RegValue::Number(n) => n.to_string(),
    };
    match (shape, value) {
        (Shape::Number, RegValue::Number(n)) => Ok(toml::Value::Integer(i64::from(*n))),
        (Shape::Text, RegValue::Number(n)) if name.starts_with("server.") => {
            Ok(toml::Value::Integer(i64::from(*n)))
        }
        (Shape::Text, _) => Ok(toml::Value::String(text)),
        (Shape::Number, RegValue::Text(_)) => text
            .parse::<u32>()
            .map(|n| toml::Value::Integer(i64::from(n)))
            .map_err(|_| ValueError::NotANumber(text)),
        (Shape::Flag, _) => match text.to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "oui" => Ok(toml::Value::Boolean(true)),
            "0" | "false" | "no" | "non" => Ok(toml::Value::Boolean(false)),
            _ => Err(ValueError::NotAFlag(text)),
        },
        (Shape::List, _) => {
            let items = text
                .split([',', ';'])
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| toml::Value::String(item.to_owned()));
            Ok(toml::Value::Array(items.collect()))
        }
    }
}

/// Sets dotted `key` in `table`, making the sections on the way.
fn insert(table: &mut toml::Table, key: &str, value: toml::Value) {
    match key.split_once('.') {
        None => {
            table.insert(key.to_owned(), value);
        }
        Some((section, rest)) => {
            let inner = table
                .entry(section.to_owned())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if let toml::Value::Table(inner) = inner {
                insert(inner, rest, value);
            }
        }
    }
}

fn lookup<'a>(table: &'a toml::Table, key: &str) -> Option<&'a toml::Value> {
    match key.split_once('.') {
        None => table.get(key),
        Some((section, rest)) => lookup(table.get(section)?.as_table()?, rest),
    }
}

/// `over` on top of `under`, section by section: a key in both takes `over`'s value.
pub fn overlay(under: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (under.get_mut(&key), value) {
            (Some(toml::Value::Table(below)), toml::Value::Table(above)) => overlay(below, above),
            (_, value) => {
                under.insert(key, value);
            }
        }
    }
}

/// This computer's registry layers: read on Windows, none elsewhere.
pub fn read_registry() -> Managed {
    #[cfg(windows)]
    {
        use crate::platform::windows::registry::machine_values;
        let layer = |key: &str| {
            machine_values(key).map(|values| ManagedLayer {
                source: PathBuf::from(format!(r"HKLM\{key}")),
                values,
            })
        };
        Managed {
            installer: layer(INSTALLER_KEY),
            policy: layer(POLICY_KEY),
        }
    }
    #[cfg(not(windows))]
    Managed::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(values: &[(&str, RegValue)]) -> ManagedLayer {
        ManagedLayer {
            source: PathBuf::from(r"HKLM\Software\Policies\Guichet"),
            values: values
                .iter()
                .map(|(n, v)| ((*n).to_owned(), v.clone()))
                .collect(),
        }
    }

    fn text(value: &str) -> RegValue {
        RegValue::Text(value.to_owned())
    }

    #[test]
    fn values_take_the_file_s_shape_and_types() {
        // Any help desk's kind: this module does not know them.
        let kind = crate::connector::registry::KINDS[0];
        let (table, problems) = layer(&[
            ("server.kind", text(kind)),
            (
                "server.url",
                text(" https://assistance.academie.fr/apirest.php "),
            ),
            ("server.timeout_secs", RegValue::Number(10)),
            ("Agent.Autostart", text("0")),
            ("locked", text("server; agent.shortcut,")),
            ("defaults.phone", text("0123456789")),
            ("poll.interval_secs", text("600")),
            ("proxy.url", text("")),
        ])
        .table();
        assert!(problems.is_empty(), "{problems:?}");
        let expected: toml::Table = toml::from_str(&format!(
            "locked = [\"server\", \"agent.shortcut\"]\n\
             [server]\nkind = \"{kind}\"\nurl = \"https://assistance.academie.fr/apirest.php\"\ntimeout_secs = 10\n\
             [agent]\nautostart = false\n[defaults]\nphone = \"0123456789\"\n[poll]\ninterval_secs = 600\n",
        ))
        .expect("toml");
        assert_eq!(
            table, expected,
            "an empty value is unset; digits stay text for a phone"
        );
    }

    #[test]
    fn a_value_that_cannot_be_read_is_named_and_left_out() {
        let (table, problems) = layer(&[
            ("agent.autostart", text("peut-être")),
            ("poll.interval_secs", text("cinq")),
            ("shortcut", text("Ctrl+Alt+G")),
            ("language", text("fr")),
        ])
        .table();
        let names: Vec<&str> = problems.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["agent.autostart", "poll.interval_secs", "shortcut"]);
        assert!(
            problems[2].to_string().contains("not a setting"),
            "{}",
            problems[2]
        );
        assert_eq!(table.get("language").and_then(|v| v.as_str()), Some("fr"));
    }

    #[test]
    fn what_a_layer_sets_is_what_it_locks() {
        let policy = layer(&[
            (
                "server.url",
                text("https://assistance.academie.fr/apirest.php"),
            ),
            ("defaults.phone", text("01 23 45 67 89")),
            ("poll.interval_secs", RegValue::Number(600)),
            ("locked", text("language")),
        ]);
        let (mut table, _) = policy.table();
        let (named, problems) = take_locks(&mut table);
        assert!(problems.is_empty() && table.get("locked").is_none());
        assert_eq!(named, [Lockable::Language]);
        assert_eq!(
            settings_set(&table),
            [Lockable::Server, Lockable::DefaultsPhone]
        );

        let (mut table, _) = layer(&[("locked", text("server,sever"))]).table();
        let (named, problems) = take_locks(&mut table);
        assert_eq!(named, [Lockable::Server]);
        assert!(
            problems[0].detail.to_string().contains("\"sever\""),
            "{:?}",
            problems
        );
    }

    #[test]
    fn an_overlay_replaces_keys_and_keeps_the_rest_of_a_section() {
        let mut under: toml::Table = toml::from_str(
            "[server]\nkind = \"glpi\"\nurl = \"https://a/apirest.php\"\napp_token = \"t\"\n",
        )
        .expect("toml");
        let over: toml::Table = toml::from_str(
            "[server]\nurl = \"https://b/apirest.php\"\n[agent]\nautostart = true\n",
        )
        .expect("toml");
        overlay(&mut under, over);
        let expected: toml::Table = toml::from_str(
            "[server]\nkind = \"glpi\"\nurl = \"https://b/apirest.php\"\napp_token = \"t\"\n[agent]\nautostart = true\n",
        )
        .expect("toml");
        assert_eq!(under, expected);
    }
}
