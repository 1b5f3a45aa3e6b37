//! Each palette on the main screen: a snapshot of its styles (one letter
//! per distinct style, with the legend), and the properties that matter:
//! mono uses no colour but keeps the health states apart, light uses no
//! yellow or cyan text, an override recolours one role.

use std::collections::BTreeMap;

use ratatui::style::{Color, Style};

use super::*;
use crate::expiry::Health;
use crate::tui::theme::{self, DARK, HIGH_CONTRAST, LIGHT, MONO, Palette, ThemeName};

/// The screen's styles: each distinct style a letter, row by row, and the
/// legend (`a = Style { … }`).
fn styles(app: &App, palette: Palette) -> (String, Vec<Style>) {
    theme::set(palette);
    let (width, height) = app.size();
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| super::super::draw(f, app, NOW_MS))
        .unwrap();
    theme::set(DARK);
    let buffer = terminal.backend().buffer();
    let mut seen: Vec<Style> = Vec::new();
    let mut out = String::new();
    for y in 0..height {
        for x in 0..width {
            let style = buffer[(x, y)].style();
            let i = seen.iter().position(|s| *s == style).unwrap_or_else(|| {
                seen.push(style);
                seen.len() - 1
            });
            out.push(char::from(b'a' + u8::try_from(i % 26).unwrap()));
        }
        out.push('\n');
    }
    for (i, style) in seen.iter().enumerate() {
        out.push_str(&format!(
            "{} = {style:?}\n",
            char::from(b'a' + u8::try_from(i % 26).unwrap())
        ));
    }
    (out, seen)
}

#[test]
fn each_theme_has_its_snapshot() {
    let app = app(80, 24);
    for (name, palette) in [
        ("dark", DARK),
        ("light", LIGHT),
        ("high_contrast", HIGH_CONTRAST),
        ("mono", MONO),
    ] {
        let (map, _) = styles(&app, palette);
        insta::assert_snapshot!(format!("theme_{name}_80x24"), map);
    }
}

#[test]
fn mono_has_no_colour_but_keeps_states_apart_and_light_avoids_pale_text() {
    let app = app(80, 24);
    let (_, used) = styles(&app, MONO);
    for style in &used {
        assert!(
            matches!(style.fg, None | Some(Color::Reset))
                && matches!(style.bg, None | Some(Color::Reset)),
            "mono drew a colour: {style:?}"
        );
    }
    theme::set(MONO);
    let states = [
        Health::Valid,
        Health::Expiring,
        Health::Expired,
        Health::Unknown,
    ]
    .map(theme::health);
    theme::set(DARK);
    for (i, a) in states.iter().enumerate() {
        for b in &states[i + 1..] {
            assert_ne!(a, b, "two health states look alike in mono");
        }
    }
    let (_, used) = styles(&app, LIGHT);
    for style in &used {
        assert!(
            !matches!(
                style.fg,
                Some(Color::Yellow | Color::Cyan | Color::LightYellow | Color::White)
            ),
            "light drew pale text: {style:?}"
        );
    }
}

#[test]
fn the_config_picks_a_theme_no_color_means_mono_and_roles_can_be_recoloured() {
    let config = Config::parse("theme = \"light\"\n[colors]\nexpiring = \"#d75f00\"\n").unwrap();
    assert_eq!(config.theme, Some(ThemeName::Light));
    let palette = config.palette(true).unwrap();
    assert_eq!(
        palette.expiring.fg,
        Some(Color::Rgb(0xd7, 0x5f, 0)),
        "the override"
    );
    assert_eq!(
        palette.heading, LIGHT.heading,
        "a named theme wins over NO_COLOR"
    );
    assert_eq!(Config::default().palette(true).unwrap(), MONO);
    assert_eq!(Config::default().palette(false).unwrap(), DARK);
    let cases = [
        ("theme = \"neon\"\n", "theme"),
        ("[colors]\nexpiring = \"nope\"\n", "not a colour"),
        ("[colors]\nbogus = \"red\"\n", "no such role"),
    ];
    crate::testing::cases::check_all(cases, |(text, want)| {
        let e = Config::parse(text).unwrap_err();
        assert!(e.contains(want), "{text}: {e}");
    });
    let _ = BTreeMap::<String, String>::new();
}
