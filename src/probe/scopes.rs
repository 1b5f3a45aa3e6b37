//! What sipgate's API map adds to a probe: the operation a request comes
//! to, the scopes it needs and the credential grants, a warning before a
//! request that will likely be refused (it is still sent: the server
//! decides), and hints that name the missing scope or the documented
//! meaning of an answer.

use serde_json::{Value, json};

use super::Answer;
use crate::credential::{Auth, Credential};
use crate::hint::{Fix, Hint};
use crate::sipgate::{self, Access, ApiMap, Granted, Match};

/// A request held against the map.
#[derive(Debug, Clone)]
pub struct ScopeCheck {
    /// `GET /history` (the template), when the request matched one.
    pub operation: Option<String>,
    /// The operation's scopes, `all` left out (any one will do).
    pub needed: Vec<String>,
    /// Whether it needs a scope at all.
    pub needs_scope: bool,
    /// What the credential grants.
    pub granted: Granted,
    /// Whether it can call the operation.
    pub access: Access,
    /// The operation's documented status codes.
    pub documented: Vec<String>,
    /// The methods the path is documented for, when the method was not.
    pub other_methods: Vec<String>,
    /// Its path parameters.
    pub path_params: Vec<String>,
    /// "session", "PAT", "Basic login".
    pub who: &'static str,
    /// Whether the credential is a PAT or Basic login (scopes chosen in
    /// the sipgate web app).
    pub basic: bool,
    /// Now, Unix seconds (for a learned result's age).
    pub now: i64,
}

impl ScopeCheck {
    /// The check of `method path` for `credential`; `None` when the API
    /// base is not sipgate's.
    pub fn new(credential: &Credential, method: &str, path: &str, now: i64) -> Option<Self> {
        if !sipgate::applies_to(&credential.api) {
            return None;
        }
        let map = ApiMap::get();
        let relative = sipgate::relative_path(&credential.api, path);
        let granted = Granted::of(credential);
        let (who, basic) = match &credential.auth {
            Auth::Pat { .. } => ("PAT", true),
            Auth::Basic { .. } => ("Basic login", true),
            Auth::Oauth { .. } => ("session", false),
        };
        let mut check = Self {
            operation: None,
            needed: Vec::new(),
            needs_scope: false,
            access: Access::Unknown,
            granted,
            documented: Vec::new(),
            other_methods: Vec::new(),
            path_params: Vec::new(),
            who,
            basic,
            now,
        };
        match map.find(method, &relative) {
            Match::Operation(op) => {
                check.operation = Some(op.label());
                check.needed = op.specific_scopes().map(str::to_owned).collect();
                check.needs_scope = op.needs_scope();
                check.access = op.access(&check.granted);
                check.documented = op.statuses.clone();
                check.path_params = op.path_params.clone();
            }
            Match::WrongMethod(op) => {
                check.other_methods = map
                    .methods_of(&op.path)
                    .into_iter()
                    .map(str::to_owned)
                    .collect();
            }
            Match::Unknown => {}
        }
        Some(check)
    }

    /// "needs `history:read`" for the operation.
    fn needs_text(&self) -> String {
        sipgate::needs_text(self.needed.iter().map(String::as_str), self.needs_scope)
    }

    /// What to say before sending: the credential grants none of the
    /// operation's scopes.
    pub fn warning(&self) -> Option<String> {
        match (&self.operation, &self.access) {
            (Some(op), Access::No { .. }) => Some(format!(
                "{op} {}; {}: the server will likely answer 403 (sent anyway: the server decides)",
                self.needs_text(),
                self.granted.describe(self.who, self.now)
            )),
            _ => None,
        }
    }

    /// The `--json` part: `{operation, scopes_needed, scopes_granted,
    /// missing}`; `scopes_granted` is null when unknown.
    pub fn to_json(&self) -> Value {
        let granted = match &self.granted {
            Granted::Unknown => Value::Null,
            g => json!(g.scopes()),
        };
        let missing = match &self.access {
            Access::No { missing } => json!(missing),
            Access::Yes => json!([]),
            Access::Unknown => Value::Null,
        };
        json!({
            "operation": self.operation,
            "scopes_needed": self.needed,
            "scopes_granted": granted,
            "missing": missing,
        })
    }

    /// The hint for `answer` in the light of the map; `None` keeps the
    /// plain status hint.
    pub fn hint(&self, answer: &Answer, method: &str, url_path: &str) -> Option<Hint> {
        let op = self.operation.as_deref();
        let documented = |status: u16| self.documented.iter().any(|s| s == &status.to_string());
        match (answer.status, op) {
            (403, Some(op)) => Some(self.forbidden(op)),
            (402, Some(op)) => Some(Hint {
                text: format!(
                    "402 Payment Required: the account's credit is too low for {op}{}; top it up in the sipgate web app",
                    if documented(402) {
                        " (a documented answer of this operation)"
                    } else {
                        ""
                    }
                ),
                fix: None,
            }),
            (404, Some(op)) if !self.path_params.is_empty() => Some(Hint {
                text: format!(
                    "404 Not Found: {op} exists, so the path is right; a value in it ({}) names nothing this account has",
                    self.path_params
                        .iter()
                        .map(|p| format!("{{{p}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                fix: None,
            }),
            (409, Some(op)) if documented(409) => Some(Hint {
                text: format!("409 Conflict: {op} refused it as a duplicate (it exists already)"),
                fix: None,
            }),
            (400, Some(op)) if documented(400) => Some(Hint {
                text: format!(
                    "400 Bad Request: {op} refused the request's body or parameters; check them against sipgate's API reference"
                ),
                fix: None,
            }),
            (404 | 405, None) if !self.other_methods.is_empty() => Some(Hint {
                text: format!(
                    "{} {}: {method} is the wrong request method for {url_path}; it takes {}",
                    answer.status,
                    answer.reason,
                    self.other_methods.join(", ")
                ),
                fix: None,
            }),
            _ => None,
        }
    }

    fn forbidden(&self, op: &str) -> Hint {
        let needs = self.needs_text();
        let granted = self.granted.describe(self.who, self.now);
        let scopes = self
            .needed
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(" or ");
        match (&self.access, self.basic) {
            (Access::No { .. }, false) => Hint {
                text: format!("403 Forbidden: {op} {needs}; {granted}"),
                fix: Some(Fix::LoginWithScope),
            },
            (Access::No { .. }, true) => Hint {
                text: format!(
                    "403 Forbidden: {op} {needs}; {granted}. A PAT's scopes are chosen when it is created: create a new one with {scopes} in the sipgate web app (the token is shown only once) and store it"
                ),
                fix: None,
            },
            (Access::Unknown, true) => Hint {
                text: format!(
                    "403 Forbidden: {op} {needs}; {granted}. If it lacks it, create a new PAT with {scopes} in the sipgate web app (the token is shown only once)"
                ),
                fix: Some(Fix::LearnScopes),
            },
            (Access::Unknown, false) => Hint {
                text: format!("403 Forbidden: {op} {needs}; {granted}"),
                fix: Some(Fix::LoginWithScope),
            },
            (Access::Yes, _) => Hint {
                text: format!(
                    "403 Forbidden: {op} {needs}, and {granted}, so the scope is there: the feature is likely not booked for this account, or this user lacks the right to it"
                ),
                fix: None,
            },
        }
    }
}
