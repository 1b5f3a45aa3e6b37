//! The background work behind the app's effects: refresh, probe, login,
//! save, delete, each a call into the core's use cases ([`crate::ops`]).
//! Each runs as a task and answers with one [`Msg::Done`] tagged with its
//! [`Job`], carrying the core's typed result (the app words it); none
//! touches the terminal.

use std::time::{SystemTime, UNIX_EPOCH};

use tokio::sync::mpsc::UnboundedSender;

use crate::credential::{Credential, Session};
use crate::oauth::{self, LoginError, LoginOptions, LoginWarning, RefreshError, Timeouts};
use crate::ops::browser::{self, Launch};
use crate::ops::login::LoginFailed;
use crate::ops::{self, Removed};
use crate::probe::learn;
use crate::probe::{self, Body, ProbeError, ProbeOutcome, ProbeRequest};
use crate::store::{Store, StoreError};

use super::msg::{Call, Change, Done, Job, Msg, ProbeView};

/// What background work needs.
#[derive(Clone, Debug)]
pub struct Services {
    /// The store, with a lock wait that outlasts a token request.
    pub store: Store,
    /// The HTTP client for authorization servers, made on first use:
    /// loading the TLS roots costs memory an app that is only looked at
    /// never needs.
    pub http: std::sync::Arc<std::sync::OnceLock<reqwest::Client>>,
    /// Its timeouts.
    pub timeouts: Timeouts,
    /// Seconds of access left under which auto-refresh refreshes.
    pub margin: i64,
    /// Path probed under the API base.
    pub probe_path: String,
    /// Where answers go.
    pub tx: UnboundedSender<Msg>,
}

/// Unix seconds now.
pub fn now_secs() -> i64 {
    now_ms().div_euclid(1000)
}

