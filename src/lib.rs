//! sipauth-tui: credentials for the sipgate REST API and any Keycloak / OAuth2 API.
//!
//! The library is the whole product minus the terminal, one core under two
//! faces (the command line in the binary, the full-screen app in [`tui`],
//! entered through [`tui::run`]). The use cases both faces call are in
//! [`ops`]: remove with revocation, the login in steps, a usable credential
//! now, edit, refresh. Under them: the credential model ([`credential`]),
//! the store file ([`store`]), header and curl rendering ([`header`]),
//! lifetimes and the one refresh rule ([`expiry`]), JWT decoding and
//! verification ([`jwt`]), the OAuth2 / OpenID Connect protocol ([`oauth`]),
//! importing pasted or exported credentials ([`import`]), the account probe
//! ([`probe`]) and the local sandbox server, a sipgate-like API plus a
//! Keycloak-like realm ([`sandbox`], signing with [`sandbox_keys`]). Leaves
//! that several of these share: the network-failure vocabulary ([`net`]),
//! hints with a typed fix each face words ([`hint`]), times in words
//! ([`time_text`]), the one filter that makes text safe for a terminal at
//! every output edge ([`sanitize`]), files opened as files ([`files`]), and,
//! private to the crate, the secrets a request sent struck from its answer, an
//! issuer's URL rules and the names of JSON kinds. Core errors
//! carry facts, never advice naming a command, a flag or a key. Nothing
//! here reads the clock for display or touches the terminal, except the
//! app's runner in [`tui`]. [`testing`] (hidden) holds what only tests and
//! benches use, [`fuzz`] (hidden) the bodies of the fuzz targets.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod credential;
pub mod expiry;
pub mod files;
#[doc(hidden)]
pub mod fuzz;
pub mod header;
pub mod hint;
pub mod import;
mod issuer_url;
mod json_kind;
pub mod jwt;
pub mod net;
pub mod oauth;
pub mod ops;
pub mod probe;
mod redact;
pub mod sandbox;
pub mod sandbox_keys;
pub mod sanitize;
pub mod sipgate;
pub mod store;
#[doc(hidden)]
pub mod testing;
pub mod time_text;
pub mod tui;
pub mod vault;
