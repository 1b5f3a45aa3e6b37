//! Compact JWTs built from JSON for tests and benches, with a signature
//! nobody checks: they decode like a provider's tokens and never verify.
//! For tokens that verify against the sandbox realm's JWKS use
//! [`crate::sandbox_keys::sign`].

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

/// The dummy signature segment: base64url of `sig`.
pub const DUMMY_SIGNATURE: &str = "c2ln";

/// base64url without padding of `bytes`: one segment of a compact JWT,
/// also for tests that need a broken one.
pub fn segment(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `header.claims.signature`: the JSON parts encoded, `signature` as given.
pub fn compact(header: &Value, claims: &Value, signature: &str) -> String {
    format!(
        "{}.{}.{signature}",
        segment(header.to_string()),
        segment(claims.to_string())
    )
}

/// A token of `claims` under the header `{"alg":"RS256"}` with the dummy
/// signature.
pub fn unsigned(claims: &Value) -> String {
    compact(
        &serde_json::json!({"alg": "RS256"}),
        claims,
        DUMMY_SIGNATURE,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_unsigned_token_decodes_to_its_claims() {
        let token = unsigned(&json!({"exp": 1, "sub": "u"}));
        assert!(token.ends_with(".c2ln"));
        // Read back by hand: this leaf must not import the decoder it feeds.
        let parts: Vec<Vec<u8>> = token
            .split('.')
            .map(|p| URL_SAFE_NO_PAD.decode(p).unwrap())
            .collect();
        let json = |b: &[u8]| serde_json::from_slice::<Value>(b).unwrap();
        assert_eq!(json(&parts[0]), json!({"alg": "RS256"}));
        assert_eq!(json(&parts[1])["sub"], "u");
        assert_eq!(parts[2], b"sig");
    }
}
