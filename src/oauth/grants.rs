//! The direct grants: one POST to the token endpoint, no browser.
//!
//! - Resource owner password credentials (RFC 6749 §4.3): the user's name
//!   and password go to the token endpoint. RFC 9700 (the OAuth 2.0
//!   Security BCP, §2.4) says it MUST NOT be used; it is here for legacy
//!   servers and test realms, and callers warn (see [`PASSWORD_WARNING`]).
//! - Client credentials (RFC 6749 §4.4): the client acts for itself; the
//!   answer carries no refresh token (§4.4.3), so a new token is a new grant.
//!
//! Both ask for the client's configured scope, authenticate the client the
//! way it is registered, and read the answer strictly ([`token::request`]).

use super::token::{self, TokenResponse};
use super::{Endpoints, OauthError, Timeouts};
use crate::credential::{OauthClient, Secret};

/// What to tell the user before the password grant (a face adds which
/// grant to prefer, in its own words).
pub const PASSWORD_WARNING: &str = "the password grant hands your password to this program; RFC 9700 (OAuth 2.0 Security BCP, §2.4) says it must not be used";

/// What to tell the user before the implicit grant (a face adds which
/// grant to prefer).
pub const IMPLICIT_WARNING: &str = "the implicit grant returns the token in the browser's URL; RFC 9700 (OAuth 2.0 Security BCP, §2.1.2) deprecates it";

/// Adds `scope` to a form when the client has one.
pub(crate) fn push_scope(client: &OauthClient, form: &mut Vec<(&'static str, Secret)>) {
    if let Some(scope) = client.scope.as_deref().filter(|s| !s.trim().is_empty()) {
        form.push(("scope", Secret::new(scope.to_owned())));
    }
}

/// The resource owner password credentials grant (RFC 6749 §4.3).
pub async fn password(
    http: &reqwest::Client,
    timeouts: Timeouts,
    endpoints: &Endpoints,
    client: &OauthClient,
    username: &str,
    password: &Secret,
) -> Result<TokenResponse, OauthError> {
    let mut form = vec![
        ("grant_type", Secret::new("password".into())),
        ("username", Secret::new(username.to_owned())),
        ("password", password.clone()),
    ];
    push_scope(client, &mut form);
    token::request(http, timeouts, &endpoints.token, client, form).await
}

/// The client credentials grant (RFC 6749 §4.4).
pub async fn client_credentials(
    http: &reqwest::Client,
    timeouts: Timeouts,
    endpoints: &Endpoints,
    client: &OauthClient,
) -> Result<TokenResponse, OauthError> {
    let mut form = vec![("grant_type", Secret::new("client_credentials".into()))];
    push_scope(client, &mut form);
    token::request(http, timeouts, &endpoints.token, client, form).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::AuthMethod;

    #[test]
    fn scope_is_sent_only_when_configured() {
        let mut client = OauthClient {
            issuer: "https://id.example.com".into(),
            client_id: "c".into(),
            auth_method: AuthMethod::None,
            client_secret: None,
            scope: Some("  ".into()),
            redirect_uri: None,
        };
        let mut form = Vec::new();
        push_scope(&client, &mut form);
        assert!(form.is_empty());
        client.scope = Some("account:read openid".into());
        push_scope(&client, &mut form);
        assert_eq!(form[0].1.expose(), "account:read openid");
    }
}
