//! The grants other than the authorization code: a placeholder until they
//! are implemented.

use std::time::Duration;

use super::Outcome;

/// A grant `login` hands over to this module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OtherGrant {
    /// Resource owner password credentials.
    Password,
    /// Implicit.
    Implicit,
    /// Client credentials.
    ClientCredentials,
    /// Device authorization.
    Device,
}

/// Logs `name` in with `grant`.
pub(crate) fn run(
    _ctx: &super::Ctx,
    _name: &str,
    _grant: OtherGrant,
    _no_browser: bool,
    _timeout: Duration,
) -> anyhow::Result<Outcome> {
    anyhow::bail!("this grant is not implemented yet")
}
