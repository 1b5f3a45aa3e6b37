//! What sipgate's REST API documents about itself: every operation (method,
//! path template, operationId, tag), the OAuth scopes each needs, its path
//! parameters and documented status codes (`assets/sipgate/operations.json`,
//! the facts of the OpenAPI document, compiled in).
//!
//! [`ApiMap::find`] matches a method and a concrete path
//! (`/w0/phonelines/p0/forwardings`, a query string and the API base
//! stripped) to its operation; [`grants`] knows which scopes a credential
//! grants; [`Operation::access`] puts the two together. An operation's
//! scopes are "any of these", and `all` covers everything.
//!
//! The map is sipgate's: [`applies_to`] says whether an API base is
//! sipgate's (or a sandbox on loopback standing in for it), so another
//! provider's API is never explained with sipgate's scopes.

pub mod grants;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde::Deserialize;

pub use grants::{Access, Granted, LearnedScopes};

/// The scope that covers every operation.
pub const ALL_SCOPE: &str = "all";

/// The facts file, compiled in.
const FACTS: &str = include_str!("../assets/sipgate/operations.json");

/// One documented operation.
#[derive(Debug, Clone, Deserialize)]
pub struct Operation {
    /// `GET`, `POST`, `PUT`, `DELETE`.
    pub method: String,
    /// The path template under the API base, e.g. `/{userId}/devices`.
    pub path: String,
    /// The operationId, e.g. `getHistory`.
    #[serde(rename = "operation")]
    pub id: String,
    /// The tag it is listed under, e.g. `history`.
    pub tag: String,
    /// The scopes of its `security` list, any of which will do (`all`
    /// among them).
    pub scopes: Vec<String>,
    /// Its path parameters, in template order.
    pub path_params: Vec<String>,
    /// Its documented status codes (`200`, `402`, `default`).
    pub statuses: Vec<String>,
    #[serde(skip)]
    segments: Vec<Segment>,
}

/// A segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param(String),
}

impl Operation {
    /// `GET /history`.
    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// The scopes that would grant it, `all` left out: any one will do.
    /// Empty when the operation needs no scope at all.
    pub fn specific_scopes(&self) -> impl Iterator<Item = &str> {
        self.scopes
            .iter()
            .map(String::as_str)
            .filter(|s| *s != ALL_SCOPE)
    }

    /// Whether it needs a scope (`GET /authorization/userinfo` does not).
    pub fn needs_scope(&self) -> bool {
        !self.scopes.is_empty()
    }

    /// Whether it only reads (GET).
    pub fn is_read(&self) -> bool {
        self.method == "GET"
    }

    /// Whether `status` is among its documented answers.
    pub fn documents(&self, status: u16) -> bool {
        self.statuses.iter().any(|s| s == &status.to_string())
    }

    /// "needs `history:read`" / "needs one of `a`, `b`" / "needs no scope".
    pub fn needs_text(&self) -> String {
        needs_text(self.specific_scopes(), self.needs_scope())
    }

    /// The path with its parameters filled in from `value` (a parameter
    /// left `None` keeps its `{name}`).
    pub fn fill(&self, value: impl Fn(&str) -> Option<String>) -> String {
        let mut out = String::new();
        for segment in &self.segments {
            out.push('/');
            match segment {
                Segment::Literal(text) => out.push_str(text),
                Segment::Param(name) => match value(name) {
                    Some(v) => out.push_str(&percent_encode_segment(&v)),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                },
            }
        }
        if out.is_empty() {
            out.push('/');
        }
        out
    }

    /// How well it matches these concrete segments: `None` when it does
    /// not; otherwise larger is more specific (a literal beats a
    /// parameter, earlier literals count more).
    fn score(&self, concrete: &[&str]) -> Option<u64> {
        if self.segments.len() != concrete.len() {
            return None;
        }
        let mut score = 0u64;
        for (i, (segment, given)) in self.segments.iter().zip(concrete).enumerate() {
            match segment {
                Segment::Literal(text) if text == given => {
                    score |= 1 << (63 - i.min(63));
                }
                Segment::Literal(_) => return None,
                Segment::Param(_) => {}
            }
        }
        Some(score)
    }
}

/// What a method and path come to.
#[derive(Debug, Clone, Copy)]
pub enum Match<'a> {
    /// The documented operation.
    Operation(&'a Operation),
    /// The path is documented, but not for this method; the operations
    /// it has (for a 405's hint).
    WrongMethod(&'a Operation),
    /// Nothing documented looks like it.
    Unknown,
}

impl<'a> Match<'a> {
    /// The operation, when the method matched too.
    pub fn operation(self) -> Option<&'a Operation> {
        match self {
            Match::Operation(op) => Some(op),
            _ => None,
        }
    }
}

