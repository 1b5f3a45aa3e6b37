//! Key bindings: keys to [`Action`]s, with defaults the config file can
//! override action by action. The help overlay is generated from here, so
//! it always shows the keys that really work.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::msg::Action;

/// A key as written in the config file: `j`, `C`, `?`, `up`, `tab`,
/// `ctrl-c`, `f5`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    code: KeyCode,
    ctrl: bool,
    alt: bool,
}

impl Key {
    /// The key of a terminal event (shift is part of the character).
    pub fn from_event(event: &KeyEvent) -> Self {
        let code = match event.code {
            KeyCode::BackTab => KeyCode::Tab,
            code => code,
        };
        Self {
            code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
            alt: event.modifiers.contains(KeyModifiers::ALT),
        }
    }

    /// Parses `ctrl-c`, `alt-x`, `enter`, `q`, `Q`, `f5`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut rest = raw;
        let (mut ctrl, mut alt) = (false, false);
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-").filter(|r| !r.is_empty()) {
                (ctrl, rest) = (true, r);
            } else if let Some(r) = rest.strip_prefix("alt-").filter(|r| !r.is_empty()) {
                (alt, rest) = (true, r);
            } else {
                break;
            }
        }
        let code = match rest {
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "tab" => KeyCode::Tab,
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            "delete" => KeyCode::Delete,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            f if f.len() > 1 && f.starts_with('f') => match f[1..].parse::<u8>() {
                Ok(n @ 1..=12) => KeyCode::F(n),
                _ => return Err(format!("`{raw}` is not a key")),
            },
            one => {
                let mut chars = one.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if !c.is_control() => KeyCode::Char(c),
                    _ => {
                        return Err(format!(
                            "`{raw}` is not a key (try `j`, `ctrl-c`, `up`, `f5`)"
                        ));
                    }
                }
            }
        };
        Ok(Self { code, ctrl, alt })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Delete"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::F(n) => write!(f, "F{n}"),
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            _ => f.write_str("?"),
        }
    }
}

/// The default bindings, in help order.
pub const DEFAULTS: &[(Action, &[&str])] = &[
    (Action::Down, &["j", "down"]),
    (Action::Up, &["k", "up"]),
    (Action::PageDown, &["pagedown"]),
    (Action::PageUp, &["pageup"]),
    (Action::Top, &["g", "home"]),
    (Action::Bottom, &["G", "end"]),
    (Action::SwitchPane, &["tab"]),
    (Action::CopyHeader, &["c"]),
    (Action::CopyCurl, &["C"]),
    (Action::CopyValue, &["y"]),
    (Action::Probe, &["p"]),
    (Action::Refresh, &["r"]),
    (Action::ToggleAutoRefresh, &["A"]),
    (Action::Login, &["l"]),
    (Action::Add, &["a"]),
    (Action::Import, &["i"]),
    (Action::Edit, &["e"]),
    (Action::Delete, &["d"]),
    (Action::Reveal, &["s"]),
    (Action::Filter, &["/"]),
    (Action::Help, &["?"]),
    (Action::Quit, &["q", "ctrl-c"]),
];

/// Keys to actions, and back for the help.
#[derive(Clone, Debug)]
pub struct Keymap {
    keys: HashMap<Key, Action>,
    /// Every action's keys, in help order.
    bindings: Vec<(Action, Vec<Key>)>,
}

impl Default for Keymap {
    fn default() -> Self {
        Self::with_overrides(&BTreeMap::new()).unwrap_or_else(|_| Self {
            keys: HashMap::new(),
            bindings: Vec::new(),
        })
    }
}

