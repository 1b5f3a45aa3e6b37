//! Rendering a credential as an `Authorization` header or a curl command.
//!
//! Everything returned here that contains the secret comes back as a
//! [`Secret`]: the caller decides where it may go (stdout, the clipboard) and
//! it is zeroed afterwards. The argv-free curl command
//! ([`piped_curl_command`]) holds no secret: it calls the tool back
//! ([`HeaderFetch`]) for the header when it runs and pipes it into curl's
//! stdin, so no argv and no shell history ever holds the token.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use thiserror::Error;

use crate::credential::{Auth, Credential, Secret};

/// Why a credential has no header to give.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum HeaderError {
    /// An OAuth client that has not logged in yet.
    #[error("`{name}` has no session yet")]
    NotLoggedIn {
        /// The credential's name.
        name: String,
    },
    /// The server refused the refresh token.
    #[error("`{name}` needs a new login: the server refused its refresh token")]
    LoginRequired {
        /// The credential's name.
        name: String,
    },
}

/// `Basic base64(id:secret)`, the value of the header (RFC 7617).
pub fn basic_value(id: &str, secret: &Secret) -> Secret {
    let mut pair =
        zeroize::Zeroizing::new(String::with_capacity(id.len() + secret.expose().len() + 1));
    pair.push_str(id);
    pair.push(':');
    pair.push_str(secret.expose());
    // Encode straight into the buffer the Secret will own, so no plain copy
    // of the encoded pair is left behind unzeroed.
    let mut value = String::with_capacity(6 + pair.len().div_ceil(3) * 4);
    value.push_str("Basic ");
    STANDARD.encode_string(pair.as_bytes(), &mut value);
    Secret::new(value)
}

/// `Bearer {token}` (RFC 6750).
pub fn bearer_value(token: &Secret) -> Secret {
    let mut value = String::with_capacity(7 + token.expose().len());
    value.push_str("Bearer ");
    value.push_str(token.expose());
    Secret::new(value)
}

/// The header value for a credential as stored, e.g.
/// `Basic Sm9objp0b3BzZWNyZXQ=` or `Bearer eyJ…`. Refreshing a session first
/// is the caller's business.
pub fn authorization_value(credential: &Credential) -> Result<Secret, HeaderError> {
    if let Some((id, secret)) = credential.auth.basic_pair() {
        return Ok(basic_value(id, secret));
    }
    let name = || credential.name.clone();
    match &credential.auth {
        Auth::Oauth {
            session: Some(s), ..
        } if s.login_required => Err(HeaderError::LoginRequired { name: name() }),
        Auth::Oauth {
            session: Some(s), ..
        } => Ok(bearer_value(&s.access_token)),
        _ => Err(HeaderError::NotLoggedIn { name: name() }),
    }
}

/// The whole header line, `Authorization: Basic …`.
pub fn authorization_header(credential: &Credential) -> Result<Secret, HeaderError> {
    let value = authorization_value(credential)?;
    let mut line = String::with_capacity(15 + value.expose().len());
    line.push_str("Authorization: ");
    line.push_str(value.expose());
    Ok(Secret::new(line))
}

/// The URL a path on the credential's API resolves to: `{api}{path}`.
pub fn endpoint_url(api: &str, path: &str) -> String {
    if path.is_empty() {
        api.to_owned()
    } else if path.starts_with('/') || path.starts_with('?') {
        format!("{api}{path}")
    } else {
        format!("{api}/{path}")
    }
}

/// A curl command that calls `{api}{path}` with the credential's header
/// inline, quoted so that it pastes into bash (or any POSIX shell) as exactly
/// these arguments. The secret is in the command, so in curl's argv (which
/// every local user can read) and in the shell's history once run.
pub fn curl_command(credential: &Credential, path: &str) -> Result<Secret, HeaderError> {
    let url = endpoint_url(&credential.api, path);
    let auth = authorization_header(credential)?;
    Ok(Secret::new(curl_words(&shell_quote(auth.expose()), &url)))
}

/// How a shell command makes this tool print a credential's header line: the
/// words that come before the credential's name (the program, the options it
/// needs, the subcommand). The face that owns the words builds it; the core
/// only quotes and joins them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderFetch {
    words: Vec<String>,
}

impl HeaderFetch {
    /// The words before the name, e.g. `["/usr/bin/tool", "header"]`.
    pub fn new(words: Vec<String>) -> Self {
        Self { words }
    }

    /// The same command run through `env VAR=value` (the demo's plaintext
    /// storage, which a shell elsewhere would not choose).
    pub fn with_env(mut self, var: &str, value: &str) -> Self {
        self.words
            .splice(0..0, ["env".to_owned(), format!("{var}={value}")]);
        self
    }

