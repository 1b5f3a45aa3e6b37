//! Layout that fits the content: a wide detail pane sets the access
//! token's claims beside the refresh and id tokens' (every `exp` on screen
//! at once), a narrow one stacks them; the details name the credential in
//! full; a narrow list's short badges are words.

use super::*;

/// The details' name row and its continuation rows, joined (the details
/// are the right pane, or the only one).
fn name_row(screen: &str) -> String {
    let inside = |l: &str| -> String {
        let l = l
            .rsplit_once("││")
            .map_or(l.strip_prefix('│').unwrap_or(""), |(_, r)| r);
        l.trim_end_matches(['│', '█', '║']).to_owned()
    };
    let rows: Vec<String> = screen.lines().map(inside).collect();
    let mut rows = rows.iter().skip_while(|r| !r.starts_with("name "));
    let mut name = rows
        .next()
        .and_then(|r| r.strip_prefix("name"))
        .unwrap_or_default()
        .trim()
        .to_owned();
    for row in rows.take_while(|r| r.starts_with("  ")) {
        name.push_str(row.trim());
    }
    name
}

#[test]
fn a_wide_pane_sets_the_access_claims_beside_the_others_and_a_narrow_one_stacks_them() {
    for (w, h) in [(200, 60), (80, 24), (40, 12)] {
        let mut app = app(w, h);
        select(&mut app, "alice-session");
        if w < 60 {
            // One pane at a time: the details.
            act(&mut app, Action::SwitchPane);
        }
        let screen = snapshot("session_layout", &app);
        let exps: Vec<&str> = screen
            .lines()
            .filter(|l| l.contains("exp       2023-"))
            .collect();
        if w >= 200 {
            // All three `exp` rows on the first screen, without scrolling...
            let all = exps
                .iter()
                .map(|l| l.matches("exp       2023-").count())
                .sum::<usize>();
            assert_eq!(all, 3, "{screen}");
            // ...the access token's on the left, the refresh token's (30
            // days) on the right, as are the panel titles.
            let side = |l: &&str| {
                l.split_once(" │ ")
                    .map(|(a, b)| (a.to_owned(), b.to_owned()))
            };
            let rows: Vec<(String, String)> = screen
                .lines()
                .map(|l| l.split("││").nth(1).unwrap_or_default())
                .filter_map(|l| side(&l))
                .collect();
            assert!(
                rows.iter()
                    .any(|(a, b)| a.contains("── access token") && b.contains("── refresh token")),
                "{screen}"
            );
            assert!(
                rows.iter()
                    .any(|(a, _)| a.contains("exp       2023-11-14 22:17:20")),
                "{screen}"
            );
            assert!(
                rows.iter()
                    .any(|(_, b)| b.contains("exp       2023-12-14 22:12:20")),
                "{screen}"
            );
            assert!(
                rows.iter().any(|(_, b)| b.contains("── id token")),
                "{screen}"
            );
        } else {
            assert!(
                !screen.contains(" │ exp"),
                "80 columns stack the panels: {screen}"
            );
        }
        assert_eq!(name_row(&screen), "alice-session");
    }
}

#[test]
fn the_details_name_a_long_name_in_full_and_a_narrow_list_says_words() {
    let name = "team-production-sipgate-personal-access-token-02";
    let mut data = data();
    let auth = crate::credential::Auth::Pat {
        token_id: "token-LONG01".into(),
        token: Secret::new(PAT_TOKEN.into()),
    };
    data.insert(crate::credential::Credential::new(name, API, auth).unwrap())
        .unwrap();
    let mut app = app_of(data, 80, 24);
    select(&mut app, name);
    let screen = render(&app);
    assert!(
        !screen.contains(name),
        "the title and list cut it: {screen}"
    );
    assert_eq!(name_row(&screen), name, "{screen}");
    // 60×20: the list shortens its badges to words, not `login!` or `?`.
    let mut app = super::app(60, 20);
    select(&mut app, "stale-session");
    let screen = snapshot("narrow_list", &app);
    let list: Vec<&str> = screen
        .lines()
        .filter(|l| l.starts_with('│'))
        .filter_map(|l| l.split("││").next())
        .collect();
    let row = |name: &str| {
        list.iter()
            .find(|l| l.contains(name))
            .copied()
            .unwrap_or_default()
    };
    assert!(
        row("stale-session")
            .trim_end_matches('│')
            .trim_end()
            .ends_with(" log in"),
        "{screen}"
    );
    assert!(
        row("new-client")
            .trim_end_matches('│')
            .trim_end()
            .ends_with(" log in"),
        "{screen}"
    );
    assert!(!screen.contains("login!"), "{screen}");
}

#[test]
fn a_cut_list_title_ends_in_an_ellipsis_and_a_long_filter_keeps_its_count() {
    let mut app = crate::tui::new_app(
        Config::default(),
        Keymap::default(),
        data(),
        "demo · sandbox http://127.0.0.1:43211".into(),
        Err("no command in this test".into()),
    );
    app.update(Msg::Resize(80, 24), NOW_MS);
    let screen = render(&app);
    let top = screen.lines().next().unwrap_or_default();
    assert!(top.starts_with("┌ demo · sandbox http://127.0.…┐"), "{top}");
    act(&mut app, Action::Filter);
    app.update(
        Msg::Paste("alice-session-with-a-long-filter".into()),
        NOW_MS,
    );
    let top = render(&app).lines().next().unwrap_or_default().to_owned();
    let total = app.entries().len();
    assert!(top.contains(&format!("… · 0 of {total} ┐")), "{top}");
}
