//! Turning an HTTP answer into words a person can act on: what a status
//! means for the credential that was sent.

use reqwest::Method;
use url::Url;

use super::{Answer, Scheme};
use crate::hint::{Fix, Hint};

/// The hint for an HTTP answer; `None` for a 2xx.
pub fn status_hint(answer: &Answer, method: &Method, url: &Url, scheme: Scheme) -> Option<Hint> {
    let fix = match (answer.status, scheme) {
        (401, Scheme::Bearer) => Some(Fix::RenewSession),
        (403, Scheme::Bearer) => Some(Fix::LoginWithScope),
        _ => None,
    };
    let text = status_text(answer, method, url, scheme)?;
    Some(Hint { text, fix })
}

fn status_text(answer: &Answer, method: &Method, url: &Url, scheme: Scheme) -> Option<String> {
    let path = url.path();
    Some(match answer.status {
        200..=299 => return None,
        301 | 302 | 303 | 307 | 308 => match &answer.location {
            Some(to) if url.join(to).is_ok_and(|next| next.origin() != url.origin()) => format!(
                "redirect to {to}: not followed because it leaves {}, so the Authorization header is not sent there; if that is the right API, use it as the API base",
                url.origin().ascii_serialization()
            ),
            Some(to) => format!(
                "{} {}: redirect to {to} not followed",
                answer.status, answer.reason
            ),
            None => format!(
                "{} {} without a Location header",
                answer.status, answer.reason
            ),
        },
        300..=399 => format!(
            "{} {}: an answer that is not the resource itself; check the path",
            answer.status, answer.reason
        ),
        401 => match scheme {
            Scheme::Basic(id_field, secret_field) => format!(
                "401 Unauthorized: the {id_field} and/or {secret_field} are wrong, or the credentials were not sent Base64-encoded as `{id_field}:{secret_field}`; check both values"
            ),
            Scheme::Bearer => {
                "401 Unauthorized: the access token is expired, revoked or not for this API"
                    .to_owned()
            }
        },
        403 => {
            let scope = if path.ends_with("/account") {
                " (this endpoint needs `account:read`)"
            } else {
                ""
            };
            let fix = match scheme {
                Scheme::Basic(..) => "; create a token with that scope",
                Scheme::Bearer => "",
            };
            format!(
                "403 Forbidden: the credential is valid but lacks the scope for {path}{scope}{fix}"
            )
        }
        404 => format!(
            "404 Not Found: wrong REST endpoint, {url} does not exist; check the API base (e.g. https://api.sipgate.com/v2) and the path"
        ),
        405 => format!("405 Method Not Allowed: {method} is the wrong request method for {path}"),
        429 => "429 Too Many Requests: rate limited; wait and retry".to_owned(),
        500..=599 => format!(
            "{} {}: a server-side error, not your credentials; retry later",
            answer.status, answer.reason
        ),
        status => format!("{status} {}: the request was refused", answer.reason),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::Body;

    fn answer(status: u16, location: Option<&str>) -> Answer {
        Answer {
            status,
            reason: String::new(),
            content_type: None,
            location: location.map(str::to_owned),
            body: Body::Empty,
            truncated: false,
        }
    }
    #[test]
    fn each_status_gets_its_own_hint() {
        let url = Url::parse("https://api.sipgate.com/v2/account").unwrap();
        let fields = Scheme::Basic("token id", "token");
        let cases: &[(u16, Option<&str>, &[&str])] = &[
            (401, None, &["token id and/or token are wrong", "Base64"]),
            (403, None, &["scope", "account:read"]),
            (
                404,
                None,
                &["wrong REST endpoint", "https://api.sipgate.com/v2/account"],
            ),
            (405, None, &["wrong request method", "GET"]),
            (502, None, &["server-side"]),
            (429, None, &["rate limited"]),
            (
                302,
                Some("https://evil.example/x"),
                &["not followed", "https://evil.example/x"],
            ),
        ];
        crate::testing::cases::check_all(cases, |(status, location, needles)| {
            let hint = status_hint(&answer(*status, *location), &Method::GET, &url, fields)
                .unwrap()
                .text;
            for n in *needles {
                assert!(hint.contains(n), "{status}: `{n}` not in {hint}");
            }
        });
        assert!(status_hint(&answer(200, None), &Method::GET, &url, fields).is_none());
        let cases = [
            (304, Some("https://evil.example/x")),
            (302, Some("/v2/other")),
        ];
        crate::testing::cases::check_all(cases, |(status, location)| {
            let hint = status_hint(&answer(status, location), &Method::GET, &url, fields)
                .unwrap()
                .text;
            assert!(!hint.contains("leaves"), "{status}: {hint}");
        });
        let bearer = status_hint(&answer(401, None), &Method::GET, &url, Scheme::Bearer).unwrap();
        assert!(
            bearer.text.contains("access token is expired") && !bearer.text.contains("token id"),
            "{bearer:?}"
        );
        assert_eq!(bearer.fix, Some(Fix::RenewSession), "the fix is typed");
    }
}
