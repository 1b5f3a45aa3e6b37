//! The authorization code grant with PKCE (RFC 6749 §4.1, RFC 7636), the
//! way a native app does it (RFC 8252): a browser, a loopback listener.
//!
//! [`prepare`] binds the listener and builds the authorization URL, so the
//! caller can show and open it; [`PendingLogin::finish`] waits for the
//! callback and exchanges the code. Splitting it lets the caller race the
//! wait against Ctrl-C: dropping the future closes the listener. The result
//! is the checked [`TokenResponse`]; the caller turns it into a session with
//! its own `now`, since the wait may take minutes.
//!
//! The scope is the client's, or `openid` when it has none: that makes the
//! server an OpenID provider for this login, which returns an id token whose
//! `nonce` proves the tokens answer this very request. A plain OAuth2 scope
//! (no `openid`) sends no nonce and checks none. A state mismatch is
//! not an error here: the listener ignores such requests and keeps waiting.
//!
//! Nor is anything another local program could forge: the authorization
//! URL, state included, is on the browser's command line for every user of
//! the machine to read. So a redirect with the right state but an `error`,
//! a wrong `iss`, or a code the token endpoint refuses (`invalid_grant`)
//! becomes a [`LoginWarning`] and the login keeps waiting until its
//! timeout; the state is used up only by a code that was exchanged.

use std::time::Duration;

use url::Url;

use super::callback::{Exchanged, Expect, Listener};
use super::login_error::{LoginError, LoginWarning};
use super::pkce::{Pkce, random_token};
use super::{Endpoints, OauthError, Timeouts, TokenResponse, token};
use crate::credential::{OauthClient, Secret};
use crate::jwt;

/// The scope asked for when the client has none.
pub const DEFAULT_SCOPE: &str = "openid";

/// Whether a request with this client scope is an OpenID Connect one and so
/// carries a `nonce`: the default scope is `openid`, a plain OAuth2 scope
/// (`balance:read`) is not, and strict providers refuse a nonce without it.
pub fn sends_nonce(scope: Option<&str>) -> bool {
    scope.is_none_or(|s| s.split_whitespace().any(|word| word == "openid"))
}

/// How long a login waits for the browser by default.
pub const DEFAULT_LOGIN_TIMEOUT: Duration = Duration::from_secs(300);

/// Choices for one login.
#[derive(Clone, Copy, Debug)]
pub struct LoginOptions {
    /// How long to wait for the browser.
    pub timeout: Duration,
    /// A fixed port when no redirect URI is configured.
    pub port: Option<u16>,
}

impl Default for LoginOptions {
    fn default() -> Self {
        Self {
            timeout: DEFAULT_LOGIN_TIMEOUT,
            port: None,
        }
    }
}

/// A login waiting for the browser.
#[derive(Debug)]
pub struct PendingLogin {
    url: Url,
    listener: Listener,
    state: Secret,
    nonce: Secret,
    pkce: Pkce,
    endpoints: Endpoints,
    client: OauthClient,
    http: reqwest::Client,
    timeouts: Timeouts,
    timeout: Duration,
}

/// Binds the listener and builds the authorization URL.
pub async fn prepare(
    http: reqwest::Client,
    timeouts: Timeouts,
    endpoints: Endpoints,
    client: OauthClient,
    options: LoginOptions,
) -> Result<PendingLogin, LoginError> {
    let listener = Listener::bind(client.redirect_uri.as_deref(), options.port).await?;
    let state = random_token()?;
    let nonce = random_token()?;
    let pkce = Pkce::generate()?;
    let url = authorization_url(
        &endpoints.authorization,
        &client,
        listener.redirect_uri(),
        &state,
        &nonce,
        &pkce.challenge,
    );
    Ok(PendingLogin {
        url,
        listener,
        state,
        nonce,
        pkce,
        endpoints,
        client,
        http,
        timeouts,
        timeout: options.timeout,
    })
}

