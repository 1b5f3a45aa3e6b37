//! Where everything goes, as a pure function of the terminal size and the
//! focused pane. The view draws into these areas and `update` uses the same
//! ones to turn a mouse click into a row, so the two never disagree.

use ratatui::layout::Rect;

/// Below this width only the focused pane is shown.
pub const NARROW: u16 = 60;

/// Which pane has the keyboard.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Pane {
    /// The credential list.
    #[default]
    List,
    /// The detail pane.
    Detail,
}

/// The screen's regions; a hidden pane has an empty area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Areas {
    /// The list, border included.
    pub list: Rect,
    /// The detail pane, border included.
    pub detail: Rect,
    /// The status bar (one line).
    pub status: Rect,
}

impl Areas {
    /// The regions of a `width` × `height` screen.
    pub fn new(width: u16, height: u16, focus: Pane) -> Self {
        Self::with_list(width, height, focus, 0)
    }

    /// The regions with a list that would like `want` columns (its
    /// content's width, plus what the user added; 0: two fifths of the
    /// screen up to 44). The detail pane keeps at least 36 columns, and
    /// half of a screen wider than 88.
    pub fn with_list(width: u16, height: u16, focus: Pane, want: u16) -> Self {
        let body = Rect::new(0, 0, width, height.saturating_sub(1));
        let status = Rect::new(0, height.saturating_sub(1), width, height.min(1));
        let empty = Rect::new(0, 0, 0, 0);
        if width < NARROW {
            let (list, detail) = match focus {
                Pane::List => (body, empty),
                Pane::Detail => (empty, body),
            };
            return Self {
                list,
                detail,
                status,
            };
        }
        // The detail pane keeps 36 columns, and half of a wide screen.
        let most = (width - 36).min((width / 2).max(44)).max(16);
        let list_width = match want {
            0 => (width * 2 / 5).clamp(24, 44),
            want => want.clamp(16, most),
        };
        Self {
            list: Rect::new(0, 0, list_width, body.height),
            detail: Rect::new(list_width, 0, width - list_width, body.height),
            status,
        }
    }

    /// How many rows the list shows (inside its border).
    pub fn list_rows(&self) -> usize {
        usize::from(self.list.height.saturating_sub(2))
    }

    /// The list row under a screen position, counted from the first shown.
    pub fn list_row_at(&self, column: u16, row: u16) -> Option<usize> {
        let inner = Rect::new(
            self.list.x + 1,
            self.list.y + 1,
            self.list.width.saturating_sub(2),
            self.list.height.saturating_sub(2),
        );
        let inside = column >= inner.x
            && column < inner.x + inner.width
            && row >= inner.y
            && row < inner.y + inner.height;
        inside.then(|| usize::from(row - inner.y))
    }

    /// Whether a screen position is in the detail pane.
    pub fn in_detail(&self, column: u16, row: u16) -> bool {
        let d = self.detail;
        column >= d.x && column < d.x + d.width && row >= d.y && row < d.y + d.height
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_screens_split_and_narrow_ones_show_the_focused_pane() {
        let wide = Areas::new(80, 24, Pane::List);
        assert_eq!((wide.list.width, wide.detail.width), (32, 48));
        assert_eq!(wide.status, Rect::new(0, 23, 80, 1));
        assert_eq!(wide.list_rows(), 21);
        let narrow = Areas::new(40, 12, Pane::Detail);
        assert_eq!(narrow.list.width, 0);
        assert_eq!(narrow.detail, Rect::new(0, 0, 40, 11));
    }

    #[test]
    fn the_list_takes_the_width_its_content_wants_within_limits() {
        let cases = [
            ((80, 32), 32),
            ((80, 60), 44),
            ((200, 70), 70),
            ((200, 150), 100),
            ((60, 40), 24),
            ((80, 5), 16),
        ];
        crate::testing::cases::check_all(cases, |((width, want), expected)| {
            let areas = Areas::with_list(width, 24, Pane::List, want);
            assert_eq!(areas.list.width, expected, "{width} wide, {want} wanted");
            assert_eq!(areas.list.width + areas.detail.width, width);
        });
    }

    #[test]
    fn clicks_map_to_list_rows_inside_the_border_only() {
        let areas = Areas::new(80, 24, Pane::List);
        assert_eq!(areas.list_row_at(5, 1), Some(0));
        assert_eq!(areas.list_row_at(5, 4), Some(3));
        assert_eq!(areas.list_row_at(0, 4), None);
        assert_eq!(areas.list_row_at(5, 0), None);
        assert_eq!(areas.list_row_at(50, 4), None);
        assert!(areas.in_detail(50, 4));
    }
}
