//! The follow-up state on disk (`follow.json`), shared by the agent, `guichet watch` and a CLI
//! filing a report: read without a lock, changed under one, replaced atomically.

use super::FollowState;
use fs2::FileExt;
use guichet_protocol::private;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Why the follow-up state could not be used.
#[derive(Debug, thiserror::Error)]
pub enum FollowError {
    /// The state's directory, lock or file could not be used, or the lock was not free in time.
    #[error("cannot use the follow-up state in {path}: {source}")]
    Io {
        /// The state file (`follow.json`).
        path: PathBuf,
        /// Why, as the system said it.
        source: std::io::Error,
    },
}

/// The follow-up state on disk: `follow.json` in the data directory, changed only under the
/// exclusive lock `follow.lock` (the agent, `guichet watch` and a CLI filing a report may all
/// write it), and replaced atomically (write, sync, rename), readable by its user only.
#[derive(Debug, Clone)]
pub struct FollowStore {
    dir: PathBuf,
}

/// The store, locked: read it, change it, [`save`](FollowGuard::save) it.
#[derive(Debug)]
pub struct FollowGuard {
    /// The state as read under the lock; change it, then save.
    pub state: FollowState,
    store: FollowStore,
    _lock: std::fs::File,
}

impl FollowStore {
    /// The store in `data_dir`; nothing is read or created yet.
    pub fn new(data_dir: &Path) -> FollowStore {
        FollowStore {
            dir: data_dir.to_owned(),
        }
    }

    fn path(&self) -> PathBuf {
        self.dir.join("follow.json")
    }

    fn io(&self, source: std::io::Error) -> FollowError {
        FollowError::Io {
            path: self.path(),
            source,
        }
    }

    /// Reads the state without locking (for display). A missing file is an empty state; a
    /// damaged one is set aside as `follow.json.bad` and replaced by an empty state.
    pub fn read(&self) -> FollowState {
        match std::fs::read(self.path()) {
            Ok(bytes) => match serde_json::from_slice(&bytes) {
                Ok(state) => state,
                Err(e) => {
                    tracing::warn!("follow-up state damaged ({e}); starting afresh");
                    let _ = std::fs::rename(self.path(), self.dir.join("follow.json.bad"));
                    FollowState::default()
                }
            },
            Err(_) => FollowState::default(),
        }
    }

    /// Takes the lock (waiting for another process for at most `wait`) and reads the state.
    pub async fn lock(&self, wait: Duration) -> Result<FollowGuard, FollowError> {
        private::create_dir_all(&self.dir).map_err(|e| self.io(e))?;
        let file = private::open(
            private::open_options()
                .create(true)
                .truncate(false)
                .write(true),
            &self.dir.join("follow.lock"),
        )
        .map_err(|e| self.io(e))?;
        let deadline = tokio::time::Instant::now() + wait;
        while let Err(e) = file.try_lock_exclusive() {
            if tokio::time::Instant::now() >= deadline {
                return Err(self.io(e));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(FollowGuard {
            state: self.read(),
            store: self.clone(),
            _lock: file,
        })
    }

    /// Locks, applies `change`, saves.
    pub async fn update<T>(
        &self,
        change: impl FnOnce(&mut FollowState) -> T,
    ) -> Result<T, FollowError> {
        let mut guard = self.lock(LOCK_WAIT).await?;
        let out = change(&mut guard.state);
        guard.save()?;
        Ok(out)
    }
}

/// How long a write waits for another process's (never holds it while asking the help desk).
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

impl FollowGuard {
    /// Writes the state back atomically, readable by its user only; the lock is kept until the
    /// guard is dropped.
    pub fn save(&self) -> Result<(), FollowError> {
        let store = &self.store;
        let bytes = serde_json::to_vec_pretty(&self.state)
            .map_err(|e| store.io(std::io::Error::other(e)))?;
        private::replace(&store.path(), &bytes).map_err(|e| store.io(e))
    }
}
