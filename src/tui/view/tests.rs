//! Whole-screen tests on ratatui's `TestBackend` with a fixed clock: insta
//! snapshots at 80×24 and 40×12 of the main screen, the claims panel, the
//! help, a probe result and an error, each checked to hold no secret; and
//! every size from 1×1 to 100×40 drawn without a panic.
//!
//! The tokens are minted here (base64url JSON and a dummy signature), so
//! nothing random reaches a snapshot.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use serde_json::{Value, json};
use unicode_width::UnicodeWidthStr;

use crate::credential::{Auth, AuthMethod, Credential, OauthClient, Secret, Session};
use crate::store::StoreData;

use super::super::app::{App, Modal};
use super::super::config::Config;
use super::super::keymap::Keymap;
use super::super::msg::{Action, Done, Job, Msg, ProbeView};

/// The fixed clock, Unix ms (2023-11-14 22:13:20 UTC).
const NOW_MS: i64 = 1_700_000_000_000;
const NOW: i64 = NOW_MS / 1000;
const API: &str = "https://api.example.test/v2";
const ISSUER: &str = "https://login.example.test/auth/realms/third-party";
/// base64url of "SIGNATURE-never-shown": must not appear on screen.
const SIGNATURE: &str = "U0lHTkFUVVJFLW5ldmVyLXNob3du";
const PAT_TOKEN: &str = "pat-secret-0123456789abcdef";
const PASSWORD: &str = "hunter2-basic-password";
const CLIENT_SECRET: &str = "client-secret-do-not-show";
const OPAQUE: &str = "opaque-access-token-secret-value";

fn mint(header: Value, claims: Value) -> String {
    let enc = |v: Value| URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.{SIGNATURE}", enc(header), enc(claims))
}

fn header(typ: &str) -> Value {
    json!({"alg": "RS256", "typ": typ, "kid": "sandbox-key-1"})
}

fn access_token(iat: i64) -> String {
    mint(
        header("JWT"),
        json!({
            "exp": iat + 300, "iat": iat, "auth_time": iat - 5, "jti": "a1b2c3",
            "iss": ISSUER, "aud": "account", "sub": "f3c9-user-1", "typ": "Bearer",
            "azp": "third-party-app", "session_state": "5e55-1011",
            "realm_access": {"roles": ["default-roles", "balance:read"]},
            "scope": "openid account:read", "preferred_username": "john",
        }),
    )
}

fn refresh_token(iat: i64) -> String {
    mint(
        header("JWT"),
        json!({"exp": iat + 30 * 86_400, "iat": iat, "iss": ISSUER, "aud": ISSUER,
               "sub": "f3c9-user-1", "typ": "Refresh", "azp": "third-party-app"}),
    )
}

fn id_token(iat: i64) -> String {
    mint(
        header("JWT"),
        json!({"exp": iat + 300, "iat": iat, "iss": ISSUER, "aud": "third-party-app",
               "sub": "f3c9-user-1", "typ": "ID", "email": "john@example.test"}),
    )
}

fn client() -> OauthClient {
    OauthClient {
        issuer: ISSUER.into(),
        client_id: "third-party-app".into(),
        auth_method: AuthMethod::Post,
        client_secret: Some(Secret::new(CLIENT_SECRET.into())),
        scope: Some("openid account:read".into()),
        redirect_uri: None,
    }
}

fn session(obtained: i64) -> Session {
    Session {
        refresh_token: Some(Secret::new(refresh_token(obtained))),
        id_token: Some(Secret::new(id_token(obtained))),
        scope: Some("openid account:read".into()),
        expires_in: Some(300),
        refresh_expires_in: Some(30 * 86_400),
        ..Session::bearer(Secret::new(access_token(obtained)), obtained)
    }
}

/// Every token and secret the fixtures hold: none may reach a snapshot.
fn secrets() -> Vec<String> {
    let mut all = vec![SIGNATURE, PAT_TOKEN, PASSWORD, CLIENT_SECRET, OPAQUE]
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    for at in [NOW - 60, NOW - 3600] {
        all.extend([access_token(at), refresh_token(at), id_token(at)]);
    }
    all
}

