//! Background work: probe, refresh (by key and automatic), login and
//! delete, and what their answers do to the state.

use super::*;
use crate::expiry::Health;
use crate::oauth::{RefreshError, RefreshOutcome};
use crate::ops::{Removed, Revocation};
use crate::tui::kind::Work;
use crate::tui::msg::{Done, Job, ProbeView};

fn select(app: &mut App, name: &str) {
    act(app, Action::Top);
    while selected(app) != name {
        act(app, Action::Down);
    }
}

fn busy(app: &App, name: &str) -> Option<Work> {
    app.entry(name).and_then(|e| app.work(e)).map(|(w, _)| w)
}

fn access_token(app: &App, name: &str) -> String {
    let session = app.entry(name).and_then(|e| e.session());
    session.map_or(String::new(), |s| s.access_token.expose().to_owned())
}

/// The one refresh in `effects`.
fn refresh_of(effects: &[Effect]) -> (Job, bool) {
    match effects {
        [Effect::Refresh { job, force }] => (job.clone(), *force),
        other => panic!("want one refresh, got {other:?}"),
    }
}

#[test]
fn probe_marks_the_entry_busy_and_a_stale_answer_is_dropped() {
    let mut app = app();
    select(&mut app, "pat");
    let job = match press(&mut app, KeyCode::Char('p'), NOW).as_slice() {
        [
            Effect::Probe {
                job,
                credential,
                call: None,
            },
        ] => {
            assert_eq!(credential.name, "pat");
            job.clone()
        }
        other => panic!("want a probe, got {other:?}"),
    };
    assert_eq!(busy(&app, "pat"), Some(Work::Probe));
    assert!(app.next_wakeup(NOW).is_some(), "the spinner turns");
    assert!(
        press(&mut app, KeyCode::Char('p'), NOW).is_empty(),
        "one at a time"
    );
    let view = ProbeView {
        request: "GET https://api.sipgate.com/v2/account".into(),
        status: Some(200),
        reason: "OK".into(),
        latency_ms: 42.0,
        hint: None,
        warning: None,
        body: vec!["{}".into()],
        at: NOW_S,
    };
    let stale = Job {
        generation: job.generation - 1,
        ..job.clone()
    };
    app.update(Msg::Done(stale, Done::Probe(Ok(view.clone()))), NOW);
    assert!(app.entry("pat").is_some_and(|e| e.probe.is_none()));
    assert_eq!(busy(&app, "pat"), Some(Work::Probe), "still waiting");
    app.update(Msg::Done(job, Done::Probe(Ok(view.clone()))), NOW);
    assert_eq!(
        app.entry("pat").and_then(|e| e.probe.as_deref().cloned()),
        Some(view)
    );
    assert_eq!(busy(&app, "pat"), None);
    let status = app.status.as_ref().map(|s| s.text.as_str());
    assert_eq!(status, Some("probe pat: 200 OK · 42 ms"));
}

#[test]
fn refresh_key_warns_on_a_pat_and_forces_a_session_refresh() {
    let mut app = app();
    select(&mut app, "pat");
    assert!(press(&mut app, KeyCode::Char('r'), NOW).is_empty());
    let status = app.status.clone().expect("a warning");
    assert!(
        status.error && status.text.contains("only OAuth sessions"),
        "{status:?}"
    );
    select(&mut app, "fresh");
    let (job, force) = refresh_of(&press(&mut app, KeyCode::Char('r'), NOW));
    assert!(force && job.name == "fresh");
    assert_eq!(busy(&app, "fresh"), Some(Work::Refresh { auto: false }));
}

