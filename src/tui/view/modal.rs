//! Modals over the main screen: help, delete confirmation, forms, the
//! login wait, errors, and a copy no clipboard took. (Scaffold.)

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::super::app::{App, Modal};
use super::super::keymap::action_name;

/// Draws the open modal, if any.
pub fn draw(frame: &mut Frame, app: &App, area: Rect, _now: i64) {
    let Some(modal) = &app.modal else { return };
    let (title, text) = match modal {
        Modal::Help => (
            "help".to_owned(),
            app.keymap
                .bindings()
                .iter()
                .map(|(a, _)| format!("{:<12} {}", app.keymap.keys_of(*a), action_name(*a)))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        Modal::ConfirmDelete { name, revoke } => (
            "delete".to_owned(),
            format!(
                "Delete {name}?{} y/n",
                if *revoke {
                    " Its session is revoked."
                } else {
                    ""
                }
            ),
        ),
        Modal::Form(form) => return super::form::draw(frame, form, area),
        Modal::Login { name, url } => (
            format!("log in {name}"),
            url.clone().unwrap_or_else(|| "starting…".into()),
        ),
        Modal::Error(e) => ("error".to_owned(), e.clone()),
        Modal::Shown { what, value } => (what.clone(), value.expose().to_owned()),
    };
    let w = area.width.saturating_sub(4).min(70);
    let h = area.height.saturating_sub(2).min(20);
    let rect = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(format!(" {title} "))),
        rect,
    );
}
