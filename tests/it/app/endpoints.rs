//! The endpoint picker and scope learning in the real binary against the
//! sandbox's sipgate-like API: pick an endpoint by typing, send it and see
//! its status; `{userId}` filled from `GET /authorization/userinfo`; a
//! session without the scope warned before and told after; a PAT's scopes
//! learned and kept in the store.

use super::{App, Setup};

/// Opens the picker on `name` and types `query`.
fn pick(app: &App, name: &str, query: &str) {
    app.select(name);
    app.tmux.keys(&["o"]);
    app.wait_for_text(&format!("call with {name}"));
    app.tmux.type_text(query);
    app.wait_for_text(&format!("> {query}"));
}

#[test]
fn a_get_picked_by_typing_is_sent_and_its_status_shown() {
    let app = App::start(Setup::default());
    pick(&app, "sandbox-pat", "balance");
    // The best match is the selected first row.
    let screen = app.wait_for_text("getBalance · account");
    assert!(screen.contains("GET    /balance"), "{screen}");
    app.tmux.keys(&["Enter"]);
    let screen = app.wait_for("the call's answer", |s| {
        s.contains("probe sandbox-pat: 200 OK") && s.contains("/v2/balance")
    });
    // The body is the balance, pretty-printed in the details.
    assert!(screen.contains("\"currency\": \"EUR\""), "{screen}");
    assert!(
        !screen.contains("call with"),
        "the picker closed:\n{screen}"
    );
}

#[test]
fn a_missing_scope_is_named_and_user_id_comes_from_userinfo() {
    let app = App::start(Setup::default());
    // The demo's session lacks history:read: warned, then the 403 names it.
    pick(&app, "third-party", "gethistory");
    app.tmux.keys(&["Enter"]);
    let screen = app.wait_for("the refusal", |s| {
        s.contains("probe third-party: 403") && s.contains("will likely")
    });
    assert!(screen.contains("history:read"), "{screen}");

    // (`select` moves down the list: the PAT comes after the sessions.)
    pick(&app, "sandbox-pat", "getDevices");
    app.tmux.keys(&["Enter"]);
    app.wait_for("the user id", |s| {
        s.lines().any(|l| l.contains("userId w0")) && !s.contains("looking it up")
    });
    app.tmux.keys(&["Enter"]);
    app.wait_for("the devices", |s| {
        s.contains("probe sandbox-pat: 200 OK") && s.contains("/v2/w0/devices")
    });
}

#[test]
fn learning_a_pats_scopes_lists_the_requests_and_stores_them() {
    let app = App::start(Setup::default());
    app.select("sandbox-pat");
    app.tmux.keys(&["S"]);
    app.wait_for_text("learn scopes of sandbox-pat");
    let screen = app.wait_for_text("stored with the credential");
    assert!(
        screen.contains("granted: account:read balance:read"),
        "{screen}"
    );
    let stored = app.store();
    let learned = stored
        .get("sandbox-pat")
        .unwrap()
        .learned_scopes
        .clone()
        .expect("kept in the store");
    assert!(
        learned.granted.iter().any(|s| s == "balance:read"),
        "{learned:?}"
    );
    app.tmux.keys(&["Escape"]);
    app.wait_for("the learned summary", |s| {
        s.contains("learned") && s.contains("can call")
    });
}
