//! Integration tests: the real `sipauth-tui` binary, run as a process against
//! real files and, where HTTP is involved, the in-process sandbox over real
//! sockets. Every integration test lives in this one test binary, grouped by
//! the face or layer it drives:
//!
//! - [`cli`]: the command line, one file per concern (credentials, decode,
//!   import, probe, the OAuth logins and refreshes, the store file…);
//! - [`app`]: the full-screen app in a tmux pane, and its X11 clipboard;
//! - [`sandbox`]: the sandbox server itself (its realm spoken to over raw
//!   HTTP, and the `sandbox` command);
//! - [`support`]: the set-up all of them share (a temporary store, the
//!   binary with a clean environment, a logged-in realm, tmux, Xvfb).

#![allow(clippy::unwrap_used, missing_docs)]

mod app;
mod cli;
mod core;
mod sandbox;
mod support;