#[test]
fn auto_refresh_fires_under_the_margin_only_while_switched_on() {
    // 90 s left; the margin is 60 s, so the refresh is due in 31 s (the
    // first second with less than 60 s left).
    let mut app = app_with(vec![pat("pat"), oauth("soon", 90)]);
    let due = NOW + 31_000;
    assert!(app.update(Msg::Tick, due - 1_000).is_empty());
    assert_eq!(app.next_wakeup(due - 1_000), Some(due));
    press(&mut app, KeyCode::Char('A'), NOW);
    assert!(!app.auto_refresh);
    assert!(app.update(Msg::Tick, due).is_empty(), "off: nothing");
    // Switched back on, what is due goes at once.
    let (job, force) = refresh_of(&press(&mut app, KeyCode::Char('A'), due));
    assert_eq!(
        app.status.as_ref().map(|s| s.text.as_str()),
        Some("auto-refresh on")
    );
    assert!(!force && job.name == "soon");
    assert_eq!(busy(&app, "soon"), Some(Work::Refresh { auto: true }));
    assert!(app.update(Msg::Tick, due + 1_000).is_empty(), "not twice");
}

#[test]
fn failed_refresh_keeps_the_session_and_backs_off() {
    let mut app = app_with(vec![oauth("soon", 30)]);
    let before = access_token(&app, "soon");
    let (job, _) = refresh_of(&app.update(Msg::Tick, NOW));
    let failed = Done::Refresh(Err(unreachable_server("soon")));
    assert!(app.update(Msg::Done(job, failed), NOW).is_empty());
    assert_eq!(access_token(&app, "soon"), before);
    let entry = app.entry("soon").expect("kept");
    let why = entry.refresh_error.as_deref().unwrap_or_default();
    assert!(why.contains("connection refused"), "{why}");
    assert!(app.status.as_ref().is_some_and(|s| s.error));
    assert!(
        app.update(Msg::Tick, NOW + 29_000).is_empty(),
        "backing off"
    );
    refresh_of(&app.update(Msg::Tick, NOW + 30_000));
}

#[test]
fn login_required_answer_marks_the_session_and_stops_auto_refresh() {
    let mut app = app_with(vec![oauth("soon", 30)]);
    let (job, _) = refresh_of(&app.update(Msg::Tick, NOW));
    let refused = Done::Refresh(Err(refused_grant("soon")));
    app.update(Msg::Done(job, refused), NOW);
    let entry = app.entry("soon").expect("kept");
    assert!(entry.session().is_some_and(|s| s.login_required));
    assert_eq!(entry.health(NOW_S, 60), Some(Health::LoginRequired));
    assert!(app.update(Msg::Tick, NOW + 60_000).is_empty());
}

#[test]
fn login_opens_a_waiting_modal_and_esc_cancels_it() {
    let mut app = app();
    select(&mut app, "pat");
    assert!(press(&mut app, KeyCode::Char('l'), NOW).is_empty());
    assert!(app.modal.is_none() && app.status.as_ref().is_some_and(|s| s.error));
    select(&mut app, "fresh");
    let job = match press(&mut app, KeyCode::Char('l'), NOW).as_slice() {
        [Effect::Login(job)] => job.clone(),
        other => panic!("want a login, got {other:?}"),
    };
    let url = "https://login.example/auth?client_id=client-1".to_owned();
    app.update(Msg::Done(job.clone(), Done::LoginStarted(url.clone())), NOW);
    assert!(matches!(&app.modal, Some(Modal::Login)));
    assert!(
        app.login()
            .is_some_and(|l| l.job == job && l.url.as_deref() == Some(url.as_str())),
        "{:?}",
        app.login()
    );
    assert_eq!(busy(&app, "fresh"), Some(Work::Login));
    // A redirect that ended nothing is noted; the login waits on.
    let said = "the browser redirect said: access_denied".to_owned();
    app.update(
        Msg::Done(job.clone(), Done::LoginWarning(said.clone())),
        NOW,
    );
    assert!(matches!(&app.modal, Some(Modal::Login)));
    assert_eq!(app.login().and_then(|l| l.note.clone()), Some(said));
    assert_eq!(busy(&app, "fresh"), Some(Work::Login));
    let effects = press(&mut app, KeyCode::Esc, NOW);
    assert!(
        matches!(effects.as_slice(), [Effect::CancelLogin(j)] if *j == job),
        "{effects:?}"
    );
    assert!(app.modal.is_none() && app.login().is_none() && busy(&app, "fresh").is_none());
}

