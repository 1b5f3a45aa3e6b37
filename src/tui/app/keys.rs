//! Input: what each [`Action`] does, keys typed into a modal or the
//! filter, the pointer and paste. Keys arrive already sorted by the edge
//! ([`keymap::route`](super::super::keymap::route), following
//! [`App::input_mode`]): a bound key as its action, anything a text field
//! or a dialog needs as a [`Key`]. What a pop-up does with its keys is
//! in `modal`.

use crate::credential::{Auth, Secret};
use crate::expiry::Health;
use crate::header;
use crate::ops::usable::{self, Plan};

use super::super::form::Form;
use super::super::input::{InputMode, Key, KeyCode, Pointer, PointerKind};
use super::super::kind::Work;
use super::super::layout::Pane;
use super::super::msg::{Action, Effect, Job};
use super::super::palette::Palette;
use super::super::strings;
use super::entries::Row;
use super::{App, Copying, Modal, RunningLogin};

mod modal;

impl App {
    /// How keys are read now: the runner routes each key by this.
    pub fn input_mode(&self) -> InputMode {
        match &self.modal {
            Some(Modal::Form(_) | Modal::Picker(_) | Modal::Palette(_)) => InputMode::Text,
            Some(Modal::Help) => InputMode::Help,
            Some(_) => InputMode::Dialog,
            None if self.filtering => InputMode::Text,
            None => InputMode::Actions,
        }
    }

    /// A key as input: the open modal or the filter takes it; on the main
    /// screen only Esc (clearing the filter) means anything.
    pub(super) fn key(&mut self, key: Key, now: i64) -> Vec<Effect> {
        // Ctrl-C (a Ctrl binding of quit) quits from anywhere: a pop-up,
        // a form or the filter takes every other key as input.
        if key.ctrl && self.keymap.action(key) == Some(Action::Quit) {
            return self.interrupt(now);
        }
        self.quit_armed = false;
        if self.modal.is_some() {
            return self.modal_key(key, now);
        }
        if self.filtering {
            self.filter_key(key);
            return Vec::new();
        }
        match key.code {
            KeyCode::Esc if !self.filter.is_empty() => {
                self.filter.clear();
                let keep = self.current().map(|e| e.name().to_owned());
                self.rebuild_rows(keep.as_deref());
            }
            // Enter on a row opens its details.
            KeyCode::Enter if self.current().is_some() => self.focus = Pane::Detail,
            _ => {}
        }
        Vec::new()
    }

    /// Ctrl-C: quits, except that a form holding input asks first (a
    /// second Ctrl-C quits, anything else goes back to the form).
    fn interrupt(&mut self, now: i64) -> Vec<Effect> {
        let typed = matches!(&self.modal, Some(Modal::Form(form)) if form.touched());
        if typed && !self.quit_armed {
            self.quit_armed = true;
            self.warn(strings::QUIT_FORM, now);
            return Vec::new();
        }
        self.quit()
    }

    /// Ends the app: a running login is cancelled, the clipboard cleared.
    fn quit(&mut self) -> Vec<Effect> {
        self.quit = true;
        let mut effects = Vec::new();
        if let Some(login) = self.login.take() {
            effects.push(Effect::CancelLogin(login.job));
        }
        if let Some((value, _)) = self.clipboard.take() {
            effects.push(Effect::ClearClipboard(value));
        }
        effects
    }

    fn filter_key(&mut self, key: Key) {
        match key.code {
            KeyCode::Esc => {
                self.filter.clear();
                self.filtering = false;
            }
            KeyCode::Enter | KeyCode::Down | KeyCode::Up | KeyCode::Tab => self.filtering = false,
            KeyCode::Backspace => {
                self.filter.pop();
            }
            KeyCode::Char('u') if key.ctrl => self.filter.clear(),
            KeyCode::Char(c) if !key.ctrl && !c.is_control() => self.filter.push(c),
            _ => return,
        }
        let keep = self.current().map(|e| e.name().to_owned());
        self.rebuild_rows(keep.as_deref());
    }

