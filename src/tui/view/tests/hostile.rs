//! The screen under a hostile store: every string field of every kind
//! holds escape sequences (a title, an OSC 52 clipboard write, a C1 CSI),
//! a bidi override, a byte order mark and zero-width characters, put in
//! past the validation a load would do. No cell of any screen the data
//! reaches may hold a control, escape or format character.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::credential::{Auth, Credential, Secret};
use crate::sanitize::has_unsafe_char;
use crate::store::StoreData;

use super::super::super::app::{App, Modal};
use super::super::super::config::Config;
use super::super::super::keymap::Keymap;
use super::super::super::msg::{Action, Done, Msg};
use super::fixtures::{API, NOW, NOW_MS, client, session};
use super::{job, text};

/// What every field holds.
const EVIL: &str = "x\u{1b}]0;pwned\u{7}\u{1b}]52;c;aGk=\u{1b}\\\u{9b}2J\u{1b}[31m\u{202e}\u{feff}\u{200b}\u{2066}\u{200d}\u{e0041}\u{7f}y";

fn hostile_store() -> StoreData {
    let mut client = client();
    client.client_id = format!("client-{EVIL}");
    client.issuer = format!("{}/{EVIL}", client.issuer);
    client.scope = Some(EVIL.into());
    client.redirect_uri = Some(format!("http://127.0.0.1:8765/{EVIL}"));
    let mut session = session(NOW - 60);
    session.scope = Some(EVIL.into());
    session.session_state = Some(EVIL.into());
    session.token_type = EVIL.into();
    let auths = [
        Auth::Oauth {
            client: Some(client),
            session: Some(Box::new(session)),
        },
        Auth::Pat {
            token_id: format!("token-{EVIL}"),
            token: Secret::new("pat-token".into()),
        },
        Auth::Basic {
            username: format!("user-{EVIL}"),
            password: Secret::new("pw".into()),
        },
    ];
    let mut data = StoreData::empty();
    // Built by hand: `Credential::new` (like a load) would refuse them.
    data.credentials = auths
        .into_iter()
        .enumerate()
        .map(|(i, auth)| Credential {
            name: format!("n{i}-{EVIL}"),
            api: format!("{API}/{EVIL}"),
            auth,
            learned_scopes: None,
            probe: None,
        })
        .collect();
    data
}

fn check_screen(app: &App, what: &str) {
    let (width, height) = app.size();
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| super::super::draw(f, app, NOW_MS))
        .unwrap();
    let buffer = terminal.backend().buffer();
    for (i, cell) in buffer.content.iter().enumerate() {
        assert!(
            !has_unsafe_char(cell.symbol()),
            "{what}: cell {i} holds {:?}",
            cell.symbol()
        );
    }
    let screen = text(buffer);
    assert!(
        !screen.contains("pwned"),
        "{what}: a sequence's text is on screen:\n{screen}"
    );
}

#[test]
fn no_cell_holds_a_control_or_format_character_whatever_the_store_holds() {
    let title = format!("/home/u/{EVIL}/store.json");
    let mut app = crate::tui::new_app(
        Config::default(),
        Keymap::default(),
        hostile_store(),
        title,
        Err("no command in this test".into()),
    );
    app.update(Msg::Resize(120, 40), NOW_MS);
    for entry in 0..3 {
        check_screen(&app, &format!("entry {entry}"));
        app.update(Msg::Action(Action::SwitchPane), NOW_MS);
        for _ in 0..30 {
            app.update(Msg::Action(Action::Down), NOW_MS);
            check_screen(&app, &format!("entry {entry}, details scrolled"));
        }
        app.update(Msg::Action(Action::SwitchPane), NOW_MS);
        app.update(Msg::Action(Action::Down), NOW_MS);
    }
    let job = job(&app, &app.current().unwrap().credential.name.clone());
    let why = crate::store::StoreError::Io {
        action: "write",
        path: format!("/tmp/{EVIL}.json").into(),
        source: std::io::ErrorKind::PermissionDenied.into(),
    };
    app.update(Msg::Done(job, Done::Deleted(Err(why))), NOW_MS);
    check_screen(&app, "error modal");
    app.open_modal(Modal::Error(format!("raw {EVIL}")));
    check_screen(&app, "raw error modal");
    app.open_modal(Modal::Shown {
        what: EVIL.into(),
        value: Secret::new(EVIL.into()),
    });
    check_screen(&app, "shown modal");
}

#[test]
fn the_final_scrub_cleans_text_a_view_drew_raw() {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::widgets::{Paragraph, Widget};
    let area = Rect::new(0, 0, 60, 1);
    let mut buffer = Buffer::empty(area);
    Paragraph::new(format!("a\u{200d}b\u{e0041}c\u{200c}d {EVIL}")).render(area, &mut buffer);
    let unsafe_cells = |b: &Buffer| {
        b.content
            .iter()
            .filter(|c| has_unsafe_char(c.symbol()))
            .count()
    };
    // What ratatui alone would send to the terminal: joiners and tag
    // characters ride on the character before them.
    assert!(unsafe_cells(&buffer) > 0, "ratatui cleaned it already");
    super::super::scrub(&mut buffer);
    assert_eq!(unsafe_cells(&buffer), 0);
}
