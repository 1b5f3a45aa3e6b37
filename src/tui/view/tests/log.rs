//! Outcomes kept where the user looks: the probe panel after a refused
//! probe, the list's mark, and the message log.

use super::*;

/// The app with `stale-session` (its refresh refused) selected.
fn on_stale(w: u16, h: u16) -> App {
    let mut app = app(w, h);
    while app.current().unwrap().name() != "stale-session" {
        act(&mut app, Action::Down);
    }
    app
}

#[test]
fn refused_probe_fills_the_probe_panel_and_marks_the_list() {
    for (w, h) in SIZES {
        let mut app = on_stale(w, h);
        act(&mut app, Action::Probe);
        if w >= 80 {
            let screen = render(&app);
            let row = screen
                .lines()
                .find(|l| {
                    l.starts_with('│')
                        && l.split("││")
                            .next()
                            .is_some_and(|list| list.contains("stale-session"))
                })
                .unwrap();
            assert!(row.contains("✗ stale-session"), "{row}");
        }
        if h < 24 {
            scroll_to(&mut app, "── probe");
        }
        let screen = snapshot("refused_probe", &app);
        assert!(!screen.contains("not probed yet"), "{w}x{h}: {screen}");
        assert!(screen.contains("probe failed"), "{w}x{h}: {screen}");
        assert!(
            screen.contains("fix: log in again (l)"),
            "{w}x{h}: {screen}"
        );
    }
}

#[test]
fn message_log_lists_the_messages_newest_first_in_full() {
    for (w, h) in SIZES {
        let mut app = on_stale(w, h);
        app.say("auto-refreshed alice-session", NOW_MS - 65_000);
        act(&mut app, Action::Probe);
        let long = "delete prod-pat: cannot write store.json: permission denied \
                    (the directory is read-only; nothing was changed)";
        app.warn(long, NOW_MS + 2_000);
        act(&mut app, Action::Messages);
        let screen = snapshot("messages", &app);
        assert!(screen.contains("messages (3)"), "{w}x{h}: {screen}");
        assert!(screen.contains("j/k scroll"), "{w}x{h}: {screen}");
        let newest = screen.find("22:13:22").expect("the newest's time");
        let oldest = screen.find("22:12:15");
        if let Some(oldest) = oldest {
            assert!(newest < oldest, "newest first: {screen}");
        }
        if h >= 24 {
            assert!(screen.contains("nothing was changed)"), "in full: {screen}");
            assert!(oldest.is_some(), "{screen}");
        }
    }
}

#[test]
fn empty_message_log_says_so() {
    let mut app = app(80, 24);
    act(&mut app, Action::Messages);
    let screen = render(&app);
    assert!(screen.contains("No messages yet."), "{screen}");
    assert!(screen.contains("messages (0)"), "{screen}");
}
