//! PKCE (RFC 7636) and the other one-time values of a browser login.
//!
//! Every value is 32 bytes from the operating system's generator, written
//! as base64url without padding (43 characters): the verifier is the
//! longest-lived secret of a login and gets the full 256 bits; `state` and
//! `nonce` get the same, well above the 128 bits RFC 6749 §10.10 asks for.
//! Only the S256 challenge method is offered: `plain` would send the
//! verifier itself through the browser.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::credential::Secret;

/// Bytes of randomness in every generated value.
pub const RANDOM_BYTES: usize = 32;

/// The operating system's random generator failed.
#[derive(Debug, thiserror::Error)]
#[error("the system random generator failed: {0}")]
pub struct RandomError(String);

/// A PKCE pair: the verifier stays here, the challenge goes in the URL.
#[derive(Clone, Debug)]
pub struct Pkce {
    /// `code_verifier`, sent only to the token endpoint.
    pub verifier: Secret,
    /// `code_challenge` = base64url(SHA-256(verifier)).
    pub challenge: String,
}

impl Pkce {
    /// A fresh verifier and its S256 challenge.
    pub fn generate() -> Result<Self, RandomError> {
        let verifier = random_token()?;
        let challenge = challenge_s256(verifier.expose());
        Ok(Self {
            verifier,
            challenge,
        })
    }
}

/// 32 random bytes as base64url without padding (43 characters).
pub fn random_token() -> Result<Secret, RandomError> {
    let mut bytes = Zeroizing::new([0u8; RANDOM_BYTES]);
    getrandom::fill(bytes.as_mut()).map_err(|e| RandomError(e.to_string()))?;
    Ok(Secret::new(URL_SAFE_NO_PAD.encode(bytes.as_ref())))
}

/// The S256 code challenge of a verifier (RFC 7636 §4.2).
pub fn challenge_s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_matches_rfc_7636_appendix_b() {
        // The appendix's 32 octets encode to its verifier.
        let octets = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212,
            37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121u8,
        ];
        let verifier = URL_SAFE_NO_PAD.encode(octets);
        assert_eq!(verifier, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(
            challenge_s256(&verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifiers_are_43_unreserved_characters_and_differ() {
        let a = Pkce::generate().unwrap();
        let b = Pkce::generate().unwrap();
        for p in [&a, &b] {
            let v = p.verifier.expose();
            assert_eq!(v.len(), 43);
            // RFC 7636 §4.1: [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"
            assert!(
                v.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || b"-._~".contains(&c))
            );
            assert_eq!(p.challenge, challenge_s256(v));
        }
        assert_ne!(a.verifier, b.verifier);
        assert_ne!(random_token().unwrap(), random_token().unwrap());
    }
}
