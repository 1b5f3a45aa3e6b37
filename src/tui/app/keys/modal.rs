//! Keys inside a pop-up: the forms, the confirmations, the palette, the
//! endpoint list and the scrolled overlays (help, message log), and what a
//! submitted form says once it is saved.

use crate::credential::Secret;

use super::super::super::form::FormEvent;
use super::super::super::input::{Key, KeyCode};
use super::super::super::kind::Work;
use super::super::super::layout::Pane;
use super::super::super::msg::{Action, Change, Effect, Job};
use super::super::super::palette::{self, PaletteEvent};
use super::super::super::strings;
use super::super::{App, Copying, Modal};

impl App {
    pub(super) fn modal_key(&mut self, key: Key, now: i64) -> Vec<Effect> {
        if matches!(self.modal, Some(Modal::Picker(_))) {
            return self.picker_key(key, now);
        }
        let page = super::super::super::endpoints::list::visible_rows(self.size.0, self.size.1);
        let Some(modal) = self.modal.as_mut() else {
            return Vec::new();
        };
        match modal {
            Modal::Endpoints(_) if self.keymap.action(key) == Some(Action::PickEndpoint) => {
                // From the list straight to the picker.
                self.open_endpoints(false, now);
                Vec::new()
            }
            Modal::Endpoints(list) => {
                if !list.key(key.code, page) {
                    self.modal = None;
                }
                Vec::new()
            }
            Modal::Picker(_) => Vec::new(),
            Modal::Palette(palette) => match palette.key(key, palette::visible_rows(self.size.1)) {
                PaletteEvent::Continue => Vec::new(),
                PaletteEvent::Close => {
                    self.modal = None;
                    Vec::new()
                }
                PaletteEvent::Run(action) => {
                    self.modal = None;
                    self.act(action, now)
                }
            },
            Modal::Form(form) => match form.key(key, now / 1000) {
                FormEvent::Continue => Vec::new(),
                FormEvent::Cancel => {
                    if form.touched() {
                        self.say(strings::FORM_DISCARDED, now);
                    }
                    self.modal = None;
                    Vec::new()
                }
                FormEvent::Submit(change) => {
                    self.save_note = Some(self.save_note_for(&change, now));
                    // Named for the credential saved, so it is selected once stored.
                    let name = match &*change {
                        Change::Insert(saved)
                        | Change::Replace {
                            credential: saved, ..
                        } => saved.name.clone(),
                        Change::Learned { name, .. } => name.clone(),
                    };
                    let job = Job {
                        name,
                        generation: 0,
                    };
                    vec![Effect::Save(job, *change)]
                }
            },
            // Only the key the dialog names confirms: Enter does nothing,
            // so it cannot delete by habit, nor pass a `y` on to the list.
            Modal::ConfirmDelete { name, revoke } => match key.code {
                KeyCode::Char('y') => {
                    let (name, revoke) = (name.clone(), *revoke);
                    self.modal = None;
                    let busy = self.busy(&name);
                    let Some(entry) = self.entries.iter_mut().find(|e| e.name() == name) else {
                        return Vec::new();
                    };
                    if busy {
                        // Auto-refresh may have started while the box was open.
                        let text = format!("{name} is busy: wait until it is done, then delete");
                        self.warn(text, now);
                        return Vec::new();
                    }
                    entry.busy = Some((Work::Delete, now));
                    let job = Job {
                        name,
                        generation: entry.generation,
                    };
                    vec![Effect::Delete { job, revoke }]
                }
                KeyCode::Char('n') | KeyCode::Esc | KeyCode::Char('q') => {
                    self.modal = None;
                    Vec::new()
                }
                _ => Vec::new(),
            },
            Modal::Login => {
                // `y` (and the copy keys) put the URL on the clipboard: a
                // login over SSH is finished in a browser elsewhere.
                let copy = matches!(
                    self.keymap.action(key),
                    Some(Action::CopyValue | Action::CopyHeader)
                ) || key.code == KeyCode::Char('y');
                if copy {
                    return self.copy_login_url(now);
                }
                if key.code == KeyCode::Esc {
                    self.modal = None;
                    let Some(login) = self.login.take() else {
                        return Vec::new();
                    };
                    self.say("login cancelled", now);
                    return vec![Effect::CancelLogin(login.job)];
                }
                Vec::new()
            }
            Modal::Help => {
                // The help's rows on screen: all but its border and last line.
                let page = self.size.1.saturating_sub(3).max(1);
                let rows = self.help_rows();
                let most =
                    u16::try_from(rows.saturating_sub(usize::from(page))).unwrap_or(u16::MAX);
                match scrolled(key.code, self.help_scroll.into(), page.into(), most.into()) {
                    Some(to) => self.help_scroll = u16::try_from(to).unwrap_or(most),
                    None if is_close(key.code, 'q') => self.modal = None,
                    None => {}
                }
                Vec::new()
            }
            Modal::Messages { scroll } => {
                let page = usize::from(self.size.1.saturating_sub(4)).max(1);
                let last = self.log.len().saturating_sub(1);
                match scrolled(key.code, *scroll, page, last) {
                    Some(to) => *scroll = to,
                    None if is_close(key.code, 'q') || key.code == KeyCode::Char('m') => {
                        self.modal = None;
                    }
                    None => {}
                }
                Vec::new()
            }
            Modal::Error(_) | Modal::Shown { .. } | Modal::Learn => {
                // The help's own key closes it too: it comes as its action.
                if is_close(key.code, 'q') {
                    self.modal = None;
                }
                Vec::new()
            }
        }
    }

