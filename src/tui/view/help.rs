//! The help overlay, generated from the keymap so it shows the keys that
//! really work (config overrides included), in sections: the keys of the
//! pane that has the focus first, then the rest, the form's and the
//! filter's keys and the mouse. It scrolls (j/k, PgUp/PgDn, g/G) and its
//! last line says how much is above and below.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::super::app::App;
use super::super::layout::Pane;
use super::super::msg::Action;
use super::super::{strings, theme};
use super::dialog::{centred, frame_box, split_top};
use super::text::clip;

/// Keys wider than this are cut (a config may bind many keys to one action).
const MAX_KEYS: usize = 12;
/// The widest the overlay grows.
const MAX_WIDTH: usize = 78;

/// The actions that act on the detail pane when it has the focus.
const DETAIL: [Action; 7] = Action::MOVES;

/// A help row: a section heading, or keys and what they do.
enum Row {
    Heading(&'static str),
    Item(String, String),
}

/// Every row of the help for `app`'s focus.
fn rows(app: &App) -> Vec<Row> {
    let keymap = app.keymap();
    let item = |action: Action| Row::Item(keymap.keys_of(action), help_text(action, app.focus()));
    let mut rows = Vec::new();
    let actions: Vec<Action> = keymap.bindings().iter().map(|(a, _)| *a).collect();
    if app.focus() == Pane::Detail {
        rows.push(Row::Heading("in the details"));
        rows.extend(DETAIL.iter().map(|a| item(*a)));
        rows.push(Row::Heading("on the credential"));
        rows.extend(
            actions
                .iter()
                .filter(|a| !DETAIL.contains(a))
                .map(|a| item(*a)),
        );
    } else {
        rows.push(Row::Heading("in the list"));
        rows.extend(actions.iter().map(|a| item(*a)));
    }
    for (heading, keys) in [
        ("in a form", strings::FORM_HELP.as_slice()),
        ("in the filter", strings::FILTER_HELP.as_slice()),
        ("mouse", strings::MOUSE_HELP.as_slice()),
    ] {
        rows.push(Row::Heading(heading));
        rows.extend(
            keys.iter()
                .map(|(k, d)| Row::Item((*k).to_owned(), (*d).to_owned())),
        );
    }
    rows
}

/// What an action does, in the words of the focused pane.
fn help_text(action: Action, focus: Pane) -> String {
    match (focus, action) {
        (Pane::Detail, Action::Down) => "scroll down".into(),
        (Pane::Detail, Action::Up) => "scroll up".into(),
        (Pane::Detail, Action::PageDown) => "a page down".into(),
        (Pane::Detail, Action::PageUp) => "a page up".into(),
        (Pane::Detail, Action::Top) => "the top".into(),
        (Pane::Detail, Action::Bottom) => "the end".into(),
        _ => strings::action_help(action).to_owned(),
    }
}

/// How many rows the help has past what `height` shows: the most it
/// scrolls.
fn scroll_max(total: usize, room: usize) -> usize {
    total.saturating_sub(room)
}

/// Draws the overlay centred in `area`.
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let rows = rows(app);
    let key_width = rows
        .iter()
        .filter_map(|r| match r {
            Row::Item(k, _) => Some(k.width()),
            Row::Heading(_) => None,
        })
        .max()
        .unwrap_or(0)
        .min(MAX_KEYS);
    let desc_width = rows
        .iter()
        .map(|r| match r {
            Row::Item(_, d) => key_width + 1 + d.width(),
            Row::Heading(h) => h.width(),
        })
        .max()
        .unwrap_or(0);
    let max_inner_width = usize::from(area.width).min(MAX_WIDTH).saturating_sub(2);
    // The inside: the rows, then the closing line.
    let room = usize::from(area.height).saturating_sub(3);
    let rect = centred(
        area,
        desc_width.min(max_inner_width),
        rows.len().min(room) + 1,
    );
    let inner = frame_box(frame, rect, "help", theme::focused());
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let (body, foot) = split_top(inner, inner.height - 1);
    let room = usize::from(body.height);
    let width = usize::from(body.width);
    let scroll = usize::from(app.help_scroll()).min(scroll_max(rows.len(), room));
    let lines: Vec<Line> = rows
        .iter()
        .skip(scroll)
        .take(room)
        .map(|row| match row {
            Row::Heading(h) => Line::styled(clip(h, width), theme::heading()),
            Row::Item(keys, what) => item(keys, what, key_width, width),
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
    let below = rows.len().saturating_sub(scroll + room);
    let close = strings::help_foot(scroll, below);
    let close = clip(&close, usize::from(foot.width));
    frame.render_widget(Paragraph::new(Line::styled(close, theme::label())), foot);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_counts_the_rows_the_help_draws() {
        let mut app = crate::tui::new_app(
            Default::default(),
            Default::default(),
            crate::store::StoreData::empty(),
            "t".into(),
            Err(String::new()),
        );
        for _ in 0..2 {
            assert_eq!(app.help_rows(), rows(&app).len(), "{:?}", app.focus());
            app.update(
                crate::tui::msg::Msg::Action(Action::SwitchPane),
                1_700_000_000_000,
            );
        }
    }
}
