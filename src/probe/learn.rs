//! Learning a PAT's (or Basic login's) scopes, on request: one harmless GET
//! per read scope, one at a time, at most [`MAX_REQUESTS`], stopping at the
//! first 429, 401 or network failure. Never anything but GET.
//!
//! Each probe is an operation that needs exactly one scope (beside `all`),
//! so its answer decides that scope: 2xx granted, 403 refused (a 403 can
//! also mean the feature is not booked, which the report says). Paths with
//! a `{userId}` get it from `GET /authorization/userinfo` (`sub`), which
//! needs no scope and is asked first when a planned path needs it.

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::Method;

use crate::credential::{Credential, LearnedScopes};
use crate::probe::{self, Body, ProbeError, ProbeOutcome, ProbeRequest};
use crate::sipgate::{ApiMap, Operation};

/// The most requests one run sends (the userinfo request included).
pub const MAX_REQUESTS: usize = 25;

/// Read scopes asked first, the ones most calls need.
const FIRST: &[&str] = &[
    "account:read",
    "balance:read",
    "history:read",
    "numbers:read",
    "users:read",
    "devices:read",
    "phonelines:read",
    "contacts:read",
    "sms:read",
    "voicemails:read",
];

/// One planned probe: the scope it decides and the GET that decides it.
#[derive(Debug, Clone, Copy)]
pub struct Step<'a> {
    /// The scope.
    pub scope: &'a str,
    /// The operation sent.
    pub operation: &'a Operation,
}

/// The read scopes a run can decide, in the order it asks them: each with
/// a GET that needs only that scope and no parameter but `{userId}`.
pub fn plan(map: &ApiMap) -> Vec<Step<'_>> {
    let mut by_scope: BTreeMap<&str, &Operation> = BTreeMap::new();
    for op in &map.operations {
        let mut specific = op.specific_scopes();
        let (Some(scope), None) = (specific.next(), specific.next()) else {
            continue;
        };
        if op.is_read() && scope.ends_with(":read") && op.path_params.iter().all(|p| p == "userId")
        {
            by_scope.entry(scope).or_insert(op);
        }
    }
    let first: Vec<(&str, &Operation)> = FIRST
        .iter()
        .filter_map(|s| by_scope.remove_entry(s))
        .collect();
    first
        .into_iter()
        .chain(by_scope)
        .map(|(scope, operation)| Step { scope, operation })
        .collect()
}

/// What one request decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// 2xx: the scope is granted.
    Granted,
    /// 403: refused (or the feature is not booked).
    Refused,
    /// Another answer: nothing decided (e.g. a 404 for an API that lacks
    /// the endpoint).
    Undecided(u16),
    /// `GET /authorization/userinfo` gave the user id.
    UserId,
}

/// Why a run ended before its plan did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// The request cap was reached.
    Cap,
    /// 429 Too Many Requests.
    RateLimited,
    /// 401: the credential itself is refused.
    Unauthorized,
    /// No answer (DNS, TCP, TLS, timeout); the hint says which.
    Network(String),
}

/// One request of a run, as it is reported.
#[derive(Debug, Clone)]
pub struct Report {
    /// The scope it decides (`None` for the userinfo request).
    pub scope: Option<String>,
    /// `GET /balance`.
    pub request: String,
    /// Status, when an answer came.
    pub status: Option<u16>,
    /// The latency.
    pub latency: Duration,
    /// What it decided.
    pub verdict: Option<Verdict>,
}

/// What a run found.
#[derive(Debug, Clone)]
pub struct Learned {
    /// The result to keep with the credential (earlier findings for scopes
    /// this run did not decide are kept).
    pub scopes: LearnedScopes,
    /// Every request, in order.
    pub reports: Vec<Report>,
    /// Why it stopped early, if it did.
    pub stopped: Option<Stop>,
    /// Planned scopes it did not ask.
    pub not_asked: Vec<String>,
}

/// How a run sends its requests.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// At most this many requests (capped at [`MAX_REQUESTS`]).
    pub max_requests: usize,
    /// Connect timeout per request.
    pub connect_timeout: Duration,
    /// Timeout per request.
    pub timeout: Duration,
    /// Now, Unix seconds (when the result is dated).
    pub now: i64,
}

