//! Parsing token-endpoint requests and authenticating the client.
//!
//! A client authenticates in exactly one way (RFC 6749 §2.3): HTTP Basic
//! with the form-urlencoded id and secret, or both in the form, or (public
//! clients) its id alone. The sandbox insists that a client uses the one
//! method it is registered with, so a client that picks the wrong one is
//! told `invalid_client` as a strict Keycloak would.

use std::collections::HashMap;

use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use super::error::OAuthError;
use super::{ClientConfig, RealmConfig};
use crate::credential::AuthMethod;

/// A form body with each parameter at most once (RFC 6749 §3.2).
pub(crate) type Form = HashMap<String, String>;

/// Parses an `application/x-www-form-urlencoded` body; a repeated parameter
/// is `invalid_request`. Empty values count as absent.
pub(crate) fn parse_form(body: &[u8]) -> Result<Form, OAuthError> {
    let mut form = Form::new();
    for (k, v) in url::form_urlencoded::parse(body) {
        if v.is_empty() {
            continue;
        }
        if form.insert(k.to_string(), v.into_owned()).is_some() {
            return Err(OAuthError::invalid_request(format!(
                "parameter {k} is repeated"
            )));
        }
    }
    Ok(form)
}

/// Decodes `Basic base64(urlencode(id):urlencode(secret))` into id and
/// secret. `None` when the header is no such thing.
pub(crate) fn decode_basic(value: &str) -> Option<(String, String)> {
    let (scheme, b64) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = String::from_utf8(STANDARD.decode(b64.trim()).ok()?).ok()?;
    let (id, secret) = raw.split_once(':')?;
    Some((form_decode(id)?, form_decode(secret)?))
}

/// Undoes `application/x-www-form-urlencoded` encoding of one value: `+` is
/// a space, `%XX` a byte. Malformed escapes or non-UTF-8 results are `None`.
fn form_decode(text: &str) -> Option<String> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = (bytes.next()? as char).to_digit(16)?;
                let lo = (bytes.next()? as char).to_digit(16)?;
                out.push((hi * 16 + lo) as u8);
            }
            b => out.push(b),
        }
    }
    String::from_utf8(out).ok()
}

/// Authenticates the client of a token, device or revocation request.
pub(crate) fn authenticate<'c>(
    config: &'c RealmConfig,
    headers: &HeaderMap,
    form: &Form,
) -> Result<&'c ClientConfig, OAuthError> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let basic_tried = basic.is_some();
    let fail = |d: &str| OAuthError {
        basic_challenge: basic_tried,
        ..OAuthError::invalid_client(d)
    };
    let (id, secret, method) = match basic {
        Some(value) => {
            let (id, secret) =
                decode_basic(value).ok_or_else(|| fail("Malformed Basic authorization"))?;
            if form.contains_key("client_secret") {
                return Err(OAuthError::invalid_request(
                    "the client used more than one authentication method",
                ));
            }
            if form.get("client_id").is_some_and(|f| *f != id) {
                return Err(fail("client_id in the form and in Basic differ"));
            }
            (id, Some(secret), AuthMethod::Basic)
        }
        None => {
            let id = form
                .get("client_id")
                .cloned()
                .ok_or_else(|| OAuthError::invalid_client("Missing parameter: client_id"))?;
            match form.get("client_secret") {
                Some(secret) => (id, Some(secret.clone()), AuthMethod::Post),
                None => (id, None, AuthMethod::None),
            }
        }
    };
    let client = config
        .client(&id)
        .ok_or_else(|| fail("Invalid client or Invalid client credentials"))?;
    if client.method != method {
        return Err(fail(&format!(
            "Client must authenticate with {}, not {}",
            client.method.discovery_name(),
            method.discovery_name()
        )));
    }
    if secret.as_deref() != client.secret.as_deref() {
        return Err(fail("Invalid client or Invalid client credentials"));
    }
    Ok(client)
}

/// A PKCE `code_challenge_method` (RFC 7636 §4.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PkceMethod {
    S256,
    Plain,
}

impl PkceMethod {
    /// The method named by an authorization request; absent means plain.
    pub(crate) fn parse(name: Option<&str>) -> Option<Self> {
        match name {
            None | Some("plain") => Some(Self::Plain),
            Some("S256") => Some(Self::S256),
            Some(_) => None,
        }
    }
}

