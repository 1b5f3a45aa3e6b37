//! What `list` and `show` say about OAuth entries: a status from
//! [`expiry::health`] at `now`, lifetimes as UTC and relative, and tokens
//! described ("JWT (812 chars)", "opaque (36 chars)") unless revealed.

use serde_json::{Value, json};
use sipauth_tui::credential::{Auth, OauthClient, Secret, Session};
use sipauth_tui::expiry::{self, Health, Refresh};
use sipauth_tui::jwt;
use sipauth_tui::time_text;

/// Less than this much access left reads as "expiring".
pub const EXPIRING_MARGIN: i64 = 60;

/// The status of an OAuth entry: (machine key, words), `None` for the
/// Basic kinds.
pub fn status(auth: &Auth, now: i64) -> Option<(&'static str, String)> {
    let Auth::Oauth { session, .. } = auth else {
        return None;
    };
    let Some(session) = session else {
        return Some(("not_logged_in", "not logged in".to_owned()));
    };
    Some(match expiry::health(session, now, EXPIRING_MARGIN) {
        Health::Valid => {
            let left = expiry::access_expiry(session).map_or(0, |at| at - now);
            (
                "valid",
                format!("valid {}", time_text::humanize(left.max(0) as u64)),
            )
        }
        Health::Expiring => ("expiring", "expiring".to_owned()),
        Health::Expired => ("expired", "expired".to_owned()),
        Health::LoginRequired => ("login_required", "login required".to_owned()),
        Health::Unknown => ("unknown", "unknown".to_owned()),
    })
}

/// Unix time the refresh token expires, when a time is known.
fn refresh_at(session: &Session) -> Option<i64> {
    match expiry::refresh_expiry(session) {
        Refresh::At(at) => Some(at),
        _ => None,
    }
}

/// The `list --json` fields of an entry (all null for the Basic kinds).
pub fn list_fields(auth: &Auth, now: i64) -> Value {
    let session = auth.session();
    json!({
        "issuer": auth.client().map(|c| c.issuer.as_str()),
        "status": status(auth, now).map(|(key, _)| key),
        "access_expires_at": session.and_then(expiry::access_expiry),
        "refresh_expires_at": session.and_then(refresh_at),
    })
}

/// A token as shown when not revealed: its shape and length.
fn describe(token: &Secret) -> String {
    let len = token.expose().chars().count();
    if jwt::looks_like_jwt(token.expose()) {
        format!("JWT ({len} chars)")
    } else {
        format!("opaque ({len} chars)")
    }
}

fn when(at: i64, now: i64) -> String {
    format!(
        "{} ({})",
        time_text::utc(at),
        time_text::relative(at, now, true)
    )
}

/// `show` rows for an OAuth entry (after name, kind and api).
pub fn rows(auth: &Auth, now: i64, reveal: bool, mask: &str) -> Vec<(&'static str, String)> {
    let mut rows = Vec::new();
    if let Some(client) = auth.client() {
        rows.extend(client_rows(client, reveal, mask));
    } else {
        rows.push(("client", "(none: a bearer token on its own)".to_owned()));
    }
    let Some(s) = auth.session() else {
        rows.push(("status", "not logged in".to_owned()));
        return rows;
    };
    let optional = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".to_owned());
    rows.push(("granted scope", optional(&s.scope)));
    rows.push(("session state", optional(&s.session_state)));
    rows.push((
        "obtained",
        format!(
            "{} ({})",
            time_text::utc(s.obtained_at),
            time_text::relative(s.obtained_at, now, false)
        ),
    ));
    let access_expiry = match expiry::access_expiry(s) {
        Some(at) => format!("expires {}", when(at, now)),
        None => "expiry unknown".to_owned(),
    };
    rows.push((
        "access token",
        format!("{}, {access_expiry}", describe(&s.access_token)),
    ));
    let refresh = match (&s.refresh_token, expiry::refresh_expiry(s)) {
        (Some(t), Refresh::At(at)) => format!("{}, expires {}", describe(t), when(at, now)),
        (Some(t), Refresh::Never) => format!("{}, does not expire by time", describe(t)),
        (Some(t), _) => format!("{}, expiry unknown", describe(t)),
        (None, _) => "(none)".to_owned(),
    };
    rows.push(("refresh token", refresh));
    rows.push((
        "id token",
        s.id_token.as_ref().map_or("(none)".to_owned(), describe),
    ));
    if let Some((_, words)) = status(auth, now) {
        rows.push(("status", words));
    }
    if reveal {
        rows.push(("access value", s.access_token.expose().to_owned()));
        if let Some(t) = &s.refresh_token {
            rows.push(("refresh value", t.expose().to_owned()));
        }
        if let Some(t) = &s.id_token {
            rows.push(("id value", t.expose().to_owned()));
        }
    }
    rows
}

