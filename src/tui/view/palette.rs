//! Drawing the command palette: a box centred on the screen, the query
//! and `x of y` on its first line, one row per matching action (what it
//! does, the characters the query matched lit, and its keys at the right),
//! the chosen row marked, and the palette's own keys at the bottom; it
//! shrinks to its matches from the bottom up.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::super::fuzzy::{self, Query};
use super::super::palette::{self, Palette};
use super::super::{strings, theme};
use super::dialog::{centred, frame_box};
use super::text::{self, clip};

/// The widest the palette grows.
const MAX_WIDTH: usize = 60;

/// Draws `palette` over `area`.
pub fn draw(frame: &mut Frame, palette: &Palette, area: Rect) {
    let width = usize::from(area.width.saturating_sub(2)).min(MAX_WIDTH);
    let most = palette::visible_rows(area.height).min(palette.total());
    if width < 8 || area.height < 5 {
        return;
    }
    // The query line, the rows, the keys; it shrinks to its matches (one
    // row says none does) with its top where the tallest box has it, so
    // the query line stays put while typing.
    let rows = palette.matches().len().clamp(1, most.max(1));
    let top = centred(area, width, most + 2).y;
    let rect = Rect {
        y: top,
        ..centred(area, width, rows + 2)
    };
    let inner = frame_box(frame, rect, "commands", theme::focused());
    let width = usize::from(inner.width);
    let count = format!("{} of {}", palette.matches().len(), palette.total());
    let (query_line, cursor) = text::query_line(palette.query(), &count, width);
    let mut lines = vec![query_line];
    let query = Query::new(palette.query());
    let shown = palette
        .matches()
        .enumerate()
        .skip(palette.scroll())
        .take(rows);
    for (at, item) in shown {
        let chosen = at == palette.selected();
        let keys = clip(&item.keys, width / 3);
        let room = width.saturating_sub(keys.width() + 3);
        let label = clip(item.label, room);
        let style = if chosen {
            theme::selected()
        } else {
            Style::new()
        };
        let mut spans = vec![Span::styled(if chosen { "› " } else { "  " }, style)];
        spans.extend(text::lit(&label, &fuzzy::positions(&query, &label), style));
        let pad = width.saturating_sub(2 + label.width() + keys.width());
        spans.push(Span::styled(" ".repeat(pad), style));
        spans.push(Span::styled(keys, theme::key()));
        lines.push(Line::from(spans));
    }
    if palette.matches().len() == 0 {
        lines.push(Line::styled(
            clip(strings::PALETTE_NONE, width),
            theme::label(),
        ));
    }
    let bottom = usize::from(inner.height.saturating_sub(1));
    lines.truncate(bottom);
    lines.resize(bottom, Line::default());
    lines.push(Line::styled(
        clip(strings::PALETTE_KEYS, width),
        theme::label(),
    ));
    frame.render_widget(Paragraph::new(lines), inner);
    text::set_cursor(frame, inner, cursor);
}
