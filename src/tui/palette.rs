//! The command palette: every action by name, found by typing. A fuzzy
//! query ([`fuzzy`](super::fuzzy), as the filter and the endpoint picker
//! use) ranks the actions by what the help calls them and by the name the
//! config file gives them (`copy_curl`), so `curl`, `cpy hdr` or `log`
//! each find theirs; every row shows the keys that run it without the
//! palette, so it also teaches them. Enter runs the chosen action on the
//! selection as its key would.

use super::fuzzy::{self, Haystack, Query, Scratch};
use super::input::{Key, KeyCode, SearchKey};
use super::keymap::{Keymap, action_name};
use super::msg::Action;
use super::strings;

/// The most rows of actions the palette shows at once.
const MAX_ROWS: usize = 14;

/// How many rows of actions the palette shows on a screen `height` rows
/// high (its frame, query and footer take four, and a row above and
/// below stays free): the app pages by it, the view draws it.
pub fn visible_rows(height: u16) -> usize {
    usize::from(height.saturating_sub(6)).clamp(1, MAX_ROWS)
}

/// One action as the palette lists it.
#[derive(Clone, Debug)]
pub struct Item {
    /// What it runs.
    pub action: Action,
    /// What the help calls it ("copy Authorization header").
    pub label: &'static str,
    /// Its keys as the help shows them (`c`, `j/↓`); empty when unbound.
    pub keys: String,
}

/// The palette's state: the query and the actions it matches, best first.
#[derive(Clone, Debug)]
pub struct Palette {
    query: String,
    items: Vec<Item>,
    /// Each item's label and config name, prepared for matching.
    haystacks: Vec<Haystack>,
    /// Indices into `items`, best match first.
    matches: Vec<usize>,
    /// The chosen row, an index into `matches`.
    selected: usize,
    /// The first row shown.
    scroll: usize,
}

/// What a key did to the palette.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaletteEvent {
    /// Still open.
    Continue,
    /// Closed without running anything.
    Close,
    /// Closed to run this action.
    Run(Action),
}

impl Palette {
    /// Every action the keymap knows but the palette's own, in help order
    /// with the moves last.
    pub fn new(keymap: &Keymap) -> Self {
        let mut items: Vec<(Item, Haystack)> = keymap
            .bindings()
            .iter()
            .map(|(action, _)| *action)
            .filter(|action| *action != Action::Palette)
            .map(|action| {
                let label = strings::action_help(action);
                // The config name, `_` as a word break, after the label.
                let name = action_name(action).replace('_', " ");
                let item = Item {
                    action,
                    label,
                    keys: keymap.keys_of(action),
                };
                (item, Haystack::new(&format!("{label} · {name}")))
            })
            .collect();
        // Commands first; moving about, which the arrows do anyway, last.
        items.sort_by_key(|(item, _)| Action::MOVES.contains(&item.action));
        let (items, haystacks): (Vec<Item>, Vec<Haystack>) = items.into_iter().unzip();
        let mut palette = Self {
            query: String::new(),
            matches: Vec::new(),
            items,
            haystacks,
            selected: 0,
            scroll: 0,
        };
        // The empty query keeps them all, in this order.
        palette.set_query("");
        palette
    }

    /// What has been typed.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// How many actions there are in all.
    pub fn total(&self) -> usize {
        self.items.len()
    }

    /// The matching actions, best first.
    pub fn matches(&self) -> impl ExactSizeIterator<Item = &Item> {
        self.matches.iter().map(|&i| &self.items[i])
    }

    /// The chosen row (an index into [`Palette::matches`]).
    pub fn selected(&self) -> usize {
        self.selected
    }

    /// The first row shown.
    pub fn scroll(&self) -> usize {
        self.scroll
    }

    /// The action Enter would run.
    pub fn current(&self) -> Option<Action> {
        self.matches
            .get(self.selected)
            .map(|&i| self.items[i].action)
    }

    /// Replaces the query and ranks the actions by it; the best is chosen.
    pub fn set_query(&mut self, query: &str) {
        self.query = query.to_owned();
        self.matches = fuzzy::rank(&Query::new(query), &self.haystacks, &mut Scratch::default());
        self.selected = 0;
        self.scroll = 0;
    }

    /// Pasted text joins the query (its control characters dropped).
    pub fn paste(&mut self, text: &str) {
        let mut query = self.query.clone();
        query.extend(text.chars().filter(|c| !c.is_control()));
        self.set_query(&query);
    }

