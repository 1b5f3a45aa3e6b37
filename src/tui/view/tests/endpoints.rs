//! Snapshots of what sipgate's API map adds to the screen: the "API
//! access" summary in the details, the endpoint picker at each step, the
//! full endpoint list and a learning run; and every size drawn without a
//! panic with each of them open.

use crate::credential::{Auth, Credential, DEFAULT_API, Secret};
use crate::probe::learn::{Learned, Report, Verdict};
use crate::sipgate::LearnedScopes;
use crate::store::StoreData;

use super::super::super::input::{Key, KeyCode};
use super::super::super::msg::Effect;
use super::*;

/// A session (its token grants `balance:read` and `account:read`), a PAT
/// whose scopes are unknown and one that learned some, on sipgate's API.
fn sipgate_data() -> StoreData {
    let pat = |id: &str| Auth::Pat {
        token_id: id.into(),
        token: Secret::new(PAT_TOKEN.into()),
    };
    let mut learned = Credential::new("learned-pat", DEFAULT_API, pat("token-LRN")).unwrap();
    learned.learned_scopes = Some(LearnedScopes {
        granted: vec!["account:read".into(), "balance:read".into()],
        refused: vec!["history:read".into()],
        at: NOW - 7200,
    });
    let session = Auth::Oauth {
        client: Some(client()),
        session: Some(Box::new(session(NOW - 60))),
    };
    let mut data = StoreData::empty();
    for credential in [
        Credential::new("sipgate-session", DEFAULT_API, session).unwrap(),
        Credential::new("unknown-pat", DEFAULT_API, pat("token-UNK")).unwrap(),
        learned,
    ] {
        data.insert(credential).unwrap();
    }
    data
}

fn sipgate_app(width: u16, height: u16, name: &str) -> App {
    let mut app = app_of(sipgate_data(), width, height);
    for _ in 0..5 {
        if app.current().map(|e| e.name()) == Some(name) {
            return app;
        }
        act(&mut app, Action::Down);
    }
    panic!("{name} not in the list");
}

fn keys(app: &mut App, codes: &[KeyCode]) -> Vec<Effect> {
    codes
        .iter()
        .flat_map(|c| app.update(Msg::Key(Key::plain(*c)), NOW_MS))
        .collect()
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Msg::Key(Key::plain(KeyCode::Char(c))), NOW_MS);
    }
}

/// The picker open on `name` with `query` typed.
fn picking(name: &str, query: &str) -> App {
    let mut app = sipgate_app(80, 24, name);
    act(&mut app, Action::PickEndpoint);
    type_text(&mut app, query);
    app
}

#[test]
fn the_details_sum_up_what_a_session_can_call() {
    for (w, h) in SIZES {
        let mut app = sipgate_app(w, h, "sipgate-session");
        if w < 60 {
            // Only the focused pane is drawn: the details, scrolled.
            scroll_to(&mut app, "── API access");
        }
        let screen = snapshot("can_call_session", &app);
        if w >= 80 {
            for want in ["API access", "can call", "of 179 operations", "E lists"] {
                assert!(screen.contains(want), "{want}:\n{screen}");
            }
        }
    }
}

#[test]
fn the_details_show_learned_scopes_with_their_age_or_how_to_learn_them() {
    let learned = snapshot("can_call_learned", &sipgate_app(80, 24, "learned-pat"));
    assert!(
        learned.contains("learned 2 h 0 m ago (S again)"),
        "{learned}"
    );
    assert!(learned.contains("167 unknown"), "{learned}");
    let unknown = render(&sipgate_app(80, 24, "unknown-pat"));
    assert!(unknown.contains("scopes unknown"), "{unknown}");
    assert!(unknown.contains("press S to learn"), "{unknown}");
    // Another provider's API gets no summary.
    let other = render(&app(80, 24));
    assert!(!other.contains("API access"), "{other}");
}

#[test]
fn the_picker_lists_matches_with_scopes_and_access() {
    let app = picking("sipgate-session", "sms post");
    let screen = snapshot("picker", &app);
    let first = screen
        .lines()
        .find(|l| l.contains("/sessions/sms"))
        .unwrap_or_default();
    assert!(first.contains("POST") && first.contains(" no"), "{screen}");
    assert!(screen.contains("no: missing sessions:sms:write or sessions:write"));
    let balance = render(&picking("sipgate-session", "balance"));
    let row = balance.lines().find(|l| l.contains("/balance")).unwrap();
    assert!(
        row.contains("balance:read") && row.contains("yes"),
        "{balance}"
    );
}