#[test]
fn delete_asks_first_and_revokes_sessions_with_a_client() {
    for (name, revoke) in [("fresh", true), ("pat", false)] {
        let mut app = app();
        select(&mut app, name);
        assert!(press(&mut app, KeyCode::Char('d'), NOW).is_empty());
        assert!(
            matches!(&app.modal, Some(Modal::ConfirmDelete { name: n, revoke: r }) if n == name && *r == revoke)
        );
        assert!(
            press(&mut app, KeyCode::Enter, NOW).is_empty(),
            "Enter does not delete"
        );
        assert!(
            matches!(&app.modal, Some(Modal::ConfirmDelete { .. })),
            "the dialog stays after Enter"
        );
        press(&mut app, KeyCode::Char('n'), NOW);
        assert!(app.modal.is_none(), "n keeps it");
        press(&mut app, KeyCode::Char('d'), NOW);
        let job = match press(&mut app, KeyCode::Char('y'), NOW).as_slice() {
            [Effect::Delete { job, revoke: r }] => {
                assert_eq!((job.name.as_str(), *r), (name, revoke));
                job.clone()
            }
            other => panic!("{name}: want a delete, got {other:?}"),
        };
        assert_eq!(busy(&app, name), Some(Work::Delete));
        let rest: Vec<Credential> = app
            .entries
            .iter()
            .map(|e| e.credential.clone())
            .filter(|c| c.name != name)
            .collect();
        let revocation = if revoke {
            Revocation::Done(crate::oauth::Revoked::RefreshToken)
        } else {
            Revocation::NoSession
        };
        let removed = Box::new(Removed {
            data: data(rest),
            revocation,
        });
        app.update(Msg::Done(job, Done::Deleted(Ok(removed))), NOW);
        assert!(app.entry(name).is_none() && app.entries.len() == 2);
        let status = app.status.as_ref().map_or("", |s| s.text.as_str());
        assert!(status.starts_with(&format!("deleted {name}")), "{status}");
    }
}

#[test]
fn probe_of_a_due_session_refreshes_first_and_then_probes() {
    // (answer to the refresh, whether a probe follows, with which token)
    let fresh = session_with(300);
    let new_token = fresh.access_token.expose().to_owned();
    let cases = [
        (Ok(RefreshOutcome::Refreshed(fresh)), Some(new_token)),
        // The server is away, but the old token still works for 30 s.
        (Err(unreachable_server("soon")), None),
        (Err(refused_grant("soon")), None),
    ];
    for (answer, want_token) in cases {
        let mut app = app_with(vec![oauth("soon", 30)]);
        app.auto_refresh = false;
        let old_token = access_token(&app, "soon");
        let failed = matches!(answer, Err(RefreshError::Failed { .. }));
        let refused = matches!(answer, Err(RefreshError::LoginRequired { .. }));
        let (job, force) = refresh_of(&press(&mut app, KeyCode::Char('p'), NOW));
        assert!(!force, "only when due");
        assert_eq!(busy(&app, "soon"), Some(Work::RefreshThenProbe));
        let effects = app.update(Msg::Done(job, Done::Refresh(answer)), NOW);
        match effects.as_slice() {
            [
                Effect::Probe {
                    job,
                    credential,
                    call: None,
                },
            ] => {
                let token = credential.auth.session().map(|s| s.access_token.expose());
                let want = want_token.as_deref().unwrap_or(&old_token);
                assert_eq!(token, Some(want));
                assert!(failed || want_token.is_some());
                assert_eq!(
                    job.generation,
                    app.entry("soon").map_or(0, |e| e.generation)
                );
                assert_eq!(busy(&app, "soon"), Some(Work::Probe));
            }
            [] => assert!(refused, "only a refused refresh ends without a probe"),
            other => panic!("want one probe, got {other:?}"),
        }
    }
}

