//! Keys that mean what the screen says, through the real binary: a delete
//! only on the key its dialog names, Ctrl-C out of a form and the help,
//! a login's URL copied where there is no display, a failed probe
//! that stays on screen after its status message is gone, the command
//! palette, and an import that warns of an expired refresh token.

use super::{App, Setup, detail_title};

#[test]
fn only_y_confirms_a_delete_and_enter_does_nothing() {
    let app = App::start(Setup::default());
    app.select("sandbox-pat");
    app.tmux.keys(&["d"]);
    app.wait_for_text("Delete sandbox-pat?");
    app.tmux.keys(&["Enter"]);
    // Enter neither deletes nor closes: the dialog still asks.
    app.tmux.keys(&["j"]);
    app.wait_for_text("Delete sandbox-pat?");
    assert!(app.store().get("sandbox-pat").is_ok(), "Enter deleted");
    app.tmux.keys(&["y"]);
    app.wait_for_text("deleted sandbox-pat");
    assert!(app.store().get("sandbox-pat").is_err(), "y did not delete");
    let screen = app.tmux.screen();
    assert_ne!(detail_title(&screen), Some("sandbox-pat"), "{screen}");
}

#[test]
fn ctrl_c_leaves_a_form_after_asking_and_the_help_at_once() {
    let app = App::start(Setup::default());
    app.tmux.keys(&["a"]);
    app.wait_for_text("Add a credential");
    app.tmux.keys(&["Enter"]);
    // `q` is typed into the name field; the bar does not offer `q quit`.
    app.tmux.type_text("q-typed");
    let form = app.wait_for_text("q-typed");
    assert!(!form.contains("q quit"), "{form}");
    app.tmux.keys(&["C-c"]);
    app.wait_for_text("Ctrl-C again quits");
    app.tmux.keys(&["C-c"]);
    ended_cleanly(&app);

    let app = App::start(Setup::default());
    app.tmux.keys(&["?"]);
    app.wait_for_text("help");
    app.tmux.keys(&["C-c"]);
    ended_cleanly(&app);
}

#[test]
fn without_a_display_the_login_url_is_unboxed_and_y_copies_it() {
    let app = App::start(Setup::default());
    app.select("expired-login");
    app.tmux.keys(&["l"]);
    let screen = app.wait_for_text("no browser was started");
    // The URL's rows hold nothing but the URL: joined, it is whole.
    let url: String = screen
        .lines()
        .skip_while(|l| !l.starts_with("http://127.0.0.1"))
        .take_while(|l| !l.starts_with("y cop") && !l.is_empty())
        .collect();
    assert!(url.contains("/protocol/openid-connect/auth?"), "{screen}");
    assert!(url.contains("code_challenge="), "{screen}");
    assert!(!url.contains('│'), "{screen}");
    app.tmux.keys(&["y"]);
    app.wait_for_text("OSC 52");
    let copied = app.tmux.buffer().unwrap_or_default();
    assert_eq!(copied, url, "the copy is the URL on screen");
    // The login still waits; Esc cancels it.
    app.tmux.keys(&["Escape"]);
    app.wait_for_text("login cancelled");
}

#[test]
fn a_failed_probe_stays_in_its_panel_and_the_list_and_the_log_keeps_it() {
    let app = App::start(Setup::default());
    app.select("expired-login");
    app.tmux.keys(&["p"]);
    let screen = app.wait_for_text("probe failed");
    assert!(screen.contains("fix: log in"), "{screen}");
    // Another message takes the status bar: the outcome stays where it is.
    app.tmux.keys(&["O"]);
    let screen = app.wait_for_text("sorted by next expiry");
    assert!(screen.contains("probe failed"), "{screen}");
    let row = screen
        .lines()
        .find(|l| l.contains("expired-login") && !l.contains("┌"))
        .unwrap_or_default();
    assert!(
        row.contains('✗'),
        "no failed mark on the row: {row}\n{screen}"
    );
    // The message log has the probe's message in full.
    app.tmux.keys(&["m"]);
    let log = app.wait_for_text("messages (");
    assert!(log.contains("expired-login"), "{log}");
    assert!(log.contains("sorted by next expiry"), "{log}");
    app.tmux.keys(&["Escape"]);
    app.wait_for("the log closed", |s| !s.contains("messages ("));
}

#[test]
fn the_palette_runs_an_action_by_name_on_the_selection() {
    let app = App::start(Setup::default());
    app.select("third-party");
    app.tmux.keys(&[":"]);
    app.wait_for_text("┌ commands");
    app.tmux.type_text("probe");
    let screen = app.wait_for_text("> probe");
    assert!(screen.contains("probe the API (account)"), "{screen}");
    app.tmux.keys(&["Enter"]);
    // The probe ran against the sandbox as `p` would run it.
    let screen = app.wait_for("the probe's answer", |s| {
        s.contains("200") && !s.contains("┌ commands")
    });
    assert!(!screen.contains("not probed yet"), "{screen}");
}

#[test]
fn importing_an_expired_token_response_warns_before_saving_and_after() {
    let app = App::start(Setup::default());
    app.tmux.keys(&["i"]);
    app.wait_for_text("┌ Import");
    let fixture = include_str!("../../fixtures/keycloak-token-response.json");
    app.tmux.paste(fixture);
    app.wait_for_text("warning: its refresh token expired");
    // Nothing is stored until it is saved anyway.
    assert!(app.store().get("imported").is_err());
    app.tmux.keys(&["C-s"]);
    let screen = app.wait_for_text("added imported, but its refresh token");
    assert!(screen.contains("log in again (l)"), "{screen}");
    assert!(app.store().get("imported").is_ok());
}

/// The app exited without a failure status or a signal, and gave the
/// terminal back (its screen is gone).
fn ended_cleanly(app: &App) {
    let status = app.tmux.wait_exit();
    assert!(matches!(status.as_str(), "0" | ""), "exit {status}");
    let screen = app.tmux.screen();
    assert!(
        !screen.contains("help") && !screen.contains("┌"),
        "{screen}"
    );
}
