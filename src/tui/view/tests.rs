//! Whole-screen tests on ratatui's `TestBackend` with a fixed clock: insta
//! snapshots at 80×24 and 40×12 of the main screen, the claims panel, the
//! help, a probe result and an error, each checked to hold no secret; and
//! every size from 1×1 to 100×40 drawn without a panic.
//!
//! The tokens are minted here (base64url JSON and a dummy signature), so
//! nothing random reaches a snapshot.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use unicode_width::UnicodeWidthStr;

use crate::credential::Secret;

use super::super::app::{App, Modal};
use super::super::config::Config;
use super::super::keymap::Keymap;
use super::super::msg::{Action, Done, Job, Msg};

mod endpoints;
mod expiry;
mod fixtures;
mod hostile;
mod keys;
mod layout;
mod log;
mod themes;
use fixtures::*;

fn app(width: u16, height: u16) -> App {
    app_of(data(), width, height)
}

/// The app on `data` at `width`×`height`.
fn app_of(data: crate::store::StoreData, width: u16, height: u16) -> App {
    let mut app = crate::tui::new_app(
        Config::default(),
        Keymap::default(),
        data,
        "demo".into(),
        Err("no command in this test".into()),
    );
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
        assert!(
            presses < 40,
            "{:?}: never scrolled to {heading}",
            app.size()
        );
    }
}

/// Selects the row of `name`.
fn select(app: &mut App, name: &str) {
    act(app, Action::Top);
    for _ in 0..20 {
        if app.current().is_some_and(|e| e.name() == name) {
            return;
        }
        act(app, Action::Down);
    }
    panic!("no {name}");
}

fn job(app: &App, name: &str) -> Job {
    let entry = app.entry(name).unwrap();
    Job {
        name: name.to_owned(),
        generation: entry.generation,
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

/// The screen as drawn, cell by cell.
fn drawn(app: &App) -> Buffer {
    let (width, height) = app.size();
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| super::draw(f, app, NOW_MS)).unwrap();
    terminal.backend().buffer().clone()
}

fn render(app: &App) -> String {
    text(&drawn(app))
}

/// The symbols of the cells lit as a match (underlined) on rows `rows`,
/// left to right and top to bottom.
fn lit(buffer: &Buffer, rows: std::ops::Range<u16>) -> String {
    let width = buffer.area.width;
    rows.flat_map(|y| (0..width).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            buffer[(x, y)]
                .modifier
                .contains(ratatui::style::Modifier::UNDERLINED)
        })
        .map(|(x, y)| buffer[(x, y)].symbol().to_owned())
        .collect()
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
    let (w, h) = app.size();
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
        let first = snapshot("help", &app);
        assert!(first.contains("Esc closes"), "{w}x{h}");
        assert!(first.contains("more below"), "{w}x{h}: {first}");
        // Scrolled page by page, every binding and the form's keys show.
        let mut seen = first.clone();
        for _ in 0..20 {
            app.update(
                Msg::Key(crate::tui::input::Key::plain(
                    crate::tui::input::KeyCode::PageDown,
                )),
                NOW_MS,
            );
            seen.push_str(&render(&app));
        }
        let last = render(&app);
        assert!(last.contains("more above"), "{w}x{h}: {last}");
        assert!(
            !last.contains("below"),
            "{w}x{h}: scrolled to the end: {last}"
        );
        let wants = app
            .keymap()
            .bindings()
            .iter()
            .map(|(action, _)| super::super::strings::action_help(*action).to_owned())
            .chain(["in a form".to_owned(), "clear the field".to_owned()]);
        for line in wants {
            let short: String = line.chars().take(usize::from(w) / 2 - 8).collect();
            assert!(seen.contains(&short), "{w}x{h}: {short}");
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
        let why = crate::store::StoreError::Io {
            action: "write",
            path: "store.json".into(),
            source: std::io::ErrorKind::PermissionDenied.into(),
        };
        app.update(Msg::Done(job, Done::Deleted(Err(why))), NOW_MS);
        assert!(matches!(app.modal(), Some(Modal::Error(_))));
        let screen = snapshot("error", &app);
        assert!(screen.contains("Enter or Esc closes"), "{screen}");
    }
}

#[test]
fn the_shown_modal_displays_the_value_asked_for() {
    let mut app = app(80, 24);
    app.open_modal(Modal::Shown {
        what: "Authorization header".into(),
        value: Secret::new(format!("Authorization: Basic {PAT_TOKEN}")),
    });
    let screen = render(&app);
    assert!(screen.contains(PAT_TOKEN), "{screen}");
    assert!(screen.contains("No clipboard took it"), "{screen}");
}

#[test]
fn modals_say_what_happens_and_how_to_leave() {
    let url = format!("{ISSUER}/protocol/openid-connect/auth?client_id=x");
    let modal = |modal: Modal| -> Box<dyn Fn(&mut App)> {
        Box::new(move |app: &mut App| app.open_modal(modal.clone()))
    };
    let login = |url: Option<String>| -> Box<dyn Fn(&mut App)> {
        Box::new(move |app: &mut App| app.show_login("alice-session", url.clone(), NOW_MS))
    };
    let cases = [
        (
            modal(Modal::ConfirmDelete {
                name: "alice-session".into(),
                revoke: true,
            }),
            vec!["Delete alice-session?", "revoked at the server", "n or Esc"],
        ),
        (
            modal(Modal::ConfirmDelete {
                name: "prod-pat".into(),
                revoke: false,
            }),
            vec!["Delete prod-pat?", "nothing is revoked"],
        ),
        (
            login(Some(url.clone())),
            // Started just now: the spinner's first frame.
            vec![
                "⣾ log in alice-session",
                "waiting for the browser",
                "client_id=x",
                "y copies the URL · Esc cancels",
            ],
        ),
        (login(None), vec!["finding the login page", "Esc cancels"]),
        (
            Box::new(move |app: &mut App| {
                app.show_login("alice-session", Some(url.clone()), NOW_MS);
                let job = app.login().map(|l| l.job.clone()).expect("running");
                let said = "the browser redirect said: access_denied".to_owned();
                app.update(Msg::Done(job, Done::LoginWarning(said)), NOW_MS);
            }),
            vec![
                "waiting for the browser",
                "Not completed, still waiting",
                "Esc cancels",
            ],
        ),
    ];
    crate::testing::cases::check_all(cases, |(open, wants)| {
        let mut app = app(80, 24);
        open(&mut app);
        let screen = render(&app);
        for want in wants {
            assert!(screen.contains(want), "{want}: {screen}");
        }
    });
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
        Modal::Error("something went wrong ".repeat(8)),
    ];
    for modal in modals {
        let mut app = base();
        app.open_modal(modal);
        states.push(app);
    }
    let mut login = base();
    let url = format!("{ISSUER}/protocol/openid-connect/auth?client_id=x");
    login.show_login("alice-session", Some(url), NOW_MS);
    states.push(login);
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
