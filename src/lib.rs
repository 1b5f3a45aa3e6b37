//! sipauth-tui: credentials for the sipgate REST API and any Keycloak / OAuth2 API.
//!
//! The library is the whole product minus the terminal: the credential model
//! ([`credential`]), the store file ([`store`]), header and curl rendering
//! ([`header`]), lifetimes and countdowns ([`expiry`]), JWT decoding and
//! verification ([`jwt`]), the OAuth2 / OpenID Connect client ([`oauth`]),
//! importing pasted or exported credentials ([`import`]), the account probe
//! ([`probe`]) and the local sandbox server, a sipgate-like API plus a
//! Keycloak-like realm ([`sandbox`], signing with [`sandbox_keys`]). Pieces
//! these share live in neutral modules of their own: text made safe for a
//! terminal ([`sanitize`]), the network-failure vocabulary ([`net`]), an
//! issuer's URLs and their rules ([`issuer_url`]) and the names of JSON
//! kinds in messages ([`json_kind`]). The `sipauth-tui` binary is a thin
//! command line over these; nothing here reads the clock for display or
//! touches the terminal.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod credential;
pub mod expiry;
pub mod header;
pub mod hint;
pub mod import;
pub mod issuer_url;
pub mod json_kind;
pub mod jwt;
pub mod net;
pub mod oauth;
pub mod ops;
pub mod probe;
pub mod sandbox;
pub mod sandbox_keys;
pub mod sanitize;
pub mod store;
#[doc(hidden)]
pub mod testing;
pub mod time_text;
pub mod tui;
