//! Lifetimes and countdowns, from a session and `now`.
//!
//! Nothing here reads the clock: callers pass `now` (Unix seconds), so views
//! and tests are deterministic. An expiry is only ever taken from what the
//! server said (`expires_in`, `refresh_expires_in`) or from a JWT `exp`;
//! when neither exists it is unknown, never guessed.

use crate::credential::Session;
use crate::jwt;

/// How far apart this machine's clock and the server's may be for a JWT's
/// `exp` to be read on our clock (see [`access_expiry`]).
pub const MAX_CLOCK_SKEW: i64 = 600;

/// The access token expires at the earlier of `obtained_at + expires_in`
/// and its JWT `exp`; `None` when neither is known.
///
/// `exp` is on the server's clock, `obtained_at` on ours. When the token
/// carries `iat` within [`MAX_CLOCK_SKEW`] of `obtained_at`, the difference
/// is taken as clock skew and `exp` moved onto our clock: a laptop five
/// minutes fast would otherwise see every fresh 300 s token as expired and
/// refresh on every call. Further apart, the token was not just issued
/// (an import), and `exp` is used as it is.
pub fn access_expiry(session: &Session) -> Option<i64> {
    let by_response = session.expires_in.map(|s| {
        session
            .obtained_at
            .saturating_add(i64::try_from(s).unwrap_or(i64::MAX))
    });
    let token = session.access_token.expose();
    let by_jwt = jwt_exp(token).map(|exp| exp.saturating_add(skew(token, session.obtained_at)));
    match (by_response, by_jwt) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// How far this machine's clock is ahead of the server's, as a token
/// obtained at `obtained_at` (our clock) shows by its `iat` (theirs): 0
/// without `iat` or beyond [`MAX_CLOCK_SKEW`] (not just issued: an import).
pub fn skew(token: &str, obtained_at: i64) -> i64 {
    jwt_time(token, "iat")
        .map(|iat| obtained_at.saturating_sub(iat))
        // A saturated difference (i64::MIN) has no `abs`: it is far apart.
        .filter(|skew| (-MAX_CLOCK_SKEW..=MAX_CLOCK_SKEW).contains(skew))
        .unwrap_or(0)
}

/// When the refresh token expires: from `refresh_expires_in` (0 means it
/// does not expire by time, as for Keycloak offline tokens), else from its
/// JWT `exp` (0 or absent: no expiry), moved onto our clock as the access
/// token's is ([`skew`]). `Refresh::None` without a refresh
/// token.
pub fn refresh_expiry(session: &Session) -> Refresh {
    let Some(token) = &session.refresh_token else {
        return Refresh::None;
    };
    match session.refresh_expires_in {
        Some(0) => Refresh::Never,
        Some(s) => Refresh::At(
            session
                .obtained_at
                .saturating_add(i64::try_from(s).unwrap_or(i64::MAX)),
        ),
        None => match jwt_exp(token.expose()) {
            Some(0) => Refresh::Never,
            Some(at) => Refresh::At(at.saturating_add(skew(token.expose(), session.obtained_at))),
            None if jwt::looks_like_jwt(token.expose()) => Refresh::Never,
            None => Refresh::Unknown,
        },
    }
}

/// What is known of a refresh token's lifetime.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refresh {
    /// There is no refresh token.
    None,
    /// It expires at this Unix time.
    At(i64),
    /// It does not expire by time (offline token, or a JWT without `exp`).
    Never,
    /// An opaque token and no `refresh_expires_in`: nobody said.
    Unknown,
}

impl Refresh {
    /// Whether the token can still be used at `now` (unknown counts as usable:
    /// the server will say if not).
    pub fn usable(self, now: i64) -> bool {
        match self {
            Refresh::None => false,
            Refresh::At(at) => at > now,
            Refresh::Never | Refresh::Unknown => true,
        }
    }
}

/// A session's health at `now`, for badges and decisions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Health {
    /// The access token has more than the margin left.
    Valid,
    /// The access token has less than the margin left.
    Expiring,
    /// The access token has expired (a refresh may still help).
    Expired,
    /// The refresh token is gone or refused: only a new login helps.
    LoginRequired,
    /// No expiry is known.
    Unknown,
}

/// Classifies a session at `now`; `margin` is what counts as "expiring".
pub fn health(session: &Session, now: i64, margin: i64) -> Health {
    classify(
        session,
        access_expiry(session),
        refresh_expiry(session),
        now,
        margin,
    )
}

