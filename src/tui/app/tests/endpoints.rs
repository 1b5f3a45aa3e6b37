//! The endpoint picker, the endpoint list, the reach and learning scopes,
//! as `update()` sees them: keys in, the state and effects out.

use super::*;
use crate::oauth::RefreshOutcome;
use crate::probe::learn::{Learned, Report, Verdict};
use crate::sipgate::LearnedScopes;
use crate::tui::app::learning::{LearnEnd, Storing};
use crate::tui::endpoints::Stage;
use crate::tui::kind::Work;
use crate::tui::msg::{Call, Change, Done, Job};

fn select(app: &mut App, name: &str) {
    act(app, Action::Top);
    while selected(app) != name {
        act(app, Action::Down);
    }
}

fn job(app: &App, name: &str) -> Job {
    Job {
        name: name.to_owned(),
        generation: app.entry(name).map_or(0, |e| e.generation),
    }
}

/// The app with the picker open on `name` and `query` typed.
fn picking(name: &str, query: &str) -> App {
    let mut app = app();
    select(&mut app, name);
    assert!(press(&mut app, KeyCode::Char('o'), NOW).is_empty());
    assert!(matches!(app.modal, Some(Modal::Picker(_))), "o opens it");
    type_text(&mut app, query);
    app
}

fn picker(app: &App) -> &crate::tui::endpoints::Picker {
    match &app.modal {
        Some(Modal::Picker(picker)) => picker,
        other => panic!("want the picker, got {other:?}"),
    }
}

/// The picker's selected operation, as `POST /sessions/sms`.
fn current(app: &App) -> String {
    let index = picker(app).current().expect("a match");
    crate::tui::endpoints::operation(index).unwrap().label()
}

/// The one probe in `effects`, with its call.
fn call_of(effects: &[Effect]) -> (Job, Call) {
    match effects {
        [
            Effect::Probe {
                job,
                call: Some(call),
                ..
            },
        ] => (job.clone(), (**call).clone()),
        other => panic!("want a probe with a call, got {other:?}"),
    }
}

#[test]
fn typing_in_the_picker_ranks_post_sessions_sms_first_for_sms_post() {
    for query in ["sms post", "post sms", "sessions sms", "sendwebsms"] {
        let app = picking("pat", query);
        assert_eq!(current(&app), "POST /sessions/sms", "{query:?}");
        assert_eq!(picker(&app).query(), query);
        assert_eq!(selected(&app), "pat", "keys go to the picker, not the list");
    }
}

#[test]
fn enter_on_a_get_sends_it_at_once_through_the_probe_effect() {
    let mut app = picking("pat", "balance");
    assert_eq!(current(&app), "GET /balance");
    let (job, call) = call_of(&press(&mut app, KeyCode::Enter, NOW));
    assert_eq!(job, self::job(&app, "pat"));
    assert_eq!(
        call,
        Call {
            method: "GET".into(),
            path: "/balance".into(),
            body: None
        }
    );
    assert!(app.modal.is_none(), "the result shows in the details");
    assert_eq!(
        app.entry("pat").and_then(|e| e.busy).map(|(w, _)| w),
        Some(Work::Probe)
    );
    // `p` still probes the credential's own path.
    app.entry_mut("pat").unwrap().busy = None;
    let effects = press(&mut app, KeyCode::Char('p'), NOW);
    assert!(
        matches!(effects.as_slice(), [Effect::Probe { call: None, .. }]),
        "{effects:?}"
    );
}

#[test]
fn a_call_that_changes_the_account_needs_valid_json_and_a_yes() {
    let mut app = picking("pat", "sms post");
    assert!(
        press(&mut app, KeyCode::Enter, NOW).is_empty(),
        "not sent yet"
    );
    assert!(matches!(picker(&app).stage(), Stage::Body { .. }));
    // The body starts as `{}`: make it invalid.
    press(&mut app, KeyCode::Backspace, NOW);
    assert!(
        ctrl(&mut app, 's', NOW).is_empty(),
        "invalid JSON is not sent"
    );
    match picker(&app).stage() {
        Stage::Body { error: Some(e), .. } => assert!(e.starts_with("not JSON"), "{e}"),
        other => panic!("want an inline error, got {other:?}"),
    }
    type_text(&mut app, "\"smsId\": \"s0\"}");
    assert!(ctrl(&mut app, 's', NOW).is_empty(), "a confirmation first");
    assert!(matches!(picker(&app).stage(), Stage::Confirm { .. }));
    // n goes back to the body as it was.
    press(&mut app, KeyCode::Char('n'), NOW);
    assert!(matches!(
        picker(&app).stage(),
        Stage::Body { error: None, .. }
    ));
    ctrl(&mut app, 's', NOW);
    let (_, call) = call_of(&press(&mut app, KeyCode::Char('y'), NOW));
    assert_eq!(call.method, "POST");
    assert_eq!(call.path, "/sessions/sms");
    assert_eq!(call.body, Some(serde_json::json!({"smsId": "s0"})));
}

