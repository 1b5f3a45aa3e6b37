//! Copy keys and what the app says and does once a copy went somewhere.

use super::*;
use crate::tui::msg::{Copied, Done, Job};

/// Copies with `action` on the entry named `name`; returns the job and the
/// copied text.
fn copy(app: &mut App, name: &str, action: Action) -> (Job, String) {
    while selected(app) != name {
        act(app, Action::Down);
    }
    match act(app, action).as_slice() {
        [Effect::Copy(job, value)] => (job.clone(), value.expose().to_owned()),
        other => panic!("want one copy, got {other:?}"),
    }
}

#[test]
fn copy_keys_make_the_header_the_curl_command_and_the_value() {
    let header = "Authorization: Basic Sm9objp0b3BzZWNyZXQ=";
    let cases: &[(KeyCode, &str)] = &[
        (KeyCode::Char('c'), header),
        (KeyCode::Char('y'), "Basic Sm9objp0b3BzZWNyZXQ="),
        (
            KeyCode::Char('C'),
            "sipauth-tui --store '/tmp/my store.json' header john | curl --request GET --header 'Accept: application/json' --header @- https://api.sipgate.com/v2/account",
        ),
    ];
    for (key, want) in cases {
        let mut app = app();
        act(&mut app, Action::Bottom);
        assert_eq!(selected(&app), "john");
        match press(&mut app, *key, NOW).as_slice() {
            [Effect::Copy(job, value)] => {
                assert_eq!(value.expose(), *want);
                assert_eq!(job.name, "john");
            }
            other => panic!("{key:?}: want one copy, got {other:?}"),
        }
    }
    let mut app = app();
    let (_, value) = copy(&mut app, "fresh", Action::CopyValue);
    let (_, curl) = copy(&mut app, "fresh", Action::CopyCurl);
    assert!(
        !curl.contains("eyJ"),
        "the curl copy holds no token: {curl}"
    );
    assert!(
        value.starts_with("Bearer eyJ"),
        "a session copies its bearer"
    );
}

#[test]
fn curl_copy_without_a_command_for_the_store_says_why_and_copies_nothing() {
    let mut app = crate::tui::new_app(
        Config::default(),
        Keymap::default(),
        data(vec![john("john")]),
        "test".into(),
        Err("the store path is not plain text".into()),
    );
    assert!(act(&mut app, Action::CopyCurl).is_empty());
    let status = app.status.clone().expect("a status");
    assert_eq!(status.text, "the store path is not plain text");
    assert!(status.error);
    // The header copy does not need the command.
    assert!(matches!(
        act(&mut app, Action::CopyHeader).as_slice(),
        [Effect::Copy(..)]
    ));
}

#[test]
fn system_copy_says_copied_and_clears_the_clipboard_after_45_s() {
    // No session on screen: only the deadlines wake the app.
    let mut app = app_with(vec![pat("pat"), john("john")]);
    let (job, value) = copy(&mut app, "john", Action::CopyHeader);
    let effects = app.update(Msg::Done(job, Done::Copy(Copied::System)), NOW);
    assert!(effects.is_empty(), "{effects:?}");
    let status = app.status.clone().expect("a status");
    assert_eq!(status.text, "Authorization header copied, clears in 45 s");
    assert!(!status.error);
    let clear_at = NOW + 45_000;
    assert_eq!(app.clipboard.as_ref().map(|(_, at)| *at), Some(clear_at));
    assert_eq!(
        app.next_wakeup(NOW),
        Some(status.until),
        "the message goes first"
    );
    app.update(Msg::Tick, status.until);
    assert_eq!(app.next_wakeup(status.until), Some(clear_at));
    assert!(app.update(Msg::Tick, clear_at - 1).is_empty());
    match app.update(Msg::Tick, clear_at).as_slice() {
        [Effect::ClearClipboard(held)] => assert_eq!(held.expose(), value),
        other => panic!("want a clear, got {other:?}"),
    }
    assert!(app.clipboard.is_none());
    assert!(app.update(Msg::Tick, clear_at + 1_000).is_empty(), "once");
}

