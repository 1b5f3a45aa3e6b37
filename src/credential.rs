//! Credential kinds, their validation (the `validate` module's rules), and the
//! redacting [`Secret`].
//!
//! A credential is a name, the API base it is meant for, and one kind of
//! authentication. Validation lives here so that the CLI, the store and (later)
//! the TUI refuse the same bad input with the same words. Rules for the Basic
//! scheme come from RFC 7617: the user-id must not contain a colon, and
//! neither part may contain control characters.

use serde::{Deserialize, Serialize};
use thiserror::Error;

mod extras;
mod oauth;
mod secret;
mod validate;

pub use extras::{LearnedScopes, ProbeTarget};
pub use oauth::{AuthMethod, DEFAULT_ISSUER, KEYCLOAK_REALM_PREFIX, OauthClient, Session};
pub use secret::{Sealed, Secret};
pub use validate::{
    check_text, is_loopback, is_scope_token, normalize_api, normalize_issuer, validate_client,
    validate_id, validate_name, validate_redirect_uri, validate_secret, validate_session,
};

/// The sipgate REST API base every credential gets unless told otherwise.
pub const DEFAULT_API: &str = "https://api.sipgate.com/v2";

/// Why a credential (or one of its fields) was refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum CredentialError {
    /// The name is empty, too long or uses characters outside `[A-Za-z0-9._-]`.
    #[error("invalid name `{name}`: use 1 to 64 of A-Z a-z 0-9 . _ -")]
    BadName {
        /// The refused name (names are not secret).
        name: String,
    },
    /// A token id or username is empty.
    #[error("the {field} is empty")]
    EmptyId {
        /// Which field, e.g. "token id".
        field: &'static str,
    },
    /// A token id or username contains `:`, which would end it early in `id:secret`.
    #[error(
        "the {field} contains `:`; Basic authentication (RFC 7617) cannot carry a colon in the user-id"
    )]
    ColonInId {
        /// Which field.
        field: &'static str,
    },
    /// A token id or username contains a control character.
    #[error("the {field} contains a control character (RFC 7617 forbids them)")]
    ControlInId {
        /// Which field.
        field: &'static str,
    },
    /// A value contains an invisible or bidirectional format character,
    /// which would make it read differently than it is.
    #[error(
        "the {field} contains an invisible or bidirectional format character (such as U+200B or U+202E); type it without"
    )]
    FormatInValue {
        /// Which field.
        field: &'static str,
    },
    /// A session's `token_type` is not Bearer, the only type sent.
    #[error("the token type is not Bearer (RFC 6750)")]
    NotBearer,
    /// A secret is empty.
    #[error("the {field} is empty")]
    EmptySecret {
        /// Which field, e.g. "token".
        field: &'static str,
    },
    /// A secret contains CR or LF, most likely a paste that took two lines.
    #[error("the {field} contains a line break (CR/LF); paste it as one line")]
    LineBreakInSecret {
        /// Which field.
        field: &'static str,
    },
    /// A secret contains another control character.
    #[error("the {field} contains a control character (RFC 7617 forbids them)")]
    ControlInSecret {
        /// Which field.
        field: &'static str,
    },
    /// An OAuth entry with neither a client nor a session.
    #[error("an OAuth entry needs a client, a session or both")]
    EmptyOauth,
    /// A token contains a space, so it cannot be one header value.
    #[error("the {field} contains a space; a token is one word")]
    SpaceInToken {
        /// Which token.
        field: &'static str,
    },
    /// A learned scope is not an RFC 6749 scope token, or there are too many.
    #[error(
        "the learned scopes are not RFC 6749 scope tokens (printable ASCII without space, `\"` or `\\`, at most 500); learn them again"
    )]
    BadLearnedScopes,
    /// A credential's own probe that cannot be used.
    #[error("invalid probe: {why}")]
    BadProbe {
        /// What is wrong.
        why: &'static str,
    },
    /// A redirect URI the loopback listener cannot serve.
    #[error("invalid redirect URI: {why}")]
    BadRedirect {
        /// What is wrong with it.
        why: &'static str,
    },
    /// The API base is not an absolute http(s) URL fit to receive credentials.
    /// The URL itself is never echoed: a mistyped one may hold a password.
    #[error("invalid {what}{}: {why}", host.as_ref().map(|h| format!(" (host `{h}`)")).unwrap_or_default())]
    BadApi {
        /// Which URL: "API base" or "issuer".
        what: &'static str,
        /// The host, when the URL parsed far enough to have one.
        host: Option<String>,
        /// What is wrong with it.
        why: &'static str,
    },
}

