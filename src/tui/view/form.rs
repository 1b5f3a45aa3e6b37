//! Drawing a form: a centred box with one line per field (label, value),
//! the focused field's hint or any field's error under it, and key hints
//! at the bottom. Secrets are drawn as bullets unless the form reveals
//! them; the import paste area shows only its size and what it was
//! recognised as. When the fields do not fit (40×12), the box scrolls to
//! keep the focused field in view.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::super::form::{Field, Form, Input, Kind};
use super::super::{strings, theme};
use super::dialog::{centred, frame_box};
use super::text;
use crate::expiry::Health;

/// The widest a form gets.
const MAX_WIDTH: u16 = 72;
/// Lines of the paste area shown when its text is revealed.
const PASTE_LINES: usize = 4;

/// Draws `form` centred in `area`.
pub fn draw(frame: &mut Frame, form: &Form, area: Rect) {
    let width = area.width.min(MAX_WIDTH);
    if width < 10 || area.height < 5 {
        return;
    }
    let inner_width = width - 2;
    let body = match form.kind {
        None => chooser(form),
        Some(_) => fields(form, usize::from(inner_width)),
    };
    let footer = footer(form, inner_width);
    // The body, then the footer line.
    let rect = centred(area, usize::from(inner_width), body.lines.len() + 1);
    let inner = frame_box(frame, rect, &form.title, theme::focused());
    let rows = usize::from(inner.height.saturating_sub(1));
    // Scroll just enough that the focused field and its note show.
    let offset = (body.focus_end + 1).saturating_sub(rows);
    let shown: Vec<Line> = body.lines.into_iter().skip(offset).take(rows).collect();
    let list = Rect::new(inner.x, inner.y, inner.width, rows as u16);
    frame.render_widget(Paragraph::new(shown), list);
    let bottom = Rect::new(inner.x, inner.y + rows as u16, inner.width, 1);
    frame.render_widget(Paragraph::new(footer), bottom);
    if let Some((line, col)) = body.cursor
        && line >= offset
        && line < offset + rows
    {
        let x = (inner.x + col).min(inner.right().saturating_sub(1));
        frame.set_cursor_position(Position::new(x, inner.y + (line - offset) as u16));
    }
}

/// The lines of a form's body, and where its cursor and focus are.
struct Body {
    lines: Vec<Line<'static>>,
    /// The last line that belongs to the focused field.
    focus_end: usize,
    /// The cursor: (line, column).
    cursor: Option<(usize, u16)>,
}

fn chooser(form: &Form) -> Body {
    let mut lines = vec![Line::styled("What do you want to add?", theme::label())];
    for (i, kind) in Kind::ADDABLE.iter().enumerate() {
        let style = if i == form.choice {
            theme::selected()
        } else {
            Style::new()
        };
        lines.push(Line::from(vec![
            Span::styled(format!(" {} ", i + 1), theme::key()),
            Span::styled(kind.label(), style),
        ]));
    }
    Body {
        focus_end: lines.len() - 1,
        lines,
        cursor: None,
    }
}

fn fields(form: &Form, width: usize) -> Body {
    let label_width = form
        .fields
        .iter()
        .map(|f| f.label().len())
        .max()
        .unwrap_or(0)
        + 2;
    let value_width = width.saturating_sub(label_width).max(1);
    let mut lines = Vec::new();
    let (mut focus_end, mut cursor) = (0, None);
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let label_style = if focused {
            theme::focused()
        } else {
            theme::label()
        };
        let marker = if focused { "›" } else { " " };
        let label = Span::styled(
            format!("{marker}{:<w$}", field.label(), w = label_width - 1),
            label_style,
        );
        if field.multiline() {
            let summary = text::clip(&paste_summary(field), width.saturating_sub(label_width));
            lines.push(Line::from(vec![label, Span::raw(summary)]));
            if let Some(recognised) = &form.recognised {
                let (text, style) = match recognised {
                    Ok(what) => (format!("recognised: {what}"), theme::info()),
                    Err(why) => (why.clone(), theme::error()),
                };
                lines.extend(note(&text, width, style));
            }
            if let Some(stale) = &form.stale {
                let warning = format!("warning: {stale}; {}", strings::STALE_IMPORT);
                lines.extend(note(&warning, width, theme::health(Health::Expiring)));
            }
            if form.reveal {
                let text = field.shown(true);
                let all: Vec<&str> = text.lines().collect();
                let start = all.len().saturating_sub(PASTE_LINES);
                for line in &all[start..] {
                    let line: String = line.chars().take(width.saturating_sub(2)).collect();
                    lines.push(Line::raw(format!("  {line}")));
                }
            }
        } else if let Input::Choice(_) = field.input {
            lines.push(Line::from(vec![
                label,
                Span::raw(format!("◂ {} ▸", field.value())),
            ]));
        } else {
            let shown = field.shown(form.reveal);
            // Scroll a long value so the cursor stays in view.
            let skip = (field.cursor() + 1).saturating_sub(value_width);
            let visible: String = shown.chars().skip(skip).take(value_width).collect();
            if focused {
                cursor = Some((lines.len(), (label_width + field.cursor() - skip) as u16));
            }
            lines.push(Line::from(vec![label, Span::raw(visible)]));
        }
        match (&field.error, focused && !field.hint.is_empty()) {
            (Some(error), _) => lines.extend(note(error, width, theme::error())),
            (None, true) => lines.extend(note(&field.hint, width, theme::label())),
            (None, false) => {}
        }
        if focused {
            focus_end = lines.len() - 1;
        }
    }
    if let Some(error) = &form.error {
        lines.push(Line::styled(error.clone(), theme::error()));
    }
    if form.saving {
        lines.push(Line::styled("saving…", theme::info()));
    }
    Body {
        lines,
        focus_end,
        cursor,
    }
}