/// Whether `verifier` answers `challenge`: S256 is
/// BASE64URL(SHA256(verifier)) == challenge.
pub(crate) fn pkce_matches(method: PkceMethod, challenge: &str, verifier: &str) -> bool {
    match method {
        PkceMethod::Plain => verifier == challenge,
        PkceMethod::S256 => {
            let digest = Sha256::digest(verifier.as_bytes());
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest) == challenge
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::realm::{
        CLIENT_BASIC, CLIENT_BASIC_SECRET, CLIENT_POST, CLIENT_POST_SECRET, CLIENT_PUBLIC,
    };

    fn basic(id: &str, secret: &str) -> String {
        format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
    }

    #[test]
    fn pkce_s256_matches_the_rfc_7636_example_and_nothing_else() {
        // RFC 7636 Appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        let cases = [
            (PkceMethod::S256, challenge, verifier, true),
            (
                PkceMethod::S256,
                challenge,
                "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXK",
                false,
            ),
            (PkceMethod::S256, verifier, verifier, false),
            (PkceMethod::Plain, verifier, verifier, true),
            (PkceMethod::Plain, challenge, verifier, false),
        ];
        crate::testing::cases::check_all(cases, |(method, challenge, verifier, want)| {
            assert_eq!(
                pkce_matches(method, challenge, verifier),
                want,
                "{method:?} {verifier}"
            );
        });
    }

    #[test]
    fn basic_header_halves_are_form_url_decoded() {
        let cases = [
            (
                basic("sandbox%3Abasic", "s3cr%2Ft%2B%26%3Dx"),
                Some(("sandbox:basic", "s3cr/t+&=x")),
            ),
            (basic("a+b", "c%20d"), Some(("a b", "c d"))),
            (basic("id", "pa:ss"), Some(("id", "pa:ss"))),
            (basic("id", "bad%zz"), None),
            (basic("id", "cut%4"), None),
            ("Basic !!!".to_owned(), None),
            ("Bearer abc".to_owned(), None),
            (format!("Basic {}", STANDARD.encode("no-colon")), None),
        ];
        crate::testing::cases::check_all(cases, |(header, want)| {
            let got = decode_basic(&header);
            let got = got.as_ref().map(|(a, b)| (a.as_str(), b.as_str()));
            assert_eq!(got, want, "{header}");
        });
    }

    #[test]
    fn clients_must_use_their_one_method_with_the_right_secret() {
        let config = RealmConfig::default();
        let form = |pairs: &[(&str, &str)]| -> Form {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let headers = |value: Option<String>| {
            let mut h = HeaderMap::new();
            if let Some(v) = value {
                h.insert(header::AUTHORIZATION, v.parse().unwrap());
            }
            h
        };
        let encoded_basic = basic("sandbox%3Abasic", "s3cr%2Ft%2B%26%3Dx");
        let cases: Vec<(HeaderMap, Form, Result<&str, &str>)> = vec![
            (
                headers(None),
                form(&[
                    ("client_id", CLIENT_POST),
                    ("client_secret", CLIENT_POST_SECRET),
                ]),
                Ok(CLIENT_POST),
            ),
            (
                headers(None),
                form(&[("client_id", CLIENT_POST), ("client_secret", "nope")]),
                Err("invalid_client"),
            ),
            (
                headers(None),
                form(&[("client_id", CLIENT_POST)]),
                Err("invalid_client"),
            ),
            (
                headers(Some(basic(CLIENT_POST, CLIENT_POST_SECRET))),
                form(&[]),
                Err("invalid_client"),
            ),
            (
                headers(Some(encoded_basic.clone())),
                form(&[]),
                Ok(CLIENT_BASIC),
            ),
            (
                headers(Some(basic(CLIENT_BASIC, CLIENT_BASIC_SECRET))),
                form(&[]),
                Err("invalid_client"),
            ),
            (
                headers(None),
                form(&[
                    ("client_id", CLIENT_BASIC),
                    ("client_secret", CLIENT_BASIC_SECRET),
                ]),
                Err("invalid_client"),
            ),
            (
                headers(Some(encoded_basic)),
                form(&[("client_secret", "x")]),
                Err("invalid_request"),
            ),
            (
                headers(None),
                form(&[("client_id", CLIENT_PUBLIC)]),
                Ok(CLIENT_PUBLIC),
            ),
            (
                headers(None),
                form(&[("client_id", CLIENT_PUBLIC), ("client_secret", "x")]),
                Err("invalid_client"),
            ),
            (
                headers(None),
                form(&[("client_id", "stranger")]),
                Err("invalid_client"),
            ),
            (headers(None), form(&[]), Err("invalid_client")),
        ];
        crate::testing::cases::check_all(cases.into_iter().enumerate(), |(i, (h, f, want))| {
            let got = authenticate(&config, &h, &f)
                .map(|c| c.id.as_str())
                .map_err(|e| e.error);
            assert_eq!(got, want, "case {i}");
        });
    }

    #[test]
    fn repeated_form_parameters_are_refused() {
        assert!(parse_form(b"a=1&b=2").is_ok());
        assert_eq!(parse_form(b"a=1&a=2").unwrap_err().error, "invalid_request");
        assert!(!parse_form(b"a=&b=2").unwrap().contains_key("a"));
    }
}
