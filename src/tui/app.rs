//! The app's state and its one way of changing: [`App::update`] takes a
//! [`Msg`] and the time, changes the state and returns the [`Effect`]s the
//! runner should perform. Nothing here touches the terminal, the network,
//! the clipboard or the clock, so every behaviour is testable as
//! message-in, state-and-effects-out.

mod answers;
mod api;
mod deadlines;
pub mod entries;
mod keys;
pub mod learning;
#[cfg(test)]
mod tests;

pub use deadlines::SPINNER_MS;

use crate::credential::Secret;
use crate::header::HeaderFetch;
use crate::store::StoreData;

use super::config::Config;
use super::endpoints::{EndpointList, Picker};
use super::form::Form;
use super::keymap::Keymap;
use super::kind::Work;
use super::layout::{Areas, Pane};
use super::msg::{Effect, Job, Msg};
use super::palette::Palette;
use entries::{Entry, Row};

/// How far the detail pane can scroll for an app at a time (Unix ms).
pub type DetailLimit = fn(&App, i64) -> u16;

/// A message in the status bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    /// The text (never a secret).
    pub text: String,
    /// Shown as an error.
    pub error: bool,
    /// Unix ms when it goes away.
    pub until: i64,
}

/// How long status messages stay, in ms.
const STATUS_MS: i64 = 6_000;

/// A status message as the message log keeps it, in full.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logged {
    /// Unix ms when it was said.
    pub at: i64,
    /// The text (never a secret).
    pub text: String,
    /// Said as an error.
    pub error: bool,
}

/// How many status messages the log keeps.
pub const LOG_LEN: usize = 100;

/// A copy on its way to a clipboard.
#[derive(Debug)]
struct Copying {
    /// What it is, for the message ("Authorization header").
    what: String,
    /// The value, shown in a pop-up if no clipboard takes it.
    value: Secret,
    /// Why it will not work (an expired header), said with the copy.
    stale: Option<String>,
}

/// A window over the main screen.
#[derive(Clone, Debug)]
pub enum Modal {
    /// The key help.
    Help,
    /// "Delete NAME?" (and revoke its session).
    ConfirmDelete {
        /// Whose.
        name: String,
        /// Whether its session will be revoked at the server.
        revoke: bool,
    },
    /// An add, edit or import form.
    Form(Box<Form>),
    /// The running login ([`App::login`]), waiting for the browser.
    Login,
    /// An error to acknowledge.
    Error(String),
    /// A copy no clipboard would take, shown to be copied by hand.
    Shown {
        /// What it is ("Authorization header").
        what: String,
        /// The text.
        value: Secret,
    },
    /// The endpoint picker.
    Picker(Box<Picker>),
    /// Every endpoint and whether the credential can call it.
    Endpoints(Box<EndpointList>),
    /// The scope-learning run ([`App::learning`]).
    Learn,
    /// The command palette.
    Palette(Box<Palette>),
    /// The message log ([`App::messages`]), scrolled down by `scroll` rows.
    Messages {
        /// The first row shown.
        scroll: usize,
    },
}

/// A login in progress. The app keeps it in one place ([`App::login`]):
/// the waiting modal shows it, the entry's spinner reads it, and cancelling
/// or finishing clears it; the runner holds only the task's abort handle,
/// keyed by [`RunningLogin::job`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunningLogin {
    /// Whose, and the generation it started from.
    pub job: Job,
    /// The authorization URL, once known.
    pub url: Option<String>,
    /// The last redirect that ended nothing (the login still waits).
    pub note: Option<String>,
    /// Why no browser was started, when none was.
    pub no_browser: Option<String>,
    /// Unix ms when it started (the spinner counts from here).
    pub since: i64,
}

