//! Token revocation (RFC 7009): end a session at the server before it is
//! forgotten here.
//!
//! The refresh token is revoked when there is one (Keycloak then ends the
//! whole session, access tokens included); else the access token. The
//! client authenticates as at the token endpoint. A server that publishes
//! no revocation endpoint is not an error: there is nothing to call, and the
//! caller says so. RFC 7009 §2.2: any 2xx means done, its body is ignored.

use super::token::send_form;
use super::{Endpoints, OauthError, Timeouts};
use crate::credential::{OauthClient, Secret, Session};

/// What a revocation did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Revoked {
    /// The refresh token was revoked.
    RefreshToken,
    /// The access token was revoked (there was no refresh token).
    AccessToken,
    /// The server publishes no revocation endpoint: nothing was sent.
    NoEndpoint,
}

impl Revoked {
    /// Words for a message: "revoked the refresh token".
    pub fn describe(self) -> &'static str {
        match self {
            Revoked::RefreshToken => "revoked the refresh token at the server",
            Revoked::AccessToken => "revoked the access token at the server",
            Revoked::NoEndpoint => "the server publishes no revocation endpoint; nothing revoked",
        }
    }
}

/// Revokes the session's refresh token (else its access token).
pub async fn revoke(
    http: &reqwest::Client,
    timeouts: Timeouts,
    endpoints: &Endpoints,
    client: &OauthClient,
    session: &Session,
) -> Result<Revoked, OauthError> {
    let Some(endpoint) = &endpoints.revocation else {
        return Ok(Revoked::NoEndpoint);
    };
    let (token, hint, revoked) = match &session.refresh_token {
        Some(refresh) => (refresh, "refresh_token", Revoked::RefreshToken),
        None => (&session.access_token, "access_token", Revoked::AccessToken),
    };
    let mut form = vec![
        ("token", token.clone()),
        ("token_type_hint", Secret::new(hint.into())),
    ];
    let what = format!("revocation at {endpoint}");
    let answer = send_form(http, timeouts, endpoint, client, &mut form, &what).await?;
    if (200..300).contains(&answer.status) {
        Ok(revoked)
    } else {
        Err(answer.into_error(&what))
    }
}