fn client_rows(c: &OauthClient, reveal: bool, mask: &str) -> Vec<(&'static str, String)> {
    let secret = match &c.client_secret {
        Some(s) if reveal => s.expose().to_owned(),
        Some(_) => mask.to_owned(),
        None => "(none: public client)".to_owned(),
    };
    vec![
        ("issuer", c.issuer.clone()),
        ("client id", c.client_id.clone()),
        ("auth method", c.auth_method.to_string()),
        ("client secret", secret),
        (
            "scope",
            c.scope.clone().unwrap_or_else(|| "(none)".to_owned()),
        ),
        (
            "redirect uri",
            c.redirect_uri
                .clone()
                .unwrap_or_else(|| "(any loopback port)".to_owned()),
        ),
    ]
}

/// The `show --json` document of an OAuth entry's client and session.
pub fn json(auth: &Auth, now: i64, reveal: bool, mask: &str) -> Value {
    let token = |t: &Secret| {
        if reveal {
            json!(t.expose())
        } else {
            json!(describe(t))
        }
    };
    let client = auth.client().map(|c| {
        json!({
            "issuer": c.issuer,
            "client_id": c.client_id,
            "auth_method": c.auth_method.as_str(),
            "client_secret": c.client_secret.as_ref().map(|s| if reveal { s.expose() } else { mask }),
            "scope": c.scope,
            "redirect_uri": c.redirect_uri,
        })
    });
    let session = auth.session().map(|s| {
        json!({
            "token_type": s.token_type,
            "scope": s.scope,
            "session_state": s.session_state,
            "obtained_at": s.obtained_at,
            "access_expires_at": expiry::access_expiry(s),
            "refresh_expires_at": refresh_at(s),
            "access_token": token(&s.access_token),
            "refresh_token": s.refresh_token.as_ref().map(token),
            "id_token": s.id_token.as_ref().map(token),
        })
    });
    json!({
        "client": client,
        "session": session,
        "status": status(auth, now).map(|(key, _)| key),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oauth(expires_in: Option<u64>, refresh: Option<u64>, login_required: bool) -> Auth {
        Auth::Oauth {
            client: None,
            session: Some(Box::new(Session {
                refresh_token: refresh.map(|_| Secret::new("opaque-refresh".into())),
                expires_in,
                refresh_expires_in: refresh,
                login_required,
                ..Session::bearer(Secret::new("opaque-access".into()), 1_000)
            })),
        }
    }

    #[test]
    fn statuses_follow_the_clock_and_the_session() {
        let cases = [
            (
                oauth(Some(300), Some(3_600), false),
                1_048,
                "valid",
                "valid 4 m 12 s",
            ),
            (
                oauth(Some(300), Some(3_600), false),
                1_280,
                "expiring",
                "expiring",
            ),
            (
                oauth(Some(300), Some(3_600), false),
                1_400,
                "expired",
                "expired",
            ),
            (
                oauth(Some(300), Some(3_600), false),
                9_000,
                "login_required",
                "login required",
            ),
            (oauth(Some(300), None, false), 1_400, "expired", "expired"),
            (
                oauth(Some(300), Some(3_600), true),
                1_000,
                "login_required",
                "login required",
            ),
            (oauth(None, None, false), 1_000, "unknown", "unknown"),
            (
                Auth::Oauth {
                    client: None,
                    session: None,
                },
                1_000,
                "not_logged_in",
                "not logged in",
            ),
        ];
        sipauth_tui::testing::cases::check_all(cases, |(auth, now, key, words)| {
            assert_eq!(
                status(&auth, now),
                Some((key, words.to_owned())),
                "{key} at {now}"
            );
        });
        let pat = Auth::Pat {
            token_id: "token-1".into(),
            token: Secret::new("t".into()),
        };
        assert_eq!(status(&pat, 0), None);
        assert_eq!(list_fields(&pat, 0)["status"], Value::Null);
    }

    #[test]
    fn tokens_are_described_not_shown() {
        let auth = oauth(Some(300), Some(3_600), false);
        let text = format!("{:?}", rows(&auth, 1_000, false, "********"));
        assert!(
            !text.contains("opaque-access") && !text.contains("opaque-refresh"),
            "{text}"
        );
        assert!(
            text.contains("opaque (13 chars), expires 1970-01-01 00:21:40 UTC (in 5 m 0 s)"),
            "{text}"
        );
        let doc = json(&auth, 1_000, false, "********");
        assert_eq!(doc["session"]["refresh_token"], "opaque (14 chars)");
        let revealed = json(&auth, 1_000, true, "********");
        assert_eq!(revealed["session"]["access_token"], "opaque-access");
    }
}