#[test]
fn probe_of_a_session_with_time_left_goes_straight_out() {
    let mut app = app_with(vec![oauth("fresh", 300)]);
    let effects = press(&mut app, KeyCode::Char('p'), NOW);
    assert!(
        matches!(effects.as_slice(), [Effect::Probe { .. }]),
        "{effects:?}"
    );
}

#[test]
fn refresh_due_is_the_margin_before_whichever_token_ends_first() {
    // (access seconds left, refresh seconds left) -> due, seconds from now
    // Due at the first second with *less* than the margin left (+1).
    let cases = [(300, 1_800, 241), (300, 100, 41), (30, 1_800, -29)];
    for (access, refresh, want) in cases {
        let mut credential = oauth("s", access);
        if let Auth::Oauth {
            session: Some(s), ..
        } = &mut credential.auth
        {
            s.refresh_expires_in = Some(refresh + 10);
        }
        let app = app_with(vec![credential]);
        let due = app.entry("s").and_then(|e| e.refresh_due(NOW_S, 60));
        assert_eq!(due, Some(NOW_S + want), "{access} {refresh}");
    }
}

#[test]
fn a_refresh_that_returns_a_token_already_due_backs_off() {
    let mut app = app_with(vec![oauth("soon", 30)]);
    let (job, _) = refresh_of(&app.update(Msg::Tick, NOW));
    // The server answers with another token that is due at once (say the
    // session hit its maximum lifespan): no second request right away.
    // (Its refresh token still lives: one already expired is never due,
    // by the core's rule, since only a new login helps.)
    let mut session = session_with(5);
    session.refresh_expires_in = Some(50);
    let done = Ok(RefreshOutcome::Refreshed(session));
    app.update(Msg::Done(job, Done::Refresh(done)), NOW);
    assert!(app.update(Msg::Tick, NOW + 1_000).is_empty(), "no storm");
    assert!(
        app.update(Msg::Tick, NOW + 29_000).is_empty(),
        "backing off"
    );
    refresh_of(&app.update(Msg::Tick, NOW + 30_000));
}

#[test]
fn delete_waits_for_work_in_progress_and_a_delete_answer_always_reloads() {
    let mut app = app();
    select(&mut app, "pat");
    press(&mut app, KeyCode::Char('p'), NOW);
    press(&mut app, KeyCode::Char('d'), NOW);
    assert!(app.modal.is_none(), "no confirm while probing");
    assert!(
        app.status
            .as_ref()
            .is_some_and(|s| s.error && s.text.contains("busy"))
    );
    // An answer tagged with an old generation still reflects the store.
    let mut left = data(vec![john("john"), oauth("fresh", 300)]);
    left.version = crate::store::STORE_VERSION;
    let job = Job {
        name: "pat".into(),
        generation: 0,
    };
    let removed = Box::new(Removed {
        data: left,
        revocation: Revocation::NoSession,
    });
    app.update(Msg::Done(job, Done::Deleted(Ok(removed))), NOW);
    assert!(app.entry("pat").is_none());
}

#[test]
fn a_refresh_due_only_because_the_refresh_token_ends_is_sent_by_the_one_rule() {
    let mut credential = oauth("s", 300);
    if let Auth::Oauth {
        session: Some(s), ..
    } = &mut credential.auth
    {
        s.refresh_expires_in = Some(40);
    }
    let mut app = app_with(vec![credential]);
    // Due by the core's rule, which the core's refresh applies too: no
    // forcing needed to get it sent (the CLI test
    // `refresh_if_due_renews_a_session_whose_refresh_token_ends` proves the
    // core then makes the request).
    let (_, force) = refresh_of(&app.update(Msg::Tick, NOW));
    assert!(!force, "unforced: one rule for the app and the core");
}

