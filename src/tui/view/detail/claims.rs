//! One panel per token of a session (access, refresh, id): the JWT header
//! on one row, then the claims as the core lays them out
//! ([`claims::view`]): Keycloak's first, times as UTC and relative. Only
//! the selected entry's tokens are decoded, once per frame, which costs
//! microseconds. The token itself and its signature are never shown; an
//! opaque token is described by its length alone.

use ratatui::style::Style;
use ratatui::text::Line;

use crate::credential::{Secret, Session};
use crate::jwt::{self, claims};
use crate::{expiry, time_text};

use super::super::super::{strings, theme};
use super::super::text;

/// A space no wrap breaks at: keeps `kid abc` and `(in 4 m 0 s)` whole.
const NBSP: char = '\u{a0}';

/// The claims panels of a session's tokens at `now` (Unix seconds);
/// `access_exp` is when the access token expires on this machine's clock
/// (what the gauge counts down to, [`crate::expiry::access_expiry`]).
pub fn lines(
    session: &Session,
    access_exp: Option<i64>,
    now: i64,
    width: usize,
) -> Vec<Line<'static>> {
    let tokens = [
        ("access token", Some(&session.access_token)),
        ("refresh token", session.refresh_token.as_ref()),
        ("id token", session.id_token.as_ref()),
    ];
    let mut lines = Vec::new();
    for (i, (title, token)) in tokens.into_iter().enumerate() {
        if let Some(token) = token {
            let notes = if i == 0 {
                access_notes(session, access_exp, now)
            } else {
                Vec::new()
            };
            panel(&mut lines, title, token, &notes, now, width);
        }
    }
    lines
}

/// What the access token's `exp` (on the server's clock) does not say:
/// the deadline on this machine's clock when it differs (clock skew, or
/// an `expires_in` that ends first), and that the server refused the
/// session. Rows of (label, value, is an error).
fn access_notes(
    session: &Session,
    access_exp: Option<i64>,
    now: i64,
) -> Vec<(&'static str, String, bool)> {
    let mut notes = Vec::new();
    let token = session.access_token.expose().trim();
    let exp = expiry::jwt_exp(token);
    if let (Some(exp), Some(local)) = (exp, access_exp)
        && exp != local
    {
        let when = glue_relative(&format!(
            "{} ({})",
            time_text::utc(local),
            time_text::relative(local, now, true)
        ));
        let skew = local.saturating_sub(exp);
        let why = match expiry::jwt_time(token, "iat") {
            Some(iat) if session.obtained_at.saturating_sub(iat) == skew && skew != 0 => {
                let way = if skew > 0 { "ahead of" } else { "behind" };
                format!(
                    "exp on this machine's clock, which is {} {way} the server's",
                    time_text::humanize(skew.unsigned_abs())
                )
            }
            _ => "expires_in ends it before exp".to_owned(),
        };
        notes.push(("local", format!("{when}: {why}"), local <= now));
    }
    if session.login_required {
        let refused = "refused by the server (login required): exp no longer counts";
        notes.push(("state", refused.to_owned(), true));
    }
    notes
}

fn panel(
    lines: &mut Vec<Line<'static>>,
    title: &str,
    token: &Secret,
    notes: &[(&'static str, String, bool)],
    now: i64,
    width: usize,
) {
    let raw = token.expose().trim();
    let length = raw.chars().count();
    if !jwt::looks_like_jwt(raw) {
        lines.push(text::rule(title, "opaque", width));
        lines.extend(text::paragraph(
            &strings::opaque(length),
            width,
            theme::label(),
        ));
        return;
    }
    let decoded = match jwt::decode(raw) {
        Ok(decoded) => decoded,
        Err(e) => {
            lines.push(text::rule(title, "unreadable", width));
            let why = format!("not a readable JWT: {e}");
            lines.extend(text::paragraph(&why, width, theme::error()));
            return;
        }
    };
    lines.push(text::rule(title, &format!("JWT, {length} chars"), width));
    let view = claims::view(&decoded, now);
    let header = view
        .header
        .iter()
        .map(|f| format!("{}{NBSP}{}", f.name, f.value))
        .collect::<Vec<_>>()
        .join(", ");
    // The facts' column, so values line up down the pane; longer names
    // (realm_access.roles) take a row of their own.
    let label = super::LABEL;
    lines.extend(text::field("header", &header, label, width, theme::label()));
    let expired = decoded.time_claim("exp").is_some_and(|exp| exp <= now);
    let note = |lines: &mut Vec<Line<'static>>| {
        for (name, value, error) in notes {
            let style = if *error { theme::error() } else { Style::new() };
            lines.extend(text::field(name, value, label, width, style));
        }
    };
    if !view.claims.iter().any(|f| f.name == "exp") {
        note(lines);
    }
    for field in &view.claims {
        let style = if field.name == "exp" && expired {
            theme::error()
        } else {
            Style::new()
        };
        let value = if claims::TIME_CLAIMS.contains(&field.name.as_str()) {
            glue_relative(&field.value)
        } else {
            field.value.clone()
        };
        lines.extend(text::field(&field.name, &value, label, width, style));
        if field.name == "exp" {
            note(lines);
        }
    }
}

/// `2023-11-14 22:12:20 UTC (1 m 0 s ago)` with the bracket glued, so a
/// narrow pane moves the relative time to the next row as one piece.
fn glue_relative(value: &str) -> String {
    match value.rfind(" (") {
        Some(at) => format!(
            "{}{}",
            &value[..at + 1],
            value[at + 1..].replace(' ', &NBSP.to_string())
        ),
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times_wrap_as_one_piece() {
        let glued = glue_relative("2023-11-14 22:12:20 UTC (1 m 0 s ago)");
        let rows = text::wrap(&glued, 30);
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[1].replace(NBSP, " "), "(1 m 0 s ago)");
        assert_eq!(glue_relative("not set"), "not set");
    }
}
