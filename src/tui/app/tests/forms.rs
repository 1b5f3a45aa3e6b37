//! The add, edit and import forms as the app drives them: keys in, a
//! store change (or an error beside a field) out.

use super::*;
use crate::tui::form::FieldId;
use crate::tui::form::Form;
use crate::tui::msg::{Change, Done};

fn form(app: &App) -> &Form {
    match &app.modal {
        Some(Modal::Form(form)) => form,
        other => panic!("want a form, got {other:?}"),
    }
}

/// Replaces the focused field's text.
fn retype(app: &mut App, text: &str) {
    ctrl(app, 'u', NOW);
    type_text(app, text);
}

/// Moves the focus to the field `id`.
fn focus(app: &mut App, id: FieldId) {
    let at = form(app).fields.iter().position(|f| f.id == id);
    let at = at.unwrap_or_else(|| panic!("no field {id:?}"));
    while form(app).focus != at {
        let code = if form(app).focus < at {
            KeyCode::Tab
        } else {
            KeyCode::BackTab
        };
        press(app, code, NOW);
    }
}

fn error_of(app: &App, id: FieldId) -> Option<String> {
    let field = form(app).fields.iter().find(|f| f.id == id);
    field.and_then(|f| f.error.clone())
}

/// The change of the one save in `effects`.
fn saved(effects: &[Effect]) -> Change {
    match effects {
        [Effect::Save(_, change)] => change.clone(),
        other => panic!("want one save, got {other:?}"),
    }
}

fn inserted(effects: &[Effect]) -> Credential {
    match saved(effects) {
        Change::Insert(credential) => *credential,
        other => panic!("want an insert, got {other:?}"),
    }
}

/// Opens the add form, picks PAT and fills it in; the token is pasted.
fn add_pat(app: &mut App, name: &str, id: &str, token: &str, api: &str) -> Vec<Effect> {
    press(app, KeyCode::Char('a'), NOW);
    assert_eq!(form(app).kind, None, "the kind comes first");
    press(app, KeyCode::Enter, NOW);
    type_text(app, name);
    press(app, KeyCode::Tab, NOW);
    type_text(app, id);
    press(app, KeyCode::Tab, NOW);
    app.update(Msg::Paste(token.to_owned()), NOW);
    // Past the optional probe path to the API base, the last field.
    press(app, KeyCode::Down, NOW);
    press(app, KeyCode::Down, NOW);
    retype(app, api);
    press(app, KeyCode::Enter, NOW)
}

#[test]
fn add_pat_submits_an_insert_of_the_typed_credential() {
    let mut app = app();
    let effects = add_pat(&mut app, "work", "token-XYZ789", "t0ken\n", DEFAULT_API);
    let want = Auth::Pat {
        token_id: "token-XYZ789".into(),
        token: secret("t0ken"),
    };
    let want = Credential::new("work", DEFAULT_API, want).expect("valid");
    assert_eq!(inserted(&effects), want);
    assert!(form(&app).saving);
    assert!(press(&mut app, KeyCode::Enter, NOW).is_empty(), "not twice");
}

#[test]
fn invalid_add_input_is_refused_beside_the_field_and_saves_nothing() {
    let cases = [
        (
            "work",
            "",
            "t0ken",
            DEFAULT_API,
            FieldId::TokenId,
            "the token id is empty",
        ),
        (
            "work",
            "token-X",
            "ab\ncd",
            DEFAULT_API,
            FieldId::Token,
            "line break",
        ),
        (
            "work",
            "token-\u{202e}X",
            "t0ken",
            DEFAULT_API,
            FieldId::TokenId,
            "the token id contains an invisible or bidirectional format character",
        ),
        (
            "work",
            "token-X",
            "t0ken",
            "http://api.example.com/v2",
            FieldId::Api,
            "plain http",
        ),
        (
            "work",
            "token-X",
            "t0ken",
            "not a url",
            FieldId::Api,
            "not an absolute URL",
        ),
        (
            "pat",
            "token-X",
            "t0ken",
            DEFAULT_API,
            FieldId::Name,
            "the name `pat` is taken",
        ),
        (
            "has space",
            "token-X",
            "t0ken",
            DEFAULT_API,
            FieldId::Name,
            "invalid name",
        ),
    ];
    for (name, id, token, api, field, want) in cases {
        let mut app = app();
        let effects = add_pat(&mut app, name, id, token, api);
        assert!(effects.is_empty(), "{field:?}: {effects:?}");
        let error = error_of(&app, field).unwrap_or_default();
        assert!(error.contains(want), "{field:?}: {error:?}");
        let form = form(&app);
        assert_eq!(form.fields[form.focus].id, field, "the focus goes to it");
        assert!(!form.saving && !format!("{form:?}").contains("t0ken"));
    }
}

