//! The status bar: the latest message, else key hints for the focused
//! pane and the auto-refresh state. Below the narrow width it keeps only
//! the hints that matter most, and a message is cut rather than wrapped.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::super::app::App;
use super::super::layout::{NARROW, Pane};
use super::super::msg::Action;
use super::super::theme;
use super::text::clip;

/// Hints on a wide screen with the list focused.
const LIST_HINTS: [(Action, &str); 6] = [
    (Action::Help, "help"),
    (Action::CopyHeader, "copy"),
    (Action::Probe, "probe"),
    (Action::Refresh, "refresh"),
    (Action::Add, "add"),
    (Action::Quit, "quit"),
];

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
        _ if app.filtering() => {
            let tail = if narrow {
                "Enter keeps · Esc clears"
            } else {
                "type to filter · Enter keeps · Esc clears"
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
            let keys: &[(Action, &str)] = match (app.focus(), narrow) {
                (Pane::List, false) => &LIST_HINTS,
                (Pane::Detail, false) => &DETAIL_HINTS,
                (Pane::List, true) => &[(Action::Help, "help"), (Action::SwitchPane, "details")],
                (Pane::Detail, true) => &[(Action::Help, "help"), (Action::SwitchPane, "list")],
            };
            hints(app, keys, auto, width)
        }
    };
    frame.render_widget(Paragraph::new(line), area);
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