/// A line under a field (its error, hint, or what a paste is), indented
/// and wrapped to the box: nothing of it is cut.
fn note(text: &str, width: usize, style: Style) -> Vec<Line<'static>> {
    text::wrap(text, width.saturating_sub(2))
        .into_iter()
        .map(|line| Line::styled(format!("  {line}"), style))
        .collect()
}

/// "1,234 characters on 5 lines", drawn as bullets' stand-in: the paste
/// itself is all secret.
fn paste_summary(field: &Field) -> String {
    let text = field.value();
    if text.is_empty() {
        return "(empty: paste here)".into();
    }
    let chars = text.chars().count();
    let lines = text.lines().count().max(1);
    let s = |n: usize| if n == 1 { "" } else { "s" };
    format!(
        "•••• {chars} character{} on {lines} line{}",
        s(chars),
        s(lines)
    )
}

fn footer(form: &Form, width: u16) -> Line<'static> {
    let narrow = width < 60;
    let keys: &[(&str, &str)] = match form.kind {
        None => &[("↑↓", "choose"), ("Enter", "next"), ("Esc", "cancel")],
        Some(_) if form.focused().is_some_and(Field::multiline) => &[
            ("Enter", "new line"),
            ("Tab", "next"),
            ("^S", "save"),
            ("^R", "show"),
            ("Esc", "cancel"),
        ],
        Some(_) if narrow => &[
            ("Tab", "next"),
            ("^S", "save"),
            ("^R", "show"),
            ("Esc", "cancel"),
        ],
        Some(_) => &[
            ("Tab/↑↓", "move"),
            ("Enter", "next"),
            ("^S", "save"),
            ("^R", "show secrets"),
            ("Esc", "cancel"),
        ],
    };
    let mut spans = Vec::new();
    for (key, what) in keys {
        spans.push(Span::styled(*key, theme::key()));
        spans.push(Span::styled(format!(" {what} "), theme::label()));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use crate::tui::input::{Key, KeyCode};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;

    const SECRET: &str = "hunter2-secret";

    /// The add form, PAT chosen, name and token id typed, the token pasted.
    fn filled() -> Form {
        let mut form = Form::add(Vec::new());
        let mut key = |code| form.key(Key::plain(code), 0);
        key(KeyCode::Enter);
        for c in "work".chars() {
            key(KeyCode::Char(c));
        }
        key(KeyCode::Tab);
        for c in "token-ABC123".chars() {
            key(KeyCode::Char(c));
        }
        key(KeyCode::Tab);
        form.paste(SECRET, 0);
        form
    }

    fn render(form: &Form, width: u16, height: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
        terminal
            .draw(|frame| draw(frame, form, frame.area()))
            .expect("draw");
        terminal.backend().to_string()
    }

    #[test]
    fn add_form_masks_the_typed_secret_at_80x24_and_40x12() {
        let form = filled();
        for (w, h) in [(80, 24), (40, 12)] {
            let screen = render(&form, w, h);
            assert!(
                !screen.contains(SECRET) && !screen.contains("hunter"),
                "{screen}"
            );
            assert!(screen.contains(&"•".repeat(SECRET.len())), "{screen}");
            insta::assert_snapshot!(format!("add_pat_{w}x{h}"), screen);
        }
    }

    #[test]
    fn ctrl_r_shows_secrets_while_the_form_is_open() {
        let mut form = filled();
        form.key(Key::ctrl(KeyCode::Char('r')), 0);
        let screen = render(&form, 80, 24);
        assert!(screen.contains(SECRET), "{screen}");
    }

    #[test]
    fn errors_show_under_their_field_even_on_a_small_screen() {
        let mut form = filled();
        form.key(Key::ctrl(KeyCode::Char('s')), 0);
        let screen = render(&form, 40, 12);
        // Valid input: saving, nothing refused.
        assert!(screen.contains("saving"), "{screen}");
        let mut bad = Form::add(vec!["work".into()]);
        bad.key(Key::plain(KeyCode::Enter), 0);
        for c in "work".chars() {
            bad.key(Key::plain(KeyCode::Char(c)), 0);
        }
        bad.key(Key::ctrl(KeyCode::Char('s')), 0);
        let screen = render(&bad, 40, 12);
        insta::assert_snapshot!("add_pat_taken_name_40x12", screen);
        assert!(screen.contains("is taken"), "{screen}");
    }
}
