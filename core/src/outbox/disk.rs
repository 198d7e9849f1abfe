//! The outbox's relation to the disk under it: refusing a write the file system cannot take, and
//! setting aside a snapshot sled cannot read.

use super::OutboxError;
use std::path::Path;

/// What sled needs free beside the data it is given: room for a new log segment and snapshot.
const HEADROOM: u64 = 4 * 1024 * 1024;

/// Refuses to write `bytes` (three times over: log, snapshot, page cache flush) when the file
/// system where `dir` lives cannot take them with [`HEADROOM`] to spare.
pub(super) fn room(dir: &Path, bytes: u64) -> Result<(), OutboxError> {
    let needed = HEADROOM + bytes.saturating_mul(3);
    match fs2::available_space(dir) {
        Ok(available) if available < needed => Err(OutboxError::Full {
            path: dir.to_owned(),
            available,
            needed,
        }),
        // Unknown (a file system that does not say): try, and let the write fail if it must.
        _ => Ok(()),
    }
}

/// Moves sled's snapshot files aside (`snap.*` → `damaged-snap.*`, a name sled does not read);
/// whether there was any.
pub(super) fn set_snapshots_aside(db: &Path) -> bool {
    let mut moved = false;
    for entry in std::fs::read_dir(db).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("snap.") {
            moved |= std::fs::rename(entry.path(), db.join(format!("damaged-{name}"))).is_ok();
        }
    }
    moved
}
