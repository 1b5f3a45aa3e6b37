//! Box geometry the overlays share (the help, the modals and the forms):
//! a box centred on the screen, its frame, and stacked rows. Plain
//! arithmetic: the layout solver is not needed for these shapes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, Clear};

use super::text;

/// A box of `inner_width` × `inner_height` (plus its border) centred in
/// `area`, never larger than it.
pub fn centred(area: Rect, inner_width: usize, inner_height: usize) -> Rect {
    let clamp = |n: usize, max: u16| u16::try_from(n + 2).unwrap_or(u16::MAX).min(max);
    let (w, h) = (
        clamp(inner_width, area.width),
        clamp(inner_height, area.height),
    );
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Clears `rect`, draws a titled border in `border` and returns the inside.
pub fn frame_box(frame: &mut Frame, rect: Rect, title: &str, border: Style) -> Rect {
    let title = text::clip(
        &format!(" {title} "),
        usize::from(rect.width.saturating_sub(2)),
    );
    let block = Block::bordered().title(title).border_style(border);
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    inner
}

/// The top `rows` of `area` and the rest (plain arithmetic: the layout
/// solver is not needed for stacked rows).
pub fn split_top(area: Rect, rows: u16) -> (Rect, Rect) {
    let top = rows.min(area.height);
    (
        Rect {
            height: top,
            ..area
        },
        Rect {
            y: area.y + top,
            height: area.height - top,
            ..area
        },
    )
}
