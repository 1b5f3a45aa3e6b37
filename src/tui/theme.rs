//! Colours and styles, in one place. Health colours follow the badge
//! (green valid, yellow expiring, red expired or login required, grey
//! unknown); gauges go from green to red by remaining share.

use ratatui::style::{Color, Modifier, Style};

use crate::expiry::Health;

/// The style of a health badge.
pub fn health(health: Health) -> Style {
    let color = match health {
        Health::Valid => Color::Green,
        Health::Expiring => Color::Yellow,
        Health::Expired | Health::LoginRequired => Color::Red,
        Health::Unknown => Color::DarkGray,
    };
    Style::new().fg(color)
}

/// A gauge's colour for the share of lifetime left (0.0 to 1.0).
pub fn remaining(share: f64) -> Color {
    if share > 0.5 {
        Color::Green
    } else if share > 0.2 {
        Color::Yellow
    } else {
        Color::Red
    }
}

/// The selected row.
pub fn selected() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}

/// A group heading.
pub fn heading() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}

/// A field label in the detail pane.
pub fn label() -> Style {
    Style::new().fg(Color::DarkGray)
}

/// The border of the focused pane.
pub fn focused() -> Style {
    Style::new().fg(Color::Cyan)
}

/// An error message.
pub fn error() -> Style {
    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
}

/// A good outcome (a 2xx probe).
pub fn ok() -> Style {
    Style::new().fg(Color::Green).add_modifier(Modifier::BOLD)
}

/// Advice beside a failure.
pub fn hint() -> Style {
    Style::new().fg(Color::Yellow)
}

/// An informational message.
pub fn info() -> Style {
    Style::new().fg(Color::Green)
}

/// Key names in hints.
pub fn key() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}

/// A countdown gauge: coloured by the share left, grey when nothing counts.
pub fn gauge(share: f64, counting: bool) -> Style {
    if counting {
        Style::new().fg(remaining(share)).bg(Color::Black)
    } else {
        Style::new().fg(Color::DarkGray)
    }
}
