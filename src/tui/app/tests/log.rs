//! Outcomes kept where the user looks: a refused or failed probe and a
//! refresh that needs a login stay on the entry (the probe panel, the
//! list's mark), and every status message goes to the message log.

use super::*;
use crate::oauth::RefreshError;
use crate::tui::msg::{Done, Job, ProbeView};

/// An OAuth entry whose last refresh the server refused.
fn refused(name: &str) -> Credential {
    let mut credential = oauth(name, 300);
    if let Auth::Oauth {
        session: Some(s), ..
    } = &mut credential.auth
    {
        s.login_required = true;
    }
    credential
}

fn job_of(app: &App, name: &str) -> Job {
    Job {
        name: name.to_owned(),
        generation: app.entry(name).map_or(0, |e| e.generation),
    }
}

fn failure(app: &App, name: &str) -> Option<super::super::entries::Failure> {
    app.entry(name).and_then(|e| e.failure.as_deref().cloned())
}

#[test]
fn probe_of_a_session_that_needs_a_login_is_refused_and_kept_on_the_entry() {
    let mut app = app_with(vec![refused("gone")]);
    assert!(!app.entry("gone").is_some_and(|e| e.failed()));
    let effects = press(&mut app, KeyCode::Char('p'), NOW);
    assert!(effects.is_empty(), "no probe goes out: {effects:?}");
    let kept = failure(&app, "gone").expect("the refusal is kept");
    assert_eq!(kept.what, "probe");
    assert_eq!(kept.at, NOW_S);
    assert_eq!(kept.fix.as_deref(), Some("log in again (l)"));
    assert!(app.entry("gone").is_some_and(|e| e.failed()), "marked");
    let logged: Vec<_> = app.messages().collect();
    assert_eq!(logged.len(), 1);
    assert!(logged[0].error && logged[0].text.contains("press l to log in"));
    // Kept when the store is read again with the same credential changed.
    let mut data = StoreData::empty();
    let mut changed = refused("gone");
    changed.api = "https://api.example/v2".into();
    data.credentials = vec![changed];
    app.load(data);
    assert!(failure(&app, "gone").is_some(), "kept across a load");
}

#[test]
fn probe_of_an_oauth_client_without_a_session_names_the_login_key() {
    let auth = Auth::Oauth {
        client: Some(client()),
        session: None,
    };
    let mut app = app_with(vec![Credential::new("client", DEFAULT_API, auth).unwrap()]);
    press(&mut app, KeyCode::Char('p'), NOW);
    let kept = failure(&app, "client").expect("kept");
    assert_eq!(kept.reason, "not logged in yet");
    assert_eq!(kept.fix.as_deref(), Some("log in (l)"));
}

#[test]
fn failed_probe_is_kept_and_a_later_answer_clears_it() {
    let mut app = app_with(vec![oauth("fresh", 300)]);
    press(&mut app, KeyCode::Char('p'), NOW);
    let job = job_of(&app, "fresh");
    let error = crate::probe::ProbeError::Client("no TLS roots".into());
    app.update(Msg::Done(job.clone(), Done::Probe(Err(error))), NOW);
    let kept = failure(&app, "fresh").expect("kept");
    assert_eq!(kept.what, "probe");
    assert!(app.entry("fresh").is_some_and(|e| e.failed()));
    press(&mut app, KeyCode::Char('p'), NOW + 1_000);
    let view = ProbeView {
        request: "GET https://api.sipgate.com/v2/account".into(),
        status: Some(200),
        reason: "OK".into(),
        latency_ms: 12.0,
        hint: None,
        warning: None,
        body: Vec::new(),
        at: NOW_S + 1,
    };
    app.update(Msg::Done(job, Done::Probe(Ok(view))), NOW + 1_000);
    assert_eq!(
        failure(&app, "fresh"),
        None,
        "the answer is the outcome now"
    );
    assert!(!app.entry("fresh").is_some_and(|e| e.failed()));
}

#[test]
fn refresh_that_needs_a_login_leaves_a_failure_with_the_login_key() {
    let mut app = app_with(vec![oauth("soon", 30)]);
    app.auto_refresh = false;
    press(&mut app, KeyCode::Char('r'), NOW);
    let job = job_of(&app, "soon");
    let refused = RefreshError::LoginRequired {
        name: "soon".into(),
        why: crate::oauth::refresh::LoginReason::Refused {
            error: "invalid_grant".into(),
            description: None,
        },
    };
    app.update(Msg::Done(job, Done::Refresh(Err(refused))), NOW);
    let kept = failure(&app, "soon").expect("kept past the new session");
    assert_eq!(kept.what, "refresh");
    assert_eq!(kept.fix.as_deref(), Some("log in again (l)"));
}

#[test]
fn message_log_keeps_the_last_messages_in_full_and_opens_with_m() {
    let mut app = app();
    let long = "x".repeat(500);
    app.warn(long.clone(), NOW);
    for i in 0..super::super::LOG_LEN {
        app.say(format!("message {i}"), NOW + i as i64);
    }
    let logged: Vec<_> = app.messages().collect();
    assert_eq!(logged.len(), super::super::LOG_LEN, "the oldest went");
    assert_eq!(
        logged[0].text,
        format!("message {}", super::super::LOG_LEN - 1)
    );
    assert!(logged.iter().all(|l| l.text != long && !l.error));
    app.warn(long.clone(), NOW + 1_000);
    assert_eq!(app.messages().next().map(|l| l.text.as_str()), Some(&*long));

    press(&mut app, KeyCode::Char('m'), NOW);
    assert!(matches!(app.modal, Some(Modal::Messages { scroll: 0 })));
    press(&mut app, KeyCode::Char('j'), NOW);
    press(&mut app, KeyCode::Down, NOW);
    assert!(matches!(app.modal, Some(Modal::Messages { scroll: 2 })));
    press(&mut app, KeyCode::Up, NOW);
    assert!(matches!(app.modal, Some(Modal::Messages { scroll: 1 })));
    press(&mut app, KeyCode::PageUp, NOW);
    assert!(matches!(app.modal, Some(Modal::Messages { scroll: 0 })));
    for _ in 0..30 {
        press(&mut app, KeyCode::PageDown, NOW);
    }
    assert!(
        matches!(app.modal, Some(Modal::Messages { scroll }) if scroll == super::super::LOG_LEN - 1),
        "stops at the oldest"
    );
    press(&mut app, KeyCode::Esc, NOW);
    for close in [
        KeyCode::Char('m'),
        KeyCode::Esc,
        KeyCode::Char('q'),
        KeyCode::Enter,
    ] {
        press(&mut app, KeyCode::Char('m'), NOW);
        assert!(app.modal.is_some());
        press(&mut app, close, NOW);
        assert!(app.modal.is_none(), "{close:?} closes it");
        assert!(!app.should_quit());
    }
}
