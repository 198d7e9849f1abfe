//! The main thread on macOS. AppKit wants its objects (the tray's status item and menu) made and
//! used on the main thread, and the main thread's run loop is also where Carbon delivers the
//! shortcut's presses and the notification centre its answers. So the agent gives its main thread
//! to the NSApplication event loop and runs its tokio runtime on a thread beside it ([`run_agent`]);
//! the other back ends hand work to the main thread through Grand Central Dispatch's main queue
//! ([`on_main`], or `dispatch2::run_on_main` where the caller cannot wait asynchronously).
//!
//! Only the agent comes here: the CLI subcommands run on the main thread as on every platform,
//! without AppKit.

use crate::exit::EXIT_FAILURE;
use dispatch2::DispatchQueue;
use objc2::MainThreadMarker;
use objc2_app_kit::{NSApplication, NSApplicationActivationPolicy};
use std::panic::AssertUnwindSafe;
use std::process::ExitCode;

/// Runs `agent` (which builds its runtime and runs the agent to its end) on a thread of its own,
/// while this thread, the main one, runs the application's event loop. When `agent` returns, the
/// process exits with its code (with `EXIT_FAILURE` if it panicked). Call it from `main`.
pub fn run_agent(agent: impl FnOnce() -> u8 + Send + 'static) -> ExitCode {
    let Some(mtm) = MainThreadMarker::new() else {
        // Only `main` calls this; without the main thread there is no event loop to run, and the
        // tray would wait for it forever.
        eprintln!("guichet: the agent must be started on the main thread");
        return ExitCode::from(EXIT_FAILURE);
    };
    let app = NSApplication::sharedApplication(mtm);
    // A menu-bar agent: no Dock icon and no menu bar of its own. Only an application whose
    // Info.plist forbids any UI refuses this, and then it has no status item either.
    if !app.setActivationPolicy(NSApplicationActivationPolicy::Accessory) {
        tracing::warn!("macOS refused the accessory activation policy");
    }
    let thread = std::thread::Builder::new()
        .name("guichet-agent".into())
        .spawn(move || {
            let code = std::panic::catch_unwind(AssertUnwindSafe(agent)).unwrap_or(EXIT_FAILURE);
            // Exit from the main thread, between two events, as `-[NSApplication terminate:]`
            // does; the agent has already removed its icon.
            DispatchQueue::main().exec_async(move || std::process::exit(i32::from(code)));
        });
    if let Err(e) = thread {
        eprintln!("guichet: cannot start: {e}");
        return ExitCode::from(EXIT_FAILURE);
    }
    // Returns only if something stops the application, which nothing here does.
    app.run();
    ExitCode::from(EXIT_FAILURE)
}

/// Runs `work` on the main thread, between two events of its loop, and hands back its result
/// without blocking the caller's thread. `None` only if the block was dropped unrun (the process is
/// exiting). Blocks run in the order they were sent.
pub async fn on_main<R, F>(work: F) -> Option<R>
where
    F: FnOnce(MainThreadMarker) -> R + Send + 'static,
    R: Send + 'static,
{
    let (done, result) = tokio::sync::oneshot::channel();
    DispatchQueue::main().exec_async(move || {
        // Always there: the main queue's blocks run on the main thread.
        if let Some(mtm) = MainThreadMarker::new() {
            let _ = done.send(work(mtm));
        }
    });
    result.await.ok()
}
