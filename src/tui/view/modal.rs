//! Modals over the main screen: help, delete confirmation, forms, the
//! login wait, errors, a copy no clipboard took, and (drawn by their own
//! modules) the endpoint picker, the endpoint list, a learning run and the
//! message log. Each is a bordered
//! box centred on the screen, as small as its text allows; on a small
//! screen the text is cut but the last line (the keys that close it) stays.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::super::app::{App, Modal};
use super::super::{strings, theme};
use super::dialog::{centred, frame_box};
use super::help;
use super::text;

/// The widest a text modal grows.
const MAX_WIDTH: u16 = 64;

/// Draws the open modal, if any.
pub fn draw(frame: &mut Frame, app: &App, area: Rect, now: i64) {
    let Some(modal) = app.modal() else { return };
    if area.width < 3 || area.height < 3 {
        return;
    }
    let width = usize::from(area.width.min(MAX_WIDTH) - 2);
    match modal {
        Modal::Help => help::draw(frame, app, area),
        Modal::Form(form) => super::form::draw(frame, form, area),
        Modal::Picker(picker) => super::picker::draw(frame, app, picker, area, now),
        Modal::Endpoints(list) => super::endpoints::draw(frame, app, list, area),
        Modal::Learn => super::learn::draw(frame, app, area, now),
        Modal::Messages { scroll } => super::log::draw(frame, app, *scroll, area),
        Modal::Palette(palette) => super::palette::draw(frame, palette, area),
        Modal::ConfirmDelete { name, revoke } => {
            let [question, effect, keys] = strings::confirm_delete(name, *revoke);
            let mut lines = text::paragraph(&question, width, Style::new());
            lines.extend(text::paragraph(&effect, width, theme::hint()));
            lines.push(Line::default());
            lines.extend(text::paragraph(&keys, width, theme::label()));
            text_box(frame, area, "delete", lines, theme::error());
        }
        Modal::Login => login(frame, app, area, now),
        Modal::Error(error) => {
            let mut lines = text::paragraph(error, width, Style::new());
            lines.push(Line::default());
            lines.extend(text::paragraph(strings::ERROR_CLOSE, width, theme::label()));
            text_box(frame, area, "error", lines, theme::error());
        }
        Modal::Shown { what, value } => {
            // The user asked for this copy: the one place a secret is shown
            // unmasked, line by line so a curl command keeps its breaks.
            let mut lines = text::paragraph(strings::SHOWN_WHY, width, theme::label());
            lines.push(Line::default());
            for row in value.expose().lines() {
                lines.extend(text::paragraph(row, width, Style::new()));
            }
            lines.push(Line::default());
            lines.extend(text::paragraph(strings::HELP_CLOSE, width, theme::label()));
            text_box(frame, area, what, lines, theme::focused());
        }
    }
}

/// The running login, over the whole screen and without a box: the URL
/// is cut only at the screen's edge, so selecting it by mouse picks up no
/// border, and it comes first when rows are short (at 40×12 all of it
/// shows). `y` copies it.
fn login(frame: &mut Frame, app: &App, area: Rect, now: i64) {
    let Some(login) = app.login() else { return };
    // The status bar stays: it says what a copy did.
    let area = Rect {
        height: area.height.saturating_sub(1),
        ..area
    };
    let width = usize::from(area.width);
    let spinner = super::spinner(login.since, now);
    let title = Line::styled(
        text::clip(&format!("{spinner} log in {}", login.job.name), width),
        theme::focused(),
    );
    let keys = Line::styled(text::clip(strings::LOGIN_KEYS, width), theme::label());
    let Some(url) = &login.url else {
        let starting = text::paragraph(strings::LOGIN_STARTING, width, theme::info());
        let lines: Vec<Line> = std::iter::once(title)
            .chain(starting)
            .chain([Line::default(), keys])
            .collect();
        frame.render_widget(ratatui::widgets::Clear, area);
        frame.render_widget(Paragraph::new(lines), area);
        return;
    };
    let url_rows: Vec<Line> = text::hard_cut(url, width)
        .into_iter()
        .map(|row| Line::styled(row, theme::key()))
        .collect();
    let waiting = match login.no_browser {
        Some(_) => strings::LOGIN_WAITING_ELSEWHERE,
        None => strings::LOGIN_WAITING,
    };
    let mut extra: Vec<Vec<Line>> = vec![text::paragraph(waiting, width, theme::info())];
    if let Some(why) = &login.no_browser {
        extra.push(text::paragraph(why, width, theme::hint()));
    }
    if let Some(note) = &login.note {
        extra.push(text::paragraph(
            &strings::login_note(note),
            width,
            theme::error(),
        ));
    }
    // The URL first, then the title and the keys, then what fits.
    let mut room = usize::from(area.height).saturating_sub(url_rows.len());
    let mut lines = Vec::new();
    if room > 0 {
        room -= 1;
        lines.push(title);
    }
    let keys = (room > 0).then(|| {
        room -= 1;
        keys
    });
    let label = text::paragraph(strings::LOGIN_OPEN, width, Style::new());
    let label = match label.len() <= room {
        true => {
            room -= label.len();
            label
        }
        false => Vec::new(),
    };
    for part in extra {
        if part.len() <= room {
            room -= part.len();
            lines.extend(part);
        }
    }
    if room > 0 {
        lines.push(Line::default());
    }
    lines.extend(label);
    lines.extend(url_rows);
    lines.extend(keys);
    frame.render_widget(ratatui::widgets::Clear, area);
    frame.render_widget(Paragraph::new(lines), area);
}

/// A modal of wrapped lines; when they do not fit, the last line (how to
/// close it) is kept and the cut is marked.
fn text_box(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    mut lines: Vec<Line<'static>>,
    border: Style,
) {
    let width = lines
        .iter()
        .map(Line::width)
        .max()
        .unwrap_or(0)
        .max(title.len() + 2);
    let rect = centred(area, width, lines.len());
    let inner = frame_box(frame, rect, title, border);
    let room = usize::from(inner.height);
    if lines.len() > room && room >= 2 {
        let last = lines.pop().unwrap_or_default();
        lines.truncate(room - 2);
        lines.push(Line::styled("…", theme::label()));
        lines.push(last);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
