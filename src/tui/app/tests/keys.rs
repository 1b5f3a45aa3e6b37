//! Keys that mean what the screen says: Ctrl-C from anywhere, Enter on a
//! row, the detail pane's paging, a form's Esc and save notes, and the
//! login URL copy.

use super::*;
use crate::tui::msg::{Copied, Done};

fn select(app: &mut App, name: &str) {
    app.update(Msg::Action(Action::Top), NOW);
    while selected(app) != name {
        app.update(Msg::Action(Action::Down), NOW);
    }
}

/// Presses `l` on the selection and returns the login's job.
fn start_login(app: &mut App) -> crate::tui::msg::Job {
    match press(app, KeyCode::Char('l'), NOW).as_slice() {
        [Effect::Login(job)] => job.clone(),
        other => panic!("want a login, got {other:?}"),
    }
}

fn said(app: &App) -> String {
    app.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

#[test]
fn ctrl_c_quits_from_help_a_dialog_and_the_filter() {
    for open in [KeyCode::Char('?'), KeyCode::Char('d'), KeyCode::Char('/')] {
        let mut app = app();
        press(&mut app, open, NOW);
        assert!(!app.should_quit());
        ctrl(&mut app, 'c', NOW);
        assert!(app.should_quit(), "Ctrl-C after {open:?}");
    }
}

#[test]
fn ctrl_c_in_a_form_with_input_asks_once_then_quits() {
    let mut app = app();
    press(&mut app, KeyCode::Char('a'), NOW);
    // Nothing typed yet: quits at once.
    ctrl(&mut app, 'c', NOW);
    assert!(app.should_quit());

    let mut app = super::app();
    press(&mut app, KeyCode::Char('a'), NOW);
    press(&mut app, KeyCode::Enter, NOW);
    type_text(&mut app, "q-is-typed");
    assert!(!app.should_quit(), "q types into the form");
    ctrl(&mut app, 'c', NOW);
    assert!(!app.should_quit(), "asks first");
    assert!(said(&app).contains("Ctrl-C again"), "{}", said(&app));
    assert!(matches!(app.modal, Some(Modal::Form(_))), "the form stays");
    // Another key disarms: the next Ctrl-C asks again.
    press(&mut app, KeyCode::Char('x'), NOW);
    ctrl(&mut app, 'c', NOW);
    assert!(!app.should_quit());
    ctrl(&mut app, 'c', NOW);
    assert!(app.should_quit());
}

#[test]
fn ctrl_c_during_a_login_cancels_it_and_q_does_not_hide_it() {
    let mut app = app();
    select(&mut app, "fresh");
    let job = start_login(&mut app);
    press(&mut app, KeyCode::Char('q'), NOW);
    assert!(matches!(app.modal, Some(Modal::Login)), "q keeps the login");
    let effects = ctrl(&mut app, 'c', NOW);
    assert!(app.should_quit());
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::CancelLogin(j) if *j == job)),
        "{effects:?}"
    );
}

#[test]
fn esc_in_a_form_with_input_says_it_was_discarded() {
    let mut app = app();
    press(&mut app, KeyCode::Char('a'), NOW);
    press(&mut app, KeyCode::Esc, NOW);
    assert!(
        app.modal.is_none() && app.status.is_none(),
        "untouched: quiet"
    );
    press(&mut app, KeyCode::Char('a'), NOW);
    press(&mut app, KeyCode::Enter, NOW);
    type_text(&mut app, "half");
    press(&mut app, KeyCode::Esc, NOW);
    assert!(app.modal.is_none());
    assert!(said(&app).contains("discarded"), "{}", said(&app));
}

#[test]
fn a_rename_is_named_when_saved() {
    let mut app = app();
    select(&mut app, "pat");
    press(&mut app, KeyCode::Char('e'), NOW);
    ctrl(&mut app, 'u', NOW);
    type_text(&mut app, "pat-renamed");
    let effects = ctrl(&mut app, 's', NOW);
    let job = match effects.as_slice() {
        [Effect::Save(job, _)] => job.clone(),
        other => panic!("want a save, got {other:?}"),
    };
    let stored = data(vec![pat("pat-renamed"), john("john"), oauth("fresh", 300)]);
    app.update(Msg::Done(job, Done::Saved(Ok(stored))), NOW);
    assert_eq!(said(&app), "saved pat-renamed: renamed from pat");
}