    /// Copies the running login's URL (not a secret: it holds only the
    /// client id, state and PKCE challenge).
    fn copy_login_url(&mut self, now: i64) -> Vec<Effect> {
        let Some(login) = self.login.as_ref() else {
            return Vec::new();
        };
        let Some(url) = login.url.clone() else {
            self.say(strings::LOGIN_STARTING, now);
            return Vec::new();
        };
        let job = login.job.clone();
        let value = Secret::new(url);
        self.copying = Some(Copying {
            what: "login URL".to_owned(),
            value: value.clone(),
            stale: None,
        });
        vec![Effect::Copy(job, value)]
    }

    /// The help's rows: every binding under one heading (two when the
    /// details have the focus), then the form's, the filter's and the
    /// mouse's under theirs; the view lays out the same rows.
    pub fn help_rows(&self) -> usize {
        let headings = if self.focus == Pane::Detail { 5 } else { 4 };
        self.keymap.bindings().len()
            + strings::FORM_HELP.len()
            + strings::FILTER_HELP.len()
            + strings::MOUSE_HELP.len()
            + headings
    }

    /// What a submitted form changes, in words for the status bar once
    /// the store has it: `added NAME`, `saved NAME: renamed from OLD, API
    /// base changed`.
    pub(super) fn save_note_for(&self, change: &Change, now: i64) -> String {
        let (old, new) = match change {
            Change::Insert(added) => {
                return match crate::import::stale(&added.auth, now / 1000) {
                    Some(fact) => strings::saved_stale(
                        &added.name,
                        &fact.short(),
                        added.auth.client().is_some(),
                        &self.keymap,
                    ),
                    None => format!("added {}", added.name),
                };
            }
            Change::Learned { name, .. } => return format!("saved {name}"),
            Change::Replace { old, credential } => (old, credential),
        };
        let mut what = Vec::new();
        if *old != new.name {
            what.push(format!("renamed from {old}"));
        }
        if let Some(before) = self.entry(old).map(|e| &e.credential) {
            if before.api != new.api {
                what.push("API base changed".to_owned());
            }
            if before.auth != new.auth {
                what.push("credentials changed".to_owned());
            }
        }
        match what.is_empty() {
            true => format!("saved {}: nothing changed", new.name),
            false => format!("saved {}: {}", new.name, what.join(", ")),
        }
    }
}

/// Where a scroll key moves a pop-up scrolled to `at` with `page` rows on
/// screen and `most` the furthest it goes (never past it, so `k` moves
/// back at once); `None` for any other key.
fn scrolled(code: KeyCode, at: usize, page: usize, most: usize) -> Option<usize> {
    let to = match code {
        KeyCode::Char('j') | KeyCode::Down => at.saturating_add(1),
        KeyCode::Char('k') | KeyCode::Up => at.saturating_sub(1),
        KeyCode::PageDown | KeyCode::Char(' ') => at.saturating_add(page),
        KeyCode::PageUp => at.saturating_sub(page),
        KeyCode::Char('g') | KeyCode::Home => 0,
        KeyCode::Char('G') | KeyCode::End => most,
        _ => return None,
    };
    Some(to.min(most))
}

/// Whether `code` closes a pop-up: Esc, Enter or `close`.
fn is_close(code: KeyCode, close: char) -> bool {
    matches!(code, KeyCode::Esc | KeyCode::Enter) || code == KeyCode::Char(close)
}
