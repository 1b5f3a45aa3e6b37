//! sipauth-tui: credentials for the sipgate REST API and any Keycloak / OAuth2 API.
//!
//! The library is the whole product minus the terminal: the credential model
//! ([`credential`]), the store file ([`store`]), header and curl rendering
//! ([`header`]), lifetimes and countdowns ([`expiry`]), JWT decoding and
//! verification ([`jwt`]), the OAuth2 / OpenID Connect client ([`oauth`]),
//! importing pasted or exported credentials ([`import`]), the account probe
//! ([`probe`]) and the local sandbox server, a sipgate-like API plus a
//! Keycloak-like realm ([`sandbox`]). The `sipauth-tui` binary is a thin
//! command line over these; nothing here reads the clock for display or
//! touches the terminal.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod credential;
pub mod expiry;
pub mod header;
pub mod import;
pub mod jwt;
pub mod oauth;
pub mod probe;
pub mod sandbox;
pub mod store;
#[doc(hidden)]
pub mod testing;
pub mod tui;
