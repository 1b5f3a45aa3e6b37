//! Key bindings: keys to [`Action`]s, with defaults the config file can
//! override action by action. The help overlay is generated from here, so
//! it always shows the keys that really work.

use std::collections::{BTreeMap, HashMap};

use super::input::{InputMode, Key, KeyCode};
use super::msg::{Action, Msg};

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
    (Action::PickEndpoint, &["o"]),
    (Action::EndpointList, &["E"]),
    (Action::LearnScopes, &["S"]),
    (Action::Refresh, &["r"]),
    (Action::ToggleAutoRefresh, &["A"]),
    (Action::Login, &["l"]),
    (Action::Add, &["a"]),
    (Action::Import, &["i"]),
    (Action::Edit, &["e"]),
    (Action::Delete, &["d"]),
    (Action::Reveal, &["s"]),
    (Action::Filter, &["/"]),
    (Action::Sort, &["O"]),
    (Action::ListNarrower, &["<"]),
    (Action::ListWider, &[">"]),
    (Action::Messages, &["m"]),
    (Action::Help, &["?"]),
    (Action::Palette, &[":", "ctrl-p"]),
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
    pub fn action(&self, key: Key) -> Option<Action> {
        self.keys.get(&key.binding()).copied()
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

/// The message a key press becomes in `mode`: a bound action, typed input,
/// or nothing (an unbound key on the main screen).
pub fn route(mode: InputMode, keymap: &Keymap, key: Key) -> Option<Msg> {
    match mode {
        InputMode::Actions if key.code == KeyCode::Esc => Some(Msg::Key(key)),
        // Unbound, Enter opens the selected row's details.
        InputMode::Actions if key.code == KeyCode::Enter && keymap.action(key).is_none() => {
            Some(Msg::Key(key))
        }
        InputMode::Actions => keymap.action(key).map(Msg::Action),
        InputMode::Help if keymap.action(key) == Some(Action::Help) => {
            Some(Msg::Action(Action::Help))
        }
        InputMode::Text | InputMode::Dialog | InputMode::Help => Some(Msg::Key(key)),
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

    #[test]
    fn the_readme_names_every_action_the_config_takes_and_every_default_key() {
        let readme = include_str!("../../README.md");
        let start = readme
            .find("Actions: `up`")
            .expect("the README lists the actions");
        let names = &readme[start..start + readme[start..].find(". Keys:").unwrap_or(0)];
        let at = readme
            .find("| key | action |")
            .expect("the README has a keys table");
        let table = &readme[at..at + readme[at..].find("\n\n").unwrap_or(0)];
        for (action, keys) in DEFAULTS {
            let name = action_name(*action);
            assert!(
                names.contains(&format!("`{name}`")),
                "README lacks `{name}`"
            );
            // The keys table names each action's first key.
            let key = keys[0];
            let shown = match Key::parse(key).map(|k| k.to_string()) {
                Ok(shown) => shown,
                Err(e) => panic!("{key}: {e}"),
            };
            // In a row's first cell, in backticks or as a word (`PgDn`).
            let named = table
                .lines()
                .filter_map(|row| row.split('|').nth(1))
                .any(|cell| {
                    cell.contains(&format!("`{shown}`"))
                        || cell.split([' ', ',', '/']).any(|word| word == shown)
                });
            assert!(named, "the README's keys table lacks `{shown}` ({name})");
        }
    }

    #[test]
    fn defaults_map_the_issue_keys() {
        let map = Keymap::default();
        let plain = Key::plain;
        let cases = [
            (plain(KeyCode::Char('j')), Action::Down),
            (plain(KeyCode::Down), Action::Down),
            (plain(KeyCode::Char('k')), Action::Up),
            (plain(KeyCode::Tab), Action::SwitchPane),
            (plain(KeyCode::BackTab), Action::SwitchPane),
            (plain(KeyCode::Char('c')), Action::CopyHeader),
            // Shift is part of the character.
            (plain(KeyCode::Char('C')), Action::CopyCurl),
            (plain(KeyCode::Char('A')), Action::ToggleAutoRefresh),
            (Key::ctrl(KeyCode::Char('c')), Action::Quit),
            (plain(KeyCode::Char('?')), Action::Help),
        ];
        crate::testing::cases::check_all(cases, |(key, want)| {
            assert_eq!(map.action(key), Some(want), "{key:?}");
        });
        assert_eq!(map.action(plain(KeyCode::Char('z'))), None);
    }

    #[test]
    fn an_override_replaces_only_its_action() {
        let overrides = BTreeMap::from([(Action::Probe, vec!["P".to_owned(), "f5".to_owned()])]);
        let map = Keymap::with_overrides(&overrides).unwrap();
        assert_eq!(map.action(Key::plain(KeyCode::F(5))), Some(Action::Probe));
        assert_eq!(map.action(Key::plain(KeyCode::Char('p'))), None);
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