/// How a credential authenticates.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
// A store holds a handful of these; boxing the OAuth variant would buy
// nothing but noisier matches.
#[allow(clippy::large_enum_variant)]
pub enum Auth {
    /// A sipgate Personal Access Token, sent as Basic `tokenid:token`.
    Pat {
        /// The token id, e.g. `token-ABC123`.
        token_id: String,
        /// The token itself.
        token: Secret,
    },
    /// A legacy username:password Basic login.
    Basic {
        /// The username.
        username: String,
        /// The password.
        password: Secret,
    },
    /// An OAuth2 client and its session; either may be missing (a client
    /// not logged in yet, or a bearer token imported without its client).
    Oauth {
        /// The registered client.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client: Option<OauthClient>,
        /// The tokens, once logged in. Boxed: inline, the session's 192
        /// bytes would make every credential of every kind that large (a
        /// 10,000-credential app holds 1.8 MB less).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        session: Option<Box<Session>>,
    },
}

impl Auth {
    /// The kind's key as stored and accepted on the command line.
    pub fn kind(&self) -> &'static str {
        match self {
            Auth::Pat { .. } => "pat",
            Auth::Basic { .. } => "basic",
            Auth::Oauth { .. } => "oauth",
        }
    }

    /// The kind as a person reads it.
    pub fn kind_label(&self) -> &'static str {
        match self {
            Auth::Pat { .. } => "PAT",
            Auth::Basic { .. } => "Basic login",
            Auth::Oauth { session: None, .. } => "OAuth client",
            Auth::Oauth { client: None, .. } => "Bearer token",
            Auth::Oauth { .. } => "OAuth session",
        }
    }

    /// The non-secret identifier (token id, username or client id; empty
    /// for a bearer token imported without its client).
    pub fn id(&self) -> &str {
        match self {
            Auth::Pat { token_id, .. } => token_id,
            Auth::Basic { username, .. } => username,
            Auth::Oauth { client, .. } => client.as_ref().map_or("", |c| c.client_id.as_str()),
        }
    }

    /// The stored secret: token, password or client secret.
    pub fn secret(&self) -> Option<&Secret> {
        match self {
            Auth::Pat { token, .. } => Some(token),
            Auth::Basic { password, .. } => Some(password),
            Auth::Oauth { client, .. } => client.as_ref()?.client_secret.as_ref(),
        }
    }

    /// The `id:secret` pair of the Basic kinds.
    pub fn basic_pair(&self) -> Option<(&str, &Secret)> {
        match self {
            Auth::Pat { token_id, token } => Some((token_id, token)),
            Auth::Basic { username, password } => Some((username, password)),
            Auth::Oauth { .. } => None,
        }
    }

    /// Every secret this credential holds.
    pub fn secrets(&self) -> Vec<&Secret> {
        let mut out = Vec::with_capacity(4);
        match self {
            Auth::Pat { token, .. } => out.push(token),
            Auth::Basic { password, .. } => out.push(password),
            Auth::Oauth { client, session } => {
                out.extend(client.as_ref().and_then(|c| c.client_secret.as_ref()));
                if let Some(s) = session {
                    out.push(&s.access_token);
                    out.extend(s.refresh_token.as_ref());
                    out.extend(s.id_token.as_ref());
                }
            }
        }
        out
    }

    /// Every secret field with its stored name, for sealing and opening.
    pub fn secrets_mut(&mut self) -> Vec<(&'static str, &mut Secret)> {
        match self {
            Auth::Pat { token, .. } => vec![("token", token)],
            Auth::Basic { password, .. } => vec![("password", password)],
            Auth::Oauth { client, session } => {
                let mut out = Vec::with_capacity(4);
                if let Some(secret) = client.as_mut().and_then(|c| c.client_secret.as_mut()) {
                    out.push(("client_secret", secret));
                }
                if let Some(session) = session {
                    let Session {
                        access_token,
                        refresh_token,
                        id_token,
                        ..
                    } = session.as_mut();
                    out.push(("access_token", access_token));
                    out.extend(refresh_token.as_mut().map(|t| ("refresh_token", t)));
                    out.extend(id_token.as_mut().map(|t| ("id_token", t)));
                }
                out
            }
        }
    }

    /// The OAuth session, if this is one.
    pub fn session(&self) -> Option<&Session> {
        match self {
            Auth::Oauth { session, .. } => session.as_deref(),
            _ => None,
        }
    }

    /// The OAuth client, if this is one.
    pub fn client(&self) -> Option<&OauthClient> {
        match self {
            Auth::Oauth { client, .. } => client.as_ref(),
            _ => None,
        }
    }

    /// Field names for messages: (id field, secret field).
    pub fn field_names(&self) -> (&'static str, &'static str) {
        match self {
            Auth::Pat { .. } => ("token id", "token"),
            Auth::Basic { .. } => ("username", "password"),
            Auth::Oauth { .. } => ("client id", "client secret"),
        }
    }
}

