//! What the screen says about keys: the login page without a display
//! (the whole URL reachable, no border on its rows) and the status bar's
//! hints for the open pop-up and the selection.

use super::*;
use crate::tui::input::{Key, KeyCode};

/// A realistic authorization URL: longer than a 40-column screen many times.
fn long_url() -> String {
    format!(
        "{ISSUER}/protocol/openid-connect/auth?response_type=code&client_id=sipauth-tui-cli\
         &redirect_uri=http%3A%2F%2F127.0.0.1%3A53117%2Fcallback&scope=openid%20balance%3Aread\
         &state=Qm9vdHN0cmFwU3RhdGVWYWx1ZQ&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM\
         &code_challenge_method=S256"
    )
}

fn press(app: &mut App, code: KeyCode) {
    let key = Key::plain(code);
    if let Some(msg) = crate::tui::keymap::route(app.input_mode(), app.keymap(), key) {
        app.update(msg, NOW_MS);
    }
}

#[test]
fn the_login_page_shows_the_whole_url_unboxed_and_why_no_browser_started() {
    let url = long_url();
    for (w, h) in SIZES {
        let mut app = app(w, h);
        app.show_login("alice-session", Some(url.clone()), NOW_MS);
        let job = app.login().map(|l| l.job.clone()).expect("running");
        let why = "no browser was started: there is no display".to_owned();
        app.update(Msg::Done(job, Done::NoBrowser(why)), NOW_MS);
        let screen = snapshot("login_no_display", &app);
        // Rows that hold the URL, joined as a terminal's selection would.
        let rows: Vec<&str> = screen
            .lines()
            .skip_while(|l| !l.starts_with("https://"))
            .take_while(|l| !l.starts_with("y cop"))
            .collect();
        assert_eq!(rows.concat(), url, "{w}x{h}: the whole URL, in order");
        assert!(rows.iter().all(|r| !r.contains('│')), "{w}x{h}: no border");
        assert!(screen.contains("y copies the URL"), "{w}x{h}");
        if w >= 80 {
            assert!(screen.contains("no browser was started"), "{screen}");
        }
    }
}

#[test]
fn the_bar_names_the_open_forms_keys_not_quit_by_q() {
    for (w, h) in SIZES {
        let mut app = app(w, h);
        act(&mut app, Action::Add);
        press(&mut app, KeyCode::Enter);
        let screen = snapshot("form_hints", &app);
        let bar = screen.lines().last().unwrap_or_default().to_owned();
        assert!(!bar.contains("q quit"), "{w}x{h}: {bar}");
        assert!(bar.contains("Tab"), "{w}x{h}: {bar}");
    }
}

#[test]
fn the_bar_hints_only_keys_that_work_for_the_selection() {
    let bar = |app: &App| render(app).lines().last().unwrap_or_default().to_owned();
    let mut app = app(120, 24);
    select(&mut app, "prod-pat");
    let pat = bar(&app);
    assert!(
        pat.contains("p probe") && !pat.contains("r refresh"),
        "{pat}"
    );
    select(&mut app, "new-client");
    let client = bar(&app);
    assert!(
        client.contains("l log in") && !client.contains("p probe"),
        "{client}"
    );
    select(&mut app, "alice-session");
    let session = bar(&app);
    assert!(session.contains("r refresh"), "{session}");
    // The palette is offered whatever is selected, as long as it fits.
    for hints in [&pat, &client, &session] {
        assert!(hints.contains(": commands"), "{hints}");
    }
}

#[test]
fn the_filter_lights_matched_characters_and_counts_x_of_y() {
    for (w, h) in SIZES {
        let mut app = app(w, h);
        act(&mut app, Action::Filter);
        app.update(Msg::Paste("alise".into()), NOW_MS);
        let screen = snapshot("filter_fuzzy", &app);
        let total = app.entries().len();
        assert!(screen.contains(&format!("1 of {total}")), "{screen}");
        assert!(screen.contains("alice-session"), "{screen}");
        // The lit characters carry the match style.
        let underlined = lit(&drawn(&app), 0..h);
        assert_eq!(underlined, "alise", "{w}x{h}");
    }
}

#[test]
fn long_names_that_differ_at_the_end_stay_apart_at_every_size() {
    let names = [
        "team-production-sipgate-personal-access-token-01",
        "team-production-sipgate-personal-access-token-02",
    ];
    for (w, h) in [(200, 60), (80, 24), (40, 12)] {
        let mut data = data();
        for name in names {
            let auth = crate::credential::Auth::Pat {
                token_id: "token-LONG01".into(),
                token: Secret::new(PAT_TOKEN.into()),
            };
            data.insert(crate::credential::Credential::new(name, API, auth).unwrap())
                .unwrap();
        }
        let mut app = app_of(data, w, h);
        select(&mut app, names[1]);
        let screen = snapshot("long_names", &app);
        assert!(screen.contains("-02"), "{w}x{h}: {screen}");
        if w >= 80 {
            // The list shows both ends.
            assert!(screen.contains("-01"), "{w}x{h}: {screen}");
        }
        if w >= 200 {
            assert!(screen.contains(names[1]), "the whole name: {screen}");
        }
    }
}

#[test]
fn the_palette_lists_actions_with_their_keys_and_lights_what_the_query_matched() {
    for (w, h) in SIZES {
        let mut app = app(w, h);
        press(&mut app, KeyCode::Char(':'));
        let all = snapshot("palette", &app);
        let total = app.keymap().bindings().len() - 1;
        assert!(all.contains(&format!("{total} of {total}")), "{all}");
        assert!(
            all.contains("› copy Authorization header"),
            "{w}x{h}: {all}"
        );
        app.update(Msg::Paste("cop".into()), NOW_MS);
        let screen = snapshot("palette_query", &app);
        let Some(Modal::Palette(palette)) = app.modal() else {
            panic!("the palette is open");
        };
        let found = palette.matches().len();
        assert!(found < total, "the query narrows: {found}");
        assert!(
            screen.contains(&format!("{found} of {total}")),
            "{w}x{h}: {screen}"
        );
        // The three copies come first, each row its label then its key.
        let rows: Vec<&str> = screen
            .lines()
            .skip_while(|l| !l.contains("> cop"))
            .skip(1)
            .take(3)
            .collect();
        let row = |y: usize| {
            rows[y]
                .split('│')
                .find(|c| c.contains("copy"))
                .unwrap_or_default()
        };
        assert!(
            row(0).starts_with("› copy a curl command") && row(0).trim_end().ends_with(" C"),
            "{rows:?}"
        );
        assert!(
            row(1).trim_end().ends_with(" y") && row(2).trim_end().ends_with(" c"),
            "{rows:?}"
        );
        assert!(
            screen.contains("Enter run"),
            "the bar names the palette's keys: {screen}"
        );
        // The first row lights the `cop` its label starts with.
        let y = screen
            .lines()
            .position(|l| l.contains("› copy a curl"))
            .unwrap_or(0) as u16;
        let lit = lit(&drawn(&app), y..y + 1);
        assert_eq!(lit, "cop", "{w}x{h}");
    }
}
