//! Answers from background work: what a finished refresh, probe, login,
//! save, delete or copy changes (stale answers are dropped by generation).

use crate::credential::Auth;

use super::super::kind::Work;
use crate::oauth::{RefreshError, RefreshOutcome};
use crate::ops::Removed;
use crate::ops::usable;

use super::super::msg::{Copied, Done, Effect, Job};
use super::super::strings;
use super::deadlines::NEVER;
use super::entries::Entry;
use super::{App, Copying, Modal};

/// How long auto-refresh leaves an entry alone after a failed refresh (ms).
const RETRY_MS: i64 = 30_000;

impl App {
    /// Work finished. A refresh or probe answer for a credential that
    /// changed or vanished since the work started is dropped; what is
    /// already in the store (a save, a login, a delete) and a copy stand
    /// whatever happened meanwhile.
    pub(super) fn done(&mut self, job: Job, done: Done, now: i64) -> Vec<Effect> {
        let name = job.name.as_str();
        let (work, fresh) = match self.entry_mut(name) {
            Some(entry) => {
                let work = entry.busy.map(|(w, _)| w);
                let fresh = entry.generation == job.generation;
                // Only the work this answers ends: a stale answer or one of
                // another kind leaves newer work's spinner (and its
                // follow-up, such as a probe after a refresh) alone.
                let ends = match (&done, work) {
                    (Done::Refresh(_), Some(Work::Refresh { .. } | Work::RefreshThenProbe))
                    | (Done::Probe(_), Some(Work::Probe))
                    | (Done::Learned(_), Some(Work::Learn)) => fresh,
                    (Done::Deleted(_), Some(Work::Delete)) => true,
                    (Done::Crashed(_), Some(Work::Delete)) => true,
                    (Done::Crashed(_), Some(_)) => fresh,
                    _ => false,
                };
                if ends {
                    entry.busy = None;
                }
                if matches!(done, Done::Crashed(_)) {
                    // A bug that crashes every time must not become a loop.
                    entry.retry_at = now + RETRY_MS;
                }
                (work, fresh)
            }
            None => (None, false),
        };
        // A login's answer, or its crash, ends the running login.
        let login_ended = matches!(done, Done::Login(_) | Done::Crashed(_))
            && self.login.as_ref().is_some_and(|l| l.job.name == name);
        if login_ended {
            self.login = None;
            if matches!(self.modal, Some(Modal::Login)) {
                self.modal = None;
            }
        }
        match done {
            Done::Saved(result) => return self.saved(name, result, now),
            Done::Copy(copied) => return self.copied(copied, now),
            Done::Deleted(Ok(removed)) => {
                let Removed { data, revocation } = *removed;
                self.load(data);
                let note = strings::revocation(&revocation)
                    .map(|n| format!("; {n}"))
                    .unwrap_or_default();
                self.say(format!("deleted {name}{note}"), now);
            }
            Done::Deleted(Err(e)) => {
                let text = format!("delete {name}: {}", strings::chain(&e));
                self.modal = Some(Modal::Error(text));
            }
            Done::LoginStarted(url) => {
                if let Some(login) = self.login.as_mut().filter(|l| l.job.name == name) {
                    login.url = Some(url);
                }
            }
            Done::NoBrowser(why) => {
                if let Some(login) = self.login.as_mut().filter(|l| l.job.name == name) {
                    login.no_browser = Some(why);
                }
            }
            Done::LoginWarning(note) => {
                if let Some(login) = self.login.as_mut().filter(|l| l.job.name == name) {
                    login.note = Some(note);
                }
            }
            Done::Login(result) => match result {
                Ok(session) => {
                    self.set_session(name, *session);
                    // What failed for want of a login is past.
                    if let Some(entry) = self.entry_mut(name) {
                        entry.failure = None;
                    }
                    self.say(format!("logged in {name}"), now);
                }
                Err(e) => {
                    let text = format!("login {name}: {}", strings::chain(&e));
                    self.modal = Some(Modal::Error(text));
                }
            },
            Done::UserId(user_id) => self.user_id_answer(name, user_id),
            Done::LearnStep(report) => self.learn_step(&job, report),
            Done::Learned(result) => return self.learned(job, result, now),
            Done::Refresh(_) | Done::Probe(_) if !fresh => {
                tracing::debug!(name, "stale answer dropped");
            }
            Done::Refresh(result) => return self.refreshed(name, result, work, now),
            Done::Probe(Ok(view)) => {
                let summary = match view.status {
                    Some(status) => format!(
                        "probe {name}: {status} {} · {:.0} ms",
                        view.reason, view.latency_ms
                    ),
                    None => format!("probe {name}: {}", view.reason),
                };
                let ok = view.ok();
                if let Some(entry) = self.entry_mut(name) {
                    entry.probe = Some(Box::new(view));
                    // The answer (good or bad) is the outcome now.
                    entry.failure = None;
                }
                if ok {
                    self.say(summary, now)
                } else {
                    self.warn(summary, now)
                }
            }
            Done::Probe(Err(e)) => {
                let why = strings::chain(&e);
                self.fail(name, "probe", why.clone(), None, now);
                self.warn(format!("probe {name}: {why}"), now);
            }
            Done::Crashed(panic) => {
                let text =
                    format!("internal error while working on {name}: {panic} (details in the log)");
                self.modal = Some(Modal::Error(text));
            }
        }
        Vec::new()
    }