/// [`health`] with the session's expiries already worked out (the TUI
/// caches them: a frame must not decode thousands of tokens).
pub fn classify(
    session: &Session,
    access: Option<i64>,
    refresh: Refresh,
    now: i64,
    margin: i64,
) -> Health {
    if session.login_required {
        return Health::LoginRequired;
    }
    let refreshable = refresh.usable(now);
    match access {
        None => Health::Unknown,
        Some(at) if at > now.saturating_add(margin) => Health::Valid,
        Some(at) if at > now => Health::Expiring,
        Some(_) if refreshable => Health::Expired,
        Some(_) if session.refresh_token.is_some() => Health::LoginRequired,
        Some(_) => Health::Expired,
    }
}

/// The refresh rule: the one place that decides when a session is
/// refreshed, for the command line (`header`, `curl`, `probe`,
/// `refresh --if-due`), the app's auto-refresh and its probe.
///
/// A session is due from the first whole second at which less than
/// `margin` seconds are left of its access token, or of its refresh token
/// when that has a deadline (a refresh then keeps the session alive).
/// `None` when no refresh can help at `now` or nothing says when: the
/// server refused the session (login required), it has no refresh token,
/// its refresh token has expired, or no expiry of either token is known.
/// The time returned may be `now` or earlier: the refresh is due.
pub fn refresh_due_at(session: &Session, now: i64, margin: i64) -> Option<i64> {
    due_at(
        session,
        access_expiry(session),
        refresh_expiry(session),
        now,
        margin,
    )
}

/// [`refresh_due_at`] with the session's expiries already worked out (the
/// app caches them: auto-refresh looks at every entry on every tick).
pub fn due_at(
    session: &Session,
    access: Option<i64>,
    refresh: Refresh,
    now: i64,
    margin: i64,
) -> Option<i64> {
    if session.login_required || !refresh.usable(now) {
        return None;
    }
    let before = |at: i64| at.saturating_sub(margin).saturating_add(1);
    let access = access.map(before);
    match refresh {
        Refresh::None => None,
        Refresh::At(at) => Some(access.map_or(before(at), |a| a.min(before(at)))),
        Refresh::Never | Refresh::Unknown => access,
    }
}

/// Whether [`refresh_due_at`] has come at `now`.
pub fn refresh_due(session: &Session, now: i64, margin: i64) -> bool {
    refresh_due_at(session, now, margin).is_some_and(|at| at <= now)
}

/// The `exp` claim of a token, when it is a JWT that has one.
pub fn jwt_exp(token: &str) -> Option<i64> {
    jwt_time(token, "exp")
}