/// Runs the plan against `credential`, calling `on_report` after each
/// request (so a face can list them as they go).
pub async fn run(
    credential: &Credential,
    options: Options,
    mut on_report: impl FnMut(&Report),
) -> Result<Learned, ProbeError> {
    let map = ApiMap::get();
    let steps = plan(map);
    let cap = options.max_requests.min(MAX_REQUESTS);
    let mut reports = Vec::new();
    let mut stopped = None;
    let mut decided: BTreeMap<String, bool> = BTreeMap::new();
    let mut user_id: Option<String> = None;
    let needs_user = steps.iter().any(|s| s.operation.path.contains("{userId}"));
    let send = |path: String| async move {
        let request = ProbeRequest::for_credential(
            credential,
            Method::GET,
            &path,
            options.connect_timeout,
            options.timeout,
        )?;
        probe::run(&request).await
    };
    let mut asked = 0;
    let mut next_step = 0;
    if needs_user && cap > 0 {
        let outcome = send("/authorization/userinfo".to_owned()).await?;
        asked += 1;
        user_id = match &outcome.result {
            Ok(a) if (200..300).contains(&a.status) => match &a.body {
                Body::Json(v) => v["sub"].as_str().map(str::to_owned),
                _ => None,
            },
            _ => None,
        };
        let report = report(None, "GET /authorization/userinfo", &outcome);
        let report = Report {
            verdict: user_id.is_some().then_some(Verdict::UserId),
            ..report
        };
        stopped = stop_for(&outcome);
        on_report(&report);
        reports.push(report);
    }
    while stopped.is_none() && next_step < steps.len() {
        if asked >= cap {
            stopped = Some(Stop::Cap);
            break;
        }
        let step = steps[next_step];
        next_step += 1;
        let path = step.operation.fill(|name| match name {
            "userId" => user_id.clone(),
            _ => None,
        });
        if path.contains('{') {
            // No user id to fill in: this scope cannot be asked.
            continue;
        }
        let outcome = send(path.clone()).await?;
        asked += 1;
        let verdict = match &outcome.result {
            Ok(a) if (200..300).contains(&a.status) => Some(Verdict::Granted),
            Ok(a) if a.status == 403 => Some(Verdict::Refused),
            Ok(a) if !matches!(a.status, 401 | 429) => Some(Verdict::Undecided(a.status)),
            _ => None,
        };
        match verdict {
            Some(Verdict::Granted) => drop(decided.insert(step.scope.to_owned(), true)),
            Some(Verdict::Refused) => drop(decided.insert(step.scope.to_owned(), false)),
            _ => {}
        }
        stopped = stop_for(&outcome);
        let report = Report {
            verdict,
            ..report(Some(step.scope), &format!("GET {path}"), &outcome)
        };
        on_report(&report);
        reports.push(report);
    }
    let not_asked = steps[next_step..]
        .iter()
        .map(|s| s.scope.to_owned())
        .collect();
    Ok(Learned {
        scopes: merge(credential.learned_scopes.as_ref(), &decided, options.now),
        reports,
        stopped,
        not_asked,
    })
}

fn report(scope: Option<&str>, request: &str, outcome: &ProbeOutcome) -> Report {
    Report {
        scope: scope.map(str::to_owned),
        request: request.to_owned(),
        status: outcome.result.as_ref().ok().map(|a| a.status),
        latency: outcome.latency,
        verdict: None,
    }
}

fn stop_for(outcome: &ProbeOutcome) -> Option<Stop> {
    match &outcome.result {
        Ok(a) if a.status == 429 => Some(Stop::RateLimited),
        Ok(a) if a.status == 401 => Some(Stop::Unauthorized),
        Ok(_) => None,
        Err(_) => Some(Stop::Network(
            outcome
                .hint
                .as_ref()
                .map(|h| h.text.clone())
                .unwrap_or_default(),
        )),
    }
}

/// This run's decisions over the earlier ones.
fn merge(old: Option<&LearnedScopes>, decided: &BTreeMap<String, bool>, now: i64) -> LearnedScopes {
    let mut all: BTreeMap<String, bool> = BTreeMap::new();
    if let Some(old) = old {
        all.extend(old.granted.iter().map(|s| (s.clone(), true)));
        all.extend(old.refused.iter().map(|s| (s.clone(), false)));
    }
    all.extend(decided.iter().map(|(s, g)| (s.clone(), *g)));
    let (granted, refused): (Vec<_>, Vec<_>) = all.into_iter().partition(|(_, g)| *g);
    LearnedScopes {
        granted: granted.into_iter().map(|(s, _)| s).collect(),
        refused: refused.into_iter().map(|(s, _)| s).collect(),
        at: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_learning_plan_is_gets_of_one_scope_each_under_the_cap() {
        let steps = plan(ApiMap::get());
        assert!(steps.len() < MAX_REQUESTS, "{} steps", steps.len());
        assert_eq!(steps[0].scope, "account:read");
        let mut seen = std::collections::BTreeSet::new();
        for step in &steps {
            assert!(step.operation.is_read(), "{}", step.operation.label());
            assert_eq!(
                step.operation.specific_scopes().collect::<Vec<_>>(),
                [step.scope]
            );
            assert!(seen.insert(step.scope), "{} twice", step.scope);
        }
        assert!(
            seen.contains("devices:read"),
            "{{userId}} paths are planned"
        );
    }
}
