//! Drawing the endpoint picker: the query and the matching operations
//! (method, path, the scopes each needs and whether the credential can
//! call it), then, once one is picked, its parameter form, its body editor
//! and the confirmation of a call that changes the account. Only the rows
//! on screen are built.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::probe::ScopeCheck;
use crate::sipgate::{Access, Operation};

use super::super::app::App;
use super::super::endpoints::{self, Editor, Param, Picker, Stage};
use super::super::msg::Action;
use super::super::theme;
use super::dialog::frame_box;
use super::text::{self, clip};

/// The method column.
const METHOD: usize = 7;
/// The access column.
const MARK: usize = 4;

/// Draws the picker over the screen `area`.
pub fn draw(frame: &mut Frame, app: &App, picker: &Picker, area: Rect, now: i64) {
    let rect = endpoints::area(area.width, area.height);
    if rect.width < 12 || rect.height < 5 {
        return;
    }
    let title = format!("call with {}", picker.name);
    let inner = frame_box(frame, rect, &title, theme::focused());
    match picker.stage() {
        Stage::List => list(frame, app, picker, inner),
        Stage::Params {
            op,
            params,
            focus,
            error,
        } => params_form(frame, app, *op, params, *focus, error.as_deref(), inner),
        Stage::Body {
            op,
            path,
            body,
            error,
        } => body_editor(frame, app, *op, path, body, error.as_deref(), inner, now),
        Stage::Confirm { op, path, body } => {
            confirm(frame, app, *op, path, body.as_ref(), inner, now);
        }
    }
}

/// The access marker: its word and style.
pub fn mark(access: Option<&Access>) -> (&'static str, Style) {
    match access {
        Some(Access::Yes) => ("yes", theme::ok()),
        Some(Access::No { .. }) => ("no", theme::error()),
        Some(Access::Unknown) | None => ("?", theme::label()),
    }
}

/// What the access means in a line: "yes", "no: missing `x`", "? unknown".
pub fn access_text(app: &App, access: Option<&Access>) -> (String, Style) {
    match access {
        Some(Access::Yes) => ("yes: its scopes allow this".to_owned(), theme::ok()),
        Some(Access::No { missing }) => (
            format!("no: missing {}", missing.join(" or ")),
            theme::error(),
        ),
        Some(Access::Unknown) | None => (
            format!(
                "? unknown: its scopes are not known ({} learns them)",
                app.keymap().keys_of(Action::LearnScopes)
            ),
            theme::label(),
        ),
    }
}

/// The scopes an operation needs, for a column.
pub fn scopes(op: &Operation) -> String {
    let specific: Vec<&str> = op.specific_scopes().collect();
    match (specific.is_empty(), op.needs_scope()) {
        (false, _) => specific.join(" "),
        (true, true) => crate::sipgate::ALL_SCOPE.to_owned(),
        (true, false) => "none".to_owned(),
    }
}

/// `text` cut and padded to exactly `width` columns.
pub fn cell(text: &str, width: usize) -> String {
    let cut = clip(text, width);
    let pad = width.saturating_sub(cut.width());
    format!("{cut}{}", " ".repeat(pad))
}

fn access_of(app: &App, op: usize) -> Option<&Access> {
    app.reach().and_then(|r| r.access.get(op))
}

