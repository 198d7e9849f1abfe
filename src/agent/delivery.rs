//! The resident agent (`guichet` with no subcommand). For now it is the outbox's delivery loop:
//! it opens the outbox only while there is work, delivers what is due, closes it again, and sleeps
//! until the next report is due. The tray, global shortcut, screen capture and local IPC endpoint
//! come with the desktop issue; they will sit beside this loop.

use crate::cli::App;
use guichet_core::clock::unix_ms;
use std::path::Path;
use std::time::Duration;

/// Longest sleep between two looks at the outbox: a report queued by a CLI run while the agent
/// sleeps is picked up within this delay.
const MAX_SLEEP: Duration = Duration::from_secs(60);

pub async fn run(config_path: Option<&Path>) -> u8 {
    let app = match App::load(config_path) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("guichet: {e:#}");
            return crate::cli::EXIT_INVALID;
        }
    };
    let courier = app.courier();
    loop {
        let sleep = match cycle(&app, &courier).await {
            Ok(Some(next_ms)) => {
                let wait = next_ms.saturating_sub(unix_ms(app.clock.now())).max(0);
                Duration::from_millis(u64::try_from(wait).unwrap_or(0))
                    .clamp(Duration::from_secs(1), MAX_SLEEP)
            }
            Ok(None) => MAX_SLEEP,
            Err(e) => {
                tracing::warn!("outbox cycle: {e:#}");
                MAX_SLEEP
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(sleep) => {}
            _ = tokio::signal::ctrl_c() => return crate::cli::EXIT_OK,
        }
    }
}

/// One look at the outbox. Returns when the next pending report is due. The database is closed
/// again on return, so an idle agent holds no sled threads.
async fn cycle(app: &App, courier: &guichet_core::outbox::Courier) -> anyhow::Result<Option<i64>> {
    let outbox = app.outbox()?;
    let report = courier.flush(&outbox, false).await?;
    for (id, delivery) in &report.sent {
        tracing::info!("report {id} delivered as ticket {}", delivery.ticket);
    }
    Ok(outbox.next_due_ms()?)
}
