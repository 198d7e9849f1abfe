//! Entry point of `guichet-ui`, the window process the agent starts on demand.

// Release builds on Windows must not open a console next to the window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

fn main() -> ExitCode {
    match guichet_ui::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("guichet-ui: {error}");
            ExitCode::FAILURE
        }
    }
}