/// One credential of each kind, sessions in three states.
fn data() -> StoreData {
    let mut stale = session(NOW - 3600);
    stale.login_required = true;
    let mut opaque = Session::bearer(Secret::new(OPAQUE.into()), NOW - 280);
    opaque.expires_in = Some(300);
    let oauth = |client: Option<OauthClient>, session| Auth::Oauth { client, session };
    let credentials = [
        (
            "alice-session",
            oauth(Some(client()), Some(session(NOW - 60))),
        ),
        ("opaque-import", oauth(None, Some(opaque))),
        ("stale-session", oauth(Some(client()), Some(stale))),
        ("new-client", oauth(Some(client()), None)),
        (
            "prod-pat",
            Auth::Pat {
                token_id: "token-ABC123".into(),
                token: Secret::new(PAT_TOKEN.into()),
            },
        ),
        (
            "john-basic",
            Auth::Basic {
                username: "john".into(),
                password: Secret::new(PASSWORD.into()),
            },
        ),
    ];
    let mut data = StoreData::empty();
    for (name, auth) in credentials {
        data.insert(Credential::new(name, API, auth).unwrap())
            .unwrap();
    }
    data
}

fn app(width: u16, height: u16) -> App {
    let mut app = App::new(Config::default(), Keymap::default(), data(), "demo".into());
    app.update(Msg::Resize(width, height), NOW_MS);
    app
}

fn act(app: &mut App, action: Action) {
    app.update(Msg::Action(action), NOW_MS);
}

/// Focuses the details and scrolls with the keys until `heading` is the
/// first row under the gauges.
fn scroll_to(app: &mut App, heading: &str) {
    act(app, Action::SwitchPane);
    let mut presses = 0;
    while !render(app).lines().nth(3).unwrap().contains(heading) {
        act(app, Action::Down);
        presses += 1;
        assert!(presses < 40, "{:?}: never scrolled to {heading}", app.size);
    }
}

fn job(app: &App, name: &str) -> Job {
    let entry = app.entry(name).unwrap();
    Job {
        name: name.to_owned(),
        generation: entry.generation,
    }
}

fn probe_view() -> ProbeView {
    let body = json!({"company": "Example GmbH", "mainProductType": "TEAM",
                      "logoUrl": "", "isTestAccount": true});
    ProbeView {
        request: format!("GET {API}/account"),
        status: Some(200),
        reason: "OK".into(),
        latency_ms: 42.7,
        hint: None,
        body: serde_json::to_string_pretty(&body)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect(),
        at: NOW - 3,
    }
}

/// The screen as text, one line per row, trailing blanks trimmed.
fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut row = String::new();
        let mut skip = 0;
        for x in 0..area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            skip = symbol.width().saturating_sub(1);
            row.push_str(symbol);
        }
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out
}

fn render(app: &App) -> String {
    let (width, height) = app.size;
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| super::draw(f, app, NOW_MS)).unwrap();
    text(terminal.backend().buffer())
}

/// Renders, checks no secret is on screen, and snapshots as `name_WxH`.
fn snapshot(name: &str, app: &App) -> String {
    let screen = render(app);
    for secret in secrets() {
        assert!(!screen.contains(&secret), "{name}: a secret is on screen");
    }
    assert!(
        !screen.contains("SIGNATURE"),
        "{name}: the signature decoded"
    );
    let (w, h) = app.size;
    insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen);
    screen
}

const SIZES: [(u16, u16); 2] = [(80, 24), (40, 12)];

#[test]
fn main_screen_lists_every_kind_with_badges_and_masks_secrets() {
    for (w, h) in SIZES {
        let screen = snapshot("main", &app(w, h));
        for group in ["OAuth sessions", "Personal access tokens", "Basic logins"] {
            assert!(screen.contains(group), "{w}x{h}: {group}");
        }
        assert!(screen.contains("login required") || screen.contains("login!"));
    }
}

#[test]
fn claims_panel_shows_header_and_keycloak_claims_without_the_token() {
    for (w, h) in SIZES {
        let mut app = app(w, h);
        scroll_to(&mut app, "── access token");
        let screen = snapshot("claims", &app);
        for want in [
            "alg\u{a0}RS256",
            "realm_access.roles",
            "default-roles, balance:read",
        ] {
            assert!(screen.contains(want), "{w}x{h}: {want}");
        }
        if h >= 24 {
            assert!(screen.contains("2023-11-14 22:17:20 UTC"), "{screen}");
        }
    }
}

