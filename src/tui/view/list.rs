//! The credential list: group headings, one line per credential with its
//! badge, and the filter. Only the rows on screen are built, so the cost
//! of a frame does not grow with the store.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use unicode_width::UnicodeWidthStr;

use crate::expiry::Health;

use super::super::app::App;
use super::super::app::entries::{Entry, Group, Row};
use super::super::layout::Pane;
use super::super::{strings, theme};

/// Draws the list into `area` (nothing when the area is empty).
pub fn draw(frame: &mut Frame, app: &App, area: Rect, now: i64) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let title = if app.filtering || !app.filter.is_empty() {
        let cursor = if app.filtering { "▏" } else { "" };
        format!(" /{}{cursor} ", app.filter)
    } else {
        format!(" {} ", app.title)
    };
    let mut block = Block::bordered().title(title);
    if app.focus == Pane::List {
        block = block.border_style(theme::focused());
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    let end = (app.scroll + usize::from(inner.height)).min(app.rows.len());
    let start = app.scroll.min(end);
    let secs = now.div_euclid(1000);
    let margin = i64::from(app.config.refresh_margin);
    let lines: Vec<Line> = app.rows[start..end]
        .iter()
        .enumerate()
        .map(|(offset, row)| match row {
            Row::Heading(group, count) => heading(*group, *count, width),
            Row::Entry(i) => {
                let selected = start + offset == app.selected;
                entry_line(&app.entries[*i], selected, secs, margin, now, width)
            }
        })
        .collect();
    if lines.is_empty() {
        let text = if app.filter.is_empty() {
            "No credentials yet: press a to add one, i to import."
        } else {
            "Nothing matches the filter (Esc clears it)."
        };
        frame.render_widget(
            Paragraph::new(text)
                .wrap(ratatui::widgets::Wrap { trim: true })
                .style(theme::label()),
            inner,
        );
        return;
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn heading(group: Group, count: usize, width: usize) -> Line<'static> {
    let text = format!("{} ({count})", strings::group_title(group));
    Line::styled(clip(&text, width), theme::heading())
}

/// The badge text and style of an entry at `secs`.
pub fn badge(entry: &Entry, secs: i64, margin: i64) -> (String, Style) {
    let Some(health) = entry.health(secs, margin) else {
        let text = match entry.group() {
            Group::Clients => "not logged in",
            _ => "no expiry",
        };
        return (text.into(), theme::label());
    };
    let text = match (health, entry.access_exp) {
        (Health::Valid | Health::Expiring, Some(at)) => {
            format!("{} {}", strings::badge(health), short(at - secs))
        }
        _ => strings::badge(health).to_owned(),
    };
    (text, theme::health(health))
}

fn entry_line(
    entry: &Entry,
    selected: bool,
    secs: i64,
    margin: i64,
    now: i64,
    width: usize,
) -> Line<'static> {
    let (badge, style) = badge(entry, secs, margin);
    let lead = match entry.busy {
        Some((_, since)) => format!("{} ", super::spinner(since, now)),
        None => "  ".to_owned(),
    };
    let room = width.saturating_sub(lead.width() + badge.width() + 1);
    let name = clip(entry.name(), room);
    let pad = width.saturating_sub(lead.width() + name.width() + badge.width());
    let line = Line::from(vec![
        Span::raw(lead),
        Span::raw(name),
        Span::raw(" ".repeat(pad)),
        Span::styled(badge, style),
    ]);
    if selected {
        line.style(theme::selected())
    } else {
        line
    }
}

/// `4:59`, `1:02:03`, `29d`: a countdown short enough for a list row.
pub fn short(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        0..3600 => format!("{}:{:02}", s / 60, s % 60),
        3600..86_400 => format!("{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60),
        _ => format!("{}d", s / 86_400),
    }
}

/// Cuts text to `width` columns, ending in `…` when cut.
pub fn clip(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    for c in text.chars() {
        if out.width() + c.to_string().width() + 1 > width {
            break;
        }
        out.push(c);
    }
    if width > 0 {
        out.push('…');
    }
    out
}
