//! What Guichet keeps on the workstation stays its user's alone: every directory it creates is
//! 0700 and every file 0600 on Linux and macOS, whatever the umask; and an installation left
//! readable by others (by an earlier version, or a copy) is tightened at the next start.
//!
//! Three rules make it hold:
//! - every Guichet process calls [`restrict_umask`] first, so files that libraries create (sled's
//!   database and blobs, the daily log files, the web view's caches) are owner-only too;
//! - Guichet's own writes go through [`create_dir_all`], [`open_options`], [`write`] and
//!   [`replace`], which set the mode explicitly (a umask can only take bits away);
//! - [`tighten`] walks an existing tree at start and removes every group and other permission,
//!   never following a symbolic link.
//!
//! On Windows these are plain file operations: `%LOCALAPPDATA%` is protected by the ACL of the
//! user's profile, which its files inherit (`docs/PRIVACY.md`).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The mode of every directory Guichet creates.
pub const DIR_MODE: u32 = 0o700;
/// The mode of every file Guichet writes.
pub const FILE_MODE: u32 = 0o600;
/// The file-creation mask of every Guichet process: nothing for the group or others.
pub const UMASK: u32 = 0o077;

/// Sets this process's file-creation mask to [`UMASK`], so that no file or directory it (or a
/// library it uses, or a child it starts) creates is readable by anyone else. Call it first in
/// `main`, before any thread starts: the mask belongs to the whole process. Nothing on Windows.
pub fn restrict_umask() {
    #[cfg(unix)]
    {
        // UMASK, spelled in flags: `mode_t` is 16 bits on macOS, 32 on Linux.
        use rustix::fs::Mode;
        rustix::process::umask(Mode::RWXG | Mode::RWXO);
    }
}

/// Creates `dir` and its missing parents, each 0700 (`~/.local`, `~/.local/share` when Guichet
/// is the first to need them). Directories that already exist are left as they are.
pub fn create_dir_all(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, DIR_MODE);
    builder.create(dir)
}

/// `OpenOptions` that create a file 0600. Combine with `read`, `write`, `create`…; a file that
/// already exists keeps its mode: open it through [`open`] to narrow that too.
pub fn open_options() -> OpenOptions {
    #[cfg_attr(not(unix), allow(unused_mut))] // Only Unix has modes.
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
    options
}

/// Opens `path` with `options` (made by [`open_options`]), and narrows the mode of a file that
/// already existed with more than its owner's permissions (a lock file of an earlier version).
pub fn open(options: &OpenOptions, path: &Path) -> std::io::Result<File> {
    let file = options.open(path)?;
    narrow(&file)?;
    Ok(file)
}

/// Writes `bytes` to `path`, created 0600 or truncated (and narrowed to 0600 if it was wider).
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = open(open_options().write(true).create(true).truncate(true), path)?;
    file.write_all(bytes)
}

/// Replaces `path` with `bytes` atomically: written to `<name>.tmp` beside it (a new file, 0600,
/// never a link followed), synced, then renamed over `path`. Readers see the old content or the
/// new, never half of it, and never a file others could read. Creates the directory (0700) if
/// it is missing.
pub fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_dir_all(dir)?;
    }
    let tmp = temporary(path);
    // A stale temporary file (a crash before the rename) is replaced, not reused: `create_new`
    // never opens an existing file, nor follows a link planted in its place.
    match std::fs::remove_file(&tmp) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut file = open_options().write(true).create_new(true).open(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path)
}

/// `<name>.tmp` beside `path`.
fn temporary(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(".tmp");
    path.with_file_name(name)
}

/// Takes every group and other permission away from an open file.
fn narrow(file: &File) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file.metadata()?.permissions().mode();
        if mode & 0o7077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(mode & 0o700))?;
        }
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// A path [`tighten`] could not make private.
#[derive(Debug, thiserror::Error)]
#[error("cannot make {path} private: {source}")]
pub struct TightenError {
    /// The file or directory.
    pub path: PathBuf,
    /// Why it could not be changed.
    #[source]
    pub source: std::io::Error,
}

/// What [`tighten`] did.
#[derive(Debug, Default)]
pub struct Tightened {
    /// Paths whose group or other permissions were taken away.
    pub changed: usize,
    /// Paths that could not be changed or read (the walk went on past them).
    pub errors: Vec<TightenError>,
}

impl Tightened {
    #[cfg(unix)]
    fn fail(&mut self, path: &Path, source: impl Into<std::io::Error>) {
        self.errors.push(TightenError {
            path: path.to_owned(),
            source: source.into(),
        });
    }
}

