//! Which published key checks a token: by `kid` and algorithm, with the
//! narrow fallbacks real issuers need, and never a guess among several.

use jsonwebtoken::Algorithm;
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk};
use serde_json::Value;

use super::KeySet;

/// The keys of a set that can verify signatures: public keys of a known type
/// (not symmetric, not `use: enc`) that parse.
pub(super) fn usable(set: &KeySet) -> impl Iterator<Item = Jwk> + '_ {
    set.keys
        .iter()
        .filter(|k| k.get("use").and_then(Value::as_str) != Some("enc"))
        .filter_map(|k| serde_json::from_value::<Jwk>(k.clone()).ok())
        .filter(|j| {
            matches!(
                j.algorithm,
                AlgorithmParameters::RSA(_)
                    | AlgorithmParameters::EllipticCurve(_)
                    | AlgorithmParameters::OctetKeyPair(_)
            )
        })
}

/// The key for a token. With a `kid`: the key of that kid that fits the
/// algorithm (one kid may be published once per algorithm), else the first
/// of that kid, so the mismatch is reported; when no key has that kid, the
/// only fitting key provided it has no kid (servers that publish one key
/// often omit it). Without a kid: the only usable key that fits the
/// algorithm, if there is exactly one (guessing among several would make
/// "verified" depend on key order).
pub(super) fn select(set: &KeySet, kid: Option<&str>, alg: Algorithm) -> Option<Jwk> {
    let only_fit = || {
        let mut fitting = usable(set).filter(|j| fits(j, alg));
        let only = fitting.next()?;
        fitting.next().is_none().then_some(only)
    };
    let Some(kid) = kid else {
        return only_fit();
    };
    let mut named: Vec<Jwk> = usable(set)
        .filter(|j| j.common.key_id.as_deref() == Some(kid))
        .collect();
    if named.is_empty() {
        return only_fit().filter(|j| j.common.key_id.is_none());
    }
    let best = named.iter().position(|j| fits(j, alg)).unwrap_or(0);
    Some(named.swap_remove(best))
}

/// Whether a key can check `alg`: the right key type, and the same `alg`
/// when the key names one (one RSA key may be published once per algorithm).
fn fits(jwk: &Jwk, alg: Algorithm) -> bool {
    use jsonwebtoken::AlgorithmFamily as F;
    let family = matches!(
        (&jwk.algorithm, alg.family()),
        (AlgorithmParameters::RSA(_), F::Rsa)
            | (AlgorithmParameters::EllipticCurve(_), F::Ec)
            | (AlgorithmParameters::OctetKeyPair(_), F::Ed)
    );
    family
        && jwk
            .common
            .key_algorithm
            .is_none_or(|k| k.to_string() == format!("{alg:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox_keys::{self as keys, KID_ES256, KID_PS256, KID_RS256};
    use serde_json::json;

    fn sandbox_set(keys: Vec<Value>) -> KeySet {
        KeySet {
            issuer: "https://i".into(),
            jwks_uri: "https://i/certs".into(),
            fetched_at: 0,
            keys,
        }
    }

    fn kid_of(jwk: Option<Jwk>) -> Option<String> {
        jwk?.common.key_id
    }

    #[test]
    fn keys_are_picked_by_kid_or_by_being_the_only_fit() {
        let all = keys::jwks()["keys"].as_array().unwrap().clone();
        let set = sandbox_set(all.clone());
        let cases = [
            (Some(KID_PS256), Algorithm::PS256, Some(KID_PS256)),
            (Some("gone"), Algorithm::RS256, None),
            (None, Algorithm::RS256, Some(KID_RS256)),
            (None, Algorithm::PS256, Some(KID_PS256)),
            (None, Algorithm::ES256, Some(KID_ES256)),
            (None, Algorithm::ES384, None),
        ];
        crate::testing::cases::check_all(cases, |(kid, alg, want)| {
            let got = kid_of(select(&set, kid, alg));
            assert_eq!(got.as_deref(), want, "{kid:?} {alg:?}");
        });
        // Two RSA keys without `alg`: a token without kid is ambiguous.
        let bare: Vec<Value> = all
            .iter()
            .filter(|k| k["kty"] == "RSA")
            .map(|k| {
                let mut k = k.clone();
                k.as_object_mut().unwrap().remove("alg");
                k
            })
            .collect();
        assert_eq!(
            kid_of(select(&sandbox_set(bare), None, Algorithm::RS256)),
            None
        );
        // Encryption keys and unparsable entries are never used.
        let mut enc = all[0].clone();
        enc["use"] = json!("enc");
        let odd = sandbox_set(vec![enc, json!({"kty": "RSA", "kid": "x"})]);
        assert_eq!(usable(&odd).count(), 0);
    }

    #[test]
    fn a_kid_the_set_lacks_falls_back_only_to_a_single_key_without_kid() {
        let all = keys::jwks()["keys"].as_array().unwrap().clone();
        let without_kid = |kty: &str| -> Vec<Value> {
            all.iter()
                .filter(|k| k["kty"] == kty)
                .map(|k| {
                    let mut k = k.clone();
                    k.as_object_mut().unwrap().remove("kid");
                    k
                })
                .collect()
        };
        let es_only = sandbox_set(without_kid("EC"));
        let mut es_and_named_rsa = without_kid("EC");
        es_and_named_rsa.extend(all.iter().filter(|k| k["kty"] == "RSA").cloned());
        let es_and_named_rsa = sandbox_set(es_and_named_rsa);
        let two_rsa_without_kid = sandbox_set(without_kid("RSA"));
        let cases = [
            (&es_only, Algorithm::ES256, true),
            (&es_only, Algorithm::RS256, false),
            (&es_and_named_rsa, Algorithm::ES256, true),
            // Keys that have kids are never taken for another kid.
            (&es_and_named_rsa, Algorithm::RS256, false),
            // RS256 and PS256 keys, both kid-less: RS256 fits only one.
            (&two_rsa_without_kid, Algorithm::RS256, true),
        ];
        crate::testing::cases::check_all(
            cases.into_iter().enumerate(),
            |(i, (set, alg, found))| {
                let got = select(set, Some("rotated-away"), alg);
                assert_eq!(got.is_some(), found, "case {i}: {alg:?}");
                if let Some(jwk) = got {
                    assert!(jwk.common.key_id.is_none() && fits(&jwk, alg), "case {i}");
                }
            },
        );
    }

    #[test]
    fn keys_sharing_a_kid_are_told_apart_by_algorithm() {
        let all = keys::jwks()["keys"].as_array().unwrap().clone();
        let shared: Vec<Value> = all
            .iter()
            .filter(|k| k["kty"] == "RSA")
            .map(|k| {
                let mut k = k.clone();
                k["kid"] = json!("shared");
                k
            })
            .collect();
        assert_eq!(shared.len(), 2);
        for order in [shared.clone(), shared.iter().rev().cloned().collect()] {
            let set = sandbox_set(order);
            for alg in [Algorithm::RS256, Algorithm::PS256] {
                let jwk = select(&set, Some("shared"), alg).unwrap();
                assert_eq!(
                    jwk.common.key_algorithm.map(|a| a.to_string()),
                    Some(format!("{alg:?}"))
                );
            }
            // No key of the kid fits: the first is returned, so the
            // verdict names the mismatch rather than a missing key.
            assert!(select(&set, Some("shared"), Algorithm::PS384).is_some());
        }
    }
}
