//! The credential list as the app holds it: one [`Entry`] per stored
//! credential with its lifetimes worked out once (not per frame), grouped
//! by kind, sorted by name and filtered into display rows.
//!
//! With 10,000 credentials a frame must stay under a millisecond, so
//! everything a row needs is cached here and the view draws only the rows
//! on screen.

use crate::credential::{Credential, Session};
use crate::expiry::{self, Health, Refresh};

use super::super::fuzzy::{self, Query};
use super::super::kind::{Group, Work};
use super::super::msg::ProbeView;

/// One credential and what the app knows about it.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The credential as stored.
    pub credential: Credential,
    /// Bumped whenever the credential changes; answers to older work are dropped.
    pub generation: u64,
    /// Work in progress, and since when (Unix ms).
    pub busy: Option<(Work, i64)>,
    /// The last probe's answer (boxed: most entries never have one, and
    /// inline it would add 112 bytes to each of 10,000 entries).
    pub probe: Option<Box<ProbeView>>,
    /// The last refresh error, if the last refresh failed.
    pub refresh_error: Option<String>,
    /// The last action that failed on it (a probe refused or failed, a
    /// refresh that needs a login), until a probe gets an answer: the
    /// probe panel shows it and the list marks the entry.
    pub failure: Option<Box<Failure>>,
    /// Unix ms before which auto-refresh leaves this entry alone (after a
    /// failure, so a dead server is not hammered).
    pub retry_at: i64,
    /// When the access token expires (sessions).
    pub access_exp: Option<i64>,
    /// When the refresh token expires (sessions).
    pub refresh: Refresh,
    group: Group,
}

/// An action's failed outcome, kept on its entry where the user looks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// Unix seconds when it failed.
    pub at: i64,
    /// What failed ("probe", "refresh").
    pub what: &'static str,
    /// Why, in the app's words (never a secret).
    pub reason: String,
    /// What to do about it, naming the key ("log in again (l)").
    pub fix: Option<String>,
}

impl Entry {
    /// An entry for a credential at generation `generation`.
    pub fn new(credential: Credential, generation: u64) -> Self {
        let (access_exp, refresh) = match credential.auth.session() {
            Some(s) => (expiry::access_expiry(s), expiry::refresh_expiry(s)),
            None => (None, Refresh::None),
        };
        Self {
            group: Group::of(&credential.auth),
            credential,
            generation,
            busy: None,
            probe: None,
            refresh_error: None,
            failure: None,
            retry_at: 0,
            access_exp,
            refresh,
        }
    }

    /// Whether the last outcome on it failed: a kept failure or a probe
    /// that got a bad answer (the list marks it).
    pub fn failed(&self) -> bool {
        self.failure.is_some() || self.probe.as_deref().is_some_and(|p| !p.ok())
    }

    /// The credential's name.
    pub fn name(&self) -> &str {
        &self.credential.name
    }

    /// Its list group.
    pub fn group(&self) -> Group {
        self.group
    }

    /// The session, for OAuth entries that have one.
    pub fn session(&self) -> Option<&Session> {
        self.credential.auth.session()
    }

    /// The session's health at `now` (Unix seconds); `None` for kinds
    /// without a lifetime. `margin` is where "expiring" starts.
    pub fn health(&self, now: i64, margin: i64) -> Option<Health> {
        self.session()
            .map(|s| expiry::classify(s, self.access_exp, self.refresh, now, margin))
    }

    /// Whether a countdown for this entry changes each second at `now`:
    /// an access or refresh expiry in the future.
    pub fn counting(&self, now: i64) -> bool {
        let future = |at: i64| at > now;
        !self.session().is_some_and(|s| s.login_required)
            && (self.access_exp.is_some_and(future)
                || matches!(self.refresh, Refresh::At(at) if future(at)))
    }

    /// When this entry next stops working on its own (Unix seconds): the
    /// sooner of its access and refresh expiries; `i64::MIN` for a session
    /// that needs a login now, `i64::MAX` for what never expires.
    pub fn next_expiry(&self) -> i64 {
        if self.session().is_some_and(|s| s.login_required) {
            return i64::MIN;
        }
        let refresh = match self.refresh {
            Refresh::At(at) => at,
            _ => i64::MAX,
        };
        self.access_exp.unwrap_or(i64::MAX).min(refresh)
    }