/// Takes every group and other permission (and the set-id and sticky bits) away from `root` and
/// everything under it: a tree an earlier version left 0755 and 0644 becomes 0700 and 0600,
/// nothing else changes and nothing is lost. `root` itself is the directory as configured (a
/// link there is followed, as every use of it does); under it no symbolic link is ever followed,
/// and each directory is made private before it is listed, so no one else can swap an entry for a
/// link meanwhile. A missing `root` is nothing to do. Nothing on Windows.
pub fn tighten(root: &Path) -> Tightened {
    #[cfg_attr(not(unix), allow(unused_mut))] // Only Unix has modes.
    let mut out = Tightened::default();
    #[cfg(unix)]
    unix::tighten(root, &mut out);
    #[cfg(not(unix))]
    let _ = root;
    out
}

/// The directories Guichet owns on this workstation: the data directory and the logs' own
/// folder ([`crate::logs::log_root`]), the second left out when it lies in the first.
pub fn owned_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    for dir in [crate::transport::data_dir(), crate::logs::log_root()]
        .into_iter()
        .flatten()
    {
        if !dirs.iter().any(|d| dir.starts_with(d)) {
            dirs.push(dir);
        }
    }
    dirs
}

#[cfg(unix)]
mod unix {
    use super::Tightened;
    use rustix::fs::{AtFlags, Dir, FileType, Mode, OFlags};
    use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    /// Group and other permissions, and the set-user-id, set-group-id and sticky bits.
    const NOT_OWNER: Mode = Mode::RWXG
        .union(Mode::RWXO)
        .union(Mode::SUID)
        .union(Mode::SGID)
        .union(Mode::SVTX);

    pub(super) fn tighten(root: &Path, out: &mut Tightened) {
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        match rustix::fs::open(root, flags, Mode::empty()) {
            Ok(dir) => walk(dir, root, out),
            Err(rustix::io::Errno::NOENT) => {}
            Err(e) => out.fail(root, e),
        }
    }

    /// Makes the open directory `dir` (at `path`) private, then everything in it.
    fn walk(dir: OwnedFd, path: &Path, out: &mut Tightened) {
        match rustix::fs::fstat(&dir) {
            Ok(stat) if loose(stat.st_mode) => {
                match rustix::fs::fchmod(&dir, private(stat.st_mode)) {
                    Ok(()) => out.changed += 1,
                    Err(e) => out.fail(path, e),
                }
            }
            Ok(_) => {}
            Err(e) => return out.fail(path, e),
        }
        let entries = match Dir::read_from(&dir) {
            Ok(entries) => entries,
            Err(e) => return out.fail(path, e),
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    out.fail(path, e);
                    break;
                }
            };
            let name = entry.file_name();
            if name == c"." || name == c".." {
                continue;
            }
            let child = path.join(std::ffi::OsStr::from_bytes(name.to_bytes()));
            entry_of(dir.as_fd(), name, &child, out);
        }
    }

    /// One entry of an open directory, by name relative to it: never through a link.
    fn entry_of(dir: BorrowedFd<'_>, name: &std::ffi::CStr, path: &Path, out: &mut Tightened) {
        let stat = match rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(stat) => stat,
            // Removed meanwhile (a temporary file renamed): nothing to protect.
            Err(rustix::io::Errno::NOENT) => return,
            Err(e) => return out.fail(path, e),
        };
        match FileType::from_raw_mode(stat.st_mode) {
            // A link's own mode means nothing, and what it points to is not Guichet's.
            FileType::Symlink => {}
            FileType::Directory => {
                let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
                match rustix::fs::openat(dir, name, flags, Mode::empty()) {
                    Ok(child) => walk(child, path, out),
                    Err(rustix::io::Errno::NOENT) => {}
                    Err(e) => out.fail(path, e),
                }
            }
            // Files, and sockets or pipes: the directory is already private, so only its owner
            // could have swapped the entry since `statat`.
            _ if loose(stat.st_mode) => {
                match rustix::fs::chmodat(dir, name, private(stat.st_mode), AtFlags::empty()) {
                    Ok(()) => out.changed += 1,
                    Err(rustix::io::Errno::NOENT) => {}
                    Err(e) => out.fail(path, e),
                }
            }
            _ => {}
        }
    }

    /// Whether a `st_mode` lets anyone but the owner in (or carries a set-id or sticky bit).
    fn loose(st_mode: rustix::fs::RawMode) -> bool {
        Mode::from_raw_mode(st_mode).intersects(NOT_OWNER)
    }

    /// The owner's permissions of a `st_mode`, and nothing else.
    fn private(st_mode: rustix::fs::RawMode) -> Mode {
        Mode::from_raw_mode(st_mode) & Mode::RWXU
    }
}