/// A time claim (`exp`, `iat`, …) of a token, when it is a JWT that has it.
pub fn jwt_time(token: &str, claim: &str) -> Option<i64> {
    if !jwt::looks_like_jwt(token) {
        return None;
    }
    jwt::decode(token).ok()?.time_claim(claim)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::Secret;
    use crate::time_text::relative;

    fn session(access: &str, expires_in: Option<u64>) -> Session {
        Session {
            expires_in,
            ..Session::bearer(Secret::new(access.into()), 1_000)
        }
    }

    #[test]
    fn access_expiry_is_unknown_without_expires_in_or_exp() {
        assert_eq!(access_expiry(&session("opaque-token", None)), None);
        assert_eq!(
            access_expiry(&session("opaque-token", Some(300))),
            Some(1_300)
        );
    }

    #[test]
    fn access_expiry_takes_the_earlier_of_response_and_jwt() {
        let fixture: serde_json::Value = serde_json::from_str(include_str!(
            "../tests/fixtures/keycloak-token-response.json"
        ))
        .unwrap();
        let token = fixture["access_token"].as_str().unwrap();
        let iat = 1_525_271_841;
        // Long after issue (an import): `exp` as it is beats a later response bound.
        let mut s = session(token, Some(600));
        s.obtained_at = iat + 10_000;
        assert_eq!(access_expiry(&s), Some(1_525_272_141));
        // Just issued, our clock 100 s ahead: `exp` moves onto our clock.
        s.obtained_at = iat + 100;
        assert_eq!(access_expiry(&s), Some(iat + 100 + 300));
        // 100 s behind: earlier on our clock, still the JWT's 300 s.
        s.obtained_at = iat - 100;
        assert_eq!(access_expiry(&s), Some(iat - 100 + 300));
        s.expires_in = Some(60);
        assert_eq!(access_expiry(&s), Some(iat - 100 + 60));
        s.refresh_token = Some(Secret::new(
            fixture["refresh_token"].as_str().unwrap().into(),
        ));
        // The refresh token's `exp` moves by the same skew (its `iat` too is
        // 100 s after our obtained_at)...
        assert_eq!(refresh_expiry(&s), Refresh::At(1_527_863_841 - 100));
        // ...and not when obtained long after (an import).
        s.obtained_at = iat + 10_000;
        assert_eq!(refresh_expiry(&s), Refresh::At(1_527_863_841));
        s.refresh_token = Some(Secret::new("0b6f-opaque".into()));
        assert_eq!(refresh_expiry(&s), Refresh::Unknown);
        s.refresh_expires_in = Some(0);
        assert_eq!(refresh_expiry(&s), Refresh::Never);
    }

    #[test]
    fn hostile_exp_claims_do_not_overflow() {
        use crate::testing::jwt::segment as b64;
        for exp in [i64::MIN, i64::MAX, -1] {
            let token = format!(
                "{}.{}.c2ln",
                b64(r#"{"alg":"RS256"}"#),
                b64(format!(r#"{{"exp":{exp},"iat":{exp}}}"#))
            );
            for obtained_at in [i64::MIN, 0, i64::MAX] {
                let mut s = session(&token, Some(u64::MAX));
                s.obtained_at = obtained_at;
                s.refresh_token = Some(Secret::new("r".into()));
                for now in [i64::MIN, 0, i64::MAX] {
                    let _ = (health(&s, now, i64::MAX), refresh_due(&s, now, i64::MAX));
                    let _ = access_expiry(&s).map(|at| relative(at, now, true));
                }
            }
        }
    }

    #[test]
    fn a_clock_gap_too_wide_to_subtract_is_no_clock_skew() {
        // obtained_at - iat saturates to i64::MIN, whose absolute value does
        // not exist: it must count as "not just issued", not as a skew.
        use crate::testing::jwt::unsigned;
        let token = unsigned(&serde_json::json!({"exp": 2_000, "iat": 1_000}));
        let mut s = session(&token, None);
        s.obtained_at = i64::MIN;
        assert_eq!(access_expiry(&s), Some(2_000));
    }

    #[test]
    fn the_refresh_rule_is_the_margin_before_whichever_token_ends_first() {
        // (access left, refresh: Some(left) / None = no refresh token,
        //  login required, now offset) -> due at, relative to obtained_at
        type Case = (Option<u64>, Option<Option<u64>>, bool, i64, Option<i64>);
        let cases: [Case; 8] = [
            (Some(300), Some(Some(1_800)), false, 0, Some(271)),
            (Some(300), Some(Some(100)), false, 0, Some(71)),
            (Some(300), Some(None), false, 0, Some(271)),
            (None, Some(Some(1_800)), false, 0, Some(1_771)),
            (None, Some(None), false, 0, None),
            (Some(300), None, false, 0, None),
            (Some(300), Some(Some(1_800)), true, 0, None),
            // The refresh token has expired: only a new login helps.
            (Some(300), Some(Some(100)), false, 100, None),
        ];
        let failures: Vec<String> = cases
            .iter()
            .filter_map(|&(access, refresh, refused, later, want)| {
                let mut s = session("opaque", access);
                s.refresh_token = refresh.map(|_| Secret::new("r".into()));
                s.refresh_expires_in = refresh.flatten();
                s.login_required = refused;
                let got = refresh_due_at(&s, 1_000 + later, 30);
                (got != want.map(|w| 1_000 + w))
                    .then(|| format!("{access:?} {refresh:?} {refused} +{later}: {got:?}"))
            })
            .collect();
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn health_follows_the_clock() {
        let mut s = session("opaque", Some(300));
        s.refresh_token = Some(Secret::new("r".into()));
        s.refresh_expires_in = Some(3_600);
        assert_eq!(health(&s, 1_000, 30), Health::Valid);
        assert_eq!(health(&s, 1_280, 30), Health::Expiring);
        assert_eq!(health(&s, 1_400, 30), Health::Expired);
        assert!(refresh_due(&s, 1_280, 30) && !refresh_due(&s, 1_000, 30));
        assert_eq!(health(&s, 5_000, 30), Health::LoginRequired);
        assert!(!refresh_due(&s, 5_000, 30));
        s.login_required = true;
        assert_eq!(health(&s, 1_000, 30), Health::LoginRequired);
    }
}