/// One stored credential.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Credential {
    /// Unique name, `[A-Za-z0-9._-]{1,64}`.
    pub name: String,
    /// The API base URL, without trailing slash.
    pub api: String,
    /// Kind and secrets.
    #[serde(flatten)]
    pub auth: Auth,
    /// The scopes a scope-learning run learned for a PAT or Basic
    /// login (no secret in it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub learned_scopes: Option<LearnedScopes>,
    /// What a probe of this credential asks for, when not the config's
    /// `probe_path` (a Keycloak client of another API has nothing at
    /// `/account`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probe: Option<ProbeTarget>,
}

impl Credential {
    /// Builds a credential, validating every field.
    pub fn new(name: &str, api: &str, auth: Auth) -> Result<Self, CredentialError> {
        let credential = Self {
            name: name.to_owned(),
            api: normalize_api(api)?,
            auth,
            learned_scopes: None,
            probe: None,
        };
        credential.validate_fields()?;
        Ok(credential)
    }

    /// Checks everything but the API base, which `new` normalises and a
    /// store load checks once per distinct URL.
    pub fn validate_fields(&self) -> Result<(), CredentialError> {
        validate_name(&self.name)?;
        let (id_field, secret_field) = self.auth.field_names();
        match &self.auth {
            Auth::Pat { .. } | Auth::Basic { .. } => {
                validate_id(id_field, self.auth.id())?;
                if let Some(secret) = self.auth.secret() {
                    validate_secret(secret_field, secret)?;
                }
            }
            Auth::Oauth { client, session } => {
                if client.is_none() && session.is_none() {
                    return Err(CredentialError::EmptyOauth);
                }
                if let Some(client) = client {
                    validate_client(client)?;
                }
                if let Some(session) = session {
                    validate_session(session)?;
                }
            }
        }
        if let Some(probe) = &self.probe {
            probe.validate()?;
        }
        if let Some(learned) = &self.learned_scopes {
            learned.validate()?;
        }
        Ok(())
    }
}

/// Masks an identifier for lists: enough to tell two apart, not to copy one.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() < 8 {
        return "****".to_owned();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests;
