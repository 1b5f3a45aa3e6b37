//! The full endpoint list of a credential: every operation grouped by tag
//! (with how many of the tag's it can call), each marked yes, no with the
//! missing scope, or unknown. Only the rows on screen are built.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::sipgate::Access;

use super::super::app::App;
use super::super::endpoints::{self, EndpointList, list::ListRow};
use super::super::msg::Action;
use super::super::theme;
use super::detail::can_call;
use super::dialog::frame_box;
use super::picker::{cell, mark, scopes};
use super::text::{clip, rule};

/// Draws the list over the screen `area`.
pub fn draw(frame: &mut Frame, app: &App, list: &EndpointList, area: Rect) {
    let rect = endpoints::list::area(area.width, area.height);
    if rect.width < 12 || rect.height < 5 {
        return;
    }
    let inner = frame_box(
        frame,
        rect,
        &format!("endpoints for {}", list.name),
        theme::focused(),
    );
    let width = usize::from(inner.width);
    let rows = endpoints::list::visible_rows(area.width, area.height);
    let reach = app.reach();
    let summary = reach.map_or_else(String::new, can_call);
    let mut lines = vec![Line::styled(clip(&summary, width), theme::heading())];
    let side = if width >= 60 { (width / 3).min(40) } else { 0 };
    let path_width = width.saturating_sub(4 + 7 + side + usize::from(side > 0));
    for row in list.rows.iter().skip(list.scroll).take(rows) {
        match *row {
            ListRow::Heading(index) => {
                let Some(op) = endpoints::operation(index) else {
                    continue;
                };
                let share = reach
                    .and_then(|r| r.tags.iter().find(|t| t.tag == op.tag))
                    .map_or_else(String::new, |t| format!("{} of {}", t.callable, t.total));
                lines.push(rule(&op.tag, &share, width));
            }
            ListRow::Operation(index) => {
                let Some(op) = endpoints::operation(index) else {
                    continue;
                };
                let access = reach.and_then(|r| r.access.get(index));
                let (word, style) = mark(access);
                let mut spans = vec![
                    Span::styled(cell(word, 4), style),
                    Span::styled(cell(&op.method, 7), theme::key()),
                    Span::raw(cell(&op.path, path_width.saturating_sub(1))),
                    Span::raw(" "),
                ];
                if side > 0 {
                    let (text, style) = match access {
                        Some(Access::No { missing }) => {
                            (format!("missing {}", missing.join(" or ")), theme::error())
                        }
                        _ => (scopes(op), theme::label()),
                    };
                    spans.push(Span::raw(" "));
                    spans.push(Span::styled(cell(&text, side), style));
                }
                lines.push(Line::from(spans));
            }
        }
    }
    while lines.len() < rows + 1 {
        lines.push(Line::default());
    }
    let keys = format!(
        "↑↓ PgUp PgDn scroll · Esc closes · {} picks one to call",
        app.keymap().keys_of(Action::PickEndpoint)
    );
    lines.push(Line::styled(clip(&keys, width), theme::label()));
    frame.render_widget(Paragraph::new(lines), inner);
}
