//! The status bar: the latest message, else key hints for the focused
//! pane and the auto-refresh state. Below the narrow width it keeps only
//! the hints that matter most, and a message is cut rather than wrapped.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::credential::Auth;

use super::super::app::{App, Modal};
use super::super::layout::{NARROW, Pane};
use super::super::msg::Action;
use super::super::theme;
use super::text::clip;

/// Hints on a wide screen with the details focused.
const DETAIL_HINTS: [(Action, &str); 5] = [
    (Action::Help, "help"),
    (Action::Down, "scroll"),
    (Action::SwitchPane, "list"),
    (Action::CopyHeader, "copy"),
    (Action::Quit, "quit"),
];

/// Draws the bar.
pub fn draw(frame: &mut Frame, app: &App, area: Rect, now: i64) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let width = usize::from(area.width);
    let narrow = area.width < NARROW;
    let line = match app.status() {
        Some(s) if s.until > now => {
            let style = if s.error {
                theme::error()
            } else {
                theme::info()
            };
            Line::styled(clip(&s.text, width), style)
        }
        _ if app.modal().is_some() => modal_hints(app, width),
        _ if app.filtering() => {
            let tail = if narrow {
                "Enter keeps · Esc clears"
            } else {
                "type to filter · Enter keeps · Esc clears · ctrl-u empties"
            };
            hints(app, &[], tail, width)
        }
        _ => {
            let auto = match (app.auto_refresh(), narrow) {
                (true, false) => "auto-refresh on",
                (false, false) => "auto-refresh off",
                (true, true) => "auto on",
                (false, true) => "auto off",
            };
            let keys = match (app.focus(), narrow) {
                (Pane::List, false) => list_hints(app),
                (Pane::Detail, false) => DETAIL_HINTS.to_vec(),
                (Pane::List, true) => vec![(Action::Help, "help"), (Action::SwitchPane, "details")],
                (Pane::Detail, true) => vec![(Action::Help, "help"), (Action::SwitchPane, "list")],
            };
            hints(app, &keys, auto, width)
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// The list's hints for the selection: `r refresh` only where a refresh
/// can run, `l log in` where a login is needed, no probe before one.
fn list_hints(app: &App) -> Vec<(Action, &'static str)> {
    let session = app.current().and_then(|e| match &e.credential.auth {
        Auth::Oauth { client, session } => Some((client.is_some(), session.as_deref())),
        _ => None,
    });
    let mut keys = vec![(Action::Help, "help"), (Action::CopyHeader, "copy")];
    match session {
        // An OAuth client that must log in first.
        Some((true, None)) => keys.push((Action::Login, "log in")),
        Some((true, Some(s))) if s.login_required => keys.push((Action::Login, "log in")),
        Some((true, Some(_))) => {
            keys.extend([(Action::Probe, "probe"), (Action::Refresh, "refresh")])
        }
        Some((false, None)) => {}
        Some((false, Some(_))) | None if app.current().is_some() => {
            keys.push((Action::Probe, "probe"))
        }
        _ => {}
    }
    keys.extend([
        (Action::Add, "add"),
        (Action::Palette, "commands"),
        (Action::Quit, "quit"),
    ]);
    keys
}

/// The keys of the open pop-up, as it takes them.
fn modal_hints(app: &App, width: usize) -> Line<'static> {
    let quit = app.keymap().keys_of(Action::Quit);
    let ctrl = quit
        .split('/')
        .find(|k| k.starts_with("ctrl-"))
        .unwrap_or("ctrl-c")
        .to_owned();
    let text = match app.modal() {
        Some(Modal::Form(_)) => format!("Tab/↑↓ field · ctrl-s save · Esc cancel · {ctrl} quit"),
        Some(Modal::ConfirmDelete { .. }) => format!("y delete · n/Esc keep · {ctrl} quit"),
        Some(Modal::Login) => format!("y copy the URL · Esc cancel the login · {ctrl} quit"),
        Some(Modal::Help) => format!("j/k PgUp/PgDn scroll · ? or Esc closes · {ctrl} quit"),
        Some(Modal::Picker(_)) => {
            format!("type to search · ↑↓ pick · Enter call · Esc back · {ctrl} quit")
        }
        Some(Modal::Palette(_)) => {
            format!("type to search · ↑↓ choose · Enter run · Esc close · {ctrl} quit")
        }
        Some(_) => format!("Esc closes · {ctrl} quit"),
        None => String::new(),
    };
    Line::styled(clip(&text, width), theme::label())
}

/// `key label` pairs then `tail`, dropping pairs from the end (so the
/// first, help, goes last) until the line fits.
fn hints(app: &App, keys: &[(Action, &str)], tail: &str, width: usize) -> Line<'static> {
    let pairs: Vec<(String, String)> = keys
        .iter()
        .map(|(action, label)| {
            let key = app.keymap().keys_of(*action);
            let key = key.split('/').next().unwrap_or_default().to_owned();
            (key, format!(" {label}  "))
        })
        .collect();
    let cost =
        |p: &[(String, String)]| -> usize { p.iter().map(|(k, l)| k.width() + l.width()).sum() };
    let mut shown = pairs.len();
    while shown > 0 && cost(&pairs[..shown]) + tail.width() > width {
        shown -= 1;
    }
    let mut spans = Vec::new();
    for (key, label) in &pairs[..shown] {
        spans.push(Span::styled(key.clone(), theme::key()));
        spans.push(Span::raw(label.clone()));
    }
    let room = width.saturating_sub(cost(&pairs[..shown]));
    spans.push(Span::styled(clip(tail, room), theme::label()));
    Line::from(spans)
}
