//! What a verification found, and how to say it in one line (the CLI and the
//! TUI use the same words).

use super::fetch::Unreachable;
use crate::jwt::claims::clean_line;
use crate::time_text;

/// The result of a verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The signature is the issuer's and the claims match what was expected.
    Verified {
        /// The algorithm.
        alg: String,
        /// The id of the key that verified it (the token may name none).
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
    ///
    /// Every part may come from the token or a server, so the whole line is
    /// cleaned of control characters once at the end.
    pub fn describe(&self, now: i64) -> String {
        clean_line(&self.words(now))
    }

    fn words(&self, now: i64) -> String {
        let kid = |k: &Option<String>| k.as_deref().unwrap_or("(no kid)").to_owned();
        match self {
            Verdict::Verified {
                alg,
                kid: k,
                issuer,
                exp,
            } => {
                let when = match exp {
                    Some(exp) if *exp <= now => {
                        format!("; {}", time_text::relative(*exp, now, true))
                    }
                    Some(exp) => format!("; expires {}", time_text::relative(*exp, now, true)),
                    None => "; no exp".to_owned(),
                };
                format!("verified ({alg}, key {} of {}){when}", kid(k), issuer)
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
                wanted
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::NetFailure;

    #[test]
    fn each_verdict_reads_as_one_clean_line() {
        let kid = Some("k1".to_owned());
        let cases = [
            (
                Verdict::Verified {
                    alg: "RS256".into(),
                    kid: kid.clone(),
                    issuer: "https://i".into(),
                    exp: Some(1_000 - 2 * 366 * 86_400),
                },
                "verified (RS256, key k1 of https://i); expired 2 y ago",
            ),
            (
                Verdict::Verified {
                    alg: "ES256".into(),
                    kid: None,
                    issuer: "https://i".into(),
                    exp: Some(1_252),
                },
                "verified (ES256, key (no kid) of https://i); expires in 4 m 12 s",
            ),
            (
                Verdict::KeyNotFound {
                    kid: kid.clone(),
                    available: vec!["a".into(), "b".into()],
                },
                "key k1 not found in the issuer's key set (it has: a, b)",
            ),
            (
                Verdict::IssuerMismatch {
                    expected: "https://i\u{202e}x".into(),
                    found: None,
                },
                "issuer mismatch: the token's iss is missing, expected https://ix",
            ),
            (
                Verdict::JwksUnreachable {
                    url: "http://127.0.0.1:9/certs".into(),
                    why: Unreachable::Net(NetFailure::Refused {
                        target: "127.0.0.1:9".into(),
                    }),
                },
                "cannot fetch the issuer's keys from http://127.0.0.1:9/certs: connection refused by 127.0.0.1:9",
            ),
            (
                Verdict::AudienceMismatch {
                    wanted: "api".into(),
                    found: vec!["account".into()],
                },
                "audience mismatch: aud is [account], expected `api`",
            ),
        ];
        crate::testing::cases::check_all(cases, |(verdict, want)| {
            assert_eq!(verdict.describe(1_000), want, "{verdict:?}");
            assert_eq!(verdict.is_verified(), want.starts_with("verified"));
        });
    }
}