#[test]
fn esc_steps_back_and_closes_the_picker() {
    let mut app = picking("pat", "getHistoryById");
    press(&mut app, KeyCode::Enter, NOW);
    assert!(matches!(picker(&app).stage(), Stage::Params { .. }));
    press(&mut app, KeyCode::Esc, NOW);
    assert!(matches!(picker(&app).stage(), Stage::List));
    assert_eq!(picker(&app).query(), "getHistoryById", "the query stays");
    let effects = press(&mut app, KeyCode::Esc, NOW);
    assert!(effects.is_empty() && app.modal.is_none());
    assert_eq!(selected(&app), "pat");
}

#[test]
fn user_id_is_asked_once_per_credential_and_prefilled() {
    let mut app = picking("pat", "getDevices");
    let effects = press(&mut app, KeyCode::Enter, NOW);
    let job = match effects.as_slice() {
        [Effect::UserId { job, credential }] => {
            assert_eq!(credential.name, "pat");
            job.clone()
        }
        other => panic!("want a userinfo lookup, got {other:?}"),
    };
    // A second pick while it runs does not ask again.
    press(&mut app, KeyCode::Esc, NOW);
    assert!(press(&mut app, KeyCode::Enter, NOW).is_empty());
    app.update(Msg::Done(job, Done::UserId(Some("w0".into()))), NOW);
    let (_, call) = call_of(&press(&mut app, KeyCode::Enter, NOW));
    assert_eq!(call.path, "/w0/devices");
    assert_eq!(app.user_id("pat"), Some("w0"));

    // Known now: the next pick fills it without asking.
    app.entry_mut("pat").unwrap().busy = None;
    press(&mut app, KeyCode::Char('o'), NOW);
    type_text(&mut app, "getDevices");
    assert!(press(&mut app, KeyCode::Enter, NOW).is_empty());
    match picker(&app).stage() {
        Stage::Params { params, .. } => assert_eq!(params[0].value.text(), "w0"),
        other => panic!("want the form, got {other:?}"),
    }
}