impl Keymap {
    /// The defaults with some actions rebound. A key bound to two actions
    /// is an error naming both, so a config file cannot shadow a binding
    /// silently.
    pub fn with_overrides(overrides: &BTreeMap<Action, Vec<String>>) -> Result<Self, String> {
        let mut bindings = Vec::new();
        for (action, defaults) in DEFAULTS {
            let keys = match overrides.get(action) {
                Some(raw) => raw
                    .iter()
                    .map(|k| Key::parse(k))
                    .collect::<Result<Vec<_>, _>>()?,
                None => defaults
                    .iter()
                    .map(|k| Key::parse(k))
                    .collect::<Result<Vec<_>, _>>()?,
            };
            bindings.push((*action, keys));
        }
        let mut keys = HashMap::new();
        for (action, bound) in &bindings {
            for key in bound {
                if let Some(other) = keys.insert(*key, *action) {
                    return Err(format!(
                        "key `{key}` is bound to both {} and {}",
                        action_name(other),
                        action_name(*action)
                    ));
                }
            }
        }
        Ok(Self { keys, bindings })
    }

    /// The action bound to a key press.
    pub fn action(&self, event: &KeyEvent) -> Option<Action> {
        self.keys.get(&Key::from_event(event)).copied()
    }

    /// Every action and its keys, in help order.
    pub fn bindings(&self) -> &[(Action, Vec<Key>)] {
        &self.bindings
    }

    /// The keys of one action as the help and status bar show them: `j/↓`.
    pub fn keys_of(&self, action: Action) -> String {
        self.bindings
            .iter()
            .find(|(a, _)| *a == action)
            .map(|(_, keys)| {
                keys.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .unwrap_or_default()
    }
}

/// An action's name as the config file writes it.
pub fn action_name(action: Action) -> String {
    serde_json::to_value(action)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn defaults_map_the_issue_keys() {
        let map = Keymap::default();
        let cases = [
            (KeyCode::Char('j'), KeyModifiers::NONE, Action::Down),
            (KeyCode::Down, KeyModifiers::NONE, Action::Down),
            (KeyCode::Char('k'), KeyModifiers::NONE, Action::Up),
            (KeyCode::Tab, KeyModifiers::NONE, Action::SwitchPane),
            (KeyCode::Char('c'), KeyModifiers::NONE, Action::CopyHeader),
            (KeyCode::Char('C'), KeyModifiers::SHIFT, Action::CopyCurl),
            (
                KeyCode::Char('A'),
                KeyModifiers::SHIFT,
                Action::ToggleAutoRefresh,
            ),
            (KeyCode::Char('c'), KeyModifiers::CONTROL, Action::Quit),
            (KeyCode::Char('?'), KeyModifiers::NONE, Action::Help),
        ];
        crate::testing::cases::check_all(cases, |(code, mods, want)| {
            assert_eq!(
                map.action(&press(code, mods)),
                Some(want),
                "{code:?} {mods:?}"
            );
        });
        assert_eq!(
            map.action(&press(KeyCode::Char('z'), KeyModifiers::NONE)),
            None
        );
    }

    #[test]
    fn an_override_replaces_only_its_action() {
        let overrides = BTreeMap::from([(Action::Probe, vec!["P".to_owned(), "f5".to_owned()])]);
        let map = Keymap::with_overrides(&overrides).unwrap();
        assert_eq!(
            map.action(&press(KeyCode::F(5), KeyModifiers::NONE)),
            Some(Action::Probe)
        );
        assert_eq!(
            map.action(&press(KeyCode::Char('p'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(map.keys_of(Action::Probe), "P/F5");
        assert_eq!(map.keys_of(Action::Down), "j/↓");
    }

    #[test]
    fn a_key_bound_twice_is_refused_with_both_names() {
        let overrides = BTreeMap::from([(Action::Probe, vec!["q".to_owned()])]);
        let err = Keymap::with_overrides(&overrides).unwrap_err();
        assert!(err.contains("probe") && err.contains("quit"), "{err}");
    }

    #[test]
    fn bad_key_names_are_refused() {
        for bad in ["", "ctrl-", "jj", "f13", "\u{7}"] {
            assert!(Key::parse(bad).is_err(), "{bad:?}");
        }
    }
}