/// Everything on screen, and what is needed to decide what happens next.
#[derive(Debug)]
pub struct App {
    /// The settings.
    config: Config,
    /// The key bindings.
    keymap: Keymap,
    /// A label for the title bar ("demo" or the store path).
    title: String,
    /// How a copied curl command gets its header when it runs.
    header_fetch: Result<HeaderFetch, String>,
    /// What a new credential's API base and issuer fields start with (the
    /// demo's sandbox; else sipgate's).
    pub(crate) form_defaults: crate::tui::form::Defaults,
    /// Every credential.
    entries: Vec<Entry>,
    /// The list's rows under the current filter.
    rows: Vec<Row>,
    /// The selected row (always an entry row while there is one).
    selected: usize,
    /// The first row on screen.
    scroll: usize,
    /// The list filter.
    filter: String,
    /// Whether keys go into the filter.
    filtering: bool,
    /// Which pane has the keyboard.
    focus: Pane,
    /// The detail pane's scroll offset.
    detail_scroll: u16,
    /// The open modal.
    modal: Option<Modal>,
    /// The status bar message.
    status: Option<Status>,
    /// The last [`LOG_LEN`] status messages, oldest first.
    log: std::collections::VecDeque<Logged>,
    /// The offset of local time from UTC in seconds, for the times of day
    /// shown (gauges, the message log); the runner sets it from the local
    /// zone, nothing here reads the clock or the zone.
    utc_offset: i64,
    /// Whether sessions are refreshed in the background.
    auto_refresh: bool,
    /// A revealed secret: whose, until when (Unix ms).
    reveal: Option<(String, i64)>,
    /// The value on the clipboard and when to clear it (Unix ms).
    clipboard: Option<(Secret, i64)>,
    /// A copy on its way: what it is and the value, in case no clipboard takes it.
    copying: Option<Copying>,
    /// The terminal size.
    size: (u16, u16),
    /// The login in progress, if any.
    login: Option<RunningLogin>,
    /// Set once the app should end.
    quit: bool,
    /// How far the help is scrolled (the view clamps it).
    help_scroll: u16,
    /// Each group sorted by next expiry (else by name).
    by_expiry: bool,
    /// Columns the user added to (or took from) the list pane's width.
    list_adjust: i16,
    /// The list's natural width: its widest name and badge.
    list_want: u16,
    /// A Ctrl-C in a form with input asked for a second one to quit.
    quit_armed: bool,
    /// What the save on its way changes, said once the store has it.
    save_note: Option<String>,
    /// The API map's side: reach, picked calls, user ids, learning.
    api: api::ApiState,
    next_generation: u64,
    detail_limit: DetailLimit,
}

impl App {
    /// An app over a store's credentials; `header_fetch` is how a copied
    /// curl command gets its header; `detail_limit` measures how far
    /// the detail pane can scroll (the view's pure measure, handed in so
    /// that the state does not depend on the view: see
    /// [`super::new_app`]).
    pub fn new(
        config: Config,
        keymap: Keymap,
        data: StoreData,
        title: String,
        header_fetch: Result<HeaderFetch, String>,
        detail_limit: DetailLimit,
    ) -> Self {
        let mut app = Self {
            detail_limit,
            auto_refresh: config.auto_refresh,
            config,
            keymap,
            // The store's path: a directory name may hold anything.
            title: crate::sanitize::strip_controls(&title),
            header_fetch,
            form_defaults: crate::tui::form::Defaults::default(),
            entries: Vec::new(),
            rows: Vec::new(),
            selected: 0,
            scroll: 0,
            filter: String::new(),
            filtering: false,
            focus: Pane::List,
            detail_scroll: 0,
            modal: None,
            status: None,
            log: std::collections::VecDeque::new(),
            utc_offset: 0,
            reveal: None,
            clipboard: None,
            copying: None,
            size: (80, 24),
            login: None,
            quit: false,
            help_scroll: 0,
            by_expiry: false,
            list_adjust: 0,
            list_want: 0,
            quit_armed: false,
            save_note: None,
            api: api::ApiState::default(),
            next_generation: 1,
        };
        app.load(data);
        app.sync_reach();
        app
    }

    /// How far the detail pane can scroll at `now`, by the same document
    /// the pane draws.
    pub fn detail_limit(&self, now: i64) -> u16 {
        (self.detail_limit)(self, now)
    }

