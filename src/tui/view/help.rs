//! The help overlay, generated from the keymap so it shows the keys that
//! really work (config overrides included), with one line per action from
//! [`strings::action_help`] and the mouse hints. Two columns when one does
//! not fit the height; when even two do not fit, the rest is cut with a
//! note saying how many lines are hidden.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::super::app::App;
use super::super::{strings, theme};
use super::dialog::{centred, frame_box, split_top};
use super::text::clip;

/// Keys wider than this are cut (a config may bind many keys to one action).
const MAX_KEYS: usize = 12;
/// The widest the overlay grows.
const MAX_WIDTH: usize = 78;

/// Draws the overlay centred in `area`.
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let mut items: Vec<(String, &str)> = app
        .keymap()
        .bindings()
        .iter()
        .map(|(action, _)| (app.keymap().keys_of(*action), strings::action_help(*action)))
        .collect();
    items.extend(
        strings::MOUSE_HELP
            .iter()
            .map(|(k, d)| ((*k).to_owned(), *d)),
    );
    let key_width = items
        .iter()
        .map(|(k, _)| k.width())
        .max()
        .unwrap_or(0)
        .min(MAX_KEYS);
    let desc_width = items.iter().map(|(_, d)| d.width()).max().unwrap_or(0);
    let column = key_width + 1 + desc_width;
    let max_inner_width = usize::from(area.width).min(MAX_WIDTH).saturating_sub(2);
    // Rows for items: the inside minus the closing line.
    let rows = usize::from(area.height).saturating_sub(3);
    let columns = if items.len() > rows && max_inner_width >= column * 2 + 2 {
        2
    } else {
        1
    };
    let per_column = items.len().div_ceil(columns);
    let inner_width = if columns == 2 { column * 2 + 2 } else { column };
    let rect = centred(
        area,
        inner_width.min(max_inner_width),
        per_column.min(rows) + 1,
    );
    let inner = frame_box(frame, rect, "help", theme::focused());
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let (body, foot) = split_top(inner, inner.height - 1);
    let room = usize::from(body.height);
    if room == 0 {
        return;
    }
    let areas = split_columns(body, columns);
    let fits = items.len() <= room * columns;
    let per = if fits { per_column } else { room };
    // When not all fit, the last row shown says how many are hidden.
    let shown = if fits {
        items.len()
    } else {
        room * columns - 1
    };
    for (i, target) in areas.iter().enumerate() {
        let start = i * per;
        if start >= shown {
            break;
        }
        let end = (start + per).min(shown);
        let width = usize::from(target.width);
        let mut lines: Vec<Line> = items[start..end]
            .iter()
            .map(|(keys, what)| item(keys, what, key_width, width))
            .collect();
        if end == shown && !fits {
            let more = strings::help_more(items.len() - shown);
            lines.push(Line::styled(clip(&more, width), theme::label()));
        }
        frame.render_widget(Paragraph::new(lines), *target);
    }
    let close = clip(strings::HELP_CLOSE, usize::from(foot.width));
    frame.render_widget(Paragraph::new(Line::styled(close, theme::label())), foot);
}

/// `body` cut into `columns` equal columns two cells apart.
fn split_columns(body: Rect, columns: usize) -> Vec<Rect> {
    if columns < 2 {
        return vec![body];
    }
    let left = body.width.saturating_sub(2) / 2;
    vec![
        Rect {
            width: left,
            ..body
        },
        Rect {
            x: body.x + left + 2,
            width: body.width.saturating_sub(left + 2),
            ..body
        },
    ]
}

fn item(keys: &str, what: &str, key_width: usize, width: usize) -> Line<'static> {
    let keys = clip(keys, key_width.min(width));
    let pad = key_width.saturating_sub(keys.width());
    let room = width.saturating_sub(key_width + 1);
    Line::from(vec![
        Span::styled(format!("{keys}{} ", " ".repeat(pad)), theme::key()),
        Span::raw(clip(what, room)),
    ])
}
