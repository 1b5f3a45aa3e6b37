//! The detail pane: what the credential is (kind, API, masked secret,
//! header preview), the countdown gauges of a session, then a scrollable
//! part with what it can call on sipgate's API, the last probe and one
//! claims panel per token.

mod claims;
mod probe;
mod reach;

pub use reach::can_call;

use crate::time_text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Gauge, Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState};

use crate::credential::{Auth, Credential, Secret, mask_id};
use crate::expiry::Refresh;

use super::super::app::App;
use super::super::app::entries::Entry;
use super::super::layout::Pane;
use super::super::msg::Action;
use super::super::{strings, theme};
use super::dialog::split_top;
use super::text::{self, Doc, short};

/// Masked secrets show this many dots whatever their length.
const MASK: &str = "••••••••";

/// The label column of the facts and claims.
const LABEL: usize = 9;

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
    let room = usize::from(area.width.saturating_sub(4));
    let mut block = Block::bordered().title(format!(" {} ", text::clip_middle(entry.name(), room)));
    if app.focus() == Pane::Detail {
        block = block.border_style(theme::focused());
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let secs = now.div_euclid(1000);
    // The gauges stay put; everything below them scrolls as one document.
    let gauges = gauge_rows(entry);
    let (gauge_area, rest) = split_top(inner, gauges);
    if gauges > 0 {
        draw_gauges(frame, app, entry, gauge_area, secs);
    }
    let width = usize::from(rest.width);
    let height = usize::from(rest.height);
    if width == 0 || height == 0 {
        return;
    }
    let doc = document(app, entry, width, now);
    let total = doc.len();
    let max = total.saturating_sub(height);
    let scroll = usize::from(app.detail_scroll()).min(max);
    frame.render_widget(Paragraph::new(doc.window(scroll, height, width)), rest);
    if total > height {
        let mut state = ScrollbarState::new(total.saturating_sub(height) + 1)
            .position(scroll)
            .viewport_content_length(height);
        // On the pane's right border, beside the scrolling part only.
        let track = Rect::new(area.x, rest.y, area.width, rest.height);
        frame.render_stateful_widget(
            Scrollbar::new(ScrollbarOrientation::VerticalRight)
                .begin_symbol(None)
                .end_symbol(None),
            track,
            &mut state,
        );
    }
}

/// How far the detail pane in `area` can scroll for `entry` at `now`: the
/// rows of its document past the pane's height. Update clamps the scroll
/// offset with this (so `k` moves back at once after scrolling past the
/// end) and [`draw`] lays out the same document.
pub fn scroll_max(app: &App, entry: &Entry, area: Rect, now: i64) -> u16 {
    let (_, rest) = split_top(Block::bordered().inner(area), gauge_rows(entry));
    let (width, height) = (usize::from(rest.width), usize::from(rest.height));
    if width == 0 || height == 0 {
        return 0;
    }
    let total = document(app, entry, width, now).len();
    u16::try_from(total.saturating_sub(height)).unwrap_or(u16::MAX)
}

/// The gauges' rows at the top of the pane: two for a session.
fn gauge_rows(entry: &Entry) -> u16 {
    if entry.session().is_some() { 2 } else { 0 }
}

/// The scrolling part of the pane, `width` columns wide: the facts, the
/// last probe and the claims panels.
fn document<'a>(app: &App, entry: &'a Entry, width: usize, now: i64) -> Doc<'a> {
    let secs = now.div_euclid(1000);
    let mut doc = Doc::default();
    doc.lines(facts(app, entry, now, width));
    doc.lines(reach::lines(app, entry, width, now));
    let probe_keys = app.keymap().keys_of(Action::Probe);
    let hint = entry
        .probe
        .as_deref()
        .and_then(|p| p.hint.as_ref())
        .map(|h| h.render(|fix| strings::fix(fix, app.keymap())));
    probe::push(
        &mut doc,
        entry.probe.as_deref(),
        entry.failure.as_deref(),
        hint.as_deref(),
        &probe_keys,
        secs,
        width,
    );
    if let Some(session) = entry.session() {
        doc.lines(claims::lines(
            session,
            entry.access_exp,
            entry.refresh,
            secs,
            width,
        ));
    }
    doc
}

/// Kind, API, id and secret (masked unless revealed), header preview,
/// work in progress and the last refresh error.
fn facts(app: &App, entry: &Entry, now: i64, width: usize) -> Vec<Line<'static>> {
    let revealed = app.revealed(entry.name(), now);
    // The full name: the title may have had to cut it in the middle.
    let mut rows: Vec<(&str, String)> = vec![("name", entry.name().to_owned())];
    if let Some((work, since)) = app.work(entry) {
        let doing = format!("{} {}", super::spinner(since, now), strings::work(work));
        rows.push(("", doing));
    }
    rows.extend(credential_rows(&entry.credential, revealed));
    let mut lines: Vec<Line<'static>> = rows
        .iter()
        .flat_map(|(label, value)| text::field(label, value, LABEL, width, Style::new()))
        .collect();
    if let Some(error) = &entry.refresh_error {
        lines.extend(text::field("refresh", error, LABEL, width, theme::error()));
    }
    lines
}

