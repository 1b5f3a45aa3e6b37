//! The sandbox realm's signing keys and their public JWKS.
//!
//! A leaf of its own, not a part of [`crate::sandbox`]: the sandbox server
//! builds on the JWT and OAuth modules, whose unit tests sign with these
//! keys, so keeping them inside it would make the imports go both ways.
//!
//! The keys live in `assets/sandbox/` and are compiled in: they are public on
//! purpose (nothing outside 127.0.0.1 should trust them), and embedding them
//! means the sandbox needs no files at run time. One RSA key signs both RS256
//! and PS256 (under two kids, as the JWKS lists it twice); a P-256 key signs
//! ES256. The PEMs are parsed once, on first use.

use std::sync::OnceLock;

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::Value;

/// Key id of the RSA key used with RS256 (the realm's default).
pub const KID_RS256: &str = "sandbox-rs256";
/// Key id of the same RSA key used with PS256.
pub const KID_PS256: &str = "sandbox-ps256";
/// Key id of the P-256 key (ES256).
pub const KID_ES256: &str = "sandbox-es256";

const RSA_PEM: &str = include_str!("../assets/sandbox/realm-rsa.pem");
const EC_PEM: &str = include_str!("../assets/sandbox/realm-ec.pem");
const JWKS: &str = include_str!("../assets/sandbox/jwks.json");

struct Keys {
    rsa: EncodingKey,
    ec: EncodingKey,
}

// The embedded assets are fixed; the unit tests prove they parse.
fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| Keys {
        rsa: EncodingKey::from_rsa_pem(RSA_PEM.as_bytes()).expect("embedded RSA key parses"),
        ec: EncodingKey::from_ec_pem(EC_PEM.as_bytes()).expect("embedded EC key parses"),
    })
}

/// The key id the sandbox uses for `alg`, if it signs with it at all.
pub fn kid_for(alg: Algorithm) -> Option<&'static str> {
    match alg {
        Algorithm::RS256 => Some(KID_RS256),
        Algorithm::PS256 => Some(KID_PS256),
        Algorithm::ES256 => Some(KID_ES256),
        _ => None,
    }
}

/// Signs `claims` with the sandbox key for `alg` (RS256, PS256 or ES256),
/// naming that key's kid in the header.
///
/// # Panics
/// For any other algorithm: a programming error in a test or the sandbox.
pub fn sign(alg: Algorithm, claims: &Value) -> String {
    let kid = kid_for(alg).unwrap_or_else(|| panic!("the sandbox has no {alg:?} key"));
    sign_with_kid(alg, kid, claims)
}

/// Signs like [`sign`] but names `kid` in the header, whatever it is (for
/// tests of unknown or mismatched key ids).
///
/// # Panics
/// For an algorithm other than RS256, PS256 or ES256.
pub fn sign_with_kid(alg: Algorithm, kid: &str, claims: &Value) -> String {
    let key = match alg {
        Algorithm::RS256 | Algorithm::PS256 => &keys().rsa,
        Algorithm::ES256 => &keys().ec,
        other => panic!("the sandbox has no {other:?} key"),
    };
    let mut header = Header::new(alg);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, key)
        .unwrap_or_else(|e| panic!("signing with the embedded {alg:?} key failed: {e}"))
}

/// The public JWKS, as served at `…/protocol/openid-connect/certs`.
pub fn jwks() -> Value {
    static PARSED: OnceLock<Value> = OnceLock::new();
    PARSED
        .get_or_init(|| serde_json::from_str(JWKS).unwrap_or(Value::Null))
        .clone()
}

/// The claims of a token signed by a sandbox key: the header's `kid` must
/// name a key of the JWKS and its `alg` must be that key's. Only the
/// signature is checked (not `exp`, `aud` or anything else); `None` for
/// anything that does not verify.
pub fn verify(token: &str) -> Option<Value> {
    static SET: OnceLock<Option<JwkSet>> = OnceLock::new();
    let set = SET
        .get_or_init(|| serde_json::from_value(jwks()).ok())
        .as_ref()?;
    let header = jsonwebtoken::decode_header(token).ok()?;
    let jwk = set.find(header.kid.as_deref()?)?;
    // One RSA key serves two algs under two kids: the kid pins the alg.
    if kid_for(header.alg) != jwk.common.key_id.as_deref() {
        return None;
    }
    let key = DecodingKey::from_jwk(jwk).ok()?;
    let mut validation = Validation::new(header.alg);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    jsonwebtoken::decode::<Value>(token, &key, &validation)
        .ok()
        .map(|d| d.claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tokens_signed_for_each_alg_verify_against_the_served_jwks() {
        let set: JwkSet = serde_json::from_value(jwks()).unwrap();
        let claims = json!({"sub": "someone", "exp": 4_000_000_000_u64});
        let cases = [
            (Algorithm::RS256, KID_RS256),
            (Algorithm::PS256, KID_PS256),
            (Algorithm::ES256, KID_ES256),
        ];
        crate::testing::cases::check_all(cases, |(alg, kid)| {
            let token = sign(alg, &claims);
            let header = jsonwebtoken::decode_header(&token).unwrap();
            assert_eq!(header.kid.as_deref(), Some(kid));
            assert_eq!(header.typ.as_deref(), Some("JWT"));
            let key = DecodingKey::from_jwk(set.find(kid).unwrap()).unwrap();
            let data = jsonwebtoken::decode::<Value>(&token, &key, &Validation::new(alg)).unwrap();
            assert_eq!(data.claims["sub"], "someone", "{alg:?}");
        });
    }

    #[test]
    fn a_token_does_not_verify_under_another_algs_key() {
        let set: JwkSet = serde_json::from_value(jwks()).unwrap();
        let token = sign(Algorithm::RS256, &json!({"exp": 4_000_000_000_u64}));
        let ec = DecodingKey::from_jwk(set.find(KID_ES256).unwrap()).unwrap();
        assert!(
            jsonwebtoken::decode::<Value>(&token, &ec, &Validation::new(Algorithm::ES256)).is_err()
        );
    }

    #[test]
    fn verify_accepts_each_sandbox_alg_and_refuses_wrong_kids_and_tampering() {
        let claims = json!({"sub": "x"});
        for alg in [Algorithm::RS256, Algorithm::PS256, Algorithm::ES256] {
            assert_eq!(verify(&sign(alg, &claims)), Some(claims.clone()), "{alg:?}");
        }
        let cases = [
            (
                "unknown kid",
                sign_with_kid(Algorithm::RS256, "nope", &claims),
            ),
            (
                "kid of another alg",
                sign_with_kid(Algorithm::RS256, KID_PS256, &claims),
            ),
            ("tampered", {
                let token = sign(Algorithm::RS256, &claims);
                let (head, _) = token.rsplit_once('.').unwrap();
                format!("{head}.AAAA")
            }),
            ("garbage", "not.a.jwt".to_owned()),
        ];
        crate::testing::cases::check_all(cases, |(what, token)| {
            assert_eq!(verify(&token), None, "{what}");
        });
    }

    #[test]
    fn sign_with_kid_names_the_given_kid() {
        let token = sign_with_kid(Algorithm::RS256, "unknown-kid", &json!({}));
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.kid.as_deref(), Some("unknown-kid"));
    }
}