/// Why `--for` could not name a scope.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ForError {
    /// Neither `METHOD PATH` nor an operationId the API documents.
    #[error(
        "`{0}` is not an operation of sipgate's API; give `METHOD PATH` (e.g. 'POST /sessions/sms') or an operationId"
    )]
    Unknown(String),
    /// The path is documented, the method is not.
    #[error("`{given}`: that path takes {methods}")]
    WrongMethod {
        /// What was given.
        given: String,
        /// The methods it takes.
        methods: String,
    },
}

/// Every documented operation, and the scopes the document declares.
#[derive(Debug)]
pub struct ApiMap {
    /// Where the facts come from.
    pub source: String,
    /// Every operation, in the document's order.
    pub operations: Vec<Operation>,
    /// Every scope the document declares.
    pub declared_scopes: BTreeSet<String>,
}

#[derive(Deserialize)]
struct Facts {
    source: String,
    declared_scopes: BTreeSet<String>,
    operations: Vec<Operation>,
}

impl ApiMap {
    /// The compiled-in map, parsed on first use.
    pub fn get() -> &'static ApiMap {
        static MAP: OnceLock<ApiMap> = OnceLock::new();
        MAP.get_or_init(|| {
            Self::parse(FACTS).unwrap_or_else(|e| {
                // The file is compiled in and checked by the tests; a
                // broken one is a build defect, not user input.
                tracing::error!(problem = %e, "the compiled-in sipgate API facts do not parse");
                ApiMap {
                    source: String::new(),
                    operations: Vec::new(),
                    declared_scopes: BTreeSet::new(),
                }
            })
        })
    }

    /// A map from a facts document (the shape of `operations.json`).
    pub fn parse(text: &str) -> Result<Self, serde_json::Error> {
        let facts: Facts = serde_json::from_str(text)?;
        let mut operations = facts.operations;
        for op in &mut operations {
            op.method.make_ascii_uppercase();
            op.segments = split(&op.path)
                .map(
                    |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                        Some(name) => Segment::Param(name.to_owned()),
                        None => Segment::Literal(s.to_owned()),
                    },
                )
                .collect();
        }
        Ok(Self {
            source: facts.source,
            operations,
            declared_scopes: facts.declared_scopes,
        })
    }

    /// The operation a method and a path (relative to the API base, see
    /// [`relative_path`]) come to. Query strings, fragments, trailing and
    /// doubled slashes are ignored; a literal segment beats a parameter.
    pub fn find(&self, method: &str, path: &str) -> Match<'_> {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let concrete: Vec<&str> = split(path).collect();
        let mut best: Option<(u64, &Operation)> = None;
        let mut best_other: Option<(u64, &Operation)> = None;
        for op in &self.operations {
            let Some(score) = op.score(&concrete) else {
                continue;
            };
            let slot = if op.method.eq_ignore_ascii_case(method) {
                &mut best
            } else {
                &mut best_other
            };
            if slot.is_none_or(|(s, _)| score > s) {
                *slot = Some((score, op));
            }
        }
        match (best, best_other) {
            (Some((_, op)), _) => Match::Operation(op),
            (None, Some((_, op))) => Match::WrongMethod(op),
            (None, None) => Match::Unknown,
        }
    }

    /// The methods documented for the path `template` (`GET, PUT`).
    pub fn methods_of(&self, template: &str) -> Vec<&str> {
        self.operations
            .iter()
            .filter(|op| op.path == template)
            .map(|op| op.method.as_str())
            .collect()
    }

    /// The scopes to ask for to call each of `wanted` (`"POST
    /// /sessions/sms"`, a concrete path or a template; an operationId works
    /// too): per operation its narrowest scope (`sessions:sms:write` over
    /// `sessions:write`), never `all`; an operation that needs none adds
    /// nothing.
    pub fn scopes_for<S: AsRef<str>>(&self, wanted: &[S]) -> Result<BTreeSet<String>, ForError> {
        let mut out = BTreeSet::new();
        for raw in wanted {
            let raw = raw.as_ref().trim();
            let op = match raw.split_once(char::is_whitespace) {
                Some((method, path)) => match self.find(method, path.trim()) {
                    Match::Operation(op) => op,
                    Match::WrongMethod(op) => {
                        return Err(ForError::WrongMethod {
                            given: crate::sanitize::strip_controls(raw),
                            methods: self.methods_of(&op.path).join(", "),
                        });
                    }
                    Match::Unknown => {
                        return Err(ForError::Unknown(crate::sanitize::strip_controls(raw)));
                    }
                },
                None => self
                    .by_id(raw)
                    .ok_or_else(|| ForError::Unknown(crate::sanitize::strip_controls(raw)))?,
            };
            let narrowest = op
                .specific_scopes()
                .enumerate()
                .max_by_key(|(i, s)| (s.matches(':').count(), std::cmp::Reverse(*i)))
                .map(|(_, s)| s.to_owned());
            out.extend(narrowest);
        }
        Ok(out)
    }

    /// `scope` (space-separated) with the scopes of `purposes` (see
    /// [`ApiMap::scopes_for`]) it lacks added: the whole scope (`None`
    /// when empty) and what was added.
    pub fn with_purposes<S: AsRef<str>>(
        &self,
        scope: &str,
        purposes: &[S],
    ) -> Result<(Option<String>, Vec<String>), ForError> {
        let mut words: Vec<String> = scope.split_whitespace().map(str::to_owned).collect();
        let added: Vec<String> = self
            .scopes_for(purposes)?
            .into_iter()
            .filter(|s| !words.contains(s))
            .collect();
        words.extend(added.iter().cloned());
        Ok(((!words.is_empty()).then(|| words.join(" ")), added))
    }

    /// The operation with this operationId.
    pub fn by_id(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|op| op.id == id)
    }

    /// The operations whose method, path, tag, operationId or scopes
    /// contain every word of `filter` (case-insensitive); all for an empty
    /// filter.
    pub fn filter<'a>(&'a self, filter: &str) -> impl Iterator<Item = &'a Operation> {
        let words: Vec<String> = filter.split_whitespace().map(str::to_lowercase).collect();
        self.operations.iter().filter(move |op| {
            words.iter().all(|w| {
                op.method.to_lowercase().contains(w)
                    || op.path.to_lowercase().contains(w)
                    || op.tag.to_lowercase().contains(w)
                    || op.id.to_lowercase().contains(w)
                    || op.scopes.iter().any(|s| s.contains(w.as_str()))
            })
        })
    }
}

