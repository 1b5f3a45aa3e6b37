//! What a credential keeps beside its kind and secrets: the scopes a
//! learning run found for a PAT or Basic login, and its own probe target.

use serde::{Deserialize, Serialize};

use super::CredentialError;
use crate::sanitize::is_format;

/// What a scope-learning run (`probe::learn`) found out about a PAT or
/// Basic login,
/// kept with the credential (no secret in it).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct LearnedScopes {
    /// Scopes whose probe answered 2xx.
    pub granted: Vec<String>,
    /// Scopes whose probe answered 403.
    pub refused: Vec<String>,
    /// When, in Unix seconds.
    pub at: i64,
}

impl LearnedScopes {
    /// At most 500 scopes, each an RFC 6749 scope token.
    pub(super) fn validate(&self) -> Result<(), CredentialError> {
        let mut scopes = self.granted.iter().chain(&self.refused);
        if self.granted.len() + self.refused.len() > 500
            || scopes.any(|s| !super::is_scope_token(s))
        {
            return Err(CredentialError::BadLearnedScopes);
        }
        Ok(())
    }
}

/// A credential's own probe: a read-only request under its API base.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ProbeTarget {
    /// `GET`, `HEAD` or `OPTIONS`: a probe is one key in the app and must
    /// not change the account.
    pub method: String,
    /// The path under the API base, e.g. `/v1/me`.
    pub path: String,
}

impl ProbeTarget {
    /// A checked probe target (the method upper-cased).
    pub fn new(method: &str, path: &str) -> Result<Self, CredentialError> {
        let target = Self {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
        };
        target.validate()?;
        Ok(target)
    }

    pub(super) fn validate(&self) -> Result<(), CredentialError> {
        if !matches!(self.method.as_str(), "GET" | "HEAD" | "OPTIONS") {
            return Err(CredentialError::BadProbe {
                why: "its method must be GET, HEAD or OPTIONS (a probe must not change anything)",
            });
        }
        if !self.path.starts_with('/') || self.path.len() > 2000 {
            return Err(CredentialError::BadProbe {
                why: "its path must start with `/` and be at most 2000 characters",
            });
        }
        if self
            .path
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || is_format(c))
        {
            return Err(CredentialError::BadProbe {
                why: "its path contains a space, a control or an invisible character",
            });
        }
        Ok(())
    }
}
