//! Learning a PAT's or Basic login's scopes from the app: the core's
//! [`learn::run`](crate::probe::learn::run) as background work, each
//! request listed in a pop-up as it answers, and what it found kept with
//! the credential through the app's usual store write
//! ([`Change::Learned`]). Never for an OAuth session: its scopes are in
//! its token.

use crate::credential::Auth;
use crate::probe::ProbeError;
use crate::probe::learn::{Learned, Report, Stop, Verdict};
use crate::sipgate::{self, LearnedScopes};

use super::super::kind::Work;
use super::super::msg::{Action, Change, Effect, Job};
use super::super::strings;
use super::{App, Modal};

/// A learning run, from its start to its result being stored.
#[derive(Clone, Debug)]
pub struct LearnRun {
    /// Whose, and the generation it started from.
    pub job: Job,
    /// Unix ms when it started.
    pub since: i64,
    /// Every request so far.
    pub reports: Vec<Report>,
    /// How it ended, once it has.
    pub end: Option<LearnEnd>,
}

/// How a learning run ended.
#[derive(Clone, Debug)]
pub enum LearnEnd {
    /// No request could be made.
    Failed(String),
    /// What it found.
    Found {
        /// Granted and refused, with the earlier findings.
        scopes: LearnedScopes,
        /// Why it stopped before its plan ended, if it did.
        stopped: Option<Stop>,
        /// Planned scopes it did not ask.
        not_asked: usize,
        /// Whether it is kept with the credential.
        store: Storing,
    },
}

/// Whether a run's result is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Storing {
    /// Being written.
    Pending,
    /// Written.
    Stored,
    /// The write failed.
    Failed(String),
    /// Nothing was decided, so nothing was written.
    Nothing,
}

impl App {
    /// The learning run, if any.
    pub fn learning(&self) -> Option<&LearnRun> {
        self.api.learning.as_ref()
    }

    /// The learn key: starts a run for a PAT or Basic login on sipgate's
    /// API (or shows the one running).
    pub(super) fn learn(&mut self, now: i64) -> Vec<Effect> {
        let Some(entry) = self.current() else {
            self.warn(strings::nothing_selected(&self.keymap), now);
            return Vec::new();
        };
        let name = entry.name().to_owned();
        if self
            .api
            .learning
            .as_ref()
            .is_some_and(|l| l.job.name == name)
            && self.busy(&name)
        {
            self.modal = Some(Modal::Learn);
            return Vec::new();
        }
        let refusal = match &entry.credential.auth {
            Auth::Oauth {
                session: Some(_), ..
            } => Some(strings::LEARN_SESSION.to_owned()),
            Auth::Oauth { session: None, .. } => Some(strings::not_logged_in(&self.keymap)),
            _ if !sipgate::applies_to(&entry.credential.api) => {
                Some(strings::not_sipgate(&name, &entry.credential.api))
            }
            _ if self.work(entry).is_some() => {
                Some(format!("{name} is busy: wait until it is done"))
            }
            _ => None,
        };
        if let Some(refusal) = refusal {
            self.warn(refusal, now);
            return Vec::new();
        }
        let credential = Box::new(entry.credential.clone());
        let job = Job {
            name: name.clone(),
            generation: entry.generation,
        };
        if let Some(entry) = self.entry_mut(&name) {
            entry.busy = Some((Work::Learn, now));
        }
        self.api.learning = Some(LearnRun {
            job: job.clone(),
            since: now,
            reports: Vec::new(),
            end: None,
        });
        self.modal = Some(Modal::Learn);
        vec![Effect::Learn { job, credential }]
    }

    /// The run this job belongs to, if it is still the one shown.
    fn run_of(&mut self, job: &Job) -> Option<&mut LearnRun> {
        self.api.learning.as_mut().filter(|l| l.job == *job)
    }

    /// One request of a run answered.
    pub(super) fn learn_step(&mut self, job: &Job, report: Report) {
        if let Some(run) = self.run_of(job) {
            run.reports.push(report);
        }
    }

    /// A run ended: what it decided is stored with the credential.
    pub(super) fn learned(
        &mut self,
        job: Job,
        result: Result<Box<Learned>, ProbeError>,
        now: i64,
    ) -> Vec<Effect> {
        let keys = self.keymap.keys_of(Action::EndpointList);
        let Some(run) = self.run_of(&job) else {
            return Vec::new();
        };
        let learned = match result {
            Ok(learned) => *learned,
            Err(e) => {
                let why = strings::chain(&e);
                run.end = Some(LearnEnd::Failed(why.clone()));
                self.warn(format!("learn {}: {why}", job.name), now);
                return Vec::new();
            }
        };
        let decided = learned
            .reports
            .iter()
            .any(|r| matches!(r.verdict, Some(Verdict::Granted | Verdict::Refused)));
        let store = if decided {
            Storing::Pending
        } else {
            Storing::Nothing
        };
        let summary = strings::learned(&job.name, &learned.scopes, &keys);
        run.end = Some(LearnEnd::Found {
            scopes: learned.scopes.clone(),
            stopped: learned.stopped,
            not_asked: learned.not_asked.len(),
            store,
        });
        if !decided {
            self.warn(format!("learn {}: nothing decided", job.name), now);
            return Vec::new();
        }
        self.say(summary, now);
        let change = Change::Learned {
            name: job.name.clone(),
            scopes: learned.scopes,
        };
        vec![Effect::Save(job, change)]
    }

    /// A store write for `name` ended; the run waiting for it hears.
    pub(super) fn learn_saved(&mut self, name: &str, error: Option<String>) -> bool {
        let Some(LearnRun {
            end: Some(LearnEnd::Found { store, .. }),
            ..
        }) = self.api.learning.as_mut().filter(|l| l.job.name == name)
        else {
            return false;
        };
        if *store != Storing::Pending {
            return false;
        }
        *store = match error {
            None => Storing::Stored,
            Some(why) => Storing::Failed(why),
        };
        true
    }
}
