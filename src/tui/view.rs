//! Drawing: a pure function of `&App` and `now` (Unix ms). Nothing here
//! changes state, so a frame can be drawn any number of times and tests
//! snapshot it with a fixed clock.

mod detail;
mod dialog;
mod endpoints;
mod form;
mod help;
mod learn;
mod list;
mod log;
mod modal;
mod palette;
mod picker;
mod status;
mod text;

#[cfg(test)]
mod tests;

use ratatui::Frame;
use ratatui::buffer::Buffer;

use crate::sanitize::{has_unsafe_char, strip_controls};

use super::app::App;

/// Braille spinner frames, one per [`SPINNER_MS`](super::app::SPINNER_MS).
pub const SPINNER: [&str; 8] = ["⣾", "⣽", "⣻", "⢿", "⡿", "⣟", "⣯", "⣷"];

/// The spinner frame for work started at `since`.
pub fn spinner(since: i64, now: i64) -> &'static str {
    let frame = (now - since).max(0) / super::app::SPINNER_MS;
    SPINNER[usize::try_from(frame).unwrap_or(0) % SPINNER.len()]
}

/// How far the detail pane can scroll at `now` for the selected entry, at
/// the current size: what update clamps the scroll offset to, from the same
/// document the pane draws.
pub fn detail_scroll_max(app: &App, now: i64) -> u16 {
    app.current().map_or(0, |entry| {
        detail::scroll_max(app, entry, app.areas().detail, now)
    })
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App, now: i64) {
    let areas = app.areas();
    let area = frame.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    list::draw(frame, app, areas.list, now);
    detail::draw(frame, app, areas.detail, now);
    status::draw(frame, app, areas.status, now);
    modal::draw(frame, app, area, now);
    scrub(frame.buffer_mut());
}

/// The screen's last line of defence: whatever a view drew from data (the
/// store's path in the title, a value, an error that quotes one), no cell
/// reaches the terminal with a control, escape or format character.
/// ratatui drops control characters and zero-width graphemes, but writes
/// the rest of a sequence (`]0;title`) and the format characters that join
/// the character before them (U+200C, U+200D, the tag characters) as they
/// are. Values are validated on load, server text is filtered where it is
/// read and the text helpers filter what they shape, so this changes
/// nothing on a normal screen.
fn scrub(buffer: &mut Buffer) {
    for cell in &mut buffer.content {
        if has_unsafe_char(cell.symbol()) {
            let clean: String = strip_controls(cell.symbol())
                .chars()
                .filter(|&c| !matches!(c, '\n' | '\t'))
                .collect();
            cell.set_symbol(if clean.is_empty() { " " } else { &clean });
        }
    }
}
