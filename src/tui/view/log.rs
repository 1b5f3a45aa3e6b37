//! The message log: the last status messages in full, newest first, each
//! under its time of day and wrapped (the status bar cuts a long one and
//! lets it go after a few seconds). Errors are red. It scrolls by message.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::time_text;

use super::super::app::App;
use super::super::{strings, theme};
use super::dialog::{centred, frame_box};
use super::text;

/// The widest the log grows.
const MAX_WIDTH: u16 = 76;

/// The time column: `14:02:31`.
const TIME: usize = 8;

/// Draws the log with its first `scroll` messages (the newest) skipped.
pub fn draw(frame: &mut Frame, app: &App, scroll: usize, area: Rect) {
    if area.width < 3 || area.height < 3 {
        return;
    }
    let width = usize::from(area.width.min(MAX_WIDTH) - 2);
    let total = app.messages().count();
    let mut lines: Vec<Line<'static>> = Vec::new();
    if total == 0 {
        lines.extend(text::paragraph(strings::NO_MESSAGES, width, theme::label()));
    }
    // As tall as the screen allows: the last row names the keys. Messages
    // below the screen are not wrapped.
    let room = usize::from(area.height.saturating_sub(2)).saturating_sub(1);
    for logged in app.messages().skip(scroll) {
        if lines.len() >= room {
            break;
        }
        let style = if logged.error {
            theme::error()
        } else {
            Style::new()
        };
        let time = time_text::time_of_day(logged.at.div_euclid(1000), app.utc_offset());
        lines.extend(text::field(&time, &logged.text, TIME, width, style));
    }
    let keys = Line::styled(text::clip(strings::MESSAGES_KEYS, width), theme::label());
    let height = lines.len().min(room) + 1;
    let zone = if app.utc_offset() == 0 { " · UTC" } else { "" };
    let title = format!("{} ({total}){zone}", strings::MESSAGES_TITLE);
    let rect = centred(area, width, height);
    let inner = frame_box(frame, rect, &title, theme::focused());
    let room = usize::from(inner.height).saturating_sub(1);
    lines.truncate(room);
    lines.push(keys);
    frame.render_widget(Paragraph::new(lines), inner);
}
