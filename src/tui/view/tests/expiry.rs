//! One expiry truth: the gauge, the badge and the decoded claims agree. A
//! session whose tokens say our clock runs ahead shows the server's `exp`
//! and, labelled beside it, the deadline on this machine's clock that the
//! gauge and the badge count down to; a refused session's `exp` is marked
//! as no longer counting; the access gauge is coloured as the badge is.

use ratatui::style::Color;

use super::*;
use crate::credential::{Auth, Credential, Session};
use crate::store::StoreData;

/// How far this machine's clock runs ahead of the server's in `skewed`.
const AHEAD: i64 = 100;

/// `skewed`: obtained 60 s ago on our clock, its tokens issued at the same
/// moment on a server clock [`AHEAD`] s behind.
fn skewed_data() -> StoreData {
    let mut data = data();
    let issued = NOW - 60 - AHEAD;
    let session = Session {
        obtained_at: NOW - 60,
        ..session(issued)
    };
    let auth = Auth::Oauth {
        client: Some(client()),
        session: Some(Box::new(session)),
    };
    data.insert(Credential::new("skewed", API, auth).unwrap())
        .unwrap();
    data
}

#[test]
fn a_skewed_session_shows_exp_and_the_local_deadline_the_gauge_counts_to() {
    for (w, h) in SIZES {
        let mut app = app_of(skewed_data(), w, h);
        select(&mut app, "skewed");
        if w >= 80 {
            assert!(render(&app).contains("skewed            valid 4:00"));
        }
        scroll_to(&mut app, "│exp ");
        let top = render(&app);
        // The gauge: 4:00 left (60 s of 300 gone on our clock), and when.
        assert!(top.contains("4:00 left"), "{w}x{h}: {top}");
        if w >= 80 {
            assert!(top.contains("until 22:17:20 UTC"), "{w}x{h}: {top}");
        }
        // The refresh gauge says its date (30 days after our obtained_at).
        assert!(
            top.contains("until 2023-12-14") || top.contains("until 12-14"),
            "{top}"
        );
        let screen = snapshot("skewed_claims", &app);
        let joined = words(&screen);
        // The server's exp: 300 s after its iat, 2 m 20 s from now...
        assert!(joined.contains("in 2 m 20 s"), "{w}x{h}: {screen}");
        // ...and the deadline on our clock, labelled, with why.
        assert!(
            joined.contains("│local 2023-11-14 22:17:20 UTC"),
            "{w}x{h}: {screen}"
        );
        assert!(joined.contains("in 4 m 0 s"), "{w}x{h}: {screen}");
        assert!(joined.contains("1 m 40 s ahead"), "{w}x{h}: {screen}");
    }
}

#[test]
fn a_session_without_skew_has_no_second_deadline() {
    let mut app = app(80, 24);
    select(&mut app, "alice-session");
    scroll_to(&mut app, "│exp ");
    let screen = render(&app);
    assert!(screen.contains("exp"), "{screen}");
    assert!(!screen.contains("local "), "{screen}");
}

#[test]
fn a_refused_session_marks_its_exp_as_no_longer_counting() {
    for (w, h) in SIZES {
        let mut app = app(w, h);
        select(&mut app, "stale-session");
        scroll_to(&mut app, "│exp ");
        let screen = snapshot("refused_exp", &app);
        let joined = words(&screen);
        assert!(
            joined.contains("│state refused by the server"),
            "{w}x{h}: {screen}"
        );
        assert!(joined.contains("expired 55 m 0 s ago"), "{w}x{h}: {screen}");
    }
}

/// The screen with each row's runs of blanks (no-break spaces too) as
/// one space, so a row reads as words.
fn words(screen: &str) -> String {
    screen
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The foreground of the first cell on row `y` whose symbol starts `text`.
fn fg_at(buffer: &Buffer, y: u16, text: &str) -> Option<Color> {
    let row: String = (0..buffer.area.width)
        .map(|x| buffer[(x, y)].symbol().to_owned())
        .collect();
    let at = row.find(text)?;
    let x = row[..at].chars().count() as u16;
    buffer[(x, y)].fg.into()
}

#[test]
fn the_access_gauge_is_coloured_as_the_badge_is() {
    // 150 s of 300 left: half its life, far from expiring by the margin.
    let mut data = data();
    let auth = Auth::Oauth {
        client: Some(client()),
        session: Some(Box::new(session(NOW - 150))),
    };
    data.insert(Credential::new("half-gone", API, auth).unwrap())
        .unwrap();
    let mut app = app_of(data, 200, 60);
    select(&mut app, "half-gone");
    let buffer = &drawn(&app);
    let badge_row = (0..60)
        .find(|&y| {
            let row: String = (0..200).map(|x| buffer[(x, y)].symbol()).collect();
            row.contains("half-gone") && row.contains("valid 2:30")
        })
        .expect("the badge");
    let badge = fg_at(buffer, badge_row, "valid").unwrap();
    // The gauge's filled cells (left of its label) carry its colour.
    let filled = (0..200)
        .find(|&x| buffer[(x, 1)].symbol() == "█")
        .expect("a filled gauge cell");
    assert_eq!(buffer[(filled, 1)].fg, badge, "gauge and badge disagree");
}

#[test]
fn the_import_form_warns_of_an_expired_refresh_token_before_it_is_saved() {
    const FIXTURE: &str = include_str!("../../../../tests/fixtures/keycloak-token-response.json");
    for (w, h) in SIZES {
        let mut app = app(w, h);
        act(&mut app, Action::Import);
        app.update(Msg::Paste(FIXTURE.into()), NOW_MS);
        let screen = snapshot("import_stale", &app);
        // Inside the box, the warning wraps: its words come in order.
        let words: Vec<&str> = screen.split_whitespace().collect();
        let want = "recognised: token response → OAuth session warning: its refresh token expired 5 y ago (2018-06-01 14:37:21 UTC): it cannot be refreshed; saving keeps it";
        let mut at = words.iter();
        for word in want.split_whitespace() {
            assert!(
                at.any(|w| w.contains(word)),
                "{w}x{h}: no `{word}` in order: {screen}"
            );
        }
    }
}
