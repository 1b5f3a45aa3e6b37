//! The full endpoint list of a credential: every operation of sipgate's
//! API grouped by tag (tags in alphabetical order, operations in the
//! document's), each with whether the credential can call it. The rows
//! are laid out once when the list opens; drawing shows only those on
//! screen.

use std::collections::BTreeMap;

use ratatui::layout::Rect;

use crate::sipgate::ApiMap;

use super::super::input::KeyCode;

/// A row of the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListRow {
    /// A tag's heading: the tag of this operation (index into the map).
    Heading(usize),
    /// An operation (index into the map).
    Operation(usize),
}

/// The open list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointList {
    /// Whose access it shows.
    pub name: String,
    /// The rows, headings included.
    pub rows: Vec<ListRow>,
    /// The first row shown.
    pub scroll: usize,
}

/// The list's box on a `width` × `height` screen.
pub fn area(width: u16, height: u16) -> Rect {
    super::area(width, height)
}

/// Rows the box shows: the inside less the summary line and the keys.
pub fn visible_rows(width: u16, height: u16) -> usize {
    usize::from(area(width, height).height.saturating_sub(4)).max(1)
}

impl EndpointList {
    /// The list for the credential called `name`.
    pub fn new(name: &str) -> Self {
        let mut by_tag: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, op) in ApiMap::get().operations.iter().enumerate() {
            by_tag.entry(op.tag.as_str()).or_default().push(i);
        }
        let mut rows = Vec::new();
        for ops in by_tag.values() {
            rows.push(ListRow::Heading(ops[0]));
            rows.extend(ops.iter().map(|&i| ListRow::Operation(i)));
        }
        Self {
            name: name.to_owned(),
            rows,
            scroll: 0,
        }
    }

    /// Scrolls by a key, `page` rows at a time; `false` for a key that
    /// closes the list.
    pub fn key(&mut self, code: KeyCode, page: usize) -> bool {
        let max = self.rows.len().saturating_sub(page);
        self.scroll = match code {
            KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => return false,
            KeyCode::Up | KeyCode::Char('k') => self.scroll.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => self.scroll + 1,
            KeyCode::PageUp => self.scroll.saturating_sub(page),
            KeyCode::PageDown | KeyCode::Char(' ') => self.scroll + page,
            KeyCode::Home | KeyCode::Char('g') => 0,
            KeyCode::End | KeyCode::Char('G') => max,
            _ => self.scroll,
        }
        .min(max);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_listed_once_under_its_tag() {
        let list = EndpointList::new("x");
        let map = ApiMap::get();
        let ops: Vec<usize> = list
            .rows
            .iter()
            .filter_map(|r| match r {
                ListRow::Operation(i) => Some(*i),
                ListRow::Heading(_) => None,
            })
            .collect();
        assert_eq!(ops.len(), map.operations.len());
        let mut tag = "";
        for row in &list.rows {
            match *row {
                ListRow::Heading(i) => {
                    assert!(map.operations[i].tag.as_str() > tag, "tags in order");
                    tag = &map.operations[i].tag;
                }
                ListRow::Operation(i) => assert_eq!(map.operations[i].tag, tag),
            }
        }
    }

    #[test]
    fn scrolling_stops_at_both_ends() {
        let mut list = EndpointList::new("x");
        let page = 10;
        assert!(list.key(KeyCode::Up, page));
        assert_eq!(list.scroll, 0);
        list.key(KeyCode::End, page);
        assert_eq!(list.scroll, list.rows.len() - page);
        list.key(KeyCode::PageDown, page);
        assert_eq!(list.scroll, list.rows.len() - page);
        assert!(!list.key(KeyCode::Esc, page));
    }
}
