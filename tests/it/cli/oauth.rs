//! The command line with OAuth: `add oauth`, `login` with each grant (the
//! test playing the browser), and what a stored session does afterwards
//! (refresh, probe, revocation on `remove`).

mod browser;
mod echo;
mod grants;
mod hardening;
mod login;
mod probe;
mod refresh;
mod remove_race;
