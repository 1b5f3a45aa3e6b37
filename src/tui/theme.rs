//! Colours and styles, in one place. Health colours follow the badge
//! (green valid, yellow expiring, red expired or login required, grey
//! unknown); gauges go from green to red by remaining share.
//!
//! Four palettes: `dark` (the default), `light` (for light backgrounds:
//! no yellow or cyan text), `high-contrast` (bright colours, bold) and
//! `mono` (no colour at all, for `NO_COLOR`: states stay apart by bold,
//! underline, dim and reverse). The config's `theme` picks one, `[colors]`
//! overrides single roles, and `NO_COLOR` means `mono` unless the config
//! names a theme (no-color.org: configuration wins). The palette in use is
//! per thread: the app draws on one, each test sets its own.

use std::cell::Cell;
use std::collections::BTreeMap;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

use crate::expiry::Health;

/// A palette's name, as the config writes it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeName {
    /// For dark terminals.
    #[default]
    Dark,
    /// For light terminals.
    Light,
    /// Bright and bold.
    HighContrast,
    /// No colour.
    Mono,
}

/// Every role the screen colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Palette {
    /// A valid credential's badge; a gauge with more than half left.
    pub valid: Style,
    /// Expiring soon; a gauge with a fifth to a half left.
    pub expiring: Style,
    /// Expired or login required; a gauge under a fifth.
    pub expired: Style,
    /// Nothing known.
    pub unknown: Style,
    /// The gauge's empty part.
    pub gauge_empty: Style,
    /// The selected row.
    pub selected: Style,
    /// A group heading.
    pub heading: Style,
    /// A field label.
    pub label: Style,
    /// The focused pane's border.
    pub focused: Style,
    /// An error.
    pub error: Style,
    /// A good outcome.
    pub ok: Style,
    /// Advice.
    pub hint: Style,
    /// Information.
    pub info: Style,
    /// Key names.
    pub key: Style,
}

const fn fg(color: Color) -> Style {
    Style::new().fg(color)
}

const fn bold(style: Style) -> Style {
    style.add_modifier(Modifier::BOLD)
}

/// The dark palette (the one the app always had).
pub const DARK: Palette = Palette {
    valid: fg(Color::Green),
    expiring: fg(Color::Yellow),
    expired: fg(Color::Red),
    unknown: fg(Color::DarkGray),
    gauge_empty: Style::new().bg(Color::Black),
    selected: Style::new().add_modifier(Modifier::REVERSED),
    heading: bold(fg(Color::Cyan)),
    label: fg(Color::DarkGray),
    focused: fg(Color::Cyan),
    error: bold(fg(Color::Red)),
    ok: bold(fg(Color::Green)),
    hint: fg(Color::Yellow),
    info: fg(Color::Green),
    key: bold(fg(Color::Cyan)),
};

/// For light backgrounds: dark, saturated foregrounds only.
pub const LIGHT: Palette = Palette {
    valid: fg(Color::Rgb(0, 110, 0)),
    expiring: fg(Color::Rgb(160, 80, 0)),
    expired: fg(Color::Rgb(180, 0, 0)),
    unknown: fg(Color::Rgb(100, 100, 100)),
    gauge_empty: Style::new().bg(Color::Rgb(220, 220, 220)),
    selected: Style::new().add_modifier(Modifier::REVERSED),
    heading: bold(fg(Color::Blue)),
    label: fg(Color::Rgb(90, 90, 90)),
    focused: fg(Color::Blue),
    error: bold(fg(Color::Rgb(180, 0, 0))),
    ok: bold(fg(Color::Rgb(0, 110, 0))),
    hint: fg(Color::Rgb(140, 60, 0)),
    info: fg(Color::Rgb(0, 110, 0)),
    key: bold(fg(Color::Magenta)),
};

/// Bright colours, everything that matters bold.
pub const HIGH_CONTRAST: Palette = Palette {
    valid: bold(fg(Color::LightGreen)),
    expiring: bold(fg(Color::LightYellow)),
    expired: bold(fg(Color::LightRed)),
    unknown: fg(Color::White),
    gauge_empty: Style::new().bg(Color::Black),
    selected: Style::new()
        .add_modifier(Modifier::REVERSED)
        .add_modifier(Modifier::BOLD),
    heading: bold(fg(Color::White)).add_modifier(Modifier::UNDERLINED),
    label: fg(Color::White),
    focused: bold(fg(Color::LightCyan)),
    error: bold(fg(Color::LightRed)),
    ok: bold(fg(Color::LightGreen)),
    hint: bold(fg(Color::LightYellow)),
    info: fg(Color::LightGreen),
    key: bold(fg(Color::LightCyan)),
};