    /// When auto-refresh should refresh this entry (Unix seconds), if
    /// ever: the core's refresh rule ([`expiry::due_at`]) over the cached
    /// expiries, while the client is known. (Tokens that are due as soon
    /// as they arrive are handled by a back-off in the app, not here.)
    pub fn refresh_due(&self, now: i64, margin: i64) -> Option<i64> {
        let session = self.session()?;
        self.credential.auth.client()?;
        expiry::due_at(session, self.access_exp, self.refresh, now, margin)
    }
}

/// A line of the list: a group heading or an entry (index into the entries).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Row {
    /// A group heading with the number of entries shown under it.
    Heading(Group, usize),
    /// An entry.
    Entry(usize),
}

/// The rows shown for `entries` under `filter` (fuzzy over the name: each
/// word's characters in order, as in `sbx pat`; or a case-insensitive
/// substring of the kind or API): grouped, each group sorted by name, or
/// with `by_expiry` by what expires next (a session that needs a login
/// first, kinds without an expiry last).
pub fn rows(entries: &[Entry], filter: &str, by_expiry: bool) -> Vec<Row> {
    let needle = filter.trim().to_lowercase();
    let query = Query::new(&needle);
    let mut shown: Vec<usize> = (0..entries.len())
        .filter(|&i| needle.is_empty() || matches(&entries[i], &query, &needle))
        .collect();
    shown.sort_by(|&a, &b| {
        let (a, b) = (&entries[a], &entries[b]);
        let when = |e: &Entry| if by_expiry { e.next_expiry() } else { 0 };
        (a.group, when(a), a.name()).cmp(&(b.group, when(b), b.name()))
    });
    let mut rows = Vec::with_capacity(shown.len() + 4);
    let mut start = 0;
    while start < shown.len() {
        let group = entries[shown[start]].group;
        let end = shown[start..]
            .iter()
            .position(|&i| entries[i].group != group)
            .map_or(shown.len(), |n| start + n);
        rows.push(Row::Heading(group, end - start));
        rows.extend(shown[start..end].iter().map(|&i| Row::Entry(i)));
        start = end;
    }
    rows
}

/// The list pane's natural width, borders included: the widest name with
/// the lead column, a gap and the widest badge (`login required`).
pub fn list_width(entries: &[Entry]) -> u16 {
    use unicode_width::UnicodeWidthStr;
    let name = entries.iter().map(|e| e.name().width()).max().unwrap_or(0);
    u16::try_from(2 + 2 + name + 1 + BADGE).unwrap_or(u16::MAX)
}

/// The widest badge: `login required`, `expiring 59 m`.
const BADGE: usize = 14;

fn matches(entry: &Entry, query: &Query, needle: &str) -> bool {
    let c = &entry.credential;
    fuzzy::matches_words(query, &c.name)
        || [c.auth.kind_label(), c.api.as_str()]
            .into_iter()
            .any(|text| contains_folded(text, needle))
}

/// Whether `text` holds `needle` (lower case) ignoring case. ASCII text,
/// the usual case, is compared in place: lower-casing three strings of
/// each of 10,000 entries on every filter keystroke took most of `rows`.
fn contains_folded(text: &str, needle: &str) -> bool {
    if !(text.is_ascii() && needle.is_ascii()) {
        return text.to_lowercase().contains(needle);
    }
    needle.is_empty()
        || text
            .as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::contains_folded;

    #[test]
    fn filter_text_matches_ignoring_case_in_ascii_and_beyond() {
        let cases = [
            ("Team-PAT-01", "pat-0", true),
            ("https://api.sipgate.com/v2", "sipgate", true),
            ("OAuth session", "oauth s", true),
            ("alice", "alicex", false),
            ("alice", "", true),
            ("Ärger-Büro", "büro", true),
            ("Ärger-Büro", "ärger", true),
            ("Ärger-Büro", "buro", false),
        ];
        for (text, needle, expected) in cases {
            assert_eq!(
                contains_folded(text, needle),
                expected,
                "{text:?} / {needle:?}"
            );
        }
    }
}
