//! The background work behind [`Effect`]s: refresh, probe, login, save,
//! delete. Each runs as a task and answers with one [`Msg::Done`] tagged
//! with its [`Job`]; none touches the terminal. Errors become one line of
//! text with their causes, never a token.

use std::error::Error;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::mpsc::UnboundedSender;

use crate::credential::{Auth, Credential};
use crate::oauth::{self, LoginOptions, RefreshError, RefreshOutcome, Timeouts};
use crate::probe::{self, Body, ProbeOutcome, ProbeRequest};
use crate::store::{Store, StoreData};

use super::msg::{Change, Done, Job, Msg, ProbeView, RefreshDone};

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

/// An error and its causes on one line.
pub fn chain(e: &dyn Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let next = s.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = s.source();
    }
    crate::sanitize::strip_controls(&text)
}

impl Services {
    /// The HTTP client, made now if this is the first network work.
    fn http(&self) -> Result<reqwest::Client, String> {
        if let Some(client) = self.http.get() {
            return Ok(client.clone());
        }
        let client = oauth::http_client(self.timeouts).map_err(|e| chain(&e))?;
        Ok(self.http.get_or_init(|| client).clone())
    }

    fn answer(&self, job: Job, done: Done) {
        // The loop is gone only when the app is quitting.
        let _ = self.tx.send(Msg::Done(job, done));
    }

    /// Refreshes through the store's locked, rotation-safe path.
    pub async fn refresh(self, job: Job, force: bool) {
        let http = match self.http() {
            Ok(http) => http,
            Err(e) => return self.answer(job, Done::Refresh(RefreshDone::Failed(e))),
        };
        let result = oauth::refresh(
            &self.store,
            &job.name,
            now_secs(),
            self.margin,
            force,
            &http,
            self.timeouts,
        )
        .await;
        let done = match result {
            Ok(RefreshOutcome::Refreshed(session)) => RefreshDone::Ok {
                session: Box::new(session),
                refreshed: true,
            },
            Ok(RefreshOutcome::NotNeeded(session)) => RefreshDone::Ok {
                session: Box::new(session),
                refreshed: false,
            },
            Err(e @ RefreshError::LoginRequired { .. }) => RefreshDone::LoginRequired(chain(&e)),
            Err(e) => RefreshDone::Failed(chain(&e)),
        };
        self.answer(job, Done::Refresh(done));
    }

    /// Probes the API with the credential as shown.
    pub async fn probe(self, job: Job, credential: Credential) {
        let request = ProbeRequest::for_credential(
            &credential,
            reqwest::Method::GET,
            &self.probe_path,
            probe::DEFAULT_CONNECT_TIMEOUT,
            probe::DEFAULT_TIMEOUT,
        );
        let result = match request {
            Ok(request) => match probe::run(&request).await {
                Ok(outcome) => Ok(view(&outcome, now_secs())),
                Err(e) => Err(chain(&e)),
            },
            Err(e) => Err(chain(&e)),
        };
        self.answer(job, Done::Probe(result));
    }

    /// Logs in with the authorization-code flow: announces the URL, opens
    /// the browser, waits, stores the session.
    pub async fn login(self, job: Job) {
        let result = self.login_inner(&job).await.map(Box::new);
        self.answer(job, Done::Login(result));
    }

    async fn login_inner(&self, job: &Job) -> Result<crate::credential::Session, String> {
        let data = self.load().await?;
        let credential = data.get(&job.name).map_err(|e| chain(&e))?;
        let client = credential
            .auth
            .client()
            .cloned()
            .ok_or_else(|| format!("{} has no OAuth client", job.name))?;
        let http = self.http()?;
        let endpoints = oauth::discover(&http, self.timeouts, &client.issuer)
            .await
            .map_err(|e| chain(&e))?;
        let pending = oauth::prepare(
            http,
            self.timeouts,
            endpoints,
            client,
            LoginOptions::default(),
        )
        .await
        .map_err(|e| chain(&e))?;
        let url = pending.authorization_url().to_string();
        self.answer(job.clone(), Done::LoginStarted(url.clone()));
        if has_display() {
            tokio::task::spawn_blocking(move || {
                let opened = super::task::guarded(|| webbrowser::open(&url));
                if let Ok(Err(e)) = opened {
                    tracing::info!(error = %e, "no browser opened");
                }
            });
        }
        let response = pending.finish().await.map_err(|e| chain(&e))?;
        let session = response.into_session(now_secs(), None);
        let stored = session.clone();
        let name = job.name.clone();
        self.blocking(move |store| store.update(|d| d.set_session(&name, stored)))
            .await?;
        Ok(session)
    }