    /// A refresh ended; a probe that waited for it goes now (also with the
    /// old token after a passing failure, while that token still works).
    fn refreshed(
        &mut self,
        name: &str,
        result: Result<RefreshOutcome, RefreshError>,
        work: Option<Work>,
        now: i64,
    ) -> Vec<Effect> {
        let auto = matches!(work, Some(Work::Refresh { auto: true }));
        let label = if auto { "auto-refreshed" } else { "refreshed" };
        let secs = now.div_euclid(1000);
        // A probe that waited goes with the credential a user would get
        // now: the core's "usable now" rule decides (the new session, or
        // the old token after a passing failure while it still works).
        let probe_waited = work == Some(Work::RefreshThenProbe);
        let probe = probe_waited
            && self
                .entry(name)
                .and_then(|e| e.session())
                .is_some_and(|current| usable::after_refresh(current, &result, secs).is_some());
        match result {
            Ok(outcome) => {
                let refreshed = matches!(outcome, RefreshOutcome::Refreshed(_));
                let (RefreshOutcome::Refreshed(session) | RefreshOutcome::NotNeeded(session)) =
                    outcome;
                self.set_session(name, session);
                // A server that hands out tokens already due (a session at
                // its maximum lifespan) must not be asked again at once.
                let margin = i64::from(self.config.refresh_margin);
                if let Some(entry) = self.entry_mut(name)
                    && entry
                        .refresh_due(secs, margin)
                        .is_some_and(|due| due <= secs)
                {
                    entry.retry_at = now + RETRY_MS;
                }
                if refreshed {
                    self.say(format!("{label} {name}"), now);
                } else if !auto {
                    self.say(format!("{name} was already fresh"), now);
                }
            }
            Err(e @ RefreshError::LoginRequired { .. }) => {
                if let Some(mut session) = self.entry(name).and_then(|e| e.session().cloned()) {
                    session.login_required = true;
                    self.set_session(name, session);
                }
                let fix = strings::login_fix(true, &self.keymap);
                let what = if probe_waited { "probe" } else { "refresh" };
                let mut reason = strings::chain(&e);
                if probe_waited {
                    reason = strings::refresh_first_failed(&reason);
                }
                self.fail(name, what, reason, Some(fix), now);
                self.warn(strings::refresh_failed(&e, &self.keymap), now);
            }
            Err(e) => {
                let why = strings::refresh_failed(&e, &self.keymap);
                if let Some(entry) = self.entry_mut(name) {
                    entry.refresh_error = Some(why.clone());
                    entry.retry_at = now + RETRY_MS;
                }
                // A probe that waited and now cannot go failed too.
                if probe_waited && !probe {
                    let reason = strings::refresh_first_failed(&strings::chain(&e));
                    self.fail(name, "probe", reason, None, now);
                }
                self.warn(why, now);
            }
        }
        let call = self.take_call(name);
        let Some(entry) = self.entry_mut(name).filter(|_| probe) else {
            return Vec::new();
        };
        entry.busy = Some((Work::Probe, now));
        let job = Job {
            name: name.to_owned(),
            generation: entry.generation,
        };
        let credential = Box::new(entry.credential.clone());
        vec![Effect::Probe {
            job,
            credential,
            call,
        }]
    }