#[test]
fn enter_on_a_row_opens_its_details() {
    let mut app = app();
    assert_eq!(app.focus, Pane::List);
    press(&mut app, KeyCode::Enter, NOW);
    assert_eq!(app.focus, Pane::Detail);
}

#[test]
fn paging_keys_scroll_the_focused_detail_pane_not_the_selection() {
    let mut app = app();
    select(&mut app, "fresh");
    app.update(Msg::Resize(80, 24), NOW);
    press(&mut app, KeyCode::Tab, NOW);
    let selected = app.selected;
    let max = app.detail_limit(NOW);
    assert!(max > 3, "the session's document is longer than the pane");
    press(&mut app, KeyCode::PageDown, NOW);
    let page = app.detail_scroll;
    assert!(page > 1 && page <= max, "a page down: {page} of {max}");
    press(&mut app, KeyCode::Char('G'), NOW);
    assert_eq!(app.detail_scroll, max);
    press(&mut app, KeyCode::PageUp, NOW);
    assert_eq!(app.detail_scroll, max.saturating_sub(page));
    press(&mut app, KeyCode::Char('g'), NOW);
    assert_eq!(app.detail_scroll, 0);
    assert_eq!(app.selected, selected, "the selection stays");
}

#[test]
fn y_in_the_login_copies_its_url_and_no_clipboard_keeps_the_login() {
    let mut app = app();
    select(&mut app, "fresh");
    let job = start_login(&mut app);
    let url = "https://login.example/auth?client_id=client-1&state=s".to_owned();
    app.update(Msg::Done(job.clone(), Done::LoginStarted(url.clone())), NOW);
    let why = "no browser was started: no display".to_owned();
    app.update(Msg::Done(job.clone(), Done::NoBrowser(why.clone())), NOW);
    assert_eq!(app.login().and_then(|l| l.no_browser.clone()), Some(why));
    let effects = press(&mut app, KeyCode::Char('y'), NOW);
    match effects.as_slice() {
        [Effect::Copy(j, value)] => {
            assert_eq!(*j, job);
            assert_eq!(value.expose(), url);
        }
        other => panic!("want a copy, got {other:?}"),
    }
    app.update(
        Msg::Done(job.clone(), Done::Copy(Copied::Unavailable("none".into()))),
        NOW,
    );
    assert!(matches!(app.modal, Some(Modal::Login)), "the login stays");
    assert!(said(&app).contains("select the URL"), "{}", said(&app));
}

#[test]
fn the_filter_is_fuzzy_over_names_and_ctrl_u_empties_it() {
    let mut app = app_with(vec![
        pat("sandbox-pat"),
        pat("sandbox-pat-2"),
        john("john-basic"),
        oauth("third-party", 300),
    ]);
    press(&mut app, KeyCode::Char('/'), NOW);
    type_text(&mut app, "sbx p2");
    let shown: Vec<&str> = app
        .rows
        .iter()
        .filter_map(|r| match r {
            Row::Entry(i) => Some(app.entries[*i].name()),
            Row::Heading(..) => None,
        })
        .collect();
    assert_eq!(shown, ["sandbox-pat-2"], "words match in order, fuzzily");
    ctrl(&mut app, 'u', NOW);
    assert_eq!(app.filter, "", "Ctrl-U empties, it does not type");
    assert!(app.filtering, "still filtering");
    assert_eq!(
        app.rows
            .iter()
            .filter(|r| matches!(r, Row::Entry(_)))
            .count(),
        4
    );
}

