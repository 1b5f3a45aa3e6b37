//! One panel per token of a session: header and claims, Keycloak claims
//! first, times readable. (Scaffold; the full panel replaces it.)

use ratatui::text::Line;

use crate::credential::Session;

/// The claims panels of a session's tokens.
pub fn lines(session: &Session, now: i64, _width: u16) -> Vec<Line<'static>> {
    let _ = (session, now);
    Vec::new()
}
