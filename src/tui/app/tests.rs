//! `update()` tests: a message in, the expected state and effects out, no
//! terminal. Time is a fixed Unix ms passed in; sessions carry JWTs minted
//! here, so lifetimes are exact.

mod clipboard;
mod endpoints;
mod forms;
mod keys;
mod log;
mod work;

use crate::credential::{
    Auth, AuthMethod, Credential, DEFAULT_API, DEFAULT_ISSUER, OauthClient, Secret, Session,
};
use crate::store::StoreData;

use super::super::config::Config;
use super::super::input::{Key, KeyCode};
use super::super::keymap::{self, Keymap};
use super::super::layout::Pane;
use super::super::msg::{Action, Effect, Msg};
use super::entries::Row;
use super::{App, Modal};

/// The fixed clock: Unix ms.
const NOW: i64 = 1_700_000_000_000;
/// The same in seconds.
const NOW_S: i64 = NOW / 1000;

fn secret(s: &str) -> Secret {
    Secret::new(s.to_owned())
}

/// A JWT with a dummy signature (nothing verifies it).
fn jwt(claims: serde_json::Value) -> String {
    crate::testing::jwt::unsigned(&claims)
}

fn pat(name: &str) -> Credential {
    let auth = Auth::Pat {
        token_id: "token-ABC123".into(),
        token: secret("s3cret"),
    };
    Credential::new(name, DEFAULT_API, auth).expect("valid PAT")
}

/// John:topsecret, the test vector of the provider's Basic auth docs.
fn john(name: &str) -> Credential {
    let auth = Auth::Basic {
        username: "John".into(),
        password: secret("topsecret"),
    };
    Credential::new(name, DEFAULT_API, auth).expect("valid login")
}

fn client() -> OauthClient {
    OauthClient {
        issuer: DEFAULT_ISSUER.into(),
        client_id: "client-1".into(),
        auth_method: AuthMethod::Post,
        client_secret: Some(secret("client-secret")),
        scope: None,
        redirect_uri: None,
    }
}

/// A session whose access token has `left` seconds to live at [`NOW`] and
/// whose refresh token has half an hour.
fn session_with(left: i64) -> Session {
    let access = jwt(serde_json::json!({
        "iss": DEFAULT_ISSUER, "azp": "client-1", "sub": "u1",
        "iat": NOW_S - 10, "exp": NOW_S + left,
    }));
    Session {
        refresh_token: Some(secret("refresh-opaque")),
        expires_in: Some(u64::try_from(left + 10).unwrap_or(0)),
        refresh_expires_in: Some(1_800),
        ..Session::bearer(secret(&access), NOW_S - 10)
    }
}

fn oauth(name: &str, left: i64) -> Credential {
    let auth = Auth::Oauth {
        client: Some(client()),
        session: Some(Box::new(session_with(left))),
    };
    Credential::new(name, DEFAULT_API, auth).expect("valid session")
}

fn data(credentials: Vec<Credential>) -> StoreData {
    let mut data = StoreData::empty();
    data.credentials = credentials;
    data
}

/// The words the command line would give for a store outside the default.
fn test_fetch() -> crate::header::HeaderFetch {
    crate::header::HeaderFetch::new(vec![
        "sipauth-tui".into(),
        "--store".into(),
        "/tmp/my store.json".into(),
        "header".into(),
    ])
}

fn app_with(credentials: Vec<Credential>) -> App {
    crate::tui::new_app(
        Config::default(),
        Keymap::default(),
        data(credentials),
        "test".into(),
        Ok(test_fetch()),
    )
}

/// The usual screen: one fresh session (5 min left), a PAT, a Basic login.
fn app() -> App {
    app_with(vec![pat("pat"), john("john"), oauth("fresh", 300)])
}

/// A key as the runner delivers it: routed by the app's input mode.
fn send(app: &mut App, key: Key, now: i64) -> Vec<Effect> {
    match keymap::route(app.input_mode(), &app.keymap, key) {
        Some(msg) => app.update(msg, now),
        None => Vec::new(),
    }
}

fn press(app: &mut App, code: KeyCode, now: i64) -> Vec<Effect> {
    send(app, Key::plain(code), now)
}

fn ctrl(app: &mut App, c: char, now: i64) -> Vec<Effect> {
    send(app, Key::ctrl(KeyCode::Char(c)), now)
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c), NOW);
    }
}

fn act(app: &mut App, action: Action) -> Vec<Effect> {
    app.update(Msg::Action(action), NOW)
}

fn selected(app: &App) -> &str {
    app.current().map_or("", |e| e.name())
}

#[test]
fn selection_skips_group_headings_and_stops_at_the_ends() {
    // Rows: Sessions, fresh, PATs, pat, Basic, john.
    let cases: &[(&[KeyCode], &str)] = &[
        (&[], "fresh"),
        (&[KeyCode::Char('j')], "pat"),
        (&[KeyCode::Down, KeyCode::Down], "john"),
        (&[KeyCode::Down, KeyCode::Down, KeyCode::Down], "john"),
        (&[KeyCode::Char('k')], "fresh"),
        (&[KeyCode::Down, KeyCode::Up], "fresh"),
        (&[KeyCode::Char('G')], "john"),
        (&[KeyCode::Char('G'), KeyCode::Char('g')], "fresh"),
    ];
    for (keys, want) in cases {
        let mut app = app();
        for key in *keys {
            assert!(press(&mut app, *key, NOW).is_empty(), "{keys:?}");
        }
        assert_eq!(selected(&app), *want, "{keys:?}");
        assert!(matches!(app.rows[app.selected], Row::Entry(_)));
    }
}