    /// Stores a new session in an entry (the store already has it).
    fn set_session(&mut self, name: &str, session: crate::credential::Session) {
        let Some(old) = self.entry(name) else { return };
        let mut credential = old.credential.clone();
        if let Auth::Oauth { session: slot, .. } = &mut credential.auth {
            *slot = Some(Box::new(session));
        }
        let probe = old.probe.clone();
        let failure = old.failure.clone();
        let generation = self.bump();
        let mut entry = Entry::new(credential, generation);
        entry.probe = probe;
        entry.failure = failure;
        self.replace_entry(entry);
    }

    fn saved(
        &mut self,
        name: &str,
        result: Result<crate::store::StoreData, crate::store::StoreError>,
        now: i64,
    ) -> Vec<Effect> {
        match result {
            Ok(data) => {
                if matches!(self.modal, Some(Modal::Form(_))) {
                    self.modal = None;
                }
                self.load(data);
                self.rebuild_rows(Some(name));
                let note = self.save_note.take();
                if !self.learn_saved(name, None) {
                    self.say(note.unwrap_or_else(|| format!("saved {name}")), now);
                }
            }
            Err(e) if self.learn_saved(name, Some(strings::chain(&e))) => {
                self.warn(strings::chain(&e), now);
            }
            Err(e) => match self.modal.as_mut() {
                Some(Modal::Form(form)) => form.set_error(strings::chain(&e)),
                _ => self.warn(strings::chain(&e), now),
            },
        }
        Vec::new()
    }

    fn copied(&mut self, copied: Copied, now: i64) -> Vec<Effect> {
        let Some(Copying { what, value, stale }) = self.copying.take() else {
            return Vec::new();
        };
        let mut effects = Vec::new();
        match copied {
            Copied::System => {
                let clear = self.config.clipboard_clear;
                // The new copy replaced any older one: only it is cleared,
                // after `clear` seconds, or (with 0) only on quit.
                let at = match clear {
                    0 => NEVER,
                    s => now + i64::from(s) * 1000,
                };
                self.clipboard = Some((value, at));
                self.said_copy(strings::copied(&what, clear), stale, now);
            }
            Copied::Osc52 => self.said_copy(strings::sent_osc52(&what), stale, now),
            // The login's URL is on screen already: the login goes on.
            Copied::Unavailable(_) if matches!(self.modal, Some(Modal::Login)) => {
                self.warn(strings::NO_CLIPBOARD_LOGIN, now);
            }
            Copied::Unavailable(why) => {
                tracing::debug!(%why, "no clipboard");
                self.say(strings::NO_CLIPBOARD, now);
                self.modal = Some(Modal::Shown { what, value });
            }
        }
        effects.extend(self.deadlines(now));
        effects
    }

    /// Says a copy went through, as a warning when the header is `stale`.
    fn said_copy(&mut self, text: String, stale: Option<String>, now: i64) {
        match stale {
            Some(stale) => self.warn(format!("{text}; {stale}"), now),
            None => self.say(text, now),
        }
    }
}
