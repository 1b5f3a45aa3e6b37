//! Which scopes a credential grants, and what that means for an operation.
//!
//! sipgate's OAuth tokens carry their scopes as Keycloak realm roles
//! (`realm_access.roles`, e.g. `["balance:read"]`), sometimes with no
//! `scope` claim at all; other Keycloak realms put them in
//! `resource_access.{client}.roles` or the `scope` claim. A session grants
//! the union of all of these and the token response's `scope`. A PAT's or
//! Basic login's scopes were chosen elsewhere and are unknown, unless
//! a scope-learning run has learned them ([`LearnedScopes`]).

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::{ALL_SCOPE, Operation};
pub use crate::credential::LearnedScopes;
use crate::credential::{Auth, Credential};

/// Which scopes a credential is known to grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Granted {
    /// Read from the session's tokens.
    Known(BTreeSet<String>),
    /// Learned by probing (a PAT or Basic login): granted, and which
    /// scopes were tested at all (an untested scope stays unknown).
    Learned {
        /// Scopes whose probe answered 2xx.
        granted: BTreeSet<String>,
        /// Every scope a probe decided (granted or refused).
        tested: BTreeSet<String>,
        /// When, in Unix seconds.
        at: i64,
    },
    /// Nothing to go by.
    Unknown,
}

/// Whether a credential can call an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// It grants one of the operation's scopes (or `all`, or the
    /// operation needs none).
    Yes,
    /// It grants none of them; any one of `missing` would do.
    No {
        /// The operation's scopes, `all` left out.
        missing: Vec<String>,
    },
    /// Its scopes are not known (a PAT, an opaque token).
    Unknown,
}

impl Granted {
    /// The scopes a credential grants, as far as it tells.
    pub fn of(credential: &Credential) -> Self {
        match &credential.auth {
            Auth::Oauth {
                session: Some(session),
                ..
            } => {
                let mut scopes = BTreeSet::new();
                let mut known = false;
                if let Ok(jwt) = crate::jwt::decode(session.access_token.expose()) {
                    known = true;
                    scopes.extend(in_claims(&jwt.claims));
                }
                if let Some(scope) = &session.scope {
                    known = true;
                    scopes.extend(scope.split_whitespace().map(str::to_owned));
                }
                if known {
                    Granted::Known(scopes)
                } else {
                    Granted::Unknown
                }
            }
            Auth::Oauth { session: None, .. } => Granted::Unknown,
            Auth::Pat { .. } | Auth::Basic { .. } => match &credential.learned_scopes {
                Some(learned) => Granted::Learned {
                    granted: learned.granted.iter().cloned().collect(),
                    tested: learned
                        .granted
                        .iter()
                        .chain(&learned.refused)
                        .cloned()
                        .collect(),
                    at: learned.at,
                },
                None => Granted::Unknown,
            },
        }
    }

    /// The scopes it is known to grant (empty when unknown).
    pub fn scopes(&self) -> Vec<&str> {
        match self {
            Granted::Known(s) | Granted::Learned { granted: s, .. } => {
                s.iter().map(String::as_str).collect()
            }
            Granted::Unknown => Vec::new(),
        }
    }

    /// "this session grants `balance:read`", "this PAT grants … (learned
    /// 3 h ago …)", for a hint; `who` names the credential's kind. Only
    /// sipgate's scopes are named (a Keycloak token's `offline_access` and
    /// the like are counted, not listed).
    pub fn describe(&self, who: &str, now: i64) -> String {
        let declared = &super::ApiMap::get().declared_scopes;
        let list = |s: &BTreeSet<String>| {
            let named: Vec<String> = s
                .iter()
                .filter(|s| declared.contains(*s))
                .map(|s| format!("`{s}`"))
                .collect();
            let others = s.len() - named.len();
            let others = match others {
                0 => String::new(),
                1 => " (and 1 other role or scope)".to_owned(),
                n => format!(" (and {n} other roles or scopes)"),
            };
            if named.is_empty() {
                format!("none of sipgate's scopes{others}")
            } else {
                format!("{}{others}", named.join(", "))
            }
        };
        match self {
            Granted::Known(s) => format!("this {who} grants {}", list(s)),
            Granted::Learned { granted, at, .. } => format!(
                "this {who} grants {} (learned {})",
                list(granted),
                crate::time_text::relative(*at, now, false)
            ),
            Granted::Unknown => format!("the scopes of this {who} are not known"),
        }
    }
}

impl Operation {
    /// Whether `granted` lets a credential call it.
    pub fn access(&self, granted: &Granted) -> Access {
        if !self.needs_scope() {
            return Access::Yes;
        }
        let has = |set: &BTreeSet<String>| {
            set.contains(ALL_SCOPE) || self.scopes.iter().any(|s| set.contains(s))
        };
        let missing = || Access::No {
            missing: self.specific_scopes().map(str::to_owned).collect(),
        };
        match granted {
            Granted::Known(set) if has(set) => Access::Yes,
            Granted::Known(_) => missing(),
            Granted::Learned { granted, .. } if has(granted) => Access::Yes,
            Granted::Learned { tested, .. }
                if self.specific_scopes().all(|s| tested.contains(s)) =>
            {
                missing()
            }
            Granted::Learned { .. } | Granted::Unknown => Access::Unknown,
        }
    }
}

/// The scopes a token's claims grant: `realm_access.roles`,
/// `resource_access.*.roles`, the `scope` claim (space-separated) and
/// `scp` (a list or a string), as other providers write it.
pub fn in_claims(claims: &Map<String, Value>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    // Roles are lists; a scope is a space-separated string or (`scp`) a list.
    let mut add = |value: Option<&Value>, string_too: bool| match value {
        Some(Value::Array(items)) => {
            out.extend(items.iter().filter_map(Value::as_str).map(str::to_owned))
        }
        Some(Value::String(s)) if string_too => {
            out.extend(s.split_whitespace().map(str::to_owned));
        }
        _ => {}
    };
    add(
        claims.get("realm_access").and_then(|r| r.get("roles")),
        false,
    );
    if let Some(Value::Object(clients)) = claims.get("resource_access") {
        for client in clients.values() {
            add(client.get("roles"), false);
        }
    }
    add(claims.get("scope"), true);
    add(claims.get("scp"), true);
    out.retain(|s| crate::credential::is_scope_token(s));
    out
}