/// The authorization request URL (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC
/// Core §3.1.2.1). Query parameters already on the endpoint are kept.
pub fn authorization_url(
    endpoint: &Url,
    client: &OauthClient,
    redirect_uri: &str,
    state: &Secret,
    nonce: &Secret,
    challenge: &str,
) -> Url {
    let mut url = endpoint.clone();
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &client.client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("scope", client.scope.as_deref().unwrap_or(DEFAULT_SCOPE))
        .append_pair("state", state.expose());
    if sends_nonce(client.scope.as_deref()) {
        url.query_pairs_mut().append_pair("nonce", nonce.expose());
    }
    url.query_pairs_mut()
        .append_pair("code_challenge", challenge)
        .append_pair("code_challenge_method", "S256");
    url
}

impl PendingLogin {
    /// The URL to open in the browser.
    pub fn authorization_url(&self) -> &Url {
        &self.url
    }

    /// The redirect URI the listener serves.
    pub fn redirect_uri(&self) -> &str {
        self.listener.redirect_uri()
    }

    /// Waits for the callback, exchanges the code, checks the id token's
    /// nonce. A redirect that ends nothing goes to `on_warning` and the
    /// wait goes on. Dropping the future cancels the login and closes the
    /// port.
    pub async fn finish(
        self,
        on_warning: &mut (dyn FnMut(&LoginWarning) + Send),
    ) -> Result<TokenResponse, LoginError> {
        let redirect_uri = Secret::new(self.listener.redirect_uri().to_owned());
        // An `iss` that is sent is always compared with the configured
        // issuer (RFC 9207 §2.4), whether or not the endpoints were
        // discovered; only a discovery document can promise it is sent.
        let expect = Expect {
            state: self.state,
            iss_required: self.endpoints.discovered && self.endpoints.iss_in_responses,
            exact_issuer: self.endpoints.discovered,
            issuer: Some(self.endpoints.issuer.clone()),
        };
        let exchange = Exchange {
            http: &self.http,
            timeouts: self.timeouts,
            endpoints: &self.endpoints,
            client: &self.client,
            redirect_uri: &redirect_uri,
            verifier: &self.pkce.verifier,
            nonce: &self.nonce,
        };
        self.listener
            .wait(expect, self.timeout, |code| exchange.code(code), on_warning)
            .await
    }
}

/// What a code exchange needs besides the code.
#[derive(Clone, Copy)]
struct Exchange<'a> {
    http: &'a reqwest::Client,
    timeouts: Timeouts,
    endpoints: &'a Endpoints,
    client: &'a OauthClient,
    redirect_uri: &'a Secret,
    verifier: &'a Secret,
    nonce: &'a Secret,
}

impl Exchange<'_> {
    /// Exchanges one code; `invalid_grant` refuses this code only.
    async fn code(self, code: Secret) -> Exchanged<TokenResponse> {
        let form = vec![
            ("grant_type", Secret::new("authorization_code".into())),
            ("code", code),
            ("redirect_uri", self.redirect_uri.clone()),
            ("code_verifier", self.verifier.clone()),
        ];
        let response = match token::request(
            self.http,
            self.timeouts,
            &self.endpoints.token,
            self.client,
            form,
        )
        .await
        {
            Ok(response) => response,
            Err(OauthError::Refused {
                error, description, ..
            }) if error == "invalid_grant" => {
                return Exchanged::Refused(LoginWarning::CodeRefused { error, description });
            }
            Err(e) => return Exchanged::Failed(e.into()),
        };
        if let Some(id_token) = &response.id_token
            && sends_nonce(self.client.scope.as_deref())
            && let Err(e) = check_nonce(id_token, self.nonce)
        {
            return Exchanged::Failed(e);
        }
        Exchanged::Done(response)
    }
}