#[test]
fn the_stores_answer_closes_the_form_or_shows_its_refusal() {
    let mut app = app();
    let effects = add_pat(&mut app, "work", "token-X", "t0ken", DEFAULT_API);
    let credential = inserted(&effects);
    let job = match effects.as_slice() {
        [Effect::Save(job, _)] => job.clone(),
        other => panic!("want a save, got {other:?}"),
    };
    assert_eq!(job.name, "work");
    let refused = Done::Saved(Err(crate::store::StoreError::AlreadyExists {
        name: "work".into(),
    }));
    app.update(Msg::Done(job.clone(), refused), NOW);
    let open = form(&app);
    assert!(!open.saving && open.error.as_deref().is_some_and(|e| e.contains("already")));
    let mut credentials: Vec<Credential> =
        app.entries.iter().map(|e| e.credential.clone()).collect();
    credentials.push(credential);
    app.update(Msg::Done(job, Done::Saved(Ok(data(credentials)))), NOW);
    assert!(app.modal.is_none());
    assert_eq!(selected(&app), "work", "the new entry is selected");
    assert_eq!(
        app.status.as_ref().map(|s| s.text.as_str()),
        Some("added work")
    );
}

#[test]
fn edit_renames_and_keeps_a_secret_left_empty() {
    let mut app = app();
    act(&mut app, Action::Down);
    press(&mut app, KeyCode::Char('e'), NOW);
    let values: Vec<&str> = form(&app).fields.iter().map(|f| f.value()).collect();
    assert_eq!(values, ["pat", "token-ABC123", "", "", DEFAULT_API]);
    assert!(
        form(&app).fields[2]
            .hint
            .contains("keeps the current token")
    );
    assert!(!format!("{:?}", app.modal).contains("s3cret"));
    retype(&mut app, "renamed");
    match saved(&ctrl(&mut app, 's', NOW)) {
        Change::Replace { old, credential } => {
            assert_eq!(old, "pat");
            assert_eq!(
                *credential,
                Credential {
                    name: "renamed".into(),
                    ..pat("pat")
                }
            );
        }
        other => panic!("want a replace, got {other:?}"),
    }
}

#[test]
fn edit_of_a_session_changes_its_client_and_keeps_the_session() {
    let mut app = app();
    let before = app.entry("fresh").expect("fresh").credential.clone();
    press(&mut app, KeyCode::Char('e'), NOW);
    focus(&mut app, FieldId::Scope);
    type_text(&mut app, "openid");
    let Change::Replace { old, credential } = saved(&ctrl(&mut app, 's', NOW)) else {
        panic!("want a replace");
    };
    assert_eq!(old, "fresh");
    assert_eq!(credential.auth.session(), before.auth.session());
    let client = credential.auth.client().expect("client");
    assert_eq!(client.scope.as_deref(), Some("openid"));
    assert_eq!(client.client_secret, Some(secret("client-secret")), "kept");
}

#[test]
fn add_public_client_needs_auth_method_none() {
    let mut app = app();
    press(&mut app, KeyCode::Char('a'), NOW);
    press(&mut app, KeyCode::Char('3'), NOW);
    type_text(&mut app, "public");
    focus(&mut app, FieldId::ClientId);
    type_text(&mut app, "my-app");
    assert!(ctrl(&mut app, 's', NOW).is_empty());
    let error = error_of(&app, FieldId::ClientSecret).unwrap_or_default();
    assert!(error.contains("auth method none"), "{error}");
    focus(&mut app, FieldId::AuthMethod);
    type_text(&mut app, "n");
    let credential = inserted(&ctrl(&mut app, 's', NOW));
    let client = credential.auth.client().expect("client");
    assert_eq!(
        (client.auth_method, &client.client_secret),
        (AuthMethod::None, &None)
    );
    assert_eq!(client.issuer, DEFAULT_ISSUER);
}

