//! A pasted curl command line: split as a POSIX shell would (single quotes
//! literal; double quotes with `\"`, `\\`, `\$` and `` \` ``; a backslash
//! outside quotes escapes the next character, and before a line break joins
//! the lines; `$ ` prompts are dropped), then read for its credential:
//! `-u/--user ID:SECRET`, `-H/--header 'Authorization: …'`,
//! `--oauth2-bearer TOKEN` (`--basic` is curl's default and changes
//! nothing). The URL gives the API base when it is sipgate's
//! (`https://api.sipgate.com/v2/…`). Nothing of the command is ever quoted
//! in an error.

use zeroize::Zeroizing;

use super::{Format, ImportError, Imported, header, pair};
use crate::credential::Secret;

/// Options of curl that take a value (so their value is not the URL).
const TAKES_VALUE: &[&str] = &[
    "-X",
    "--request",
    "-d",
    "--data",
    "--data-raw",
    "--data-binary",
    "--data-urlencode",
    "--data-ascii",
    "--json",
    "-o",
    "--output",
    "-A",
    "--user-agent",
    "-e",
    "--referer",
    "-b",
    "--cookie",
    "-c",
    "--cookie-jar",
    "-F",
    "--form",
    "--form-string",
    "-T",
    "--upload-file",
    "-w",
    "--write-out",
    "-x",
    "--proxy",
    "-U",
    "--proxy-user",
    "-m",
    "--max-time",
    "--connect-timeout",
    "-K",
    "--config",
    "--cacert",
    "--capath",
    "-E",
    "--cert",
    "--key",
    "--cert-type",
    "--key-type",
    "-r",
    "--range",
    "-z",
    "--time-cond",
    "-Y",
    "--speed-limit",
    "-y",
    "--speed-time",
    "--resolve",
    "--connect-to",
    "--retry",
    "--retry-delay",
    "--retry-max-time",
    "--max-redirs",
    "--limit-rate",
    "--interface",
    "--dns-servers",
    "-D",
    "--dump-header",
    "--stderr",
    "--trace",
    "--trace-ascii",
    "--url-query",
    "-t",
    "--telnet-option",
    "--variable",
    "--expand-url",
    "--aws-sigv4",
    "--ciphers",
    "--netrc-file",
    "--unix-socket",
    "--abstract-unix-socket",
    "--noproxy",
    "-Q",
    "--quote",
];

/// Whether the input is a curl command (its first word, after a `$ `
/// prompt, is `curl`).
pub(super) fn looks_like(input: &str) -> bool {
    let first = input.trim_start().trim_start_matches("$ ").trim_start();
    first == "curl"
        || first.starts_with("curl ")
        || first.starts_with("curl\t")
        || first.starts_with("curl\\")
}

/// Splits a command line into words as a POSIX shell would.
fn words(input: &str) -> Result<Vec<Zeroizing<String>>, ImportError> {
    let input = input.trim_start().trim_start_matches("$ ");
    let mut out = Vec::new();
    let mut word = Zeroizing::new(String::new());
    let mut in_word = false;
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(unclosed()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some('\n') => {}
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err(unclosed()),
                        },
                        Some(c) => word.push(c),
                        None => return Err(unclosed()),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                }
                Some('\n') | None => {}
                Some(c) => {
                    in_word = true;
                    word.push(c);
                }
            },
            c if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::replace(&mut word, Zeroizing::new(String::new())));
                    in_word = false;
                }
            }
            '|' | ';' | '&' | '<' | '>' if !in_word || word.is_empty() => {
                return Err(ImportError::Curl {
                    why: "goes on into another command (|, ;, & or a redirection); paste the curl command alone",
                });
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        out.push(word);
    }
    Ok(out)
}

fn unclosed() -> ImportError {
    ImportError::Curl {
        why: "has a quote that is not closed",
    }
}

/// What the command authenticates with.
enum Found {
    User(Zeroizing<String>),
    Header(Zeroizing<String>),
    Bearer(Zeroizing<String>),
}