    /// Handles one message at `now` (Unix ms) and returns the effects to run.
    pub fn update(&mut self, msg: Msg, now: i64) -> Vec<Effect> {
        let mut effects = match msg {
            Msg::Action(action) => self.act(action, now),
            Msg::Key(key) => self.key(key, now),
            Msg::Pointer(pointer) => self.pointer(pointer, now),
            Msg::Paste(text) => self.paste(&text, now),
            Msg::Tick => Vec::new(),
            Msg::Resize(w, h) => {
                self.size = (w, h);
                self.keep_selection_visible();
                Vec::new()
            }
            Msg::Done(job, done) => self.done(job, done, now),
        };
        effects.extend(self.deadlines(now));
        self.sync_reach();
        effects
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The key bindings (the runner routes keys by them; the help and
    /// the hints name them).
    pub fn keymap(&self) -> &Keymap {
        &self.keymap
    }

    /// The title bar label.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// Every credential.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The list's rows under the current filter.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// The selected row.
    pub fn selected(&self) -> usize {
        self.selected
    }

    /// The first row on screen.
    pub fn scroll(&self) -> usize {
        self.scroll
    }

    /// The list filter.
    pub fn filter(&self) -> &str {
        &self.filter
    }

    /// Whether keys go into the filter.
    pub fn filtering(&self) -> bool {
        self.filtering
    }

    /// Which pane has the keyboard.
    pub fn focus(&self) -> Pane {
        self.focus
    }

    /// The detail pane's scroll offset.
    pub fn detail_scroll(&self) -> u16 {
        self.detail_scroll
    }

    /// The open modal.
    pub fn modal(&self) -> Option<&Modal> {
        self.modal.as_ref()
    }

    /// How far the help is scrolled (past its end means its end).
    pub fn help_scroll(&self) -> u16 {
        self.help_scroll
    }

    /// The status bar message.
    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref()
    }

    /// The kept status messages, newest first.
    pub fn messages(&self) -> impl Iterator<Item = &Logged> {
        self.log.iter().rev()
    }

    /// The offset of local time from UTC in seconds (the times shown).
    pub fn utc_offset(&self) -> i64 {
        self.utc_offset
    }

    /// Sets the offset of local time from UTC in seconds.
    pub fn set_utc_offset(&mut self, secs: i64) {
        self.utc_offset = secs;
    }

    /// How long before its access token ends a session counts as
    /// `expiring` (badge and gauge colour): twice the refresh margin, so
    /// that with auto-refresh on the warning shows a margin's length before
    /// the refresh instead of a blink.
    pub fn warn_margin(&self) -> i64 {
        2 * i64::from(self.config.refresh_margin)
    }

    /// Whether sessions are refreshed in the background.
    pub fn auto_refresh(&self) -> bool {
        self.auto_refresh
    }

    /// The terminal size.
    pub fn size(&self) -> (u16, u16) {
        self.size
    }

    /// The login in progress, if any.
    pub fn login(&self) -> Option<&RunningLogin> {
        self.login.as_ref()
    }

    /// The work running on `entry` and since when (Unix ms): its own, or
    /// the login when it is this entry's.
    pub fn work(&self, entry: &Entry) -> Option<(Work, i64)> {
        entry.busy.or_else(|| {
            self.login
                .as_ref()
                .filter(|l| l.job.name == entry.name())
                .map(|l| (Work::Login, l.since))
        })
    }

    /// Whether work runs on the credential called `name`.
    fn busy(&self, name: &str) -> bool {
        self.entry(name).is_some_and(|e| self.work(e).is_some())
    }

    /// Shows a running login as if it had started at `since` (view tests
    /// draw the waiting modal).
    #[cfg(test)]
    pub(in crate::tui) fn show_login(&mut self, name: &str, url: Option<String>, since: i64) {
        let job = Job {
            name: name.to_owned(),
            generation: self.entry(name).map_or(0, |e| e.generation),
        };
        self.login = Some(RunningLogin {
            job,
            url,
            note: None,
            no_browser: None,
            since,
        });
        self.modal = Some(Modal::Login);
    }

    /// Whether the app should end (the runner stops its loop).
    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// The value still on the clipboard as the app ends, for the runner to
    /// clear; taken, so it is cleared once.
    pub fn take_clipboard_on_exit(&mut self) -> Option<Secret> {
        self.clipboard.take().map(|(value, _)| value)
    }

    /// Opens a modal as a message would (view tests draw each one).
    #[cfg(test)]
    pub(in crate::tui) fn open_modal(&mut self, modal: Modal) {
        self.modal = Some(modal);
    }

    /// The screen areas at the current size.
    pub fn areas(&self) -> Areas {
        let want = self.list_want.saturating_add_signed(self.list_adjust);
        Areas::with_list(self.size.0, self.size.1, self.focus, want)
    }

    /// The selected entry.
    pub fn current(&self) -> Option<&Entry> {
        match self.rows.get(self.selected) {
            Some(Row::Entry(i)) => self.entries.get(*i),
            _ => None,
        }
    }

    /// The entry with this name.
    pub fn entry(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.name() == name)
    }

    fn entry_mut(&mut self, name: &str) -> Option<&mut Entry> {
        self.entries.iter_mut().find(|e| e.name() == name)
    }

    /// The job tag for work on the selected entry.
    fn job(&self) -> Option<Job> {
        self.current().map(|e| Job {
            name: e.name().to_owned(),
            generation: e.generation,
        })
    }

    /// Whether `name`'s secret is revealed at `now`.
    pub fn revealed(&self, name: &str, now: i64) -> bool {
        self.reveal
            .as_ref()
            .is_some_and(|(n, until)| n == name && *until > now)
    }