fn list(frame: &mut Frame, app: &App, picker: &Picker, inner: Rect) {
    let width = usize::from(inner.width);
    let rows = endpoints::list_rows(app.size().0, app.size().1).min(usize::from(inner.height));
    let count = format!(
        "{} of {}",
        picker.matches().len(),
        crate::sipgate::ApiMap::get().operations.len()
    );
    let (query, cursor) = text::query_line(picker.query(), &count, width);
    let mut lines = vec![query];
    let scopes_width = if width >= 60 { (width / 3).min(34) } else { 0 };
    let path_width =
        width.saturating_sub(METHOD + MARK + scopes_width + usize::from(scopes_width > 0));
    let shown = picker
        .matches()
        .iter()
        .enumerate()
        .skip(picker.scroll())
        .take(rows);
    for (at, &index) in shown {
        let Some(op) = endpoints::operation(index) else {
            continue;
        };
        let (word, style) = mark(access_of(app, index));
        let mut spans = vec![
            Span::styled(cell(&op.method, METHOD), theme::key()),
            Span::raw(cell(&op.path, path_width.saturating_sub(1))),
            Span::raw(" "),
        ];
        if scopes_width > 0 {
            spans.push(Span::styled(
                cell(&scopes(op), scopes_width),
                theme::label(),
            ));
            spans.push(Span::raw(" "));
        }
        spans.push(Span::styled(cell(word, MARK), style));
        let line = Line::from(spans);
        lines.push(if at == picker.selected() {
            line.style(theme::selected())
        } else {
            line
        });
    }
    if picker.matches().is_empty() {
        lines.push(Line::styled("Nothing matches.", theme::label()));
    }
    while lines.len() < rows + 1 {
        lines.push(Line::default());
    }
    if let Some(index) = picker.current()
        && let Some(op) = endpoints::operation(index)
    {
        let about = format!("{} · {} · {}", op.id, op.tag, op.needs_text());
        lines.push(Line::styled(clip(&about, width), theme::label()));
        let (text, style) = access_text(app, access_of(app, index));
        lines.push(Line::styled(clip(&text, width), style));
    } else {
        lines.extend([Line::default(), Line::default()]);
    }
    let keys = "Enter picks · ↑↓ PgUp PgDn move · ctrl-u clears · Esc closes";
    lines.push(Line::styled(clip(keys, width), theme::label()));
    frame.render_widget(Paragraph::new(lines), inner);
    text::set_cursor(frame, inner, cursor);
}

/// The picked operation and what the credential has for it.
fn heading(app: &App, op: &Operation, index: usize, width: usize) -> Vec<Line<'static>> {
    let mut lines = text::paragraph(&op.label(), width, theme::heading());
    let (access, style) = access_text(app, access_of(app, index));
    lines.extend(text::paragraph(
        &format!("{} · {access}", op.needs_text()),
        width,
        style,
    ));
    lines
}

#[allow(clippy::too_many_arguments)]
fn params_form(
    frame: &mut Frame,
    app: &App,
    index: usize,
    params: &[Param],
    focus: usize,
    error: Option<&str>,
    inner: Rect,
) {
    let Some(op) = endpoints::operation(index) else {
        return;
    };
    let width = usize::from(inner.width);
    let mut lines = heading(app, op, index, width);
    lines.push(Line::default());
    let label = params
        .iter()
        .map(|p| p.name.width())
        .max()
        .unwrap_or(0)
        .min(width / 3);
    let mut cursor = None;
    for (i, param) in params.iter().enumerate() {
        let name = cell(&param.name, label);
        let value = param.value.text();
        let style = if i == focus {
            theme::focused()
        } else {
            Style::new()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{name} "), theme::label()),
            Span::styled(clip(&value, width.saturating_sub(label + 1)), style),
        ]));
        if i == focus {
            let col = label
                + 1
                + value
                    .chars()
                    .take(param.value.cursor().1)
                    .collect::<String>()
                    .width();
            cursor = Some((lines.len() - 1, col));
        }
        if param.looking_up {
            let note = format!(
                "{} looking it up (GET /authorization/userinfo)…",
                " ".repeat(label)
            );
            lines.push(Line::styled(clip(&note, width), theme::label()));
        }
    }
    if let Some(error) = error {
        lines.extend(text::paragraph(error, width, theme::error()));
    }
    let next = if op.is_read() {
        "sends"
    } else {
        "goes on to the body"
    };
    let keys = format!("Enter {next} · Tab next field · Esc back to the list");
    draw_with_footer(frame, lines, &keys, cursor, inner);
}