    /// Runs an action.
    pub(super) fn act(&mut self, action: Action, now: i64) -> Vec<Effect> {
        let page = self.areas().list_rows().max(1) as isize;
        match action {
            Action::Up | Action::Down if self.focus == Pane::Detail => {
                self.scroll_detail(if action == Action::Up { -1 } else { 1 }, now);
            }
            // The focused detail pane scrolls by pages and to its ends.
            Action::PageUp | Action::PageDown | Action::Top | Action::Bottom
                if self.focus == Pane::Detail =>
            {
                let page = self.detail_page();
                let delta = match action {
                    Action::PageUp => -page,
                    Action::PageDown => page,
                    Action::Top => i16::MIN,
                    _ => i16::MAX,
                };
                self.scroll_detail(delta, now);
            }
            Action::Up => self.move_selection(-1),
            Action::Down => self.move_selection(1),
            Action::PageUp => self.move_selection(-page),
            Action::PageDown => self.move_selection(page),
            Action::Top => self.move_selection(-(self.rows.len() as isize)),
            Action::Bottom => self.move_selection(self.rows.len() as isize),
            Action::SwitchPane => {
                self.focus = match self.focus {
                    Pane::List => Pane::Detail,
                    Pane::Detail => Pane::List,
                };
            }
            Action::Help => {
                self.modal = match self.modal {
                    Some(Modal::Help) => None,
                    _ => {
                        self.help_scroll = 0;
                        Some(Modal::Help)
                    }
                };
            }
            Action::Messages => self.modal = Some(Modal::Messages { scroll: 0 }),
            Action::Palette => {
                self.modal = Some(Modal::Palette(Box::new(Palette::new(&self.keymap))))
            }
            Action::Quit => return self.quit(),
            Action::Sort => {
                self.by_expiry = !self.by_expiry;
                let keep = self.current().map(|e| e.name().to_owned());
                self.rebuild_rows(keep.as_deref());
                let order = if self.by_expiry {
                    "next expiry"
                } else {
                    "name"
                };
                self.say(format!("sorted by {order}"), now);
            }
            Action::ListNarrower | Action::ListWider => {
                let step = if action == Action::ListWider { 4 } else { -4 };
                self.list_adjust = self.list_adjust.saturating_add(step);
                // Held to what the screen allows, so at a limit the other
                // key takes effect at once.
                let shown = i16::try_from(self.areas().list.width).unwrap_or(i16::MAX);
                let want = i16::try_from(self.list_want).unwrap_or(i16::MAX);
                self.list_adjust = shown.saturating_sub(want);
                self.keep_selection_visible();
            }
            Action::Filter => {
                self.filtering = true;
                self.focus = Pane::List;
            }
            Action::ToggleAutoRefresh => {
                self.auto_refresh = !self.auto_refresh;
                let state = if self.auto_refresh { "on" } else { "off" };
                self.say(format!("auto-refresh {state}"), now);
            }
            Action::Add => {
                let form = Form::add(self.names()).with_defaults(&self.form_defaults);
                self.open_form(form);
            }
            Action::Import => {
                let form = Form::import(self.names()).with_defaults(&self.form_defaults);
                self.open_form(form);
            }
            Action::Edit => match self.current() {
                Some(entry) => self.open_form(Form::edit(&entry.credential, self.names())),
                None => self.warn(strings::nothing_selected(&self.keymap), now),
            },
            Action::CopyHeader | Action::CopyCurl | Action::CopyValue => {
                return self.copy(action, now);
            }
            Action::Reveal => {
                if let Some(name) = self.current().map(|e| e.name().to_owned()) {
                    let until = now + i64::from(self.config.reveal_seconds) * 1000;
                    self.reveal = Some((name, until));
                }
            }
            Action::Probe => {
                self.api.waiting = None;
                return self.start(Work::Probe, now);
            }
            Action::PickEndpoint => self.open_endpoints(false, now),
            Action::EndpointList => self.open_endpoints(true, now),
            Action::LearnScopes => return self.learn(now),
            Action::Refresh => return self.start(Work::Refresh { auto: false }, now),
            Action::Login => return self.start(Work::Login, now),
            Action::Delete => {
                let busy = self.current().filter(|e| self.work(e).is_some());
                if let Some(name) = busy.map(|e| e.name()) {
                    let text = format!("{name} is busy: wait until it is done, then delete");
                    self.warn(text, now);
                } else if let Some(entry) = self.current() {
                    let revoke =
                        entry.session().is_some() && entry.credential.auth.client().is_some();
                    self.modal = Some(Modal::ConfirmDelete {
                        name: entry.name().to_owned(),
                        revoke,
                    });
                }
            }
        }
        Vec::new()
    }

