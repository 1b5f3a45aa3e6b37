//! Verifying a JWT's signature against the keys its issuer publishes (JWKS).
//!
//! The answer is a [`Verdict`], not an error: a bad signature, an unknown key
//! or an unreachable issuer are things to report, and the CLI and the TUI word
//! them the same way through [`Verdict::describe`]. Errors are left for input
//! that cannot be checked at all (no issuer, an issuer URL that is not https).
//!
//! What is checked, in order: the algorithm (asymmetric only: `none` is
//! unsigned and HS* needs a shared secret no issuer publishes), the issuer
//! (`--issuer` against the token's `iss`), the key (by `kid`, refetching once
//! on a miss in case the issuer rotated its keys), the signature, and the
//! audience only when one is asked for (Keycloak access tokens say
//! `aud: account`, which is rarely what a caller means). Expiry is reported,
//! not enforced: a developer verifying an old token wants to know both facts.
//! Nothing here reads the clock; `now` is passed in.

use std::str::FromStr;

use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::Value;
use thiserror::Error;

use super::claims::clean_line;
use super::{DecodeError, Jwt, decode};
use crate::credential::{CredentialError, normalize_issuer};

mod cache;
mod choose;
mod fetch;
mod verdict;

pub use cache::{DiskCache, JWKS_TTL, JwksCache, KeyCache};
use choose::{select, usable};
pub use fetch::{BODY_LIMIT, FetchError, Fetcher, HttpOptions, KeySet, Unreachable};
pub use verdict::Verdict;

/// What the caller expects of the token.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expect {
    /// The issuer; `None` takes the token's own `iss`.
    pub issuer: Option<String>,
    /// An audience the token's `aud` must contain; `None` skips the check.
    pub audience: Option<String>,
}

/// Input that cannot be verified at all.
#[derive(Debug, Error)]
pub enum VerifyError {
    /// The token does not decode.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// No issuer given and no `iss` claim.
    #[error("the token has no iss claim and no issuer was given")]
    NoIssuer,
    /// The issuer URL is refused (not https, user info…).
    #[error(transparent)]
    BadIssuer(#[from] CredentialError),
}

/// Verifies `token` at `now`, fetching the issuer's keys through `fetcher`
/// unless `cache` has them.
pub async fn verify(
    token: &str,
    expect: &Expect,
    fetcher: &Fetcher,
    cache: &mut dyn KeyCache,
    now: i64,
) -> Result<Verdict, VerifyError> {
    let claim = match Claim::read(token, expect)? {
        Ok(claim) => claim,
        Err(verdict) => return Ok(verdict),
    };
    let issuer = claim.issuer.as_str();
    let cached = cache.get(issuer, now);
    let from_cache = cached.is_some();
    let mut set = match cached {
        Some(set) => set,
        None => match fetch_and_keep(fetcher, cache, issuer, now).await {
            Ok(set) => set,
            Err(verdict) => return Ok(verdict),
        },
    };
    let mut found = claim.key_in(&set);
    if found.is_none() && from_cache {
        tracing::debug!(issuer, "kid not in cached JWKS; refetching once");
        set = match fetch_and_keep(fetcher, cache, issuer, now).await {
            Ok(set) => set,
            Err(verdict) => return Ok(verdict),
        };
        found = claim.key_in(&set);
    }
    claim.judge(token, found, &set, expect)
}

/// [`verify`] against a key set already in hand, without any fetch: what
/// the fuzz targets drive with hostile key sets.
pub(crate) fn verify_with(
    token: &str,
    expect: &Expect,
    set: &KeySet,
) -> Result<Verdict, VerifyError> {
    match Claim::read(token, expect)? {
        Ok(claim) => {
            let found = claim.key_in(set);
            claim.judge(token, found, set, expect)
        }
        Err(verdict) => Ok(verdict),
    }
}

/// What a token claims before any key is looked at: it decodes, names an
/// algorithm a published key can check, and comes from the expected issuer.
struct Claim {
    jwt: Jwt,
    alg: Algorithm,
    issuer: String,
    kid: Option<String>,
}

impl Claim {
    /// The token's claim, or the verdict that ends the check before any key
    /// is needed (an unsupported algorithm, another issuer).
    fn read(token: &str, expect: &Expect) -> Result<Result<Self, Verdict>, VerifyError> {
        let jwt = decode(token)?;
        let alg = match algorithm(&jwt) {
            Ok(alg) => alg,
            Err(verdict) => return Ok(Err(verdict)),
        };
        let claimed = jwt.claim_str("iss");
        let issuer = match (&expect.issuer, claimed) {
            (Some(issuer), _) => normalize_issuer(issuer)?,
            (None, Some(iss)) => normalize_issuer(iss)?,
            (None, None) => return Err(VerifyError::NoIssuer),
        };
        if claimed != Some(issuer.as_str()) {
            return Ok(Err(Verdict::IssuerMismatch {
                found: jwt.claims.get("iss").map(claims_text),
                expected: issuer,
            }));
        }
        let kid = jwt.header_str("kid").map(str::to_owned);
        Ok(Ok(Self {
            jwt,
            alg,
            issuer,
            kid,
        }))
    }