    /// Writes a change under the store's lock.
    pub async fn save(self, job: Job, change: Change) {
        let result = self
            .blocking(move |store| {
                store.update(|d| {
                    match change {
                        Change::Insert(c) => d.insert(*c)?,
                        Change::Replace { old, credential } => {
                            let at =
                                d.credentials.iter().position(|c| c.name == old).ok_or(
                                    crate::store::StoreError::NotFound { name: old.clone() },
                                )?;
                            if credential.name != old {
                                d.rename(&old, &credential.name)?;
                            }
                            let mut credential = *credential;
                            // An edit changes the client, never the tokens:
                            // the session on disk may have been refreshed
                            // (and its refresh token rotated) since the form
                            // opened, and writing the form's copy back would
                            // revive a dead refresh token.
                            if let (
                                Auth::Oauth { session, .. },
                                Auth::Oauth {
                                    session: stored, ..
                                },
                            ) = (&mut credential.auth, &d.credentials[at].auth)
                            {
                                session.clone_from(stored);
                            }
                            d.credentials[at] = credential;
                        }
                    }
                    Ok::<_, crate::store::StoreError>(d.clone())
                })
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

    async fn delete_inner(
        &self,
        job: &Job,
        revoke: bool,
    ) -> Result<(StoreData, Option<String>), String> {
        // Under the lock from the read to the write: a refresh elsewhere
        // could otherwise rotate the token after we read it, and we would
        // revoke the dead one and leave the live one valid at the server.
        let guard = self.blocking(|store| store.lock()).await?;
        let mut data = guard.load().map_err(|e| chain(&e))?;
        let credential = data.get(&job.name).map_err(|e| chain(&e))?.clone();
        let mut note = None;
        if revoke
            && let Auth::Oauth {
                client: Some(client),
                session: Some(session),
            } = &credential.auth
        {
            let http = self.http()?;
            let revoked = async {
                let endpoints = oauth::discover(&http, self.timeouts, &client.issuer).await?;
                oauth::revoke(&http, self.timeouts, &endpoints, client, session).await
            }
            .await;
            note = Some(match revoked {
                Ok(r) => r.describe().to_owned(),
                Err(e) => format!("could not revoke at the server ({})", chain(&e)),
            });
        }
        data.remove(&job.name).map_err(|e| chain(&e))?;
        let data = tokio::task::spawn_blocking(move || {
            super::task::guarded(|| guard.save(&mut data).map(|()| data))
        })
        .await
        .map_err(|e| e.to_string())?
        .map_err(|panic| format!("internal error: {panic}"))?
        .map_err(|e| chain(&e))?;
        Ok((data, note))
    }

    async fn load(&self) -> Result<StoreData, String> {
        self.blocking(|store| store.load()).await
    }

    /// Runs store work (file locks wait) off the event loop's thread.
    async fn blocking<T: Send + 'static, E: Error + Send + 'static>(
        &self,
        work: impl FnOnce(&Store) -> Result<T, E> + Send + 'static,
    ) -> Result<T, String> {
        let store = self.store.clone();
        let work = move || work(&store).map_err(|e| chain(&e));
        tokio::task::spawn_blocking(move || super::task::guarded(work))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|panic| format!("internal error: {panic}"))?
    }
}

/// Whether a graphical browser can be opened. Without a display server a
/// Unix "browser" is a text one (w3m, lynx) that would take over this very
/// terminal; the login window shows the URL to open elsewhere instead.
fn has_display() -> bool {
    let unix_desktop = cfg!(all(unix, not(target_os = "macos")));
    !unix_desktop
        || ["DISPLAY", "WAYLAND_DISPLAY"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

/// A probe outcome as the detail pane shows it.
pub fn view(outcome: &ProbeOutcome, at: i64) -> ProbeView {
    let latency_ms = outcome.latency.as_secs_f64() * 1000.0;
    let request = format!("{} {}", outcome.method, outcome.url);
    match &outcome.result {
        Ok(answer) => ProbeView {
            request,
            status: Some(answer.status),
            reason: answer.reason.clone(),
            latency_ms,
            hint: outcome.hint.clone(),
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
            body: Vec::new(),
            at,
        },
    }
}

/// How long the store lock may be waited for during a refresh: a whole
/// token request and discovery, as the command line does.
pub fn lock_wait(timeouts: Timeouts) -> Duration {
    (timeouts.total * 2 + Duration::from_secs(5)).max(crate::store::DEFAULT_LOCK_TIMEOUT)
}

#[cfg(test)]
mod tests;