    fn open_form(&mut self, form: Form) {
        self.modal = Some(Modal::Form(Box::new(form)));
    }

    /// Every credential's name (a form refuses to take one).
    fn names(&self) -> Vec<String> {
        self.entries.iter().map(|e| e.name().to_owned()).collect()
    }

    /// Starts background work on the selected entry, unless some is running.
    pub(super) fn start(&mut self, work: Work, now: i64) -> Vec<Effect> {
        let Some(job) = self.job() else {
            self.warn(strings::nothing_selected(&self.keymap), now);
            return Vec::new();
        };
        let busy = self.busy(&job.name);
        let Some(entry) = self.entries.iter_mut().find(|e| e.name() == job.name) else {
            return Vec::new();
        };
        if busy {
            return Vec::new();
        }
        let auth = &entry.credential.auth;
        let not_logged_in = strings::not_logged_in(&self.keymap);
        let needs_login = strings::needs_login(&self.keymap);
        let refusal = match (work, auth) {
            (Work::Refresh { .. }, Auth::Oauth { session: None, .. }) => {
                Some(not_logged_in.as_str())
            }
            (Work::Refresh { .. }, Auth::Oauth { client: None, .. }) => {
                Some("a bearer token without its OAuth client cannot be refreshed")
            }
            (Work::Refresh { .. }, Auth::Pat { .. } | Auth::Basic { .. }) => {
                Some("only OAuth sessions are refreshed")
            }
            (Work::Login, Auth::Pat { .. } | Auth::Basic { .. })
            | (Work::Login, Auth::Oauth { client: None, .. }) => {
                Some("log in needs an OAuth client")
            }
            (Work::Probe, Auth::Oauth { session: None, .. }) => Some(not_logged_in.as_str()),
            (
                Work::Probe,
                Auth::Oauth {
                    session: Some(s), ..
                },
            ) if s.login_required => Some(needs_login.as_str()),
            _ => None,
        };
        if let Some(refusal) = refusal.map(str::to_owned) {
            // A refused probe is kept where the probe's answer would be.
            if work == Work::Probe {
                let (reason, again) = match auth.session() {
                    None => (strings::NO_SESSION, false),
                    Some(_) => (strings::SESSION_REFUSED, true),
                };
                let fix = strings::login_fix(again, &self.keymap);
                self.fail(&job.name, "probe", reason.to_owned(), Some(fix), now);
            }
            self.warn(refusal, now);
            return Vec::new();
        }
        let (secs, margin) = (now.div_euclid(1000), i64::from(self.config.refresh_margin));
        // The probe tests the credential a user would get: the core's
        // "usable now" decides whether that needs a refresh first.
        if work == Work::Probe && usable::plan(&entry.credential, secs, margin) == Plan::Refresh {
            entry.busy = Some((Work::RefreshThenProbe, now));
            return vec![Effect::Refresh { job, force: false }];
        }
        if work != Work::Login {
            entry.busy = Some((work, now));
        }
        match work {
            Work::Probe => {
                let credential = Box::new(entry.credential.clone());
                let call = self
                    .api
                    .waiting
                    .take_if(|(n, _)| *n == job.name)
                    .map(|(_, call)| Box::new(call));
                vec![Effect::Probe {
                    job,
                    credential,
                    call,
                }]
            }
            Work::Refresh { .. } => vec![Effect::Refresh { job, force: true }],
            Work::Login => {
                self.login = Some(RunningLogin {
                    job: job.clone(),
                    url: None,
                    note: None,
                    no_browser: None,
                    since: now,
                });
                self.modal = Some(Modal::Login);
                vec![Effect::Login(job)]
            }
            Work::Delete | Work::RefreshThenProbe | Work::Learn => Vec::new(),
        }
    }

