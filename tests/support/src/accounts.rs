//! Real local accounts for tests that need a second user on the machine (as root, in CI):
//! created with `useradd`, used through their own ids, removed with their homes when dropped.

use crate::workstation::stderr;
use std::ffi::OsStr;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// A local account made for a test, with its home; removed with it when dropped (also when
/// the test fails).
#[derive(Debug)]
pub struct Account {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    pub home: PathBuf,
}

impl Account {
    pub fn create(name: &str) -> Account {
        let home = PathBuf::from("/home").join(name);
        let home_text = home.to_str().unwrap();
        root(
            "useradd",
            &[
                "--create-home",
                "--home-dir",
                home_text,
                "--shell",
                "/bin/sh",
                "--user-group",
                name,
            ],
        );
        // Removed from here on, whatever happens.
        let mut account = Account {
            name: name.to_owned(),
            uid: 0,
            gid: 0,
            home,
        };
        // World-readable, as `useradd -m` and `pam_mkhomedir` make homes on many systems.
        std::fs::set_permissions(&account.home, std::fs::Permissions::from_mode(0o755)).unwrap();
        let meta = std::fs::metadata(&account.home).unwrap();
        assert_ne!(meta.uid(), 0, "{name} is not root");
        (account.uid, account.gid) = (meta.uid(), meta.gid());
        account
    }

    /// `program` as this user (its ids, no other group), in its home, with a login's variables.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.uid(self.uid)
            .gid(self.gid)
            .current_dir(&self.home)
            .env_clear()
            .env("HOME", &self.home)
            .env("USER", &self.name)
            .env("LOGNAME", &self.name)
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("LANG", "C.UTF-8")
            .stdin(Stdio::null());
        cmd
    }

    pub fn data_dir(&self) -> PathBuf {
        self.home.join(".local/share/guichet")
    }

    pub fn log_root(&self) -> PathBuf {
        self.home.join(".local/state/guichet")
    }

    /// A document of the user's own, in a folder only they can open.
    pub fn document(&self, name: &str, content: &str) -> PathBuf {
        let dir = self.home.join("Documents");
        std::fs::create_dir(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        for (p, mode) in [(&dir, 0o700), (&path, 0o600)] {
            std::os::unix::fs::chown(p, Some(self.uid), Some(self.gid)).unwrap();
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        path
    }
}

impl Drop for Account {
    fn drop(&mut self) {
        let _ = Command::new("userdel")
            .args(["--remove", "--force", &self.name])
            .stderr(Stdio::null())
            .status();
    }
}

/// Runs a command as root, and checks it succeeded.
pub fn root(program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(out.status.success(), "{program} {args:?}: {}", stderr(&out));
}
