//! The detail pane: what the credential is (kind, API, masked secret,
//! header preview), the countdown gauges of a session, then a scrollable
//! part with the last probe and one claims panel per token.

mod claims;
mod probe;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Gauge, Paragraph};

use crate::credential::{Auth, Credential, mask_id};
use crate::expiry::{self, Refresh};

use super::super::app::App;
use super::super::app::entries::Entry;
use super::super::layout::Pane;
use super::super::theme;
use super::list::short;

/// Masked secrets show this many dots whatever their length.
const MASK: &str = "••••••••";

/// Draws the pane into `area` (nothing when the area is empty).
pub fn draw(frame: &mut Frame, app: &App, area: Rect, now: i64) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let Some(entry) = app.current() else {
        let block = Block::bordered().title(" details ");
        frame.render_widget(Paragraph::new("Nothing selected.").block(block), area);
        return;
    };
    let mut block = Block::bordered().title(format!(" {} ", entry.name()));
    if app.focus == Pane::Detail {
        block = block.border_style(theme::focused());
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let secs = now.div_euclid(1000);
    let revealed = app.revealed(entry.name(), now);
    let facts = facts(&entry.credential, revealed);
    let gauges = usize::from(entry.session().is_some()) * 2;
    let [top, gauge_area, rest] = Layout::vertical([
        Constraint::Length(u16::try_from(facts.len()).unwrap_or(u16::MAX)),
        Constraint::Length(u16::try_from(gauges).unwrap_or(0)),
        Constraint::Fill(1),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(facts), top);
    if gauges > 0 {
        draw_gauges(frame, entry, gauge_area, secs);
    }
    let mut lines = Vec::new();
    if let Some(view) = &entry.probe {
        lines.extend(probe::lines(view, secs, rest.width));
    }
    if let Some(session) = entry.session() {
        lines.extend(claims::lines(session, secs, rest.width));
    }
    let scroll = app
        .detail_scroll
        .min(u16::try_from(lines.len().saturating_sub(1)).unwrap_or(u16::MAX));
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), rest);
}

fn field(label: &str, value: impl Into<String>) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label:<9}"), theme::label()),
        Span::raw(value.into()),
    ])
}

/// Kind, API, id and secret (masked unless revealed), header preview.
fn facts(credential: &Credential, revealed: bool) -> Vec<Line<'static>> {
    let mut lines = vec![
        field("kind", credential.auth.kind_label()),
        field("API", credential.api.clone()),
    ];
    let secret = |s: &crate::credential::Secret| {
        if revealed {
            s.expose().to_owned()
        } else {
            MASK.to_owned()
        }
    };
    match &credential.auth {
        Auth::Pat { token_id, token } => {
            lines.push(field(
                "token id",
                if revealed {
                    token_id.clone()
                } else {
                    mask_id(token_id)
                },
            ));
            lines.push(field("token", secret(token)));
        }
        Auth::Basic { username, password } => {
            lines.push(field("username", username.clone()));
            lines.push(field("password", secret(password)));
        }
        Auth::Oauth { client, session } => {
            if let Some(client) = client {
                lines.push(field("client", client.client_id.clone()));
                lines.push(field("issuer", client.issuer.clone()));
            }
            if let Some(s) = session {
                lines.push(field("token", secret(&s.access_token)));
                if let Some(scope) = &s.scope {
                    lines.push(field("scope", scope.clone()));
                }
            }
        }
    }
    let preview = match (&credential.auth, revealed) {
        (_, true) => crate::header::authorization_value(credential)
            .map(|v| v.expose().to_owned())
            .unwrap_or_else(|e| e.to_string()),
        (Auth::Oauth { session: None, .. }, _) => "(log in first)".into(),
        (Auth::Oauth { .. }, _) => format!("Bearer {MASK}"),
        _ => format!("Basic {MASK}"),
    };
    lines.push(field("header", format!("Authorization: {preview}")));
    lines
}

fn draw_gauges(frame: &mut Frame, entry: &Entry, area: Rect, secs: i64) {
    let Some(session) = entry.session() else {
        return;
    };
    let [access, refresh] = Layout::vertical([Constraint::Length(1); 2]).areas(area);
    let issued = session.obtained_at;
    let access_gauge = match entry.access_exp {
        _ if session.login_required => gauge("access", None, "login required"),
        Some(at) => countdown("access", issued, at, secs),
        None => gauge("access", None, "expiry unknown"),
    };
    frame.render_widget(access_gauge, access);
    let refresh_gauge = match entry.refresh {
        _ if session.login_required => gauge("refresh", None, "refused: log in again (l)"),
        Refresh::At(at) => countdown("refresh", issued, at, secs),
        Refresh::Never => gauge("refresh", Some(1.0), "does not expire"),
        Refresh::Unknown => gauge("refresh", None, "lifetime unknown"),
        Refresh::None => gauge("refresh", None, "no refresh token"),
    };
    frame.render_widget(refresh_gauge, refresh);
}

fn countdown(name: &str, from: i64, to: i64, secs: i64) -> Gauge<'static> {
    let total = (to - from).max(1) as f64;
    let left = (to - secs).max(0);
    let share = (left as f64 / total).clamp(0.0, 1.0);
    let label = if left == 0 {
        format!("expired {}", expiry::relative(to, secs, true))
    } else {
        format!("{} left", short(left))
    };
    gauge(name, Some(share), &label)
}

fn gauge(name: &str, share: Option<f64>, label: &str) -> Gauge<'static> {
    let ratio = share.unwrap_or(0.0);
    Gauge::default()
        .ratio(ratio)
        .label(format!("{name} {label}"))
        .gauge_style(theme::gauge(ratio, share.is_some()))
}
