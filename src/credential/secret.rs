//! The redacting [`Secret`] and its sealed form in an encrypted store.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroizing;

/// A secret value: prints as `[REDACTED]` and is zeroed when dropped.
///
/// Read from an encrypted store without its key (`list`), a secret is
/// *sealed*: it holds the ciphertext and, for a JWT, its public `exp` and
/// `iat`, and [`Secret::expose`] gives a stand-in that carries only those
/// times (so lifetimes show without the key). A sealed secret is opened or
/// written back as it is; it is never sent anywhere.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    value: Zeroizing<String>,
    sealed: Option<Box<Sealed>>,
}

/// A secret as the encrypted store keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sealed {
    /// Base64url of nonce, ciphertext and tag.
    pub sealed: String,
    /// The JWT's `exp`, kept readable so lifetimes need no key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    /// The JWT's `iat`, for the clock-skew rule of [`crate::expiry`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// Whether the secret is a JWT (one without `exp` never expires).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub jwt: bool,
}

impl Secret {
    /// Wraps a value; the caller gives up its plain copy.
    pub fn new(value: String) -> Self {
        Self {
            value: Zeroizing::new(value),
            sealed: None,
        }
    }

    /// A secret still sealed: its stand-in value is an unsigned token
    /// holding only the public times (or `sealed` when it has none).
    pub fn from_sealed(sealed: Sealed) -> Self {
        let value = if sealed.jwt {
            use base64::Engine;
            let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
            let mut claims = serde_json::Map::new();
            for (name, time) in [("exp", sealed.exp), ("iat", sealed.iat)] {
                if let Some(time) = time {
                    claims.insert(name.into(), time.into());
                }
            }
            format!(
                "{}.{}.",
                b64.encode(br#"{"alg":"none","typ":"sealed"}"#),
                b64.encode(serde_json::Value::Object(claims).to_string())
            )
        } else {
            "sealed".to_owned()
        };
        Self {
            value: Zeroizing::new(value),
            sealed: Some(Box::new(sealed)),
        }
    }

    /// The plain value, for the few places that must send or print it.
    pub fn expose(&self) -> &str {
        &self.value
    }

    /// The sealed form, while the secret is not opened.
    pub fn sealed(&self) -> Option<&Sealed> {
        self.sealed.as_deref()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.sealed {
            Some(sealed) => sealed.serialize(serializer),
            None => serializer.serialize_str(self.expose()),
        }
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Secret;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a sealed value")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Secret, E> {
                Ok(Secret::new(v.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Secret, E> {
                Ok(Secret::new(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Secret, A::Error> {
                Sealed::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(Secret::from_sealed)
            }
        }
        deserializer.deserialize_any(Visit)
    }
}