#[test]
fn the_picker_asks_for_parameters_and_a_checked_body() {
    let mut params = picking("sipgate-session", "getDevices");
    keys(&mut params, &[KeyCode::Enter]);
    let screen = snapshot("picker_params", &params);
    assert!(screen.contains("looking it up"), "{screen}");

    let mut body = picking("sipgate-session", "sms post");
    keys(&mut body, &[KeyCode::Enter, KeyCode::Backspace]);
    type_text(&mut body, "\"smsId\" 1");
    body.update(Msg::Key(Key::ctrl(KeyCode::Char('s'))), NOW_MS);
    let screen = snapshot("picker_body", &body);
    for want in ["changes the account", "not JSON", "will likely answer 403"] {
        assert!(screen.contains(want), "{want}:\n{screen}");
    }
}

#[test]
fn the_endpoint_list_marks_every_operation() {
    let mut app = sipgate_app(80, 24, "learned-pat");
    act(&mut app, Action::EndpointList);
    let screen = snapshot("endpoint_list", &app);
    assert!(screen.contains("── account · 2 of 3"), "{screen}");
    assert!(screen.contains("yes GET    /account"), "{screen}");
}

fn report(scope: &str, status: u16, verdict: Verdict) -> Report {
    Report {
        scope: Some(scope.into()),
        request: format!("GET /{}", scope.trim_end_matches(":read")),
        status: Some(status),
        latency: std::time::Duration::from_millis(3),
        verdict: Some(verdict),
    }
}

/// A learning run on `unknown-pat` with two answers, finished or not.
fn learning(done: bool) -> App {
    let mut app = sipgate_app(80, 24, "unknown-pat");
    let effects = app.update(Msg::Action(Action::LearnScopes), NOW_MS);
    let [Effect::Learn { job, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let reports = vec![
        report("balance:read", 200, Verdict::Granted),
        report("history:read", 403, Verdict::Refused),
    ];
    for r in &reports {
        app.update(Msg::Done(job.clone(), Done::LearnStep(r.clone())), NOW_MS);
    }
    if done {
        let learned = Learned {
            scopes: LearnedScopes {
                granted: vec!["balance:read".into()],
                refused: vec!["history:read".into()],
                at: NOW,
            },
            reports,
            stopped: None,
            not_asked: Vec::new(),
        };
        let answer = Done::Learned(Ok(Box::new(learned)));
        app.update(Msg::Done(job.clone(), answer), NOW_MS);
    }
    app
}

#[test]
fn a_learning_run_lists_each_request_then_the_result() {
    let running = render(&learning(false));
    assert!(running.contains("the run goes on"), "{running}");
    let screen = snapshot("learn", &learning(true));
    for want in [
        "balance:read granted",
        "history:read refused",
        "storing with",
    ] {
        assert!(screen.contains(want), "{want}:\n{screen}");
    }
}

#[test]
fn every_size_draws_the_api_views_without_panic() {
    let mut params = picking("unknown-pat", "getDevices");
    keys(&mut params, &[KeyCode::Enter]);
    let mut body = picking("sipgate-session", "sms post");
    keys(&mut body, &[KeyCode::Enter]);
    let mut confirm = picking("sipgate-session", "sms post");
    keys(&mut confirm, &[KeyCode::Enter]);
    confirm.update(Msg::Key(Key::ctrl(KeyCode::Char('s'))), NOW_MS);
    let mut list = sipgate_app(80, 24, "learned-pat");
    act(&mut list, Action::EndpointList);
    let mut states = [
        picking("sipgate-session", "a"),
        params,
        body,
        confirm,
        list,
        learning(true),
        sipgate_app(80, 24, "learned-pat"),
    ];
    for width in 1..=100 {
        for height in 1..=40 {
            let app = &mut states[usize::from(width + height) % 7];
            app.update(Msg::Resize(width, height), NOW_MS);
            let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
            terminal
                .draw(|f| super::super::draw(f, app, NOW_MS))
                .unwrap();
        }
    }
}