/// Reads a curl command (see the module docs).
pub(super) fn parse(input: &str, now: i64) -> Result<Imported, ImportError> {
    let words = words(input)?;
    let mut found: Vec<Found> = Vec::new();
    let mut url: Option<String> = None;
    let mut iter = words.iter().skip(1);
    let missing = || ImportError::Curl {
        why: "ends with an option that needs a value",
    };
    while let Some(word) = iter.next() {
        let word = word.as_str();
        let (option, inline) = match word.split_once('=') {
            Some((o, v)) if o.starts_with("--") => (o, Some(v)),
            _ => (word, None),
        };
        let mut value = |short: &str| -> Result<Zeroizing<String>, ImportError> {
            if let Some(v) = inline {
                return Ok(Zeroizing::new(v.to_owned()));
            }
            if word.len() > 2 && word.starts_with(short) && !word.starts_with("--") {
                return Ok(Zeroizing::new(word[2..].to_owned()));
            }
            iter.next().cloned().ok_or_else(missing)
        };
        match option {
            "--user" => found.push(Found::User(value("-u")?)),
            o if o.starts_with("-u") && !o.starts_with("--") => {
                found.push(Found::User(value("-u")?))
            }
            "--header" => push_header(&mut found, value("-H")?),
            o if o.starts_with("-H") && !o.starts_with("--") => {
                push_header(&mut found, value("-H")?)
            }
            "--oauth2-bearer" => found.push(Found::Bearer(value("")?)),
            "--url" => url = Some(value("")?.to_string()),
            o if TAKES_VALUE.contains(&o) && inline.is_none() => {
                iter.next().ok_or_else(missing)?;
            }
            o if TAKES_VALUE.contains(&o) => {}
            o if o.starts_with('-') => {}
            _ if url.is_none() => url = Some(word.to_owned()),
            _ => {}
        }
    }
    let api = url.as_deref().and_then(known_api);
    let mut found = found.into_iter();
    let (Some(credential), None) = (found.next(), found.next()) else {
        return Err(ImportError::Curl {
            why: "carries no credential, or more than one: expected one of curl's -u ID:SECRET, -H 'Authorization: Basic …' or 'Bearer …', --oauth2-bearer TOKEN",
        });
    };
    let auth = match credential {
        Found::User(user) => {
            let Some((id, secret)) = user.split_once(':') else {
                let pat = user.starts_with(super::TOKEN_ID_PREFIX);
                return Err(ImportError::CurlNoPassword {
                    user: crate::sanitize::strip_controls(&user),
                    field: if pat { "token id" } else { "username" },
                    secret: if pat { "token" } else { "password" },
                });
            };
            pair(id, Secret::new(secret.to_owned()))?
        }
        Found::Header(line) => {
            let (scheme, value) = super::header_parts(&line).ok_or(ImportError::Curl {
                why: "has an Authorization header without a scheme",
            })?;
            header(scheme, value, now)?.auth
        }
        Found::Bearer(token) => header("Bearer", &token, now)?.auth,
    };
    Ok(Imported {
        format: Format::CurlCommand,
        auth,
        api,
    })
}

/// An `Authorization` header among `-H` values (others are ignored).
fn push_header(found: &mut Vec<Found>, value: Zeroizing<String>) {
    let is_authorization = value
        .split_once(':')
        .is_some_and(|(name, _)| name.trim().eq_ignore_ascii_case("authorization"));
    if is_authorization {
        found.push(Found::Header(value));
    }
}

