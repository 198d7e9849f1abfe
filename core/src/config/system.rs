//! IT's file, the configuration of every user of a computer: where it is, and how to write it from
//! typed values (an installer's properties, a deployment script), so that what is written is
//! always a file Guichet reads back as it was meant.

use super::{Config, Invalid, ServerConfig};
use crate::connector::DeskConfig;
use crate::net::HttpConfig;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where IT puts the configuration of every user of a computer: `/etc/guichet/config.toml` on
/// Linux, `%ProgramData%\Guichet\config.toml` on Windows, `/Library/Application
/// Support/Guichet/config.toml` on macOS.
pub fn system_config_path() -> Option<PathBuf> {
    if cfg!(windows) {
        let base = std::env::var_os("ProgramData")
            .filter(|v| !v.is_empty())
            .map_or_else(|| PathBuf::from(r"C:\ProgramData"), PathBuf::from);
        Some(base.join("Guichet").join("config.toml"))
    } else if cfg!(target_os = "macos") {
        Some(PathBuf::from(
            "/Library/Application Support/Guichet/config.toml",
        ))
    } else if cfg!(unix) {
        Some(PathBuf::from("/etc/guichet/config.toml"))
    } else {
        None
    }
}

/// Why IT's file was not written. The file in place, if any, is then left as it was.
#[derive(Debug, thiserror::Error)]
pub enum SystemFileError {
    /// The values parse but cannot work (a bad address, an unknown shortcut…).
    #[error("the configuration is not valid: {0}")]
    Invalid(#[from] Invalid),
    /// The values cannot be written as TOML, or would not read back as written.
    #[error("the configuration cannot be written as a file: {0}")]
    Format(String),
    /// The file or its folder cannot be written (permissions, a full disk).
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file that was being written.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
}

const HEADER: &str = "# Guichet: IT's configuration for every user of this computer.\n\
# The keys are described in Guichet's docs/CONFIGURATION.md.\n";

/// Writes `config` as IT's file at `path` (usually [`system_config_path`]). It is checked first;
/// only what differs from Guichet's defaults is written, so that a later version's defaults still
/// apply where IT chose nothing; the text is read back before anything is replaced. The file then
/// replaces the old one in one step, readable by every user (each user's agent reads it) and
/// writable by its owner only.
pub fn write_system_file(path: &Path, config: &Config) -> Result<(), SystemFileError> {
    config.check()?;
    let format = |e: &dyn std::fmt::Display| SystemFileError::Format(e.to_string());
    let as_table = |value: &Config| toml::Table::try_from(value).map_err(|e| format(&e));
    let mut table = as_table(config)?;
    let mut defaults = as_table(&Config::default())?;
    if let Some(server) = config.server.as_ref().and_then(bare_server) {
        defaults.insert("server".into(), server);
    }
    without_defaults(&mut table, &defaults);
    let text = format!(
        "{HEADER}{}",
        toml::to_string(&table).map_err(|e| format(&e))?
    );
    let read: Config = toml::from_str(&text).map_err(|e| format(&e.message()))?;
    if as_table(&read)? != as_table(config)? {
        return Err(format(&"it would not read back as written"));
    }
    replace_shared(path, text.as_bytes()).map_err(|source| SystemFileError::Write {
        path: path.to_owned(),
        source,
    })
}

/// The defaults of `server`'s kind (its timeouts, its kind's own settings), without the keys that
/// say which help desk it is: those are always written.
fn bare_server(server: &ServerConfig) -> Option<toml::Value> {
    let kind = server.desk.kind();
    let desk = DeskConfig::parse(kind, toml::Value::Table(toml::Table::new()))?.ok()?;
    let bare = ServerConfig {
        http: HttpConfig::at(server.url()),
        desk,
    };
    let mut table = toml::Table::try_from(bare).ok()?;
    table.remove("kind");
    table.remove("url");
    Some(toml::Value::Table(table))
}

/// Removes from `table` what `defaults` holds with the same value, and the sections left empty.
fn without_defaults(table: &mut toml::Table, defaults: &toml::Table) {
    table.retain(|key, value| match (value, defaults.get(key)) {
        (toml::Value::Table(inner), Some(toml::Value::Table(default))) => {
            without_defaults(inner, default);
            !inner.is_empty()
        }
        (value, Some(default)) => value != default,
        (_, None) => true,
    });
}

/// Writes through `<name>.tmp` and a rename: mode 0644 in 0755 folders on Unix (whatever this
/// process's umask), the folder's inherited permissions elsewhere.
fn replace_shared(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut folders = std::fs::DirBuilder::new();
    folders.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut folders, 0o755);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        folders.create(dir)?;
    }
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(".tmp");
    let tmp = path.with_file_name(name);
    match std::fs::remove_file(&tmp) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{layers, Lockable, ServerConfig};

    #[test]
    fn the_system_file_is_where_it_belongs_on_this_os() {
        let path = system_config_path().expect("a system path");
        #[cfg(target_os = "linux")]
        assert_eq!(path, Path::new("/etc/guichet/config.toml"));
        #[cfg(windows)]
        assert!(path.ends_with(r"Guichet\config.toml"), "{}", path.display());
        #[cfg(target_os = "macos")]
        assert!(path.starts_with("/Library/Application Support/Guichet"));
    }

    /// What an installer would give: a help desk, a phone number, two locks, a shortcut.
    fn typed() -> Config {
        let server: ServerConfig = toml::from_str(
            "kind = \"glpi\"\nurl = \"https://assistance.academie.fr/apirest.php\"\napp_token = \"jeton-appli\"",
        )
        .expect("server");
        let mut config = Config {
            server: Some(server),
            locked: vec![Lockable::Server, Lockable::AgentShortcut],
            ..Config::default()
        };
        config.defaults.phone = Some("01 23 45 67 89".into());
        config.agent.shortcut = Some("Ctrl+Alt+H".into());
        config.agent.autostart = Some(false);
        config.poll.interval_secs = 600;
        if let Some(server) = &mut config.server {
            server.http.timeout_secs = 10;
        }
        config
    }

    #[test]
    fn typed_values_are_written_as_a_file_guichet_reads_back_with_its_locks() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("etc").join("guichet").join("config.toml");
        write_system_file(&path, &typed()).expect("written");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.starts_with("# Guichet: IT's configuration"), "{text}");
        for default in [
            "[limits]",
            "[retention]",
            "connect_timeout_secs",
            "categories",
        ] {
            assert!(
                !text.contains(default),
                "only IT's choices are written: {text}"
            );
        }

        let loaded = layers::load(Some(&path), dir.path());
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let config = loaded.config;
        assert_eq!(
            config.server.as_ref().map(ServerConfig::url),
            Some("https://assistance.academie.fr/apirest.php")
        );
        assert!(config.is_locked(Lockable::Server) && config.is_locked(Lockable::AgentShortcut));
        assert!(!config.is_locked(Lockable::Language));
        assert_eq!(config.defaults.phone.as_deref(), Some("01 23 45 67 89"));
        assert_eq!(config.agent.shortcut(), "Ctrl+Alt+H");
        assert_eq!(config.agent.autostart, Some(false));
        assert_eq!(config.poll.interval_secs, 600, "IT's choice, written");
        assert_eq!(config.server.map(|s| s.http.timeout_secs), Some(10));

        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o644, "every user's agent reads IT's file");
            assert_eq!(mode(path.parent().expect("folder")), 0o755);
        }
    }

    #[test]
    fn invalid_values_are_refused_and_the_file_in_place_is_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.toml");
        write_system_file(&path, &typed()).expect("written");
        let before = std::fs::read(&path).expect("read");

        let mut bad = typed();
        bad.agent.shortcut = Some("Ctrl+Hyper+G".into());
        let error = write_system_file(&path, &bad).expect_err("a shortcut Guichet cannot watch");
        assert!(matches!(error, SystemFileError::Invalid(_)), "{error}");
        let mut bad = typed();
        if let Some(server) = &mut bad.server {
            server.http.url = "assistance.academie.fr".into();
        }
        let error = write_system_file(&path, &bad).expect_err("an address without a scheme");
        assert!(error.to_string().contains("server.url"), "{error}");
        assert_eq!(
            std::fs::read(&path).expect("read"),
            before,
            "nothing replaced"
        );
        assert!(!dir.path().join("config.toml.tmp").exists());
    }

    #[test]
    fn a_folder_that_cannot_be_written_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let blocker = dir.path().join("not-a-folder");
        std::fs::write(&blocker, "a file").expect("write");
        let path = blocker.join("config.toml");
        let error = write_system_file(&path, &typed()).expect_err("a file where a folder goes");
        assert!(
            matches!(&error, SystemFileError::Write { path: p, .. } if p == &path),
            "{error}"
        );
    }
}
