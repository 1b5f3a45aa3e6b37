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

use jsonwebtoken::jwk::{AlgorithmParameters, Jwk};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::Value;
use thiserror::Error;

use super::claims::clean_line;
use super::{DecodeError, Jwt, decode};
use crate::credential::{CredentialError, normalize_issuer};
use crate::expiry;

mod cache;
mod fetch;

pub use cache::{DiskCache, JWKS_TTL, JwksCache, KeyCache};
pub use fetch::{BODY_LIMIT, FetchError, Fetcher, HttpOptions, KeySet, Unreachable};

/// What the caller expects of the token.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expect {
    /// The issuer; `None` takes the token's own `iss`.
    pub issuer: Option<String>,
    /// An audience the token's `aud` must contain; `None` skips the check.
    pub audience: Option<String>,
}

/// The result of a verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The signature is the issuer's and the claims match what was expected.
    Verified {
        /// The algorithm.
        alg: String,
        /// The key id, when the token named one.
        kid: Option<String>,
        /// The issuer whose key signed it.
        issuer: String,
        /// The `exp` claim, for "verified; expired 2 y ago".
        exp: Option<i64>,
    },
    /// The signature does not match the issuer's key.
    SignatureInvalid {
        /// The key id used.
        kid: Option<String>,
    },
    /// No key of the issuer fits the token.
    KeyNotFound {
        /// The token's key id.
        kid: Option<String>,
        /// The key ids the issuer publishes.
        available: Vec<String>,
    },
    /// A key was found but cannot check this token (wrong type or algorithm).
    KeyMismatch {
        /// The key id.
        kid: Option<String>,
        /// What does not fit.
        why: String,
    },
    /// The token's `iss` is not the expected issuer.
    IssuerMismatch {
        /// The issuer asked for.
        expected: String,
        /// The token's `iss` (cleaned), if any.
        found: Option<String>,
    },
    /// The issuer's discovery document names another issuer.
    DiscoveryIssuerMismatch {
        /// The issuer asked for.
        expected: String,
        /// The `issuer` the document names (cleaned), if any.
        found: Option<String>,
    },
    /// `aud` does not contain the audience asked for.
    AudienceMismatch {
        /// The audience asked for.
        wanted: String,
        /// The token's audiences (cleaned).
        found: Vec<String>,
    },
    /// The issuer's keys could not be fetched.
    JwksUnreachable {
        /// The URL that failed.
        url: String,
        /// Why.
        why: Unreachable,
    },
    /// The algorithm cannot be verified with published keys.
    Unsupported {
        /// The token's `alg` (cleaned).
        alg: String,
        /// Why not.
        why: &'static str,
    },
}

impl Verdict {
    /// Whether the token verified.
    pub fn is_verified(&self) -> bool {
        matches!(self, Verdict::Verified { .. })
    }

    /// A snake_case name for `--json`: `verified`, `signature_invalid`…
    pub fn code(&self) -> &'static str {
        match self {
            Verdict::Verified { .. } => "verified",
            Verdict::SignatureInvalid { .. } => "signature_invalid",
            Verdict::KeyNotFound { .. } => "key_not_found",
            Verdict::KeyMismatch { .. } => "key_mismatch",
            Verdict::IssuerMismatch { .. } => "issuer_mismatch",
            Verdict::DiscoveryIssuerMismatch { .. } => "discovery_issuer_mismatch",
            Verdict::AudienceMismatch { .. } => "audience_mismatch",
            Verdict::JwksUnreachable { .. } => "jwks_unreachable",
            Verdict::Unsupported { .. } => "unsupported_alg",
        }
    }

    /// One line for a person, e.g. "verified (RS256, key k1); expired 2 y ago".
    pub fn describe(&self, now: i64) -> String {
        let kid = |k: &Option<String>| k.as_deref().map_or("(no kid)".to_owned(), clean_line);
        match self {
            Verdict::Verified {
                alg,
                kid: k,
                issuer,
                exp,
            } => {
                let when = match exp {
                    Some(exp) if *exp <= now => format!("; {}", expiry::relative(*exp, now, true)),
                    Some(exp) => format!("; expires {}", expiry::relative(*exp, now, true)),
                    None => "; no exp".to_owned(),
                };
                format!(
                    "verified ({alg}, key {} of {}){when}",
                    kid(k),
                    clean_line(issuer)
                )
            }
            Verdict::SignatureInvalid { kid: k } => format!(
                "signature invalid: key {} does not match (token altered or not from this issuer)",
                kid(k)
            ),
            Verdict::KeyNotFound { kid: k, available } => format!(
                "key {} not found in the issuer's key set (it has: {})",
                kid(k),
                if available.is_empty() {
                    "no usable keys".to_owned()
                } else {
                    available.join(", ")
                }
            ),
            Verdict::KeyMismatch { kid: k, why } => {
                format!("key {} cannot check this token: {why}", kid(k))
            }
            Verdict::IssuerMismatch { expected, found } => format!(
                "issuer mismatch: the token's iss is {}, expected {expected}",
                found
                    .as_deref()
                    .map_or("missing".to_owned(), |f| format!("`{f}`"))
            ),
            Verdict::DiscoveryIssuerMismatch { expected, found } => format!(
                "the discovery document of {expected} names another issuer ({}): refusing its keys",
                found
                    .as_deref()
                    .map_or("none".to_owned(), |f| format!("`{f}`"))
            ),
            Verdict::AudienceMismatch { wanted, found } => format!(
                "audience mismatch: aud is [{}], expected `{}`",
                found.join(", "),
                clean_line(wanted)
            ),
            Verdict::JwksUnreachable { url, why } => {
                format!(
                    "cannot fetch the issuer's keys from {url}: {}",
                    why.describe()
                )
            }
            Verdict::Unsupported { alg, why } => format!("cannot verify alg `{alg}`: {why}"),
        }
    }
}