/// Checks that an id token carries this login's nonce (OIDC Core §3.1.3.7:
/// a nonce was sent, so it must come back, unchanged). The signature is
/// not checked here.
pub fn check_nonce(id_token: &Secret, nonce: &Secret) -> Result<(), LoginError> {
    let decoded = jwt::decode(id_token.expose()).map_err(|e| LoginError::IdToken(e.to_string()))?;
    match decoded.claim_str("nonce") {
        Some(found) if found == nonce.expose() => Ok(()),
        _ => Err(LoginError::NonceMismatch),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::AuthMethod;

    fn client(scope: Option<&str>) -> OauthClient {
        OauthClient {
            issuer: "https://id.example/auth/realms/r".into(),
            client_id: "my app".into(),
            auth_method: AuthMethod::None,
            client_secret: None,
            scope: scope.map(Into::into),
            redirect_uri: None,
        }
    }

    fn jwt_with(claims: serde_json::Value) -> Secret {
        Secret::new(crate::testing::jwt::unsigned(&claims))
    }

    #[test]
    fn the_authorization_url_carries_every_parameter_once() {
        let endpoint = Url::parse("https://id.example/auth?kc_idp_hint=x").unwrap();
        let state = Secret::new("st".into());
        let nonce = Secret::new("no".into());
        let cases = [
            (None, "openid"),
            (Some("openid account:read"), "openid account:read"),
        ];
        crate::testing::cases::check_all(cases, |(scope, want)| {
            let url = authorization_url(
                &endpoint,
                &client(scope),
                "http://127.0.0.1:9/callback",
                &state,
                &nonce,
                "ch",
            );
            let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
            let get = |k: &str| -> Vec<&str> {
                pairs
                    .iter()
                    .filter(|(n, _)| n == k)
                    .map(|(_, v)| v.as_str())
                    .collect()
            };
            assert_eq!(get("kc_idp_hint"), ["x"]);
            assert_eq!(get("response_type"), ["code"]);
            assert_eq!(get("client_id"), ["my app"]);
            assert_eq!(get("redirect_uri"), ["http://127.0.0.1:9/callback"]);
            assert_eq!(get("scope"), [want]);
            assert_eq!(get("state"), ["st"]);
            assert_eq!(get("nonce"), ["no"]);
            assert_eq!(get("code_challenge"), ["ch"]);
            assert_eq!(get("code_challenge_method"), ["S256"]);
        });
    }

    #[test]
    fn only_an_openid_request_carries_a_nonce() {
        let endpoint = Url::parse("https://id.example/auth").unwrap();
        let secret = Secret::new("no".into());
        for (scope, nonce) in [
            (None, true),
            (Some("openid balance:read"), true),
            (Some("balance:read openid"), true),
            (Some("balance:read"), false),
            (Some("openid:read history:read"), false),
        ] {
            let url = authorization_url(
                &endpoint,
                &client(scope),
                "http://127.0.0.1:9/cb",
                &secret,
                &secret,
                "ch",
            );
            let sent = url.query_pairs().any(|(k, _)| k == "nonce");
            assert_eq!(sent, nonce, "{scope:?}: {url}");
            assert_eq!(sends_nonce(scope), nonce, "{scope:?}");
        }
    }

    #[test]
    fn the_nonce_must_come_back_unchanged() {
        let nonce = Secret::new("n-123".into());
        let cases = [
            (serde_json::json!({"nonce": "n-123"}), true),
            (serde_json::json!({"nonce": "n-124"}), false),
            (serde_json::json!({"sub": "x"}), false),
            (serde_json::json!({"nonce": 5}), false),
        ];
        crate::testing::cases::check_all(cases, |(claims, ok)| {
            let result = check_nonce(&jwt_with(claims.clone()), &nonce);
            assert_eq!(result.is_ok(), ok, "{claims}");
        });
        assert!(matches!(
            check_nonce(&Secret::new("opaque".into()), &nonce),
            Err(LoginError::IdToken(_))
        ));
    }
}