    fn copy(&mut self, action: Action, now: i64) -> Vec<Effect> {
        let Some(entry) = self.current() else {
            self.warn(strings::nothing_selected(&self.keymap), now);
            return Vec::new();
        };
        let credential = &entry.credential;
        let (what, made) = match action {
            // The argv-free form: it calls the command line for the header
            // when it runs, so the clipboard holds no secret.
            Action::CopyCurl => match &self.header_fetch {
                Ok(fetch) => (
                    "curl command",
                    header::authorization_value(credential).map(|_| {
                        Secret::new(header::piped_curl_command(
                            fetch,
                            credential,
                            &self.config.probe_path,
                        ))
                    }),
                ),
                Err(why) => {
                    let why = why.clone();
                    self.warn(why, now);
                    return Vec::new();
                }
            },
            Action::CopyValue => ("header value", header::authorization_value(credential)),
            _ => (
                "Authorization header",
                header::authorization_header(credential),
            ),
        };
        // An expired header is still copied (a user may want to
        // see the 401), but the copy's message says so.
        let secs = now.div_euclid(1000);
        // (A session the server refused makes no header at all.)
        let stale = match entry.health(secs, 0) {
            Some(Health::Expired) => entry
                .access_exp
                .map(|at| strings::copied_expired(at, secs, &self.keymap)),
            _ => None,
        };
        match made {
            Ok(value) => {
                let job = Job {
                    name: credential.name.clone(),
                    generation: entry.generation,
                };
                self.copying = Some(Copying {
                    what: what.to_owned(),
                    value: value.clone(),
                    stale,
                });
                vec![Effect::Copy(job, value)]
            }
            Err(e) => {
                self.warn(strings::no_header(&e, &self.keymap), now);
                Vec::new()
            }
        }
    }

    /// A mouse event: a click selects a row or focuses the detail pane,
    /// the wheel scrolls whatever is under the pointer.
    pub(super) fn pointer(&mut self, mouse: Pointer, now: i64) -> Vec<Effect> {
        if self.modal.is_some() {
            return Vec::new();
        }
        let areas = self.areas();
        let (col, row) = (mouse.column, mouse.row);
        let over_detail = areas.in_detail(col, row);
        match mouse.kind {
            PointerKind::Click => {
                if let Some(offset) = areas.list_row_at(col, row) {
                    let at = self.scroll + offset;
                    if matches!(self.rows.get(at), Some(Row::Entry(_))) {
                        self.selected = at;
                        self.detail_scroll = 0;
                        self.focus = Pane::List;
                    }
                } else if over_detail {
                    self.focus = Pane::Detail;
                }
            }
            PointerKind::ScrollDown if over_detail => self.scroll_detail(3, now),
            PointerKind::ScrollUp if over_detail => self.scroll_detail(-3, now),
            PointerKind::ScrollDown => self.move_selection(3),
            PointerKind::ScrollUp => self.move_selection(-3),
        }
        Vec::new()
    }

    /// Scrolls the detail pane by `delta` rows, never past the end of what
    /// it shows (else `k` would need extra presses to come back).
    fn scroll_detail(&mut self, delta: i16, now: i64) {
        let max = self.detail_limit(now);
        self.detail_scroll = self
            .detail_scroll
            .min(max)
            .saturating_add_signed(delta)
            .min(max);
    }

    /// A page of the detail pane: its height inside the border, less a
    /// row kept for context.
    fn detail_page(&self) -> i16 {
        let rows = self.areas().detail.height.saturating_sub(3).max(1);
        i16::try_from(rows).unwrap_or(i16::MAX)
    }

    /// Pasted text goes to an open form or the filter.
    pub(super) fn paste(&mut self, text: &str, now: i64) -> Vec<Effect> {
        if let Some(Modal::Form(form)) = self.modal.as_mut() {
            form.paste(text, now / 1000);
        } else if let Some(Modal::Picker(picker)) = self.modal.as_mut() {
            picker.paste(text);
        } else if let Some(Modal::Palette(palette)) = self.modal.as_mut() {
            palette.paste(text);
        } else if self.filtering {
            self.filter.extend(text.chars().filter(|c| !c.is_control()));
            let keep = self.current().map(|e| e.name().to_owned());
            self.rebuild_rows(keep.as_deref());
        }
        Vec::new()
    }
}
