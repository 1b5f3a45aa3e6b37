//! One panel per token of a session (access, refresh, id): the JWT header
//! on one row, then the claims as the core lays them out
//! ([`claims::view`]): Keycloak's first, times as UTC and relative. Only
//! the selected entry's tokens are decoded, once per frame, which costs
//! microseconds. The token itself and its signature are never shown; an
//! opaque token is described by its length alone.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::credential::{Secret, Session};
use crate::expiry::{self, Refresh};
use crate::jwt::{self, claims};
use crate::time_text;

use super::super::super::{strings, theme};
use super::super::text;

/// A space no wrap breaks at: keeps `kid abc` and `(in 4 m 0 s)` whole.
const NBSP: char = '\u{a0}';

/// The claims panels of a session's tokens at `now` (Unix seconds);
/// `access_exp` and `refresh` are when its tokens expire on this
/// machine's clock (what the gauges count down to,
/// [`crate::expiry::access_expiry`], [`crate::expiry::refresh_expiry`]).
pub fn lines(
    session: &Session,
    access_exp: Option<i64>,
    refresh: Refresh,
    now: i64,
    width: usize,
) -> Vec<Line<'static>> {
    let refresh_at = match refresh {
        Refresh::At(at) => Some(at),
        _ => None,
    };
    // (title, token, its local deadline, the response field behind it,
    // whether a refused session marks its exp).
    let tokens = [
        (
            "access token",
            Some(&session.access_token),
            access_exp,
            "expires_in",
            true,
        ),
        (
            "refresh token",
            session.refresh_token.as_ref(),
            refresh_at,
            "refresh_expires_in",
            false,
        ),
        ("id token", session.id_token.as_ref(), None, "", false),
    ];
    let panels = |width: usize| -> Vec<Vec<Line<'static>>> {
        let mut panels = Vec::new();
        for (title, token, local, field, refusable) in tokens {
            let Some(token) = token else { continue };
            let mut notes = local_note(session, token, local, field, now);
            if refusable && session.login_required {
                let refused = "refused by the server (login required): exp no longer counts";
                notes.push(("state", refused.to_owned(), true));
            }
            let mut lines = Vec::new();
            panel(&mut lines, title, token, &notes, now, width);
            panels.push(lines);
        }
        panels
    };
    // A wide pane sets the access token beside the others, so every exp
    // is on screen without scrolling.
    let column = width.saturating_sub(GAP.chars().count()) / 2;
    let several = tokens
        .iter()
        .filter(|(_, token, ..)| token.is_some())
        .count()
        > 1;
    if several && column >= MIN_COLUMN {
        let mut panels = panels(column).into_iter();
        let first = panels.next().unwrap_or_default();
        return side_by_side(first, panels.flatten().collect(), column);
    }
    panels(width).into_iter().flatten().collect()
}

/// The narrowest a column of claims gets before the panels stack.
const MIN_COLUMN: usize = 56;

/// Between two columns of claims.
const GAP: &str = " │ ";

/// `left` and `right` as one row each, `left` padded to `column`.
fn side_by_side(
    left: Vec<Line<'static>>,
    right: Vec<Line<'static>>,
    column: usize,
) -> Vec<Line<'static>> {
    let rows = left.len().max(right.len());
    let (mut left, mut right) = (left.into_iter(), right.into_iter());
    (0..rows)
        .map(|_| {
            let (left, right) = (
                left.next().unwrap_or_default(),
                right.next().unwrap_or_default(),
            );
            let pad = column.saturating_sub(left.width());
            let mut spans = spans_of(left);
            spans.push(Span::raw(" ".repeat(pad)));
            spans.push(Span::styled(GAP, theme::label()));
            spans.extend(spans_of(right));
            Line::from(spans)
        })
        .collect()
}

/// A line's spans, each carrying the line's own style beneath its own
/// (joined to another line, they keep how they looked).
fn spans_of(line: Line<'static>) -> Vec<Span<'static>> {
    let base = line.style;
    line.spans
        .into_iter()
        .map(|span| {
            let style = base.patch(span.style);
            span.style(style)
        })
        .collect()
}

/// What a token's `exp` (on the server's clock) does not say: the
/// deadline on this machine's clock, which the gauge counts down to, when
/// it differs (clock skew, or `field` of the response ending it first).
/// Rows of (label, value, is an error).
fn local_note(
    session: &Session,
    token: &Secret,
    local: Option<i64>,
    field: &str,
    now: i64,
) -> Vec<(&'static str, String, bool)> {
    let token = token.expose().trim();
    let (Some(exp), Some(local)) = (expiry::jwt_exp(token), local) else {
        return Vec::new();
    };
    if exp == local {
        return Vec::new();
    }
    let when = glue_relative(&format!(
        "{} ({})",
        time_text::utc(local),
        time_text::relative(local, now, true)
    ));
    let skew = expiry::skew(token, session.obtained_at);
    let why = if skew != 0 && local.saturating_sub(exp) == skew {
        let way = if skew > 0 { "ahead of" } else { "behind" };
        let by = time_text::humanize(skew.unsigned_abs()).replace(' ', &NBSP.to_string());
        format!("exp on this machine's clock, which is {by} {way} the server's")
    } else if local < exp {
        format!("{field} ends it before exp")
    } else {
        format!("{field} ends it after exp")
    };
    vec![("local", format!("{when}: {why}"), local <= now)]
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