/// Unix milliseconds now.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl Services {
    /// The HTTP client, made now if this is the first network work.
    fn http(&self) -> Result<reqwest::Client, oauth::OauthError> {
        if let Some(client) = self.http.get() {
            return Ok(client.clone());
        }
        let client = oauth::http_client(self.timeouts)?;
        Ok(self.http.get_or_init(|| client).clone())
    }

    fn answer(&self, job: Job, done: Done) {
        // The loop is gone only when the app is quitting.
        let _ = self.tx.send(Msg::Done(job, done));
    }

    /// Refreshes through the store's locked, rotation-safe path.
    pub async fn refresh(self, job: Job, force: bool) {
        let result = match self.http() {
            Ok(http) => {
                ops::refresh(
                    &self.store,
                    &job.name,
                    now_secs(),
                    self.margin,
                    force,
                    &http,
                    self.timeouts,
                )
                .await
            }
            Err(source) => Err(RefreshError::Failed {
                name: job.name.clone(),
                source,
            }),
        };
        self.answer(job, Done::Refresh(result));
    }

    /// Probes the API with the credential as shown: the configured path,
    /// or the picked call with its method and body.
    pub async fn probe(self, job: Job, credential: Credential, call: Option<Call>) {
        // The credential's own probe, else the config's `probe_path`.
        let call = call.unwrap_or_else(|| match &credential.probe {
            Some(own) => Call {
                method: own.method.clone(),
                path: own.path.clone(),
                body: None,
            },
            None => Call {
                method: "GET".into(),
                path: self.probe_path.clone(),
                body: None,
            },
        });
        let result = match send(&credential, &call).await {
            Ok(outcome) => Ok(view(&outcome, now_secs())),
            Err(e) => Err(e),
        };
        self.answer(job, Done::Probe(result));
    }

    /// Asks `GET /authorization/userinfo` for the user id (its `sub`).
    pub async fn user_id(self, job: Job, credential: Credential) {
        let call = Call {
            method: "GET".into(),
            path: "/authorization/userinfo".into(),
            body: None,
        };
        let user_id = match send(&credential, &call).await {
            Ok(outcome) => match &outcome.result {
                Ok(answer) if (200..300).contains(&answer.status) => match &answer.body {
                    Body::Json(v) => v["sub"].as_str().map(str::to_owned),
                    _ => None,
                },
                _ => None,
            },
            Err(_) => None,
        };
        self.answer(job, Done::UserId(user_id));
    }

    /// Learns a PAT's or Basic login's scopes, reporting each request.
    pub async fn learn(self, job: Job, credential: Credential) {
        let options = learn::Options {
            max_requests: learn::MAX_REQUESTS,
            connect_timeout: probe::DEFAULT_CONNECT_TIMEOUT,
            timeout: probe::DEFAULT_TIMEOUT,
            now: now_secs(),
        };
        let result = learn::run(&credential, options, |report| {
            self.answer(job.clone(), Done::LearnStep(report.clone()));
        })
        .await;
        self.answer(job, Done::Learned(result.map(Box::new)));
    }

    /// Logs in with the authorization-code flow: announces the URL, opens
    /// the browser, waits, stores the session.
    pub async fn login(self, job: Job) {
        let result = self.login_inner(&job).await.map(Box::new);
        self.answer(job, Done::Login(result));
    }

    async fn login_inner(&self, job: &Job) -> Result<Session, LoginFailed> {
        let http = self
            .http()
            .map_err(|e| LoginFailed::Flow(LoginError::Oauth(e)))?;
        let started = ops::login::begin(
            &self.store,
            &job.name,
            http,
            self.timeouts,
            LoginOptions::default(),
        )
        .await?;
        let url = started.url().to_string();
        self.answer(job.clone(), Done::LoginStarted(url.clone()));
        if let Some(why) = browser::why_not(Launch::GraphicalOnly) {
            self.answer(job.clone(), Done::NoBrowser(why.to_owned()));
        }
        let failed = {
            let (this, job) = (self.clone(), job.clone());
            move |e: String| {
                this.answer(
                    job,
                    Done::NoBrowser(format!("the browser did not start: {e}")),
                )
            }
        };
        browser::open(&url, Launch::GraphicalOnly, failed);
        let mut warn = |warning: &LoginWarning| {
            self.answer(job.clone(), Done::LoginWarning(warning.to_string()));
        };
        started.finish(&self.store, now_secs, &mut warn).await
    }

    /// Writes a change under the store's lock; an edit keeps the session
    /// on disk ([`ops::edit`]).
    pub async fn save(self, job: Job, change: Change) {
        let result = ops::blocking(&self.store, move |store| match change {
            Change::Insert(c) => store.update(|d| {
                d.insert(*c)?;
                Ok(d.clone())
            }),
            Change::Replace { old, credential } => ops::edit(store, &old, |_| *credential),
            Change::Learned { name, scopes } => ops::edit(store, &name, |c| Credential {
                learned_scopes: Some(scopes),
                ..c.clone()
            }),
        })
        .await;
        self.answer(job, Done::Saved(result));
    }

    /// Deletes a credential; a session is revoked at the server first
    /// (failure to revoke is reported, and the entry is deleted anyway).
    pub async fn delete(self, job: Job, revoke: bool) {
        let result = self.delete_inner(&job, revoke).await;
        self.answer(job, Done::Deleted(result));
    }

    async fn delete_inner(&self, job: &Job, revoke: bool) -> Result<Box<Removed>, StoreError> {
        let removed = ops::remove(
            &self.store,
            &job.name,
            revoke,
            || self.http(),
            self.timeouts,
        )
        .await?;
        Ok(Box::new(removed))
    }
}

/// Sends `call` with the credential through the probe's pipeline.
async fn send(credential: &Credential, call: &Call) -> Result<ProbeOutcome, ProbeError> {
    let method = probe::parse_method(&call.method)?;
    let mut request = ProbeRequest::for_credential(
        credential,
        method,
        &call.path,
        probe::DEFAULT_CONNECT_TIMEOUT,
        probe::DEFAULT_TIMEOUT,
    )?;
    request.body.clone_from(&call.body);
    probe::run(&request).await
}

/// A probe outcome as the detail pane shows it.
pub fn view(outcome: &ProbeOutcome, at: i64) -> ProbeView {
    let latency_ms = outcome.latency.as_secs_f64() * 1000.0;
    let request = format!("{} {}", outcome.method, outcome.url);
    let warning = outcome.warning();
    match &outcome.result {
        Ok(answer) => ProbeView {
            request,
            status: Some(answer.status),
            reason: answer.reason.clone(),
            latency_ms,
            hint: outcome.hint.clone(),
            warning,
            body: match &answer.body {
                Body::Empty => Vec::new(),
                Body::Json(v) => serde_json::to_string_pretty(v)
                    .unwrap_or_default()
                    .lines()
                    .map(str::to_owned)
                    .collect(),
                Body::Text(t) => t.lines().map(str::to_owned).collect(),
            },
            at,
        },
        Err(failure) => ProbeView {
            request,
            status: None,
            reason: super::strings::net_failure(failure),
            latency_ms,
            hint: outcome.hint.clone(),
            warning,
            body: Vec::new(),
            at,
        },
    }
}

#[cfg(test)]
mod tests;
