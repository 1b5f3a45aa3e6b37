//! The implicit grant (RFC 6749 §4.2), by copy and paste.
//!
//! The authorization server answers `response_type=token` by redirecting the
//! browser with the token in the URL fragment, which never reaches a server.
//! There is no listener here: the user copies the address the browser ends
//! on (it need not load) and pastes it back. [`parse_redirect`] reads the
//! fragment (or, for servers that misuse it, the query), refuses it unless
//! `state` matches exactly (RFC 6749 §10.12: otherwise it may answer a
//! forged request) and `iss`, when sent, names our issuer (RFC 9207), turns
//! `error=` into an error, and checks the tokens like a token-endpoint
//! response. An `id_token` in the fragment must carry the `nonce` we sent
//! (OIDC Core §3.2.2.11): otherwise it answers another request, a token
//! injected into this one. RFC 9700 deprecates this grant; it is here for
//! servers that offer nothing else.

use serde_json::{Map, Value};
use thiserror::Error;
use url::Url;
use zeroize::Zeroizing;

use super::Endpoints;
use super::code_flow::check_nonce;
use super::login_error::LoginError;
use super::token::TokenResponse;
use crate::credential::{OauthClient, Secret};
use crate::sanitize::strip_controls;

/// The redirect URI used when the client registered none. Nothing listens
/// there; the user copies the address from the browser.
pub const DEFAULT_REDIRECT: &str = "http://127.0.0.1/callback";

/// An implicit-grant request: the URL to open and what must come back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImplicitRequest {
    /// The authorization URL with `response_type=token`.
    pub url: Url,
    /// The `state` the redirect must carry.
    pub state: String,
    /// The `nonce` sent (OIDC; bound into an id token when one comes back);
    /// empty when a plain OAuth2 scope sent none.
    pub nonce: String,
    /// The redirect URI sent.
    pub redirect_uri: String,
}

/// Builds the authorization URL; `state` and `nonce` are fresh random values.
pub fn authorization_url(
    endpoints: &Endpoints,
    client: &OauthClient,
    state: String,
    nonce: String,
) -> ImplicitRequest {
    let redirect_uri = client
        .redirect_uri
        .clone()
        .unwrap_or_else(|| DEFAULT_REDIRECT.to_owned());
    let openid = super::code_flow::sends_nonce(client.scope.as_deref());
    let nonce = if openid { nonce } else { String::new() };
    let mut url = endpoints.authorization.clone();
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("response_type", "token")
            .append_pair("client_id", &client.client_id)
            .append_pair("redirect_uri", &redirect_uri);
        if let Some(scope) = client.scope.as_deref().filter(|s| !s.trim().is_empty()) {
            query.append_pair("scope", scope);
        }
        query.append_pair("state", &state);
        if openid {
            query.append_pair("nonce", &nonce);
        }
    }
    ImplicitRequest {
        url,
        state,
        nonce,
        redirect_uri,
    }
}

/// Why a pasted redirect was refused. Never carries a token.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ImplicitError {
    /// Neither a URL with parameters nor a parameter string.
    #[error(
        "the pasted text is not the redirect address (expected …/callback#access_token=…&state=…)"
    )]
    NotARedirect,
    /// No `state` in the redirect.
    #[error("the redirect carries no `state`, so it cannot be matched to this login; start again")]
    MissingState,
    /// A `state` other than ours.
    #[error(
        "the redirect's `state` is not this login's: it answers another (or a forged) request; start again"
    )]
    StateMismatch,
    /// The redirect names another issuer (a mix-up, RFC 9207).
    #[error(
        "the redirect comes from another issuer (`iss` does not match): a mix-up or an attack; start again"
    )]
    IssuerMismatch,
    /// No `iss` although the server promises one (RFC 9207 §2.4).
    #[error(
        "the redirect carries no `iss` although the issuer promises one (RFC 9207): it may come from another server; start again"
    )]
    MissingIssuer,
    /// The server answered with `error=`.
    #[error("the authorization server refused: {error}{}", description.as_ref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Refused {
        /// The `error` code, cleaned.
        error: String,
        /// `error_description`, cleaned.
        description: Option<String>,
    },
    /// The id token's `nonce` is not the one sent: a replayed or injected
    /// response.
    #[error(
        "the id token's nonce does not match this login (a replayed or injected response); nothing was stored"
    )]
    NonceMismatch,
    /// The id token could not be read.
    #[error("the redirect's id token is not a readable JWT: {0}")]
    IdToken(String),
    /// The tokens in it fail the token-response checks.
    #[error("the redirect's tokens cannot be used: {why}")]
    Malformed {
        /// Which field and why.
        why: String,
    },
}