#[test]
fn import_recognises_a_pasted_token_response_and_inserts_it_under_a_free_name() {
    let mut app = app_with(vec![pat("imported")]);
    press(&mut app, KeyCode::Char('i'), NOW);
    let access = jwt(
        serde_json::json!({"iss": DEFAULT_ISSUER, "azp": "cli", "iat": NOW_S, "exp": NOW_S + 300}),
    );
    let response = serde_json::json!({
        "access_token": access, "token_type": "Bearer", "expires_in": 300,
        "refresh_token": "r-token", "refresh_expires_in": 1800,
    });
    app.update(
        Msg::Paste(serde_json::to_string_pretty(&response).unwrap_or_default()),
        NOW,
    );
    let recognised = form(&app).recognised.clone();
    assert_eq!(
        recognised,
        Some(Ok("token response → OAuth session".into()))
    );
    press(&mut app, KeyCode::Enter, NOW);
    assert!(
        form(&app).fields[0].value().ends_with("}\n"),
        "Enter is a new line here"
    );
    focus(&mut app, FieldId::Name);
    assert_eq!(form(&app).fields[form(&app).focus].value(), "imported-2");
    let credential = inserted(&press(&mut app, KeyCode::Enter, NOW));
    assert_eq!(credential.name, "imported-2");
    let session = credential.auth.session().expect("a session");
    assert_eq!(session.access_token.expose(), access);
    assert_eq!(
        credential.auth.client().map(|c| c.client_id.as_str()),
        Some("cli")
    );
}

#[test]
fn import_shows_why_a_paste_is_refused_and_takes_a_bare_jwt_as_bearer() {
    let mut app = app();
    press(&mut app, KeyCode::Char('i'), NOW);
    app.update(Msg::Paste("hello there".into()), NOW);
    assert!(matches!(&form(&app).recognised, Some(Err(e)) if e.contains("not a format")));
    assert!(ctrl(&mut app, 's', NOW).is_empty());
    let error = error_of(&app, FieldId::Input).unwrap_or_default();
    assert!(
        error.contains("not a format `import` understands"),
        "{error}"
    );
    ctrl(&mut app, 'u', NOW);
    let token = jwt(serde_json::json!({"exp": NOW_S + 60}));
    app.update(Msg::Paste(format!("{token}\n")), NOW);
    let credential = inserted(&ctrl(&mut app, 's', NOW));
    assert_eq!(credential.auth.kind_label(), "Bearer token");
}

#[test]
fn esc_closes_a_form_without_saving() {
    let mut app = app();
    press(&mut app, KeyCode::Char('a'), NOW);
    press(&mut app, KeyCode::Enter, NOW);
    type_text(&mut app, "half");
    assert!(press(&mut app, KeyCode::Esc, NOW).is_empty());
    assert!(app.modal.is_none() && app.entries.len() == 3);
}

#[test]
fn the_form_keeps_a_probe_path_and_refuses_a_bad_one_beside_it() {
    let mut app = app();
    press(&mut app, KeyCode::Char('a'), NOW);
    press(&mut app, KeyCode::Enter, NOW);
    type_text(&mut app, "own");
    press(&mut app, KeyCode::Tab, NOW);
    type_text(&mut app, "token-XYZ789");
    press(&mut app, KeyCode::Tab, NOW);
    app.update(Msg::Paste("t0ken".to_owned()), NOW);
    press(&mut app, KeyCode::Tab, NOW);
    type_text(&mut app, "/v1 me");
    press(&mut app, KeyCode::Tab, NOW);
    assert!(press(&mut app, KeyCode::Enter, NOW).is_empty(), "refused");
    let error = error_of(&app, FieldId::ProbePath).unwrap_or_default();
    assert!(error.contains("probe"), "{error:?}");
    let form = form(&app);
    assert_eq!(
        form.fields[form.focus].id,
        FieldId::ProbePath,
        "the focus goes to it"
    );
    retype(&mut app, "/v1/me");
    press(&mut app, KeyCode::Tab, NOW);
    let saved = inserted(&press(&mut app, KeyCode::Enter, NOW));
    assert_eq!(
        saved.probe,
        Some(crate::credential::ProbeTarget::new("GET", "/v1/me").unwrap())
    );
}

#[test]
fn import_takes_a_pasted_multi_line_curl_command() {
    let mut app = app();
    press(&mut app, KeyCode::Char('i'), NOW);
    app.update(
        Msg::Paste(
            "curl -X GET \\\n  -H 'Accept: application/json' \\\n  -u 'token-ABC999:s3cret' \\\n  https://api.sipgate.com/v2/account".into(),
        ),
        NOW,
    );
    assert_eq!(
        form(&app).recognised.clone(),
        Some(Ok("curl command → PAT".into()))
    );
    focus(&mut app, FieldId::Name);
    let credential = inserted(&press(&mut app, KeyCode::Enter, NOW));
    assert_eq!(credential.auth.id(), "token-ABC999");
    assert_eq!(credential.auth.secret().map(Secret::expose), Some("s3cret"));
}