#[cfg(all(test, unix))]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::symlink_metadata(path)
            .unwrap()
            .permissions()
            .mode()
            & 0o7777
    }

    fn set(path: &Path, mode: u32) {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn created_directories_and_files_are_owner_only_whatever_the_umask() {
        // The test process keeps its own umask (usually 022): the modes are set explicitly.
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("local/share/guichet");
        create_dir_all(&dir).unwrap();
        for d in ["local", "local/share", "local/share/guichet"] {
            assert_eq!(mode(&root.path().join(d)), 0o700, "{d}");
        }
        write(&dir.join("a"), b"a").unwrap();
        replace(&dir.join("b.json"), b"b").unwrap();
        replace(&root.path().join("new/c.toml"), b"c").unwrap();
        assert_eq!(mode(&dir.join("a")), 0o600);
        assert_eq!(mode(&dir.join("b.json")), 0o600);
        assert_eq!(mode(&root.path().join("new")), 0o700);
        assert_eq!(mode(&root.path().join("new/c.toml")), 0o600);
        assert_eq!(std::fs::read(dir.join("b.json")).unwrap(), b"b");
        assert!(!dir.join("b.json.tmp").exists());

        // Existing files written by an earlier version are narrowed when written again.
        let old = dir.join("old.lock");
        std::fs::write(&old, b"").unwrap();
        set(&old, 0o644);
        open(
            open_options().write(true).create(true).truncate(false),
            &old,
        )
        .unwrap();
        assert_eq!(mode(&old), 0o600);
        set(&old, 0o664);
        write(&old, b"x").unwrap();
        assert_eq!(mode(&old), 0o600);
    }

    #[test]
    fn a_stale_temporary_file_or_a_link_in_its_place_is_replaced_not_followed() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("elsewhere");
        std::fs::write(&target, b"not Guichet's").unwrap();
        set(&target, 0o644);
        let path = root.path().join("profile.json");
        std::os::unix::fs::symlink(&target, root.path().join("profile.json.tmp")).unwrap();
        replace(&path, b"{}").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"not Guichet's");
        assert_eq!(mode(&target), 0o644);
        assert_eq!(std::fs::read(&path).unwrap(), b"{}");
        assert_eq!(mode(&path), 0o600);
    }

    #[test]
    fn tightening_makes_a_loose_tree_private_without_following_links_or_losing_anything() {
        let root = tempfile::tempdir().unwrap();
        let data = root.path().join("guichet");
        let outside = root.path().join("outside");
        std::fs::create_dir_all(data.join("outbox/outbox.sled/blobs")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("shared.txt"), b"shared").unwrap();
        let files = [
            "profile.json",
            "outbox/outbox.lock",
            "outbox/outbox.sled/db",
            "outbox/outbox.sled/blobs/1",
        ];
        for f in files {
            std::fs::write(data.join(f), f.as_bytes()).unwrap();
            set(&data.join(f), 0o644);
        }
        set(&data.join("profile.json"), 0o4666);
        for d in [
            "",
            "outbox",
            "outbox/outbox.sled",
            "outbox/outbox.sled/blobs",
        ] {
            set(&data.join(d), 0o755);
        }
        set(&outside, 0o755);
        set(&outside.join("shared.txt"), 0o644);
        std::os::unix::fs::symlink(&outside, data.join("link-to-dir")).unwrap();
        std::os::unix::fs::symlink(outside.join("shared.txt"), data.join("link-to-file")).unwrap();
        // A directory its owner made read-only stays read-only.
        std::fs::create_dir(data.join("kept")).unwrap();
        set(&data.join("kept"), 0o555);

        let done = tighten(&data);
        assert!(done.errors.is_empty(), "{:?}", done.errors);
        assert_eq!(done.changed, 9);
        for d in [
            "",
            "outbox",
            "outbox/outbox.sled",
            "outbox/outbox.sled/blobs",
        ] {
            assert_eq!(mode(&data.join(d)), 0o700, "{d}");
        }
        for f in files {
            assert_eq!(mode(&data.join(f)), 0o600, "{f}");
            assert_eq!(std::fs::read(data.join(f)).unwrap(), f.as_bytes());
        }
        assert_eq!(mode(&data.join("kept")), 0o500);
        // Neither the linked directory nor the linked file changed.
        assert_eq!(mode(&outside), 0o755);
        assert_eq!(mode(&outside.join("shared.txt")), 0o644);
        // Once private, a second start has nothing to do; a missing tree neither.
        assert_eq!(tighten(&data).changed, 0);
        let missing = tighten(&root.path().join("none"));
        assert_eq!((missing.changed, missing.errors.len()), (0, 0));
    }
}