/// No colour: states by modifiers alone.
pub const MONO: Palette = Palette {
    valid: Style::new(),
    expiring: Style::new().add_modifier(Modifier::BOLD),
    expired: Style::new()
        .add_modifier(Modifier::BOLD)
        .add_modifier(Modifier::UNDERLINED),
    unknown: Style::new().add_modifier(Modifier::DIM),
    gauge_empty: Style::new().add_modifier(Modifier::DIM),
    selected: Style::new().add_modifier(Modifier::REVERSED),
    heading: Style::new()
        .add_modifier(Modifier::BOLD)
        .add_modifier(Modifier::UNDERLINED),
    label: Style::new().add_modifier(Modifier::DIM),
    focused: Style::new().add_modifier(Modifier::BOLD),
    error: Style::new()
        .add_modifier(Modifier::BOLD)
        .add_modifier(Modifier::UNDERLINED),
    ok: Style::new().add_modifier(Modifier::BOLD),
    hint: Style::new().add_modifier(Modifier::ITALIC),
    info: Style::new(),
    key: Style::new().add_modifier(Modifier::BOLD),
};

impl ThemeName {
    /// Its palette.
    pub fn palette(self) -> Palette {
        match self {
            ThemeName::Dark => DARK,
            ThemeName::Light => LIGHT,
            ThemeName::HighContrast => HIGH_CONTRAST,
            ThemeName::Mono => MONO,
        }
    }
}

/// The palette for a config: its `theme`, else `mono` under `NO_COLOR`
/// (set, not empty), else `dark`; then its `[colors]` (role = colour:
/// a name such as `red` or `lightblue`, `#rrggbb`, or 0 to 255).
pub fn palette_for(
    theme: Option<ThemeName>,
    no_color: bool,
    colors: &BTreeMap<String, String>,
) -> Result<Palette, String> {
    let mut palette = match theme {
        Some(theme) => theme.palette(),
        None if no_color => MONO,
        None => DARK,
    };
    for (role, value) in colors {
        let color: Color = value.parse().map_err(|_| {
            format!(
                "colors.{}: `{}` is not a colour (a name such as red, #rrggbb, or 0 to 255)",
                crate::sanitize::strip_controls(role),
                crate::sanitize::strip_controls(value)
            )
        })?;
        let slot = match role.as_str() {
            "valid" => &mut palette.valid,
            "expiring" => &mut palette.expiring,
            "expired" => &mut palette.expired,
            "unknown" => &mut palette.unknown,
            "heading" => &mut palette.heading,
            "label" => &mut palette.label,
            "focused" => &mut palette.focused,
            "error" => &mut palette.error,
            "ok" => &mut palette.ok,
            "hint" => &mut palette.hint,
            "info" => &mut palette.info,
            "key" => &mut palette.key,
            other => {
                return Err(format!(
                    "colors.{}: no such role; roles: valid, expiring, expired, unknown, heading, label, focused, error, ok, hint, info, key",
                    crate::sanitize::strip_controls(other)
                ));
            }
        };
        *slot = slot.fg(color);
    }
    Ok(palette)
}

thread_local! {
    static CURRENT: Cell<Palette> = const { Cell::new(DARK) };
}

/// Draws with `palette` on this thread from now on.
pub fn set(palette: Palette) {
    CURRENT.with(|c| c.set(palette));
}

/// The palette this thread draws with.
pub fn current() -> Palette {
    CURRENT.with(Cell::get)
}

/// The style of a health badge.
pub fn health(health: Health) -> Style {
    let p = current();
    match health {
        Health::Valid => p.valid,
        Health::Expiring => p.expiring,
        Health::Expired | Health::LoginRequired => p.expired,
        Health::Unknown => p.unknown,
    }
}

/// A gauge's style for the share of lifetime left (0.0 to 1.0).
fn remaining(share: f64) -> Style {
    let p = current();
    if share > 0.5 {
        p.valid
    } else if share > 0.2 {
        p.expiring
    } else {
        p.expired
    }
}

/// The selected row.
pub fn selected() -> Style {
    current().selected
}

/// A group heading.
pub fn heading() -> Style {
    current().heading
}

/// A field label in the detail pane.
pub fn label() -> Style {
    current().label
}

/// The border of the focused pane.
pub fn focused() -> Style {
    current().focused
}

/// An error message.
pub fn error() -> Style {
    current().error
}

/// A good outcome (a 2xx probe).
pub fn ok() -> Style {
    current().ok
}

/// Advice beside a failure.
pub fn hint() -> Style {
    current().hint
}

/// An informational message.
pub fn info() -> Style {
    current().info
}

/// Key names in hints.
pub fn key() -> Style {
    current().key
}

/// The characters a filter matched in a name: the key colour, bold and
/// underlined (readable in every theme and without colour).
pub fn matched() -> Style {
    current()
        .key
        .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
}

/// An access gauge: styled as the session's badge is.
pub fn gauge_health(health: Health) -> Style {
    self::health(health).patch(current().gauge_empty)
}

/// A countdown gauge: styled by the share left, the unknown style when
/// nothing counts.
pub fn gauge(share: f64, counting: bool) -> Style {
    if counting {
        remaining(share).patch(current().gauge_empty)
    } else {
        current().unknown
    }
}