#[test]
fn a_failed_lookup_leaves_the_field_empty_and_is_asked_again_later() {
    let mut app = picking("pat", "getDevices");
    let effects = press(&mut app, KeyCode::Enter, NOW);
    let [Effect::UserId { job, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    app.update(Msg::Done(job.clone(), Done::UserId(None)), NOW);
    match picker(&app).stage() {
        Stage::Params { params, .. } => {
            assert_eq!(params[0].value.text(), "");
            assert!(!params[0].looking_up);
        }
        other => panic!("want the form, got {other:?}"),
    }
    press(&mut app, KeyCode::Esc, NOW);
    let again = press(&mut app, KeyCode::Enter, NOW);
    assert!(
        matches!(again.as_slice(), [Effect::UserId { .. }]),
        "{again:?}"
    );
}

#[test]
fn the_picker_and_the_list_are_for_sipgates_api_only() {
    let mut other = pat("elsewhere");
    other.api = "https://api.example.test/v2".into();
    let mut app = app_with(vec![other]);
    for key in ['o', 'E'] {
        press(&mut app, KeyCode::Char(key), NOW);
        assert!(app.modal.is_none(), "{key}");
        let status = app
            .status
            .as_ref()
            .map(|s| s.text.clone())
            .unwrap_or_default();
        assert!(status.contains("not sipgate's"), "{status}");
    }
    assert!(app.reach().is_none());
}

#[test]
fn a_picked_call_to_a_due_session_waits_for_the_refresh() {
    let mut app = app_with(vec![oauth("soon", 30)]);
    app.auto_refresh = false;
    press(&mut app, KeyCode::Char('o'), NOW);
    type_text(&mut app, "balance");
    let effects = press(&mut app, KeyCode::Enter, NOW);
    let [Effect::Refresh { job, .. }] = effects.as_slice() else {
        panic!("want a refresh first, got {effects:?}");
    };
    let answer = Done::Refresh(Ok(RefreshOutcome::Refreshed(session_with(300))));
    let (_, call) = call_of(&app.update(Msg::Done(job.clone(), answer), NOW));
    assert_eq!(call.path, "/balance");
}

#[test]
fn the_endpoint_list_opens_scrolls_and_closes() {
    let mut app = app();
    press(&mut app, KeyCode::Char('E'), NOW);
    let Some(Modal::Endpoints(list)) = &app.modal else {
        panic!("{:?}", app.modal);
    };
    assert_eq!(list.name, "fresh");
    press(&mut app, KeyCode::PageDown, NOW);
    press(&mut app, KeyCode::Char('j'), NOW);
    let Some(Modal::Endpoints(list)) = &app.modal else {
        panic!("{:?}", app.modal);
    };
    assert!(list.scroll > 1, "{}", list.scroll);
    press(&mut app, KeyCode::Esc, NOW);
    assert!(app.modal.is_none());
    // The picker's key goes from the list to the picker.
    press(&mut app, KeyCode::Char('E'), NOW);
    press(&mut app, KeyCode::Char('o'), NOW);
    assert_eq!(picker(&app).name, "fresh");
}

#[test]
fn the_reach_follows_the_selection_and_the_credential() {
    let mut app = app();
    // fresh: a session whose token grants no scope.
    let session = app.reach().unwrap();
    assert!(session.callable > 0 && session.callable < session.total());
    assert_eq!(session.unknown(), 0);
    select(&mut app, "pat");
    let pat = app.reach().unwrap();
    assert_eq!(
        pat.unknown(),
        pat.total() - pat.callable,
        "a PAT's are unknown"
    );
    // Learned scopes stored with it change its reach.
    let mut learned = super::pat("pat");
    learned.learned_scopes = Some(LearnedScopes {
        granted: vec!["balance:read".into()],
        refused: vec!["history:read".into()],
        at: NOW_S,
    });
    app.load(data(vec![learned, john("john"), oauth("fresh", 300)]));
    app.update(Msg::Tick, NOW);
    let pat = app.reach().unwrap();
    assert!(pat.refused > 0 && pat.unknown() > 0, "{pat:?}");
}

fn report(scope: &str, status: u16, verdict: Verdict) -> Report {
    Report {
        scope: Some(scope.into()),
        request: format!("GET /{scope}"),
        status: Some(status),
        latency: std::time::Duration::from_millis(3),
        verdict: Some(verdict),
    }
}

#[test]
fn learning_a_pats_scopes_lists_each_request_and_stores_the_result() {
    let mut app = app();
    select(&mut app, "pat");
    let effects = press(&mut app, KeyCode::Char('S'), NOW);
    let job = match effects.as_slice() {
        [Effect::Learn { job, credential }] => {
            assert_eq!(credential.name, "pat");
            job.clone()
        }
        other => panic!("want a learning run, got {other:?}"),
    };
    assert!(matches!(app.modal, Some(Modal::Learn)));
    assert_eq!(
        app.entry("pat").and_then(|e| e.busy).map(|(w, _)| w),
        Some(Work::Learn)
    );
    let steps = [
        report("balance:read", 200, Verdict::Granted),
        report("history:read", 403, Verdict::Refused),
    ];
    for step in &steps {
        app.update(Msg::Done(job.clone(), Done::LearnStep(step.clone())), NOW);
    }
    assert_eq!(app.learning().unwrap().reports.len(), 2);
    let scopes = LearnedScopes {
        granted: vec!["balance:read".into()],
        refused: vec!["history:read".into()],
        at: NOW_S,
    };
    let learned = Learned {
        scopes: scopes.clone(),
        reports: steps.to_vec(),
        stopped: None,
        not_asked: Vec::new(),
    };
    let effects = app.update(
        Msg::Done(job.clone(), Done::Learned(Ok(Box::new(learned)))),
        NOW,
    );
    match effects.as_slice() {
        [Effect::Save(_, Change::Learned { name, scopes: s })] => {
            assert_eq!((name.as_str(), s), ("pat", &scopes));
        }
        other => panic!("want the result stored, got {other:?}"),
    }
    assert!(app.entry("pat").unwrap().busy.is_none());
    let mut stored = super::pat("pat");
    stored.learned_scopes = Some(scopes);
    let data = data(vec![stored, john("john"), oauth("fresh", 300)]);
    app.update(Msg::Done(job, Done::Saved(Ok(data))), NOW);
    match &app.learning().unwrap().end {
        Some(LearnEnd::Found { store, .. }) => assert_eq!(*store, Storing::Stored),
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(app.modal, Some(Modal::Learn)),
        "the result stays shown"
    );
    assert!(app.reach().unwrap().refused > 0);
}

#[test]
fn learning_is_refused_for_an_oauth_session_and_says_why() {
    let mut app = app();
    select(&mut app, "fresh");
    assert!(press(&mut app, KeyCode::Char('S'), NOW).is_empty());
    assert!(app.modal.is_none());
    let status = app
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default();
    assert!(status.contains("scopes are in its token"), "{status}");
}

#[test]
fn a_run_that_decides_nothing_stores_nothing() {
    let mut app = app();
    select(&mut app, "pat");
    let effects = press(&mut app, KeyCode::Char('S'), NOW);
    let [Effect::Learn { job, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let learned = Learned {
        scopes: LearnedScopes::default(),
        reports: vec![report("balance:read", 404, Verdict::Undecided(404))],
        stopped: None,
        not_asked: Vec::new(),
    };
    let effects = app.update(
        Msg::Done(job.clone(), Done::Learned(Ok(Box::new(learned)))),
        NOW,
    );
    assert!(effects.is_empty(), "{effects:?}");
    match &app.learning().unwrap().end {
        Some(LearnEnd::Found { store, .. }) => assert_eq!(*store, Storing::Nothing),
        other => panic!("{other:?}"),
    }
}