    /// Replaces the entries with what the store holds. Entries whose
    /// credential did not change keep their generation, probe and work.
    pub fn load(&mut self, data: StoreData) {
        let selected = self.current().map(|e| e.name().to_owned());
        let mut old: std::collections::HashMap<String, Entry> = self
            .entries
            .drain(..)
            .map(|e| (e.name().to_owned(), e))
            .collect();
        let mut entries = Vec::with_capacity(data.credentials.len());
        for credential in data.credentials {
            let entry = match old.remove(&credential.name) {
                Some(e) if e.credential == credential => e,
                Some(e) => {
                    let mut fresh = Entry::new(credential, self.bump());
                    fresh.probe = e.probe;
                    fresh.failure = e.failure;
                    fresh
                }
                None => Entry::new(credential, self.bump()),
            };
            entries.push(entry);
        }
        self.entries = entries;
        self.list_want = entries::list_width(&self.entries);
        self.rebuild_rows(selected.as_deref());
    }

    /// A new generation number.
    fn bump(&mut self) -> u64 {
        self.next_generation += 1;
        self.next_generation
    }

    /// Puts a changed credential back into its entry under a new generation.
    fn replace_entry(&mut self, entry: Entry) {
        let name = entry.name().to_owned();
        if let Some(slot) = self.entry_mut(&name) {
            *slot = entry;
        }
        let selected = self.current().map(|e| e.name().to_owned());
        self.rebuild_rows(selected.as_deref());
    }

    /// Recomputes the rows (after a load or a filter change) and selects
    /// `keep` if it is still shown, else the nearest entry row.
    pub(crate) fn rebuild_rows(&mut self, keep: Option<&str>) {
        self.rows = entries::rows(&self.entries, &self.filter, self.by_expiry);
        let found = keep.and_then(|name| {
            self.rows
                .iter()
                .position(|r| matches!(r, Row::Entry(i) if self.entries[*i].name() == name))
        });
        self.selected = found.unwrap_or(self.selected);
        self.select_entry_row(1);
        self.keep_selection_visible();
    }

    /// Moves the selection off a heading, in `direction` first.
    fn select_entry_row(&mut self, direction: isize) {
        if self.rows.is_empty() {
            self.selected = 0;
            return;
        }
        self.selected = self.selected.min(self.rows.len() - 1);
        for dir in [direction, -direction] {
            let mut at = self.selected;
            loop {
                if matches!(self.rows[at], Row::Entry(_)) {
                    self.selected = at;
                    return;
                }
                match at.checked_add_signed(dir) {
                    Some(next) if next < self.rows.len() => at = next,
                    _ => break,
                }
            }
        }
    }

    /// Moves the selection by `delta` entry rows.
    pub(crate) fn move_selection(&mut self, delta: isize) {
        if self.rows.is_empty() {
            return;
        }
        let target = self
            .selected
            .saturating_add_signed(delta)
            .min(self.rows.len() - 1);
        self.selected = target;
        self.select_entry_row(if delta < 0 { -1 } else { 1 });
        self.detail_scroll = 0;
        self.keep_selection_visible();
    }

    /// Scrolls the list so the selection (and its group heading, when it
    /// fits) is on screen.
    pub(crate) fn keep_selection_visible(&mut self) {
        let height = self.areas().list_rows().max(1);
        if self.selected < self.scroll {
            self.scroll = self.selected;
            if self.scroll > 0 && matches!(self.rows[self.scroll - 1], Row::Heading(..)) {
                self.scroll -= 1;
            }
        } else if self.selected >= self.scroll + height {
            self.scroll = self.selected + 1 - height;
        }
        let max = self.rows.len().saturating_sub(height);
        self.scroll = self.scroll.min(max);
    }

    /// Shows a status message.
    pub(crate) fn say(&mut self, text: impl Into<String>, now: i64) {
        let text = text.into();
        self.keep(&text, false, now);
        self.status = Some(Status {
            text,
            error: false,
            until: now + STATUS_MS,
        });
    }

    /// Shows an error in the status bar.
    pub(crate) fn warn(&mut self, text: impl Into<String>, now: i64) {
        let text = text.into();
        self.keep(&text, true, now);
        self.status = Some(Status {
            text,
            error: true,
            until: now + STATUS_MS * 2,
        });
    }

    /// Puts a status message in the log, dropping the oldest past [`LOG_LEN`].
    fn keep(&mut self, text: &str, error: bool, now: i64) {
        if self.log.len() == LOG_LEN {
            self.log.pop_front();
        }
        self.log.push_back(Logged {
            at: now,
            text: text.to_owned(),
            error,
        });
    }

    /// Keeps a failed outcome on `name`'s entry (the probe panel and the
    /// list show it): `fix` names the key that helps.
    pub(crate) fn fail(
        &mut self,
        name: &str,
        what: &'static str,
        reason: String,
        fix: Option<String>,
        now: i64,
    ) {
        if let Some(entry) = self.entry_mut(name) {
            entry.failure = Some(Box::new(entries::Failure {
                at: now.div_euclid(1000),
                what,
                reason,
                fix,
            }));
        }
    }
}
