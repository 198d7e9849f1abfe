//! `guichet watch`: the status poller in the foreground, printing each notice as it comes (one
//! JSON object per line with `--json`). It shares the follow-up state with the agent, under its
//! lock, so a notice printed here is not shown again by the agent, and the other way round.

use crate::exit::{EXIT_FAILURE, EXIT_OK};
use guichet_core::api::Guichet;
use guichet_core::connector::ConnectorError;
use guichet_core::follow::{next_delay, poll_stored, Notice, PollError};
use guichet_core::i18n::t;
use guichet_core::protocol::ErrorInfo;
use rand::rngs::StdRng;
use rand::SeedableRng;
use std::time::Duration;

/// With nothing to follow, how often the state file is read again (no network involved).
const IDLE_RECHECK: Duration = Duration::from_secs(60);

pub async fn run(guichet: &Guichet, as_json: bool, once: bool) -> Result<u8, ErrorInfo> {
    let lang = guichet.lang();
    let Some(poller) = guichet.poller() else {
        return Err(ConnectorError::NotConfigured.info(lang));
    };
    let settings = guichet.poll_settings();
    let store = guichet.follow_store();
    let mut rng = StdRng::from_entropy();
    if !as_json && !once {
        eprintln!("{}", t(lang, "watch.started", &[]));
    }
    let mut said_nothing = false;
    loop {
        if guichet.follow_state().tickets.is_empty() && !said_nothing && !as_json {
            eprintln!("{}", t(lang, "watch.nothing", &[]));
            said_nothing = true;
        }
        match poll_stored(&poller, store, guichet.clock().now()).await {
            Ok((notices, _)) => {
                for notice in &notices {
                    print(notice, lang, as_json);
                }
            }
            Err(PollError::Connector(e, _)) => {
                let info = e.info(lang);
                if once {
                    return Err(info);
                }
                eprintln!("{}", info.message);
            }
            Err(PollError::Store(e)) => {
                eprintln!("guichet: {e}");
                return Ok(EXIT_FAILURE);
            }
        }
        if once {
            return Ok(EXIT_OK);
        }
        let state = guichet.follow_state();
        let delay = next_delay(&settings, &state, &mut rng).unwrap_or(IDLE_RECHECK);
        if !state.tickets.is_empty() {
            said_nothing = false;
        }
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = tokio::signal::ctrl_c() => return Ok(EXIT_OK),
        }
    }
}

fn print(notice: &Notice, lang: guichet_core::i18n::Lang, as_json: bool) {
    if as_json {
        println!("{}", serde_json::json!(notice));
    } else {
        println!("{} — {}", notice.title(lang), notice.body(lang));
    }
}