/// Input that cannot be verified at all.
#[derive(Debug, Error)]
pub enum VerifyError {
    /// The token does not decode.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// No `--issuer` and no `iss` claim.
    #[error("the token has no iss claim; give the issuer with --issuer URL")]
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
    let jwt = decode(token)?;
    let alg = match algorithm(&jwt) {
        Ok(alg) => alg,
        Err(verdict) => return Ok(verdict),
    };
    let claimed = jwt.claim_str("iss");
    let issuer = match (&expect.issuer, claimed) {
        (Some(issuer), _) => normalize_issuer(issuer)?,
        (None, Some(iss)) => normalize_issuer(iss)?,
        (None, None) => return Err(VerifyError::NoIssuer),
    };
    if claimed != Some(issuer.as_str()) {
        return Ok(Verdict::IssuerMismatch {
            found: jwt.claims.get("iss").map(claims_text),
            expected: issuer,
        });
    }
    let kid = jwt.header_str("kid").map(str::to_owned);
    let cached = cache.get(&issuer, now);
    let from_cache = cached.is_some();
    let mut set = match cached {
        Some(set) => set,
        None => match fetch_and_keep(fetcher, cache, &issuer, now).await {
            Ok(set) => set,
            Err(verdict) => return Ok(verdict),
        },
    };
    let mut found = select(&set, kid.as_deref(), alg);
    if found.is_none() && from_cache {
        tracing::debug!(issuer, "kid not in cached JWKS; refetching once");
        set = match fetch_and_keep(fetcher, cache, &issuer, now).await {
            Ok(set) => set,
            Err(verdict) => return Ok(verdict),
        };
        found = select(&set, kid.as_deref(), alg);
    }
    let Some(jwk) = found else {
        return Ok(Verdict::KeyNotFound {
            kid: kid.as_deref().map(clean_line),
            available: usable(&set).filter_map(|j| j.common.key_id).collect(),
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
        kid: kid.as_deref().map(clean_line),
        issuer,
        exp: jwt.time_claim("exp"),
    })
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
        Err(FetchError::DiscoveryMismatch { found }) => Err(Verdict::DiscoveryIssuerMismatch {
            expected: issuer.to_owned(),
            found,
        }),
        Err(FetchError::Unreachable { url, why }) => Err(Verdict::JwksUnreachable {
            url: clean_line(&url),
            why,
        }),
    }
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

/// The keys of a set that can verify signatures (parsed, not `use: enc`).
fn usable(set: &KeySet) -> impl Iterator<Item = Jwk> + '_ {
    set.keys
        .iter()
        .filter(|k| k.get("use").and_then(Value::as_str) != Some("enc"))
        .filter_map(|k| serde_json::from_value::<Jwk>(k.clone()).ok())
        .filter(|j| !matches!(j.algorithm, AlgorithmParameters::OctetKey(_)))
}

/// The key with the token's `kid`; without a kid, the only usable key of the
/// right family, if there is exactly one.
fn select(set: &KeySet, kid: Option<&str>, alg: Algorithm) -> Option<Jwk> {
    match kid {
        Some(kid) => usable(set).find(|j| j.common.key_id.as_deref() == Some(kid)),
        None => {
            let mut fitting = usable(set).filter(|j| fits(j, alg));
            let only = fitting.next()?;
            fitting.next().is_none().then_some(only)
        }
    }
}

fn fits(jwk: &Jwk, alg: Algorithm) -> bool {
    matches!(
        (&jwk.algorithm, alg.family()),
        (
            AlgorithmParameters::RSA(_),
            jsonwebtoken::AlgorithmFamily::Rsa
        ) | (
            AlgorithmParameters::EllipticCurve(_),
            jsonwebtoken::AlgorithmFamily::Ec
        ) | (
            AlgorithmParameters::OctetKeyPair(_),
            jsonwebtoken::AlgorithmFamily::Ed
        )
    )
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
