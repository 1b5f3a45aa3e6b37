//! Sealing one secret: AES-256-GCM under the store's data key, a fresh
//! random nonce per seal, and associated data naming the credential and the
//! field, so a ciphertext moved to another entry or field does not open.

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// Bytes in a data key.
pub const KEY_LEN: usize = 32;

/// Tag bytes GCM appends.
const TAG_LEN: usize = 16;

/// What every associated data starts with: the format it belongs to.
const AAD_PREFIX: &[u8] = b"sipauth-tui store v3\0";

/// The store's 256-bit data key, zeroed when dropped.
#[derive(Clone)]
pub struct DataKey(Zeroizing<[u8; KEY_LEN]>);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DataKey({})", self.id())
    }
}

impl DataKey {
    /// A new random key.
    pub fn generate() -> Result<Self, SealError> {
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        getrandom::fill(bytes.as_mut()).map_err(|_| SealError::Random)?;
        Ok(Self(bytes))
    }

    /// A key from its 32 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let array: [u8; KEY_LEN] = bytes.try_into().ok()?;
        Some(Self(Zeroizing::new(array)))
    }

    /// A key written as 64 hex digits or as Base64 (standard or URL-safe,
    /// padded or not) of 32 bytes, surrounding whitespace ignored.
    pub fn parse_text(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.len() == 2 * KEY_LEN && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            let bytes: Zeroizing<Vec<u8>> = Zeroizing::new(
                (0..KEY_LEN)
                    .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).unwrap_or(0))
                    .collect(),
            );
            return Self::from_bytes(&bytes);
        }
        let engines = [
            base64::engine::general_purpose::STANDARD,
            base64::engine::general_purpose::STANDARD_NO_PAD,
            base64::engine::general_purpose::URL_SAFE,
            URL_SAFE_NO_PAD,
        ];
        engines.iter().find_map(|engine| {
            let bytes = Zeroizing::new(engine.decode(text).ok()?);
            Self::from_bytes(&bytes)
        })
    }

    /// The raw bytes, for the keyring that keeps them.
    pub fn bytes(&self) -> &[u8] {
        self.0.as_ref()
    }

    /// A short public fingerprint (16 hex digits of a SHA-256 over the
    /// key), kept in the store so a wrong key is named as such rather than
    /// as a broken ciphertext. It reveals nothing usable about the key.
    pub fn id(&self) -> String {
        let digest = Sha256::new()
            .chain_update(b"sipauth-tui data key id\0")
            .chain_update(self.0.as_ref())
            .finalize();
        digest[..8].iter().map(|b| format!("{b:02x}")).collect()
    }

    fn aead(&self) -> LessSafeKey {
        // A 32-byte key is always valid for AES-256-GCM.
        LessSafeKey::new(UnboundKey::new(&AES_256_GCM, self.0.as_ref()).expect("32-byte key"))
    }

    /// Seals `plain` for `field` of credential `name`: Base64url of
    /// nonce ‖ ciphertext ‖ tag.
    pub fn seal(&self, name: &str, field: &str, plain: &[u8]) -> Result<String, SealError> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|_| SealError::Random)?;
        let mut buffer = Zeroizing::new(Vec::with_capacity(NONCE_LEN + plain.len() + TAG_LEN));
        buffer.extend_from_slice(&nonce);
        buffer.extend_from_slice(plain);
        let (head, body) = buffer.split_at_mut(NONCE_LEN);
        let tag = self
            .aead()
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad(name, field)),
                body,
            )
            .map_err(|_| SealError::Seal)?;
        debug_assert_eq!(head, &nonce);
        buffer.extend_from_slice(tag.as_ref());
        Ok(URL_SAFE_NO_PAD.encode(buffer.as_slice()))
    }

    /// Opens what [`DataKey::seal`] made for the same name and field.
    pub fn open(
        &self,
        name: &str,
        field: &str,
        sealed: &str,
    ) -> Result<Zeroizing<String>, SealError> {
        let mut bytes = Zeroizing::new(
            URL_SAFE_NO_PAD
                .decode(sealed)
                .map_err(|_| SealError::Format)?,
        );
        if bytes.len() < NONCE_LEN + TAG_LEN {
            return Err(SealError::Format);
        }
        let nonce: [u8; NONCE_LEN] = bytes[..NONCE_LEN]
            .try_into()
            .map_err(|_| SealError::Format)?;
        let plain = self
            .aead()
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad(name, field)),
                &mut bytes[NONCE_LEN..],
            )
            .map_err(|_| SealError::Open)?;
        let text = std::str::from_utf8(plain).map_err(|_| SealError::Format)?;
        Ok(Zeroizing::new(text.to_owned()))
    }
}

fn aad(name: &str, field: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(AAD_PREFIX.len() + name.len() + field.len() + 1);
    aad.extend_from_slice(AAD_PREFIX);
    aad.extend_from_slice(name.as_bytes());
    aad.push(0);
    aad.extend_from_slice(field.as_bytes());
    aad
}

/// Why a seal or an open failed; never carries a value.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealError {
    /// The system's random source failed.
    #[error("the system's random source failed")]
    Random,
    /// The cipher refused to seal.
    #[error("sealing failed")]
    Seal,
    /// Not Base64 of a nonce, a ciphertext and a tag.
    #[error("not a sealed value of this format")]
    Format,
    /// The tag did not match: another key, another entry or field, or a
    /// changed ciphertext.
    #[error(
        "it does not open with this key (sealed under another key, for another entry or field, or changed)"
    )]
    Open,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_for_its_entry_field_and_key() {
        let key = DataKey::generate().unwrap();
        let sealed = key.seal("work", "token", b"s3cret").unwrap();
        assert!(!sealed.contains("s3cret"));
        assert_eq!(
            key.open("work", "token", &sealed).unwrap().as_str(),
            "s3cret"
        );
        assert_eq!(key.open("home", "token", &sealed), Err(SealError::Open));
        assert_eq!(key.open("work", "password", &sealed), Err(SealError::Open));
        let other = DataKey::generate().unwrap();
        assert_eq!(other.open("work", "token", &sealed), Err(SealError::Open));
        // A fresh nonce each time: the same secret never seals the same.
        assert_ne!(sealed, key.seal("work", "token", b"s3cret").unwrap());
        let mut flipped = sealed.into_bytes();
        let last = flipped.len() - 3;
        flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(flipped).unwrap();
        assert_eq!(key.open("work", "token", &flipped), Err(SealError::Open));
        assert_eq!(key.open("work", "token", "short"), Err(SealError::Format));
    }

    #[test]
    fn keys_are_read_as_hex_or_base64_and_anything_else_is_refused() {
        let key = DataKey::generate().unwrap();
        let hex: String = key.bytes().iter().map(|b| format!("{b:02x}")).collect();
        let b64 = base64::engine::general_purpose::STANDARD.encode(key.bytes());
        for text in [hex.clone(), format!("  {}\n", hex.to_uppercase()), b64] {
            assert_eq!(DataKey::parse_text(&text).unwrap().id(), key.id(), "{text}");
        }
        for text in ["", "hunter2", &hex[..62], "correct horse battery staple"] {
            assert!(DataKey::parse_text(text).is_none(), "{text}");
        }
        assert_eq!(key.id().len(), 16);
        assert_ne!(key.id(), DataKey::generate().unwrap().id());
    }
}