#[allow(clippy::too_many_arguments)]
fn body_editor(
    frame: &mut Frame,
    app: &App,
    index: usize,
    path: &str,
    body: &Editor,
    error: Option<&str>,
    inner: Rect,
    now: i64,
) {
    let Some(op) = endpoints::operation(index) else {
        return;
    };
    let width = usize::from(inner.width);
    let mut lines = text::paragraph(&format!("{} {path}", op.method), width, theme::heading());
    lines.extend(text::paragraph(
        "This call changes the account: the server acts on it for real.",
        width,
        theme::error(),
    ));
    if let Some(warning) = warning(app, op, path, now) {
        lines.extend(text::paragraph(&warning, width, theme::hint()));
    }
    lines.push(text::rule("body (JSON; empty sends none)", "", width));
    let (row, col) = body.cursor();
    let room = usize::from(inner.height)
        .saturating_sub(lines.len() + 1 + usize::from(error.is_some()) * 2)
        .max(1);
    let first = (row + 1).saturating_sub(room);
    let top = lines.len();
    for line in body.rows().iter().skip(first).take(room) {
        lines.push(Line::raw(clip(line, width)));
    }
    let typed: String = body.rows()[row].chars().take(col).collect();
    let cursor = Some((top + row - first, typed.width()));
    if let Some(error) = error {
        lines.extend(text::paragraph(error, width, theme::error()));
    }
    let keys = "ctrl-s checks it and asks to send · Esc back";
    draw_with_footer(frame, lines, keys, cursor, inner);
}

#[allow(clippy::too_many_arguments)]
fn confirm(
    frame: &mut Frame,
    app: &App,
    index: usize,
    path: &str,
    body: Option<&serde_json::Value>,
    inner: Rect,
    now: i64,
) {
    let Some(op) = endpoints::operation(index) else {
        return;
    };
    let width = usize::from(inner.width);
    let api = app.current().map_or("", |e| e.credential.api.as_str());
    let mut lines = text::paragraph(
        &format!("Send {} {api}{path}?", op.method),
        width,
        theme::heading(),
    );
    lines.extend(text::paragraph(
        "It changes the account; the server acts on it at once.",
        width,
        theme::error(),
    ));
    if let Some(warning) = warning(app, op, path, now) {
        lines.extend(text::paragraph(&warning, width, theme::hint()));
    }
    lines.push(Line::default());
    let body = body.map_or_else(|| "no body".to_owned(), |b| format!("body {b}"));
    lines.extend(text::paragraph(&body, width, Style::new()));
    draw_with_footer(
        frame,
        lines,
        "y sends · n or Esc back to the body",
        None,
        inner,
    );
}

/// The core's warning before sending: the credential lacks every scope.
fn warning(app: &App, op: &Operation, path: &str, now: i64) -> Option<String> {
    let entry = app.current()?;
    ScopeCheck::new(&entry.credential, &op.method, path, now.div_euclid(1000))?.warning()
}

/// Lines from the top, the keys on the last row, the cursor at (line, col).
fn draw_with_footer(
    frame: &mut Frame,
    mut lines: Vec<Line<'static>>,
    keys: &str,
    cursor: Option<(usize, usize)>,
    inner: Rect,
) {
    let room = usize::from(inner.height.saturating_sub(1));
    lines.truncate(room);
    while lines.len() < room {
        lines.push(Line::default());
    }
    lines.push(Line::styled(
        clip(keys, usize::from(inner.width)),
        theme::label(),
    ));
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some((line, col)) = cursor.filter(|(line, _)| *line < room) {
        let x = inner.x
            + u16::try_from(col)
                .unwrap_or(u16::MAX)
                .min(inner.width.saturating_sub(1));
        frame.set_cursor_position(Position::new(x, inner.y + u16::try_from(line).unwrap_or(0)));
    }
}