fn credential_rows(credential: &Credential, revealed: bool) -> Vec<(&'static str, String)> {
    let secret = |s: &Secret| {
        if revealed {
            s.expose().to_owned()
        } else {
            MASK.to_owned()
        }
    };
    let mut rows = vec![
        ("kind", credential.auth.kind_label().to_owned()),
        ("API", credential.api.clone()),
    ];
    match &credential.auth {
        Auth::Pat { token_id, token } => {
            let id = if revealed {
                token_id.clone()
            } else {
                mask_id(token_id)
            };
            rows.push(("token id", id));
            rows.push(("token", secret(token)));
        }
        Auth::Basic { username, password } => {
            rows.push(("username", username.clone()));
            rows.push(("password", secret(password)));
        }
        Auth::Oauth { client, session } => {
            if let Some(client) = client {
                rows.push(("client", client.client_id.clone()));
                rows.push(("issuer", client.issuer.clone()));
            }
            if let Some(s) = session {
                rows.push(("token", secret(&s.access_token)));
                if let Some(scope) = &s.scope {
                    rows.push(("scope", scope.clone()));
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
    rows.push(("header", format!("Authorization: {preview}")));
    rows
}

fn draw_gauges(frame: &mut Frame, app: &App, entry: &Entry, area: Rect, secs: i64) {
    let Some(session) = entry.session() else {
        return;
    };
    let (access, rest) = split_top(area, 1);
    let (refresh, _) = split_top(rest, 1);
    let issued = session.obtained_at;
    let offset = app.utc_offset();
    let width = usize::from(area.width);
    let access_gauge = match entry.access_exp {
        _ if session.login_required => gauge("access", None, "login required"),
        Some(at) => {
            let until = [time_text::clock(at, offset)];
            // Coloured as the list's badge is, by the same margin.
            let health = entry.health(secs, app.warn_margin());
            let gauge = countdown("access", issued, at, secs, &until, width);
            match health {
                Some(health) => gauge.gauge_style(theme::gauge_health(health)),
                None => gauge,
            }
        }
        None => gauge("access", None, "expiry unknown"),
    };
    frame.render_widget(access_gauge, access);
    let refresh_gauge = match entry.refresh {
        _ if session.login_required => {
            let keys = app.keymap().keys_of(Action::Login);
            gauge("refresh", None, &format!("refused: log in again ({keys})"))
        }
        Refresh::At(at) => {
            let until = [
                time_text::date_minute(at, offset),
                time_text::date(at, offset),
                time_text::month_day(at, offset),
            ];
            countdown("refresh", issued, at, secs, &until, width)
        }
        Refresh::Never => gauge("refresh", Some(1.0), "does not expire"),
        Refresh::Unknown => gauge("refresh", None, "lifetime unknown"),
        Refresh::None => gauge("refresh", None, "no refresh token"),
    };
    frame.render_widget(refresh_gauge, refresh);
}

/// A gauge of the lifetime `from..to` left at `secs`, coloured by share,
/// ending at `until` (the deadline as a local time, longest form first):
/// `access 4:48 left of 5:00 · until 14:03:12`. In `width` columns the
/// longest label that fits is shown, the deadline kept before the lifetime.
fn countdown(
    name: &str,
    from: i64,
    to: i64,
    secs: i64,
    until: &[String],
    width: usize,
) -> Gauge<'static> {
    let total = (to - from).max(1);
    let left = (to - secs).max(0);
    let share = (left as f64 / total as f64).clamp(0.0, 1.0);
    let mut labels = Vec::new();
    let last = if left == 0 {
        let ago = time_text::relative(to, secs, true);
        for u in until {
            labels.extend([format!("{ago} · at {u}"), format!("{ago} · {u}")]);
        }
        ago
    } else {
        let (left, total) = (short(left), short(total));
        labels.extend(
            until
                .iter()
                .map(|u| format!("{left} left of {total} · until {u}")),
        );
        labels.extend(until.iter().map(|u| format!("{left} left · until {u}")));
        format!("{left} left of {total}")
    };
    let fits = |label: &String| name.chars().count() + 1 + label.chars().count() <= width;
    let label = labels.into_iter().find(fits).unwrap_or(last);
    gauge(name, Some(share), &label)
}

fn gauge(name: &str, share: Option<f64>, label: &str) -> Gauge<'static> {
    let ratio = share.unwrap_or(0.0);
    Gauge::default()
        .ratio(ratio)
        .label(format!("{name} {label}"))
        .gauge_style(theme::gauge(ratio, share.is_some()))
}