/// "needs `history:read`" / "needs one of `a`, `b`" / "needs no scope", for
/// an operation's scopes (`all` left out) and whether it needs one at all.
pub fn needs_text<'a>(specific: impl IntoIterator<Item = &'a str>, needs_scope: bool) -> String {
    let scopes: Vec<String> = specific.into_iter().map(|s| format!("`{s}`")).collect();
    match scopes.len() {
        0 if needs_scope => format!("needs `{ALL_SCOPE}`"),
        0 => "needs no scope".to_owned(),
        1 => format!("needs {}", scopes[0]),
        _ => format!("needs one of {}", scopes.join(", ")),
    }
}

fn split(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

/// Percent-encodes what cannot stand in a path segment.
fn percent_encode_segment(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'+'
            | b':'
            | b'@' => out.push(char::from(b)),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Whether sipgate's map explains this API base: `api.sipgate.com`, or a
/// loopback API under `/v2` (the sandbox standing in for it).
pub fn applies_to(api_base: &str) -> bool {
    let Ok(url) = url::Url::parse(api_base) else {
        return false;
    };
    match url.host() {
        Some(url::Host::Domain(host)) if host.eq_ignore_ascii_case("api.sipgate.com") => true,
        Some(url::Host::Domain("localhost")) => url.path().trim_end_matches('/') == "/v2",
        Some(url::Host::Ipv4(ip)) if ip.is_loopback() => url.path().trim_end_matches('/') == "/v2",
        Some(url::Host::Ipv6(ip)) if ip.is_loopback() => url.path().trim_end_matches('/') == "/v2",
        _ => false,
    }
}

/// A path as the map knows it: relative to the API base. A full URL under
/// the base loses the base's path (`https://api.sipgate.com/v2/history?x`
/// is `/history?x`); a relative path is kept.
pub fn relative_path(api_base: &str, path_or_url: &str) -> String {
    let path = match url::Url::parse(path_or_url) {
        Ok(url) if url.has_host() => {
            let base_path = url::Url::parse(api_base)
                .map(|b| b.path().trim_end_matches('/').to_owned())
                .unwrap_or_default();
            let path = url.path();
            let path = path
                .strip_prefix(base_path.as_str())
                .filter(|rest| rest.is_empty() || rest.starts_with('/'))
                .unwrap_or(path);
            match url.query() {
                Some(query) => format!("{path}?{query}"),
                None => path.to_owned(),
            }
        }
        _ => path_or_url.to_owned(),
    };
    if path.starts_with('/') {
        path
    } else {
        format!("/{path}")
    }
}

#[cfg(test)]
mod tests;