    /// The key of `set` that checks this token, if one does.
    fn key_in(&self, set: &KeySet) -> Option<Jwk> {
        select(set, self.kid.as_deref(), self.alg)
    }

    /// The verdict with `found`, the key chosen from `set` (if any).
    fn judge(
        self,
        token: &str,
        found: Option<Jwk>,
        set: &KeySet,
        expect: &Expect,
    ) -> Result<Verdict, VerifyError> {
        let Self {
            jwt,
            alg,
            issuer,
            kid,
        } = self;
        let Some(jwk) = found else {
            return Ok(Verdict::KeyNotFound {
                kid: kid.as_deref().map(clean_line),
                available: usable(set).filter_map(|j| j.common.key_id).collect(),
            });
        };
        let mismatch = |why: String| Verdict::KeyMismatch {
            kid: kid.as_deref().map(clean_line),
            why,
        };
        if let Some(key_alg) = jwk.common.key_algorithm
            && key_alg.to_string() != format!("{alg:?}")
        {
            return Ok(mismatch(format!(
                "the key is for {key_alg}, the token says {alg:?}"
            )));
        }
        let key = match DecodingKey::from_jwk(&jwk) {
            Ok(key) => key,
            Err(e) => return Ok(mismatch(e.to_string())),
        };
        let token = token.trim();
        let Some((message, signature)) = token.rsplit_once('.') else {
            return Err(DecodeError::Segments { found: 1 }.into());
        };
        match jsonwebtoken::crypto::verify(
            signature.trim_end_matches('='),
            message.as_bytes(),
            &key,
            alg,
        ) {
            Ok(true) => {}
            Ok(false) => {
                return Ok(Verdict::SignatureInvalid {
                    kid: kid.as_deref().map(clean_line),
                });
            }
            Err(e) => return Ok(mismatch(e.to_string())),
        }
        if let Some(wanted) = &expect.audience {
            let found = audiences(&jwt);
            if !found.iter().any(|a| a == wanted) {
                return Ok(Verdict::AudienceMismatch {
                    wanted: wanted.clone(),
                    found: found.iter().map(|a| clean_line(a)).collect(),
                });
            }
        }
        Ok(Verdict::Verified {
            alg: format!("{alg:?}"),
            kid: jwk
                .common
                .key_id
                .as_deref()
                .or(kid.as_deref())
                .map(clean_line),
            issuer,
            exp: jwt.time_claim("exp"),
        })
    }
}

async fn fetch_and_keep(
    fetcher: &Fetcher,
    cache: &mut dyn KeyCache,
    issuer: &str,
    now: i64,
) -> Result<KeySet, Verdict> {
    match fetcher.fetch(issuer, now).await {
        Ok(set) => {
            if let Err(e) = cache.put(&set) {
                tracing::debug!(issuer, error = %e, "cannot keep the JWKS");
            }
            Ok(set)
        }
        Err(e) => Err(fetch_verdict(e, issuer)),
    }
}

/// The verdict a failed key fetch for `issuer` amounts to.
fn fetch_verdict(e: FetchError, issuer: &str) -> Verdict {
    match e {
        FetchError::DiscoveryMismatch { found } => Verdict::DiscoveryIssuerMismatch {
            expected: issuer.to_owned(),
            found,
        },
        FetchError::Unreachable { url, why } => Verdict::JwksUnreachable {
            url: clean_line(&url),
            why,
        },
    }
}

/// The `jwks_uri` a discovery document `body` of `issuer` names (Keycloak's
/// certs path when the body is no JSON object), or the verdict its failure
/// would be: the offline half of a fetch, which the fuzz targets drive.
pub(crate) fn jwks_uri_from_body(issuer: &str, body: &[u8]) -> Result<String, Verdict> {
    let discovery = crate::issuer_url::discovery_url(issuer);
    match fetch::Got::from_body(body) {
        fetch::Got::Json(doc) => fetch::jwks_uri_in(&doc, issuer, &discovery),
        fetch::Got::NotJson => Ok(fetch::keycloak_certs(issuer.trim_end_matches('/'))),
    }
    .map_err(|e| fetch_verdict(e, issuer))
}

/// The key set a JWKS `body` fetched from `jwks_uri` at `now` holds, or the
/// verdict its failure would be (the other offline half of a fetch).
pub(crate) fn key_set_from_body(
    issuer: &str,
    jwks_uri: &str,
    body: &[u8],
    now: i64,
) -> Result<KeySet, Verdict> {
    match fetch::Got::from_body(body) {
        fetch::Got::Json(doc) => fetch::key_set(&doc, issuer, jwks_uri, now),
        fetch::Got::NotJson => Err(Unreachable::NotJwks),
    }
    .map_err(|why| {
        fetch_verdict(
            FetchError::Unreachable {
                url: jwks_uri.to_owned(),
                why,
            },
            issuer,
        )
    })
}

/// The token's algorithm, when it is one a published key can check.
fn algorithm(jwt: &Jwt) -> Result<Algorithm, Verdict> {
    let unsupported = |alg: &str, why| Verdict::Unsupported {
        alg: clean_line(alg),
        why,
    };
    let Some(name) = jwt.header_str("alg") else {
        return Err(unsupported("(missing)", "the header names no algorithm"));
    };
    match Algorithm::from_str(name) {
        _ if name.eq_ignore_ascii_case("none") => Err(unsupported(
            name,
            "the token is unsigned, so there is nothing to verify; never accept it",
        )),
        Ok(Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512) => Err(unsupported(
            name,
            "HMAC needs the shared secret, which an issuer never publishes; only the issuer can check it",
        )),
        Ok(alg) => Ok(alg),
        Err(_) => Err(unsupported(
            name,
            "not an algorithm sipauth-tui verifies (RS*, PS*, ES256, ES384, EdDSA)",
        )),
    }
}

/// `aud` as a list: a string is one audience, an array many.
fn audiences(jwt: &Jwt) -> Vec<String> {
    match jwt.claims.get("aud") {
        Some(Value::String(a)) => vec![a.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// A claim value as clean text: strings bare, anything else compact JSON.
fn claims_text(value: &Value) -> String {
    match value {
        Value::String(s) => clean_line(s),
        other => clean_line(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unsigned_and_shared_secret_algorithms_are_refused_up_front() {
        let cases = [
            (json!({"alg": "none"}), Some("unsigned")),
            (json!({"alg": "NONE"}), Some("unsigned")),
            (json!({"alg": "HS256"}), Some("shared secret")),
            (json!({"alg": "HS512"}), Some("shared secret")),
            (json!({"alg": "RSA-OAEP"}), Some("not an algorithm")),
            (json!({"typ": "JWT"}), Some("names no algorithm")),
            (json!({"alg": "ES256"}), None),
            (json!({"alg": "EdDSA"}), None),
        ];
        crate::testing::cases::check_all(cases, |(header, refused)| {
            let jwt = Jwt {
                header: header.as_object().unwrap().clone(),
                claims: Default::default(),
                signature: Vec::new(),
            };
            match (algorithm(&jwt), refused) {
                (Ok(_), None) => {}
                (Err(Verdict::Unsupported { why, .. }), Some(want)) => {
                    assert!(why.contains(want), "{header}: {why}")
                }
                (other, _) => panic!("{header}: {other:?}"),
            }
        });
    }
}
