//! The status bar: the latest message, else key hints and the
//! auto-refresh state.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::super::app::App;
use super::super::msg::Action;
use super::super::theme;

/// Draws the bar.
pub fn draw(frame: &mut Frame, app: &App, area: Rect, now: i64) {
    if area.height == 0 {
        return;
    }
    let line = match &app.status {
        Some(s) if s.until > now => {
            let style = if s.error {
                theme::error()
            } else {
                theme::info()
            };
            Line::styled(s.text.clone(), style)
        }
        _ if app.filtering => hints(app, &[], "type to filter · Enter keeps · Esc clears"),
        _ => {
            let auto = if app.auto_refresh {
                "auto-refresh on"
            } else {
                "auto-refresh off"
            };
            hints(
                app,
                &[
                    (Action::CopyHeader, "copy"),
                    (Action::Probe, "probe"),
                    (Action::Refresh, "refresh"),
                    (Action::Add, "add"),
                    (Action::Help, "help"),
                    (Action::Quit, "quit"),
                ],
                auto,
            )
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn hints(app: &App, keys: &[(Action, &str)], tail: &str) -> Line<'static> {
    let mut spans = Vec::new();
    for (action, label) in keys {
        let key = app.keymap.keys_of(*action);
        let key = key.split('/').next().unwrap_or_default().to_owned();
        spans.push(Span::styled(key, theme::key()));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    spans.push(Span::styled(tail.to_owned(), theme::label()));
    Line::from(spans)
}