/// The API base of a URL that is sipgate's REST API.
fn known_api(url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    let sipgate = url.scheme() == "https"
        && url
            .host_str()
            .is_some_and(|h| h.eq_ignore_ascii_case("api.sipgate.com"))
        && (url.path() == "/v2" || url.path().starts_with("/v2/"));
    sipgate.then(|| crate::credential::DEFAULT_API.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::Auth;

    fn auth(input: &str) -> Imported {
        super::super::parse(input, 1_700_000_000).unwrap_or_else(|e| panic!("{input}: {e}"))
    }

    #[test]
    fn each_curl_form_gives_its_credential() {
        let basic = "Authorization: Basic Sm9objp0b3BzZWNyZXQ="; // John:topsecret
        let cases: &[(&str, &str, &str)] = &[
            (
                "curl -u token-ABC123:s3cret https://api.sipgate.com/v2/account",
                "pat",
                "token-ABC123",
            ),
            (
                "curl --user 'token-ABC123:s3cret' https://api.sipgate.com/v2/history",
                "pat",
                "token-ABC123",
            ),
            (
                "curl --user=John:topsecret https://example.com/api",
                "basic",
                "John",
            ),
            (
                "curl -uJohn:topsecret --basic https://example.com/api",
                "basic",
                "John",
            ),
            (
                "$ curl -X GET \\\n  -H \"Accept: application/json\" \\\n  -H \"Authorization: Basic Sm9objp0b3BzZWNyZXQ=\" \\\n  https://api.sipgate.com/v2/account",
                "basic",
                "John",
            ),
            (
                "curl -H 'Authorization: Bearer abc.def.ghi' https://api.sipgate.com/v2/account",
                "oauth",
                "",
            ),
            (
                "curl --oauth2-bearer opaque-123 --url https://api.sipgate.com/v2/account",
                "oauth",
                "",
            ),
            (
                "curl -sS -d '{\"a\":1}' --header=\"Authorization: Basic Sm9objp0b3BzZWNyZXQ=\" https://x.example/v2",
                "basic",
                "John",
            ),
        ];
        crate::testing::cases::check_all(cases, |(input, kind, id)| {
            let imported = auth(input);
            assert_eq!(imported.format, Format::CurlCommand);
            assert_eq!(imported.auth.kind(), *kind, "{input}");
            assert_eq!(imported.auth.id(), *id, "{input}");
        });
        assert!(basic.contains("Basic"));
        let secret = match auth("curl -u 'token-A:s3 cr\"et' https://api.sipgate.com/v2").auth {
            Auth::Pat { token, .. } => token.expose().to_owned(),
            other => panic!("{other:?}"),
        };
        assert_eq!(secret, "s3 cr\"et", "single quotes are literal");
    }

    #[test]
    fn the_api_base_comes_from_a_sipgate_url_only() {
        assert_eq!(
            auth("curl -u token-A:t https://api.sipgate.com/v2/history?x=1")
                .api
                .as_deref(),
            Some("https://api.sipgate.com/v2")
        );
        assert_eq!(
            auth("curl -u token-A:t https://api.example.com/v2/x").api,
            None
        );
        assert_eq!(
            auth("curl -u token-A:t http://api.sipgate.com/v2/x").api,
            None
        );
    }

    #[test]
    fn what_cannot_be_used_is_refused_without_quoting_it() {
        let cases: &[(&str, &str)] = &[
            (
                "curl -u token-ABC123 https://api.sipgate.com/v2",
                "no token",
            ),
            ("curl -u john https://example.com", "no password"),
            (
                "curl https://api.sipgate.com/v2/account",
                "carries no credential",
            ),
            (
                "curl -u a:b -H 'Authorization: Bearer x' https://e.x",
                "more than one",
            ),
            ("curl -u 'token-A:secret-canary https://e.x", "not closed"),
            (
                "curl -u token-A:secret-canary https://e.x | jq .",
                "another command",
            ),
            (
                "curl -H 'Authorization: Digest secret-canary' https://e.x",
                "Digest",
            ),
            ("curl -u", "needs a value"),
        ];
        crate::testing::cases::check_all(cases, |(input, want)| {
            let e = super::super::parse(input, 0).err().unwrap().to_string();
            assert!(e.contains(want), "{input}: {e}");
            assert!(!e.contains("secret-canary"), "{input}: {e}");
        });
    }
}
