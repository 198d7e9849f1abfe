/**
 * The one module that talks to Rust. Every call to Tauri's `invoke` goes through here, and
 * nowhere else: components import typed functions from this file, never `@tauri-apps/api`.
 *
 * The window process's commands are thin adapters over IPC calls to the resident agent. Their
 * request and response types are generated from the core crate (ts-rs) and committed; errors
 * arrive as `{ code, message }` with a code from a small closed set the UI branches on.
 *
 * The placeholder window calls no command yet, so this module exports nothing.
 */
export {};