#[test]
fn the_client_form_shows_and_asks_for_the_scopes_of_its_endpoints() {
    let mut app = app();
    press(&mut app, KeyCode::Char('a'), NOW);
    press(&mut app, KeyCode::Char('3'), NOW);
    type_text(&mut app, "sms-app");
    focus(&mut app, FieldId::ClientId);
    type_text(&mut app, "my-app");
    focus(&mut app, FieldId::AuthMethod);
    type_text(&mut app, "n");
    focus(&mut app, FieldId::Scope);
    type_text(&mut app, "openid");
    focus(&mut app, FieldId::ForEndpoints);
    type_text(&mut app, "POST /sessions/sms; GET /nope");
    let hint = |app: &App| form(app).fields[form(app).focus].hint.clone();
    assert!(hint(&app).contains("not an operation"), "{}", hint(&app));
    assert!(
        ctrl(&mut app, 's', NOW).is_empty(),
        "an unknown operation is refused"
    );
    assert!(error_of(&app, FieldId::ForEndpoints).is_some());
    focus(&mut app, FieldId::ForEndpoints);
    for _ in 0.."; GET /nope".len() {
        press(&mut app, KeyCode::Backspace, NOW);
    }
    type_text(&mut app, ", GET /w0/devices");
    assert_eq!(
        hint(&app),
        "adds to the scope: devices:read sessions:sms:write"
    );
    let credential = inserted(&ctrl(&mut app, 's', NOW));
    let client = credential.auth.client().expect("client");
    assert_eq!(
        client.scope.as_deref(),
        Some("openid devices:read sessions:sms:write")
    );
}

#[test]
fn new_credentials_start_at_the_apps_defaults_the_demos_sandbox() {
    let mut app = app();
    app.form_defaults = crate::tui::form::Defaults {
        api: "http://127.0.0.1:4711/v2".into(),
        issuer: "http://127.0.0.1:4711/auth/realms/third-party".into(),
    };
    press(&mut app, KeyCode::Char('a'), NOW);
    press(&mut app, KeyCode::Enter, NOW);
    focus(&mut app, FieldId::Api);
    assert_eq!(
        form(&app).fields[form(&app).focus].value(),
        "http://127.0.0.1:4711/v2"
    );
    press(&mut app, KeyCode::Esc, NOW);
    press(&mut app, KeyCode::Char('a'), NOW);
    press(&mut app, KeyCode::Char('3'), NOW);
    focus(&mut app, FieldId::Issuer);
    assert_eq!(
        form(&app).fields[form(&app).focus].value(),
        "http://127.0.0.1:4711/auth/realms/third-party"
    );
    press(&mut app, KeyCode::Esc, NOW);
    press(&mut app, KeyCode::Char('i'), NOW);
    focus(&mut app, FieldId::Api);
    assert_eq!(
        form(&app).fields[form(&app).focus].value(),
        "http://127.0.0.1:4711/v2"
    );
}

#[test]
fn import_warns_before_saving_that_the_refresh_token_is_over_and_says_so_again_once_saved() {
    const FIXTURE: &str = include_str!("../../../../tests/fixtures/keycloak-token-response.json");
    let mut app = app();
    press(&mut app, KeyCode::Char('i'), NOW);
    app.update(Msg::Paste(FIXTURE.into()), NOW);
    let stale = form(&app).stale.clone().unwrap_or_default();
    assert!(
        stale.starts_with("its refresh token expired ")
            && stale.contains("(2018-06-01 14:37:21 UTC)"),
        "{stale}"
    );
    // A fresh paste takes the warning away.
    ctrl(&mut app, 'u', NOW);
    assert_eq!(form(&app).stale, None);
    app.update(Msg::Paste(FIXTURE.into()), NOW);
    let effects = ctrl(&mut app, 's', NOW);
    let job = match effects.as_slice() {
        [Effect::Save(job, Change::Insert(c))] if c.name == "imported" => job.clone(),
        other => panic!("want the import saved anyway, got {other:?}"),
    };
    let stored = inserted(&effects);
    let mut all = app
        .entries
        .iter()
        .map(|e| e.credential.clone())
        .collect::<Vec<_>>();
    all.push(stored);
    app.update(Msg::Done(job, Done::Saved(Ok(data(all)))), NOW);
    let status = app.status.clone().expect("a status");
    assert!(
        status
            .text
            .starts_with("added imported, but its refresh token expired ")
            && status.text.ends_with(" ago: log in again (l)"),
        "{status:?}"
    );
    assert_eq!(selected(&app), "imported");
}