#[test]
fn o_sorts_each_group_by_next_expiry_and_back_by_name() {
    let mut app = app_with(vec![
        oauth("a-later", 900),
        oauth("b-soon", 60),
        oauth("c-middle", 300),
        pat("pat"),
    ]);
    let names = |app: &App| -> Vec<String> {
        app.rows
            .iter()
            .filter_map(|r| match r {
                Row::Entry(i) => Some(app.entries[*i].name().to_owned()),
                Row::Heading(..) => None,
            })
            .collect()
    };
    assert_eq!(names(&app), ["a-later", "b-soon", "c-middle", "pat"]);
    press(&mut app, KeyCode::Char('O'), NOW);
    assert_eq!(names(&app), ["b-soon", "c-middle", "a-later", "pat"]);
    assert_eq!(said(&app), "sorted by next expiry");
    press(&mut app, KeyCode::Char('O'), NOW);
    assert_eq!(names(&app), ["a-later", "b-soon", "c-middle", "pat"]);
}

#[test]
fn the_list_is_as_wide_as_its_names_and_resizes_by_key() {
    let long = "team-production-sipgate-personal-access-token-01";
    let mut app = app_with(vec![pat(long), pat("short")]);
    app.update(Msg::Resize(200, 60), NOW);
    let natural = app.areas().list.width;
    assert_eq!(usize::from(natural), 2 + 2 + long.len() + 1 + 14);
    press(&mut app, KeyCode::Char('>'), NOW);
    assert_eq!(app.areas().list.width, natural + 4);
    press(&mut app, KeyCode::Char('<'), NOW);
    press(&mut app, KeyCode::Char('<'), NOW);
    assert_eq!(app.areas().list.width, natural - 4);
    // At a limit the key stops counting: one press back moves at once.
    for _ in 0..60 {
        press(&mut app, KeyCode::Char('>'), NOW);
    }
    let widest = app.areas().list.width;
    assert_eq!(widest, 100, "half of a 200-column screen");
    press(&mut app, KeyCode::Char('<'), NOW);
    assert_eq!(app.areas().list.width, widest - 4);
}

#[test]
fn the_palette_runs_the_chosen_action_on_the_selection_as_its_key_would() {
    let mut app = app();
    act(&mut app, Action::Bottom);
    assert_eq!(selected(&app), "john");
    // `:` opens it; typed keys are the query, not actions (`q` does not quit).
    press(&mut app, KeyCode::Char(':'), NOW);
    assert!(matches!(app.modal, Some(Modal::Palette(_))));
    type_text(&mut app, "q");
    assert!(!app.quit);
    press(&mut app, KeyCode::Backspace, NOW);
    type_text(&mut app, "curl");
    // Enter runs "copy curl command", exactly what `C` gives.
    let by_palette = press(&mut app, KeyCode::Enter, NOW);
    assert!(app.modal.is_none(), "running closes it");
    let mut by_key = self::app();
    act(&mut by_key, Action::Bottom);
    let by_key = press(&mut by_key, KeyCode::Char('C'), NOW);
    match (by_palette.as_slice(), by_key.as_slice()) {
        ([Effect::Copy(a, x)], [Effect::Copy(b, y)]) => {
            assert_eq!((a, x.expose()), (b, y.expose()));
            assert!(x.expose().contains("| curl "), "{}", x.expose());
        }
        other => panic!("want one copy each, got {other:?}"),
    }
    // Ctrl-P opens it too; Esc closes it having done nothing; Ctrl-C quits
    // from it.
    ctrl(&mut app, 'p', NOW);
    assert!(matches!(app.modal, Some(Modal::Palette(_))));
    assert!(press(&mut app, KeyCode::Esc, NOW).is_empty());
    assert!(app.modal.is_none());
    press(&mut app, KeyCode::Char(':'), NOW);
    ctrl(&mut app, 'c', NOW);
    assert!(app.quit);
}

#[test]
fn a_palette_action_that_opens_a_pop_up_opens_it() {
    let mut app = app();
    press(&mut app, KeyCode::Char(':'), NOW);
    app.update(Msg::Paste("message".into()), NOW);
    press(&mut app, KeyCode::Enter, NOW);
    assert!(matches!(app.modal, Some(Modal::Messages { .. })));
    press(&mut app, KeyCode::Esc, NOW);
    press(&mut app, KeyCode::Char(':'), NOW);
    type_text(&mut app, "help");
    press(&mut app, KeyCode::Enter, NOW);
    assert!(matches!(app.modal, Some(Modal::Help)), "{:?}", app.modal);
}