#[test]
fn a_crash_in_background_work_is_shown_and_not_retried_at_once() {
    let mut app = app_with(vec![oauth("soon", 30)]);
    let (job, _) = refresh_of(&app.update(Msg::Tick, NOW));
    let effects = app.update(Msg::Done(job, Done::Crashed("boom".into())), NOW);
    assert!(effects.is_empty(), "no loop: {effects:?}");
    assert_eq!(busy(&app, "soon"), None, "the spinner stops");
    assert!(matches!(&app.modal, Some(Modal::Error(e)) if e.contains("boom")));
    assert!(app.update(Msg::Tick, NOW + 29_000).is_empty());
    refresh_of(&app.update(Msg::Tick, NOW + 30_000));
}

#[test]
fn an_answer_of_another_kind_leaves_running_work_alone() {
    let mut app = app_with(vec![oauth("soon", 30)]);
    let (job, _) = refresh_of(&app.update(Msg::Tick, NOW));
    let same = data(vec![oauth("soon", 30)]);
    app.update(Msg::Done(job.clone(), Done::Saved(Ok(same))), NOW);
    assert_eq!(busy(&app, "soon"), Some(Work::Refresh { auto: true }));
    let late_login = Done::Login(Err(crate::ops::login::LoginFailed::Flow(
        crate::oauth::LoginError::Cancelled,
    )));
    app.update(Msg::Done(job, late_login), NOW);
    assert_eq!(busy(&app, "soon"), Some(Work::Refresh { auto: true }));
}

/// A refresh that failed for a passing reason: nothing listens.
fn unreachable_server(name: &str) -> RefreshError {
    RefreshError::Failed {
        name: name.into(),
        source: crate::oauth::OauthError::Network {
            what: "token request to http://127.0.0.1:9/token".into(),
            failure: crate::net::NetFailure::Refused {
                target: "127.0.0.1:9".into(),
            },
        },
    }
}

/// A refresh the server refused for good.
fn refused_grant(name: &str) -> RefreshError {
    RefreshError::LoginRequired {
        name: name.into(),
        why: crate::oauth::refresh::LoginReason::Refused {
            error: "invalid_grant".into(),
            description: None,
        },
    }
}

/// The app words the core's facts from its keymap: with login rebound,
/// every piece of advice to log in names the key the user bound.
#[test]
fn advice_to_log_in_names_the_key_actually_bound_to_login() {
    let overrides = std::collections::BTreeMap::from([
        (Action::Login, vec!["ctrl-g".to_owned()]),
        (Action::Refresh, vec!["R".to_owned()]),
    ]);
    let keymap = crate::tui::keymap::Keymap::with_overrides(&overrides).expect("valid keys");
    let mut app = crate::tui::new_app(
        crate::tui::config::Config::default(),
        keymap,
        data(vec![oauth("soon", 30)]),
        "test".into(),
        Ok(test_fetch()),
    );
    let (job, _) = refresh_of(&app.update(Msg::Tick, NOW));
    app.update(
        Msg::Done(job, Done::Refresh(Err(refused_grant("soon")))),
        NOW,
    );
    let status = app.status.as_ref().map_or("", |s| s.text.as_str());
    assert!(
        status.contains("needs a new login") && status.contains("press ctrl-g to log in"),
        "{status}"
    );
    assert!(!status.contains("press l"), "{status}");
    // So does the refusal to copy the header of that session.
    act(&mut app, Action::CopyHeader);
    let status = app.status.as_ref().map_or("", |s| s.text.as_str());
    assert!(status.contains("press ctrl-g to log in"), "{status}");
    // A probe's 401 fix names the rebound keys too.
    let fix = crate::tui::strings::fix(crate::hint::Fix::RenewSession, app.keymap());
    assert!(
        fix.contains("press R to refresh (or ctrl-g to log in again)"),
        "{fix}"
    );
}
