//! Who a request's Authorization header names and which scopes that
//! grants: the sample PATs and Basic login by their fixed values, a realm
//! access token by its claims. Anything else is refused with a 401 and the
//! challenge of the scheme it tried.

use std::collections::BTreeSet;

use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::super::realm::{self, Realm};
use super::super::{
    NOSCOPE_TOKEN, NOSCOPE_TOKEN_ID, SAMPLE_PASSWORD, SAMPLE_PAT_SCOPES, SAMPLE_TOKEN,
    SAMPLE_TOKEN_ID, SAMPLE_USERNAME,
};
use super::Refusal;
use crate::sipgate::ALL_SCOPE;
use crate::sipgate::grants::in_claims;

/// The scopes the caller grants, or the 401 to answer.
pub(super) fn scopes(realm: &Realm, headers: &HeaderMap) -> Result<BTreeSet<String>, Refusal> {
    if let Some(token) = realm::bearer_token(headers) {
        let bearer = realm::verify(realm, token).map_err(|realm::InvalidToken(why)| {
            Refusal::unauthorized(format!(
                "Bearer realm=\"sipgate sandbox\", error=\"invalid_token\", error_description=\"{why}\""
            ))
        })?;
        return Ok(bearer
            .claims()
            .as_object()
            .map(in_claims)
            .unwrap_or_default());
    }
    let owned = |scopes: &[&str]| scopes.iter().map(|s| (*s).to_owned()).collect();
    match basic_pair(headers) {
        Some((SAMPLE_TOKEN_ID, SAMPLE_TOKEN)) => Ok(owned(SAMPLE_PAT_SCOPES)),
        Some((NOSCOPE_TOKEN_ID, NOSCOPE_TOKEN)) => Ok(BTreeSet::new()),
        Some((SAMPLE_USERNAME, SAMPLE_PASSWORD)) => Ok(owned(&[ALL_SCOPE])),
        _ => Err(Refusal::unauthorized(
            "Basic realm=\"sipgate sandbox\"".to_owned(),
        )),
    }
}

/// The sample pair (user, password) a Basic header carries, if it is one.
fn basic_pair(headers: &HeaderMap) -> Option<(&'static str, &'static str)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, b64) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(b64.trim()).ok()?).ok()?;
    // Returning the 'static sample, not the decoded text, keeps the borrow local.
    [
        (SAMPLE_TOKEN_ID, SAMPLE_TOKEN),
        (NOSCOPE_TOKEN_ID, NOSCOPE_TOKEN),
        (SAMPLE_USERNAME, SAMPLE_PASSWORD),
    ]
    .into_iter()
    .find(|&(user, password)| decoded.split_once(':') == Some((user, password)))
}
