//! The process's exit codes, a documented interface for IT scripts (see the README): the same for
//! every command, the agent and the outbox worker.

/// Success: sent, or queued to be sent.
pub const EXIT_OK: u8 = 0;
/// Failure (for `queue flush`: reports still waiting).
pub const EXIT_FAILURE: u8 = 1;
/// Invalid input or configuration; nothing was sent.
pub const EXIT_INVALID: u8 = 2;
/// `queue flush`: reports stopped on a permanent error and need a person.
pub const EXIT_STOPPED: u8 = 3;