#[test]
fn other_copies_say_where_the_value_went() {
    let cases = [
        (Copied::Osc52, "Authorization header sent via OSC 52", false),
        (
            Copied::Unavailable("no display".into()),
            "no clipboard: shown below",
            true,
        ),
    ];
    for (copied, want, shown) in cases {
        let mut app = app();
        let (job, value) = copy(&mut app, "pat", Action::CopyHeader);
        app.update(Msg::Done(job, Done::Copy(copied.clone())), NOW);
        assert_eq!(app.status.as_ref().map(|s| s.text.as_str()), Some(want));
        assert!(app.clipboard.is_none(), "{copied:?}: nothing held to clear");
        match &app.modal {
            Some(Modal::Shown { what, value: v }) if shown => {
                assert_eq!(
                    (what.as_str(), v.expose()),
                    ("Authorization header", &*value)
                );
            }
            None if !shown => {}
            other => panic!("{copied:?}: unexpected modal {other:?}"),
        }
    }
}

#[test]
fn a_copy_answer_stands_even_after_the_credential_changed() {
    let mut app = app();
    let (job, value) = copy(&mut app, "fresh", Action::CopyHeader);
    // A refresh lands between the key and the copy's answer.
    let session = app.entry("fresh").and_then(|e| e.session().cloned());
    let refreshed = Ok(crate::oauth::RefreshOutcome::Refreshed(
        session.expect("a session"),
    ));
    let newer = Job {
        generation: job.generation,
        ..job.clone()
    };
    app.update(Msg::Done(newer, Done::Refresh(refreshed)), NOW);
    assert_ne!(
        app.entry("fresh").map(|e| e.generation),
        Some(job.generation)
    );
    app.update(Msg::Done(job, Done::Copy(Copied::System)), NOW);
    let held = app.clipboard.as_ref().map(|(v, _)| v.expose().to_owned());
    assert_eq!(held, Some(value), "still cleared later");
}

#[test]
fn with_clear_after_0_the_copy_stays_until_quit_and_is_cleared_then() {
    let mut app = app_with(vec![pat("pat"), john("john")]);
    app.config.clipboard_clear = 0;
    let (job, value) = copy(&mut app, "john", Action::CopyHeader);
    app.update(Msg::Done(job, Done::Copy(Copied::System)), NOW);
    assert_eq!(
        app.status.as_ref().map(|s| s.text.as_str()),
        Some("Authorization header copied")
    );
    assert!(
        app.update(Msg::Tick, NOW + 86_400_000).is_empty(),
        "no timer"
    );
    assert_eq!(
        app.next_wakeup(NOW + 86_400_000),
        None,
        "nothing to wake for"
    );
    match act(&mut app, Action::Quit).as_slice() {
        [Effect::ClearClipboard(v)] => assert_eq!(v.expose(), value),
        other => panic!("want the clipboard cleared, got {other:?}"),
    }
    assert!(app.should_quit());
}

#[test]
fn copying_an_expired_header_warns_that_it_will_get_401() {
    let mut refused = oauth("refused", 300);
    if let Auth::Oauth {
        session: Some(s), ..
    } = &mut refused.auth
    {
        s.login_required = true;
    }
    // Expired 2 min ago; its refresh token would still work.
    let mut app = app_with(vec![oauth("expired", -120), refused, oauth("fresh", 300)]);
    // Left as it is: auto-refresh would renew it at once.
    act(&mut app, Action::ToggleAutoRefresh);
    let (job, _) = copy(&mut app, "expired", Action::CopyHeader);
    app.update(Msg::Done(job, Done::Copy(Copied::System)), NOW);
    let status = app.status.clone().expect("a status");
    assert!(status.error, "{status:?}");
    assert_eq!(
        status.text,
        "Authorization header copied, clears in 45 s; but its access token \
         expired 2 m 0 s ago: it will get 401 (press r to refresh first)"
    );
    // A refused session makes no header at all, and says so.
    act(&mut app, Action::Top);
    for _ in 0..5 {
        if selected(&app) == "refused" {
            break;
        }
        act(&mut app, Action::Down);
    }
    assert_eq!(selected(&app), "refused");
    assert!(act(&mut app, Action::CopyValue).is_empty());
    let status = app.status.clone().expect("a status");
    assert!(status.error && status.text.contains("log in"), "{status:?}");
    // A working one says nothing of the kind, and the warning is not kept.
    act(&mut app, Action::Top);
    let (job, _) = copy(&mut app, "fresh", Action::CopyHeader);
    app.update(Msg::Done(job, Done::Copy(Copied::System)), NOW);
    let status = app.status.clone().expect("a status");
    assert!(!status.error && !status.text.contains("401"), "{status:?}");
}
