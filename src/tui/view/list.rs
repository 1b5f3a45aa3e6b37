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
use super::super::app::entries::{Entry, Row};
use super::super::fuzzy::{self, Query};
use super::super::kind::Group;
use super::super::layout::Pane;
use super::super::{strings, theme};
use super::text::{clip, clip_middle, short};

/// Draws the list into `area` (nothing when the area is empty).
pub fn draw(frame: &mut Frame, app: &App, area: Rect, now: i64) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let filtered = app.filtering() || !app.filter().is_empty();
    // Inside the corners, ending in `…` when cut.
    let room = usize::from(area.width.saturating_sub(2));
    let title = if filtered {
        let cursor = if app.filtering() { "▏" } else { "" };
        let shown = app
            .rows()
            .iter()
            .filter(|r| matches!(r, Row::Entry(_)))
            .count();
        let total = app.entries().len();
        // A long filter is cut, never the count.
        let count = format!(" · {shown} of {total} ");
        let room = room.saturating_sub(count.width());
        format!(
            "{}{count}",
            clip(&format!(" /{}{cursor}", app.filter()), room)
        )
    } else {
        clip(&format!(" {} ", app.title()), room)
    };
    let mut block = Block::bordered().title(title);
    if app.focus() == Pane::List {
        block = block.border_style(theme::focused());
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    let end = (app.scroll() + usize::from(inner.height)).min(app.rows().len());
    let start = app.scroll().min(end);
    let secs = now.div_euclid(1000);
    let margin = app.warn_margin();
    let query = Query::new(app.filter());
    let lines: Vec<Line> = app.rows()[start..end]
        .iter()
        .enumerate()
        .map(|(offset, row)| match row {
            Row::Heading(group, count) => heading(*group, *count, width),
            Row::Entry(i) => {
                let selected = start + offset == app.selected();
                let entry = &app.entries()[*i];
                let since = app.work(entry).map(|(_, since)| since);
                let mut line = entry_line(entry, since, selected, secs, margin, now, width);
                highlight(&mut line, &query);
                line
            }
        })
        .collect();
    if lines.is_empty() {
        let text = if app.filter().is_empty() {
            strings::no_credentials(app.keymap())
        } else {
            "Nothing matches the filter (Esc clears it).".to_owned()
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

/// One entry's row; `busy_since` starts its spinner.
fn entry_line(
    entry: &Entry,
    busy_since: Option<i64>,
    selected: bool,
    secs: i64,
    margin: i64,
    now: i64,
    width: usize,
) -> Line<'static> {
    let (mut badge, style) = badge(entry, secs, margin);
    // Work in progress, else a mark when the last outcome failed.
    let (lead, lead_style) = match busy_since {
        Some(since) => (format!("{} ", super::spinner(since, now)), Style::new()),
        None if entry.failed() => (format!("{} ", strings::FAILED_MARK), theme::error()),
        None => ("  ".to_owned(), Style::new()),
    };
    // A narrow list keeps names readable and shortens the badge instead.
    if width < lead.width() + badge.width() + 1 + MIN_NAME {
        badge = compact(entry, secs, margin);
    }
    let room = width.saturating_sub(lead.width() + badge.width() + 1);
    let name = clip_middle(entry.name(), room);
    let pad = width.saturating_sub(lead.width() + name.width() + badge.width());
    let line = Line::from(vec![
        Span::styled(lead, lead_style),
        Span::raw(name),
        Span::raw(" ".repeat(pad)),
        Span::styled(clip(&badge, width.saturating_sub(3)), style),
    ]);
    if selected {
        line.style(theme::selected())
    } else {
        line
    }
}

/// Columns a name keeps before the badge is shortened.
const MIN_NAME: usize = 10;

/// The badge for a narrow list: the countdown alone, or a short word.
fn compact(entry: &Entry, secs: i64, margin: i64) -> String {
    match (entry.health(secs, margin), entry.access_exp) {
        (Some(Health::Valid | Health::Expiring), Some(at)) => short(at - secs),
        (Some(health), _) => strings::badge_short(health).to_owned(),
        // A client without a session: what it needs, as for a refused one.
        (None, _) if entry.group() == Group::Clients => {
            strings::badge_short(Health::LoginRequired).to_owned()
        }
        (None, _) => String::new(),
    }
}

/// Lights the characters of the name (the row's second span, as shown:
/// perhaps cut in the middle) that the filter matches.
fn highlight(line: &mut Line<'static>, query: &Query) {
    let Some(shown) = line.spans.get(1) else {
        return;
    };
    let lit = fuzzy::positions(query, &shown.content);
    if lit.is_empty() {
        return;
    }
    let name = std::mem::take(&mut line.spans[1]);
    line.spans
        .splice(1..2, super::text::lit(&name.content, &lit, name.style));
}
