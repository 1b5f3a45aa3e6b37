//! Integration tests: the real `sipauth-tui` binary, run as a process against
//! real files and, for the probe, the in-process sandbox over real sockets.
//! Every integration test lives in this one test binary.

#![allow(clippy::unwrap_used, missing_docs)]

mod common;
mod concurrency;
mod core_words;
mod credentials;
mod decode;
mod grants;
mod import;
mod layout;
mod oauth_browser;
mod oauth_common;
mod oauth_login;
mod oauth_probe;
mod oauth_refresh;
mod probe;
mod realm;
mod remove_race;
mod render;
mod sandbox_cmd;
mod store_file;
mod tui_e2e;
mod verify;