#[test]
fn opaque_tokens_are_described_by_length_only() {
    let mut app = app(80, 24);
    act(&mut app, Action::Down);
    assert_eq!(app.current().unwrap().name(), "opaque-import");
    let screen = render(&app);
    let want = format!("opaque token ({} chars), not a JWT", OPAQUE.len());
    assert!(screen.contains(&want), "{screen}");
    assert!(!screen.contains(OPAQUE));
}

#[test]
fn help_overlay_lists_every_binding() {
    for (w, h) in SIZES {
        let mut app = app(w, h);
        act(&mut app, Action::Help);
        let screen = snapshot("help", &app);
        assert!(screen.contains("Esc closes"), "{w}x{h}");
        if w >= 80 {
            for (action, _) in app.keymap.bindings() {
                let line = super::super::strings::action_help(*action);
                assert!(screen.contains(line), "{w}x{h}: {line}");
            }
        } else {
            assert!(screen.contains("more: enlarge the window"), "{screen}");
        }
    }
}

#[test]
fn probe_result_shows_status_latency_and_the_body() {
    for (w, h) in SIZES {
        let mut app = app(w, h);
        let job = job(&app, "alice-session");
        app.update(Msg::Done(job, Done::Probe(Ok(probe_view()))), NOW_MS);
        if h < 24 {
            scroll_to(&mut app, "── probe");
        }
        let screen = snapshot("probe", &app);
        assert!(screen.contains("200 OK · 43 ms"), "{w}x{h}");
        assert!(screen.contains(r#""company": "Example GmbH""#), "{screen}");
    }
}

#[test]
fn errors_open_a_modal_that_says_how_to_close_it() {
    for (w, h) in SIZES {
        let mut app = app(w, h);
        let job = job(&app, "alice-session");
        let why = "could not write the store: permission denied".to_owned();
        app.update(Msg::Done(job, Done::Deleted(Err(why))), NOW_MS);
        assert!(matches!(app.modal, Some(Modal::Error(_))));
        let screen = snapshot("error", &app);
        assert!(screen.contains("Enter or Esc closes"), "{screen}");
    }
}

#[test]
fn the_shown_modal_displays_the_value_asked_for() {
    let mut app = app(80, 24);
    app.modal = Some(Modal::Shown {
        what: "Authorization header".into(),
        value: Secret::new(format!("Authorization: Basic {PAT_TOKEN}")),
    });
    let screen = render(&app);
    assert!(screen.contains(PAT_TOKEN), "{screen}");
    assert!(screen.contains("No clipboard took it"), "{screen}");
}

/// Every modal and pane state, so the size sweep reaches every drawing path.
fn states() -> Vec<App> {
    let base = || app(80, 24);
    let mut states = Vec::new();
    states.push(base());
    let mut detail = base();
    let job = job(&detail, "alice-session");
    detail.update(Msg::Done(job, Done::Probe(Ok(probe_view()))), NOW_MS);
    act(&mut detail, Action::SwitchPane);
    for _ in 0..200 {
        act(&mut detail, Action::Down);
    }
    states.push(detail);
    let modals = [
        Modal::Help,
        Modal::ConfirmDelete {
            name: "alice-session".into(),
            revoke: true,
        },
        Modal::Login {
            name: "alice-session".into(),
            url: Some(format!("{ISSUER}/protocol/openid-connect/auth?client_id=x")),
        },
        Modal::Error("something went wrong ".repeat(8)),
    ];
    for modal in modals {
        let mut app = base();
        app.modal = Some(modal);
        states.push(app);
    }
    states
}

#[test]
fn every_size_down_to_one_cell_draws_without_panic() {
    let mut states = states();
    let mut turn = 0;
    for width in 1..=100 {
        for height in 1..=40 {
            // The states take turns: with 40 heights a width and six states,
            // each meets every width and hundreds of sizes, tiny ones included.
            turn = (turn + 1) % states.len();
            let app = &mut states[turn];
            app.update(Msg::Resize(width, height), NOW_MS);
            let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
            let frame = terminal.draw(|f| super::draw(f, app, NOW_MS)).unwrap();
            assert_eq!(frame.area, ratatui::layout::Rect::new(0, 0, width, height));
        }
    }
}
