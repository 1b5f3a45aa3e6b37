//! The suite against a real Keycloak: the real `sipauth-tui` binary logs in,
//! refreshes, verifies and revokes against the realms in
//! `tests/fixtures/keycloak/`, and the sandbox is compared with Keycloak.
//!
//! `bash .ci/keycloak` starts the server and runs this with
//! `SIPAUTH_KEYCLOAK_URL` (e.g. `http://127.0.0.1:8080/auth`) and the admin
//! credentials in `SIPAUTH_KEYCLOAK_ADMIN_USERNAME`/`_PASSWORD`. Without a
//! reachable server every test fails: a missing Keycloak is never a pass.

#![allow(clippy::unwrap_used, missing_docs)]

#[path = "keycloak/browser.rs"]
mod browser;
#[path = "keycloak/cli.rs"]
mod cli;
#[path = "keycloak/code_flow.rs"]
mod code_flow;
#[path = "keycloak/grants.rs"]
mod grants;
#[path = "keycloak/refresh.rs"]
mod refresh;
#[path = "keycloak/server.rs"]
mod server;
#[path = "keycloak/shape.rs"]
mod shape;
#[path = "keycloak/tokens.rs"]
mod tokens;
#[path = "keycloak/tui.rs"]
mod tui;
