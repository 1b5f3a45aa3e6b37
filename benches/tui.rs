//! Benchmarks for the full-screen app with 10,000 credentials (see
//! [`fixture::store`] for the mix), at 200×60 on ratatui's `TestBackend`:
//!
//! - `frame/tick_200x60_10k`: one frame as the event loop draws it on a
//!   countdown tick: [`view::draw`] of the whole screen one second later
//!   than the last (every countdown on screen changes), plus the diff
//!   against the previous frame. The selected entry is a session, so the
//!   detail pane shows its facts, gauges and token panels.
//! - `frame/full_200x60_10k`: the same after the previous frame was thrown
//!   away (as after a resize), so every cell is written.
//! - `update/key_down_up`: a Down key then an Up key routed as the event
//!   loop routes them (keymap lookup), then [`App::update`] (selection,
//!   scrolling, the deadline and auto-refresh scan that follows every
//!   message).
//! - `update/tick`: what the loop does on a countdown tick besides drawing:
//!   `update(Msg::Tick)` (the auto-refresh scan over every entry) and
//!   [`App::next_wakeup`].
//! - `rows/all_10k`, `rows/filter_10k`: [`entries::rows`] grouping and
//!   sorting all entries, and filtering them by a name fragment.
//! - `picker/rank_179`: the endpoint picker's fuzzy ranking of sipgate's
//!   179 operations for a typical query (`sms post`), as on each keystroke.
//! - `reach/session_179`: what the selected credential can call
//!   ([`Reach::of`]: its granted scopes from its token, each operation's
//!   access, the totals), worked out once per selection change.
//! - `picker/type_key`: a character typed into the open picker and taken
//!   back (two [`App::update`]s, each ranking again), with 10,000
//!   credentials in the app.
//!
//! The figures quoted in the README come from `cargo bench --bench tui`.

#![allow(clippy::unwrap_used)]

#[path = "common/filler.rs"]
mod filler;
#[path = "tui/fixture.rs"]
mod fixture;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sipauth_tui::tui::app::{App, entries};
use sipauth_tui::tui::config::Config;
use sipauth_tui::tui::endpoints;
use sipauth_tui::tui::input::{Key, KeyCode};
use sipauth_tui::tui::keymap::{self, Keymap};
use sipauth_tui::tui::msg::{Action, Msg};
use sipauth_tui::tui::reach::Reach;
use sipauth_tui::tui::view;

/// How many credentials the app holds.
const CREDENTIALS: usize = 10_000;
/// The screen.
const WIDTH: u16 = 200;
const HEIGHT: u16 = 60;
/// A fixed clock (Unix ms), so every run draws the same countdowns.
const NOW_MS: i64 = 1_750_000_000_000;

fn app() -> App {
    let data = fixture::store(CREDENTIALS, NOW_MS / 1000, 300);
    let mut app = sipauth_tui::tui::new_app(
        Config::default(),
        Keymap::default(),
        data,
        "bench".into(),
        Err("no command in the bench".into()),
    );
    app.update(Msg::Resize(WIDTH, HEIGHT), NOW_MS);
    let selected = app.current().unwrap();
    assert!(selected.session().is_some(), "the first entry is a session");
    app
}

/// A key press as the event loop delivers it: routed through the keymap.
fn key(app: &App, code: KeyCode) -> Msg {
    keymap::route(app.input_mode(), app.keymap(), Key::plain(code)).unwrap()
}

fn frames(c: &mut Criterion) {
    let app = app();
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    let mut now = NOW_MS;
    c.bench_function("frame/tick_200x60_10k", |b| {
        b.iter(|| {
            // One second later, as on a countdown tick; 200 s later the
            // clock goes back so no token expires during the run.
            now = NOW_MS + (now - NOW_MS + 1000) % 200_000;
            terminal.draw(|f| view::draw(f, &app, now)).unwrap();
        })
    });
    c.bench_function("frame/full_200x60_10k", |b| {
        b.iter(|| {
            terminal.clear().unwrap();
            terminal.draw(|f| view::draw(f, &app, NOW_MS)).unwrap();
        })
    });
    // The benchmark drew what the user would see (drawn once more, as a
    // filtered run skips the cases above).
    terminal.draw(|f| view::draw(f, &app, NOW_MS)).unwrap();
    let screen = format!("{:?}", terminal.backend().buffer());
    assert!(screen.contains("Sessions") || screen.contains("sessions"));
    assert!(screen.contains("session-00003"));
}

fn updates(c: &mut Criterion) {
    let mut app = app();
    let (down, up) = (key(&app, KeyCode::Down), key(&app, KeyCode::Up));
    let start = app.selected();
    c.bench_function("update/key_down_up", |b| {
        b.iter(|| {
            black_box(app.update(black_box(key(&app, KeyCode::Down)), NOW_MS));
            black_box(app.update(black_box(key(&app, KeyCode::Up)), NOW_MS));
        })
    });
    // The keys moved the selection: down and back.
    app.update(down, NOW_MS);
    assert_ne!(app.selected(), start);
    app.update(up, NOW_MS);
    assert_eq!(app.selected(), start);
    c.bench_function("update/tick", |b| {
        b.iter(|| {
            black_box(app.update(Msg::Tick, NOW_MS));
            black_box(app.next_wakeup(NOW_MS))
        })
    });
    // A countdown is on screen, so the loop wakes on the next second.
    assert_eq!(app.next_wakeup(NOW_MS), Some(NOW_MS + 1000));
}

fn rows(c: &mut Criterion) {
    let app = app();
    c.bench_function("rows/all_10k", |b| {
        b.iter(|| black_box(entries::rows(black_box(app.entries()), "", false)))
    });
    c.bench_function("rows/filter_10k", |b| {
        b.iter(|| {
            black_box(entries::rows(
                black_box(app.entries()),
                black_box("00042"),
                false,
            ))
        })
    });
    // 10,000 entries in three groups (no client without a session); the
    // filter keeps login-00042 alone.
    assert_eq!(
        entries::rows(app.entries(), "", false).len(),
        CREDENTIALS + 3
    );
    assert_eq!(entries::rows(app.entries(), "00042", false).len(), 2);
}

fn picker(c: &mut Criterion) {
    c.bench_function("picker/rank_179", |b| {
        b.iter(|| black_box(endpoints::rank(black_box("sms post"))))
    });
    // The query finds what a user typing it means.
    let best = endpoints::rank("sms post")[0];
    assert_eq!(
        endpoints::operation(best).unwrap().label(),
        "POST /sessions/sms"
    );
    let mut app = app();
    let credential = app.current().unwrap().credential.clone();
    c.bench_function("reach/session_179", |b| {
        b.iter(|| black_box(Reach::of(black_box(&credential))))
    });
    assert_eq!(Reach::of(&credential).unwrap().total(), 179);
    let start = app.selected();
    app.update(Msg::Action(Action::PickEndpoint), NOW_MS);
    for c in "sms pos".chars() {
        app.update(key(&app, KeyCode::Char(c)), NOW_MS);
    }
    c.bench_function("picker/type_key", |b| {
        b.iter(|| {
            black_box(app.update(key(&app, KeyCode::Char('t')), NOW_MS));
            black_box(app.update(key(&app, KeyCode::Backspace), NOW_MS));
        })
    });
    // The keys went to the picker, not the list.
    assert_eq!(app.selected(), start);
}

criterion_group! {
    name = tui;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = frames, updates, rows, picker
}
criterion_main!(tui);