impl ImplicitError {
    /// The OAuth `error` code when the server sent one.
    pub fn oauth_code(&self) -> Option<&str> {
        match self {
            ImplicitError::Refused { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// Reads a pasted redirect address (or just its `#…` part) and returns the
/// tokens, after checking `state` against `expected_state` and, when the
/// server names itself (`iss`, RFC 9207), the issuer against `issuer`;
/// `iss_required` (the server promises `iss`) refuses a redirect without.
/// An id token in it must carry `expected_nonce`.
pub fn parse_redirect(
    pasted: &str,
    expected_state: &str,
    expected_nonce: &str,
    issuer: &str,
    iss_required: bool,
) -> Result<TokenResponse, ImplicitError> {
    let pasted = pasted.trim();
    let params_text = match Url::parse(pasted) {
        Ok(url) => match url.fragment().filter(|f| !f.is_empty()) {
            Some(fragment) => Zeroizing::new(fragment.to_owned()),
            None => Zeroizing::new(url.query().unwrap_or_default().to_owned()),
        },
        Err(_) => {
            let tail = pasted.rsplit_once('#').map_or(pasted, |(_, f)| f);
            Zeroizing::new(tail.trim_start_matches('?').to_owned())
        }
    };
    let mut params = Map::new();
    for (key, value) in url::form_urlencoded::parse(params_text.as_bytes()) {
        // RFC 6749 §3.1: no parameter more than once, so an appended copy
        // cannot smuggle in another state or token.
        if params.contains_key(key.as_ref()) {
            return Err(ImplicitError::Malformed {
                why: format!(
                    "`{}` appears more than once",
                    strip_controls(&key).chars().take(40).collect::<String>()
                ),
            });
        }
        params.insert(key.into_owned(), Value::String(value.into_owned()));
    }
    if params.is_empty() {
        return Err(ImplicitError::NotARedirect);
    }
    let text = |key: &str| {
        params
            .get(key)
            .and_then(Value::as_str)
            .map(|s| strip_controls(s).chars().take(300).collect::<String>())
    };
    let state = params.get("state").and_then(Value::as_str);
    if state.is_some_and(|s| s != expected_state) {
        return Err(ImplicitError::StateMismatch);
    }
    match params.get("iss").and_then(Value::as_str) {
        Some(iss) if iss != issuer => return Err(ImplicitError::IssuerMismatch),
        None if iss_required => return Err(ImplicitError::MissingIssuer),
        _ => {}
    }
    if let Some(error) = text("error") {
        return Err(ImplicitError::Refused {
            error,
            description: text("error_description"),
        });
    }
    if state.is_none() {
        return Err(ImplicitError::MissingState);
    }
    if !params.contains_key("access_token") {
        return Err(ImplicitError::NotARedirect);
    }
    // Lifetimes arrive as text in a URL; the token-response checks want numbers.
    for key in ["expires_in", "refresh_expires_in"] {
        if let Some(Value::String(raw)) = params.get(key) {
            let number = raw.parse::<u64>().map_err(|_| ImplicitError::Malformed {
                why: format!("`{key}` is not a whole number of seconds"),
            })?;
            params.insert(key.to_owned(), Value::from(number));
        }
    }
    params.remove("state");
    params.remove("iss");
    let response = TokenResponse::from_json(Value::Object(params))
        .map_err(|why| ImplicitError::Malformed { why })?;
    if let Some(id_token) = &response.id_token
        && !expected_nonce.is_empty()
    {
        check_nonce(id_token, &Secret::new(expected_nonce.to_owned())).map_err(|e| match e {
            LoginError::NonceMismatch => ImplicitError::NonceMismatch,
            LoginError::IdToken(why) => ImplicitError::IdToken(why),
            other => ImplicitError::IdToken(other.to_string()),
        })?;
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::AuthMethod;

    const ISS: &str = "https://id.example.com/realms/r";

    fn client() -> OauthClient {
        OauthClient {
            issuer: "https://id.example.com/realms/r".into(),
            client_id: "my app".into(),
            auth_method: AuthMethod::None,
            client_secret: None,
            scope: Some("account:read".into()),
            redirect_uri: None,
        }
    }

    #[test]
    fn the_authorization_url_asks_for_a_token_with_state_and_nonce() {
        let endpoints = Endpoints::keycloak("https://id.example.com/realms/r").unwrap();
        let mut openid = client();
        openid.scope = Some("openid account:read".into());
        let req = authorization_url(&endpoints, &openid, "st".into(), "no".into());
        assert_eq!(
            req.url.as_str(),
            "https://id.example.com/realms/r/protocol/openid-connect/auth?response_type=token\
             &client_id=my+app&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcallback\
             &scope=openid+account%3Aread&state=st&nonce=no"
        );
        assert_eq!(req.redirect_uri, DEFAULT_REDIRECT);
        assert_eq!(req.nonce, "no");
    }

    #[test]
    fn a_plain_oauth2_scope_sends_no_nonce_and_checks_none() {
        let endpoints = Endpoints::keycloak("https://id.example.com/realms/r").unwrap();
        let req = authorization_url(&endpoints, &client(), "st".into(), "no".into());
        assert!(
            req.url.as_str().ends_with("&scope=account%3Aread&state=st"),
            "{}",
            req.url
        );
        assert_eq!(req.nonce, "");
        let id = crate::sandbox_keys::sign(
            jsonwebtoken::Algorithm::RS256,
            &serde_json::json!({"sub": "u"}),
        );
        let pasted = format!("#access_token=abc&state=st&id_token={id}");
        assert!(parse_redirect(&pasted, "st", &req.nonce, ISS, false).is_ok());
    }

    #[test]
    fn pasted_redirects_are_read_and_checked() {
        let ok = "http://127.0.0.1/callback#access_token=abc&token_type=Bearer&expires_in=300&scope=account%3Aread&state=st";
        let r = parse_redirect(ok, "st", "no", ISS, false).unwrap();
        assert_eq!(r.access_token.expose(), "abc");
        assert_eq!(r.expires_in, Some(300));
        assert_eq!(r.scope.as_deref(), Some("account:read"));
        let with_iss = format!(
            "#access_token=abc&state=st&iss={}",
            "https%3A%2F%2Fid.example.com%2Frealms%2Fr"
        );
        assert!(parse_redirect(&with_iss, "st", "no", ISS, true).is_ok());
        assert_eq!(
            parse_redirect("#access_token=abc&state=st", "st", "no", ISS, true).unwrap_err(),
            ImplicitError::MissingIssuer
        );
        // Just the fragment, or the query of a misbehaving server.
        assert!(parse_redirect("#access_token=abc&state=st", "st", "no", ISS, false).is_ok());
        assert!(
            parse_redirect(
                "http://x/cb?access_token=abc&state=st",
                "st",
                "no",
                ISS,
                false
            )
            .is_ok()
        );

        let cases: &[(&str, ImplicitError)] = &[
            ("", ImplicitError::NotARedirect),
            ("http://127.0.0.1/callback", ImplicitError::NotARedirect),
            (
                "#access_token=abc&state=other",
                ImplicitError::StateMismatch,
            ),
            (
                "#access_token=abc&state=st&state=other",
                ImplicitError::Malformed {
                    why: "`state` appears more than once".into(),
                },
            ),
            ("#access_token=abc", ImplicitError::MissingState),
            (
                "#access_token=abc&state=st&iss=https%3A%2F%2Fevil.example.com",
                ImplicitError::IssuerMismatch,
            ),
            (
                "#error=access_denied&error_description=User%20said%20no%1b&state=st",
                ImplicitError::Refused {
                    error: "access_denied".into(),
                    description: Some("User said no".into()),
                },
            ),
            (
                "#error=access_denied&state=evil",
                ImplicitError::StateMismatch,
            ),
            ("#state=st&token_type=Bearer", ImplicitError::NotARedirect),
            (
                "#access_token=abc&state=st&expires_in=soon",
                ImplicitError::Malformed {
                    why: "`expires_in` is not a whole number of seconds".into(),
                },
            ),
            (
                "#access_token=abc&state=st&token_type=mac",
                ImplicitError::Malformed {
                    why: "`token_type` is `mac`; only Bearer tokens can be sent (RFC 6750)".into(),
                },
            ),
        ];
        crate::testing::cases::check_all(cases, |(pasted, want)| {
            assert_eq!(
                &parse_redirect(pasted, "st", "no", ISS, false).unwrap_err(),
                want,
                "{pasted}"
            );
        });
    }

    #[test]
    fn an_id_token_in_the_redirect_must_carry_the_nonce_sent() {
        use crate::sandbox_keys as keys;
        use jsonwebtoken::Algorithm;
        let paste = |nonce: serde_json::Value| {
            let id = keys::sign(Algorithm::RS256, &serde_json::json!({"nonce": nonce}));
            format!("#access_token=abc&state=st&id_token={id}")
        };
        let ours = parse_redirect(&paste("no".into()), "st", "no", ISS, false).unwrap();
        assert!(ours.id_token.is_some());
        let cases = [
            (paste("foreign".into()), ImplicitError::NonceMismatch),
            (paste(serde_json::Value::Null), ImplicitError::NonceMismatch),
        ];
        crate::testing::cases::check_all(cases, |(pasted, want)| {
            assert_eq!(
                parse_redirect(&pasted, "st", "no", ISS, false).unwrap_err(),
                want
            );
        });
        assert!(matches!(
            parse_redirect(
                "#access_token=abc&state=st&id_token=opaque",
                "st",
                "no",
                ISS,
                false
            ),
            Err(ImplicitError::IdToken(_))
        ));
    }
}