    /// The shell command that prints `name`'s header line, every word quoted.
    pub fn command(&self, name: &str) -> String {
        let mut line = String::new();
        for word in self.words.iter().map(String::as_str).chain([name]) {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&shell_quote(word));
        }
        line
    }
}

/// A curl command for `{api}{path}` that holds no secret: `fetch` prints the
/// header line when the command runs and curl reads it from its stdin
/// (`@-`), so the secret is in no argv and in no shell history.
pub fn piped_curl_command(fetch: &HeaderFetch, credential: &Credential, path: &str) -> String {
    let url = endpoint_url(&credential.api, path);
    format!(
        "{} | {}",
        fetch.command(&credential.name),
        curl_words("@-", &url)
    )
}

/// curl's words for a GET of `url` with JSON accepted and `auth` (a quoted
/// header, or `@-` for the headers on stdin) as the Authorization header.
fn curl_words(auth: &str, url: &str) -> String {
    format!(
        "curl --request GET --header {} --header {auth} {}",
        shell_quote("Accept: application/json"),
        shell_quote(url)
    )
}

/// Quotes a word for a POSIX shell. Words made only of characters no shell
/// treats specially stay bare; everything else goes in single quotes, inside
/// which only `'` itself needs care (`'\''`).
pub fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::{Auth, DEFAULT_API};

    fn basic(user: &str, pass: &str) -> Credential {
        Credential::new(
            "t",
            DEFAULT_API,
            Auth::Basic {
                username: user.into(),
                password: Secret::new(pass.into()),
            },
        )
        .unwrap()
    }

    #[test]
    fn header_matches_the_sipgate_documentation_vector() {
        let c = basic("John", "topsecret");
        assert_eq!(
            authorization_header(&c).unwrap().expose(),
            "Authorization: Basic Sm9objp0b3BzZWNyZXQ="
        );
        assert_eq!(
            authorization_value(&c).unwrap().expose(),
            "Basic Sm9objp0b3BzZWNyZXQ="
        );
    }

    #[test]
    fn header_encodes_utf8_and_colons_in_the_secret() {
        // base64("token-1:pä:ss") computed independently.
        let c = basic("token-1", "pä:ss");
        assert_eq!(
            authorization_value(&c).unwrap().expose(),
            "Basic dG9rZW4tMTpww6Q6c3M="
        );
    }

    #[test]
    fn curl_command_matches_the_documented_shape() {
        let c = basic("John", "topsecret");
        assert_eq!(
            curl_command(&c, "/account").unwrap().expose(),
            "curl --request GET --header 'Accept: application/json' \
             --header 'Authorization: Basic Sm9objp0b3BzZWNyZXQ=' \
             https://api.sipgate.com/v2/account"
        );
    }

    #[test]
    fn piped_curl_command_quotes_every_word_and_holds_no_secret() {
        let c = basic("John", "topsecret");
        let fetch = HeaderFetch::new(vec![
            "/opt/my tools/sipauth-tui".into(),
            "--store".into(),
            "/home/o'brien/$(x)/s.json".into(),
            "header".into(),
        ]);
        let command = piped_curl_command(&fetch, &c, "/account");
        assert_eq!(
            command,
            "'/opt/my tools/sipauth-tui' --store '/home/o'\\''brien/$(x)/s.json' header t \
             | curl --request GET --header 'Accept: application/json' --header @- \
             https://api.sipgate.com/v2/account"
        );
        assert!(!command.contains("Sm9objp0b3BzZWNyZXQ"));
    }

    #[test]
    fn endpoint_urls_join_with_one_slash() {
        assert_eq!(
            endpoint_url("https://a/v2", "/account"),
            "https://a/v2/account"
        );
        assert_eq!(
            endpoint_url("https://a/v2", "account"),
            "https://a/v2/account"
        );
        assert_eq!(endpoint_url("https://a/v2", ""), "https://a/v2");
    }

    #[test]
    fn shell_quote_leaves_plain_words_and_quotes_the_rest() {
        let cases = [
            ("https://a/v2/account", "https://a/v2/account"),
            ("a b", "'a b'"),
            ("", "''"),
            ("it's", r"'it'\''s'"),
            ("$(rm -rf ~)", "'$(rm -rf ~)'"),
            ("`id`", "'`id`'"),
            ("a;b&c|d", "'a;b&c|d'"),
        ];
        crate::testing::cases::check_all(cases, |(word, want)| {
            assert_eq!(shell_quote(word), want, "{word}");
        });
    }
}