    /// Handles a key; `page` is how many rows the palette shows.
    pub fn key(&mut self, key: Key, page: usize) -> PaletteEvent {
        let last = self.matches.len().saturating_sub(1);
        match key.code {
            KeyCode::Esc => return PaletteEvent::Close,
            KeyCode::Enter => {
                return self
                    .current()
                    .map_or(PaletteEvent::Continue, PaletteEvent::Run);
            }
            // Ctrl-N / Ctrl-P move as in readline and every fuzzy finder.
            KeyCode::Char('n') if key.ctrl => self.selected = (self.selected + 1).min(last),
            KeyCode::Char('p') if key.ctrl => self.selected = self.selected.saturating_sub(1),
            _ => match super::input::search_key(&self.query, key, self.selected, page, last) {
                Some(SearchKey::Query(query)) => self.set_query(&query),
                Some(SearchKey::Moved(to)) => self.selected = to,
                None => {}
            },
        }
        self.scroll = super::input::follow(self.scroll, self.selected, page);
        PaletteEvent::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(palette: &mut Palette, text: &str) {
        for c in text.chars() {
            palette.key(Key::plain(KeyCode::Char(c)), 5);
        }
    }

    fn first(palette: &Palette) -> Option<Action> {
        palette.matches().next().map(|i| i.action)
    }

    #[test]
    fn every_action_but_its_own_is_listed_with_its_keys_commands_first() {
        let keymap = Keymap::default();
        let palette = Palette::new(&keymap);
        let listed: Vec<Action> = palette.matches().map(|i| i.action).collect();
        let bound: Vec<Action> = keymap
            .bindings()
            .iter()
            .map(|(a, _)| *a)
            .filter(|a| *a != Action::Palette)
            .collect();
        let (moves, commands): (Vec<Action>, Vec<Action>) =
            bound.iter().partition(|a| Action::MOVES.contains(a));
        assert_eq!(listed, [commands, moves].concat());
        assert_eq!(listed.first(), Some(&Action::CopyHeader));
        assert_eq!(palette.total(), bound.len());
        let curl = palette.matches().find(|i| i.action == Action::CopyCurl);
        assert_eq!(curl.map(|i| i.keys.as_str()), Some("C"));
    }

    #[test]
    fn typing_ranks_by_label_and_config_name_and_enter_runs_the_best() {
        let mut palette = Palette::new(&Keymap::default());
        let cases = [
            ("curl", Action::CopyCurl),
            ("log in", Action::Login),
            ("msg log", Action::Messages),
            ("auto", Action::ToggleAutoRefresh),
            // The config name matches too: `learn_scopes`.
            ("learn", Action::LearnScopes),
            ("wider", Action::ListWider),
        ];
        for (query, want) in cases {
            palette.set_query(query);
            assert_eq!(first(&palette), Some(want), "{query}");
        }
        palette.set_query("");
        typed(&mut palette, "prob");
        assert_eq!(palette.query(), "prob");
        assert_eq!(
            palette.key(Key::plain(KeyCode::Enter), 5),
            PaletteEvent::Run(Action::Probe)
        );
    }

    #[test]
    fn arrows_move_the_choice_and_the_view_follows_it() {
        let mut palette = Palette::new(&Keymap::default());
        let total = palette.total();
        for _ in 0..7 {
            palette.key(Key::plain(KeyCode::Down), 5);
        }
        assert_eq!(palette.selected(), 7);
        assert_eq!(palette.scroll(), 3, "row 7 is the last of five shown");
        palette.key(Key::ctrl(KeyCode::Char('p')), 5);
        assert_eq!(palette.selected(), 6);
        palette.key(Key::plain(KeyCode::End), 5);
        assert_eq!(palette.selected(), total - 1);
        palette.key(Key::plain(KeyCode::PageUp), 5);
        assert_eq!(palette.selected(), total - 6);
        assert_eq!(
            palette.current(),
            palette.matches().nth(total - 6).map(|i| i.action)
        );
        palette.key(Key::plain(KeyCode::Home), 5);
        assert_eq!((palette.selected(), palette.scroll()), (0, 0));
        // A new query chooses its best match again.
        palette.key(Key::plain(KeyCode::Down), 5);
        typed(&mut palette, "q");
        assert_eq!(palette.selected(), 0);
    }

    #[test]
    fn nothing_matching_runs_nothing_and_esc_closes() {
        let mut palette = Palette::new(&Keymap::default());
        typed(&mut palette, "zzzz");
        assert_eq!(palette.matches().len(), 0);
        assert_eq!(
            palette.key(Key::plain(KeyCode::Enter), 5),
            PaletteEvent::Continue
        );
        palette.key(Key::ctrl(KeyCode::Char('u')), 5);
        assert_eq!(palette.matches().len(), palette.total());
        palette.paste("he\u{1b}[31mlp");
        assert_eq!(palette.query(), "he[31mlp");
        assert_eq!(
            palette.key(Key::plain(KeyCode::Esc), 5),
            PaletteEvent::Close
        );
    }
}
