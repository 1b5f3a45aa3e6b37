//! Helpers for tests, benches and the demo's fixtures; not product API.
//!
//! They live in the library, not under `tests/`, so that the unit tests
//! (`src/**/tests`), the view tests, the integration tests and the benches
//! all reach the same code: [`jwt`] builds test tokens, [`cases`] runs
//! tables of cases and reports every failing one. Tokens signed with the
//! sandbox's real keys come from [`crate::sandbox_keys::sign`].

pub mod cases;
pub mod jwt;