#[test]
fn filter_narrows_rows_while_typing_and_esc_clears_it() {
    let mut app = app();
    act(&mut app, Action::Filter);
    assert!(app.filtering);
    type_text(&mut app, "jo");
    assert_eq!(app.filter, "jo");
    assert_eq!(app.rows.len(), 2, "one heading and john: {:?}", app.rows);
    assert_eq!(selected(&app), "john");
    press(&mut app, KeyCode::Enter, NOW);
    assert!(
        !app.filtering && app.filter == "jo",
        "Enter keeps the filter"
    );
    press(&mut app, KeyCode::Esc, NOW);
    assert!(app.filter.is_empty());
    assert_eq!(app.rows.len(), 6);
    assert_eq!(selected(&app), "john", "the selection survives");
    // Esc while typing clears too.
    act(&mut app, Action::Filter);
    type_text(&mut app, "zzz");
    assert!(app.rows.is_empty() && app.current().is_none());
    press(&mut app, KeyCode::Esc, NOW);
    assert!(!app.filtering && app.rows.len() == 6);
}

#[test]
fn tab_switches_focus_and_arrows_then_scroll_the_detail_pane() {
    let mut app = app();
    // Short enough that the session's details need scrolling.
    app.update(Msg::Resize(80, 12), NOW);
    press(&mut app, KeyCode::Tab, NOW);
    assert_eq!(app.focus, Pane::Detail);
    press(&mut app, KeyCode::Down, NOW);
    press(&mut app, KeyCode::Char('j'), NOW);
    assert_eq!((app.detail_scroll, selected(&app)), (2, "fresh"));
    press(&mut app, KeyCode::Up, NOW);
    assert_eq!(app.detail_scroll, 1);
    press(&mut app, KeyCode::Tab, NOW);
    assert_eq!(app.focus, Pane::List);
    press(&mut app, KeyCode::Down, NOW);
    assert_eq!((app.detail_scroll, selected(&app)), (0, "pat"));
}

#[test]
fn next_wakeup_waits_for_input_unless_a_countdown_is_on_screen() {
    let idle = app_with(vec![pat("pat"), john("john")]);
    assert_eq!(idle.next_wakeup(NOW + 400), None);
    let counting = app();
    assert_eq!(counting.next_wakeup(NOW + 400), Some(NOW + 1_000));
}

#[test]
fn reveal_lasts_reveal_seconds() {
    let mut app = app();
    act(&mut app, Action::Reveal);
    assert!(app.revealed("fresh", NOW));
    let end = NOW + 10_000;
    app.update(Msg::Tick, end - 1);
    assert!(app.revealed("fresh", end - 1));
    assert!(!app.revealed("pat", end - 1), "only the selected one");
    app.update(Msg::Tick, end);
    assert!(!app.revealed("fresh", end) && app.reveal.is_none());
}

#[test]
fn quit_ends_the_app_and_clears_a_held_clipboard_first() {
    let mut plain = app();
    let effects = act(&mut plain, Action::Quit);
    assert!(effects.is_empty(), "{effects:?}");
    assert!(plain.should_quit());

    let mut app = app();
    app.clipboard = Some((secret("held"), NOW + 45_000));
    let effects = press(&mut app, KeyCode::Char('q'), NOW);
    match effects.as_slice() {
        [Effect::ClearClipboard(held)] => assert_eq!(held.expose(), "held"),
        other => panic!("want the clipboard cleared, got {other:?}"),
    }
    assert!(app.should_quit());
    assert!(app.take_clipboard_on_exit().is_none(), "cleared once");
}

#[test]
fn help_opens_and_closes_on_its_own_key() {
    let mut app = app();
    press(&mut app, KeyCode::Char('?'), NOW);
    assert!(matches!(app.modal, Some(Modal::Help)));
    press(&mut app, KeyCode::Char('j'), NOW);
    assert_eq!(
        selected(&app),
        "fresh",
        "keys go to the modal, not the list"
    );
    press(&mut app, KeyCode::Char('?'), NOW);
    assert!(app.modal.is_none());
}

#[test]
fn detail_scroll_stops_at_the_end_of_what_the_pane_shows() {
    let mut app = app();
    app.update(Msg::Resize(80, 12), NOW);
    act(&mut app, Action::SwitchPane);
    // The same measure the view lays the pane out by.
    let max = app.detail_limit(NOW);
    assert!(max >= 3, "the session's document is taller than the pane");
    for _ in 0..max + 10 {
        press(&mut app, KeyCode::Char('j'), NOW);
    }
    assert_eq!(app.detail_scroll, max);
    press(&mut app, KeyCode::Char('k'), NOW);
    assert_eq!(app.detail_scroll, max - 1, "one press moves back at once");
}
