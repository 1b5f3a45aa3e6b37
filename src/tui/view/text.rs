//! Text shaping shared by the panes and modals: cutting and wrapping by
//! display width (not bytes or chars, so wide characters never overflow a
//! cell), label/value rows, section rules, and a scroll window over a
//! document whose long parts are only shaped when they are on screen.
//! Everything shaped here is first put through the terminal filter
//! ([`strip_controls`]), so widths are measured on what will be shown.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::jwt::claims::clean_line;
use crate::sanitize::strip_controls;

use super::super::theme;

/// Cuts text to `width` columns, ending in `…` when cut.
pub fn clip(text: &str, width: usize) -> String {
    let text = &strip_controls(text);
    if text.width() <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// Splits text into pieces of at most `width` columns, at spaces when a
/// piece can end at one; a URL or path without spaces (or with only an
/// early one) after a `/` or before a `?` or `&`, else after a `.` or `-`
/// (each only where that leaves the piece at least half full); else
/// anywhere.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let text = &strip_controls(text);
    let width = width.max(1);
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut row = Row::default();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let w = c.width().unwrap_or(0);
        if row.used + w > width && !row.line.is_empty() {
            if c == ' ' {
                // The row ends at a word's end: the space is not carried.
                out.push(std::mem::take(&mut row).line);
                i += 1;
                continue;
            }
            // The text after the break goes through again on a new row,
            // so its own break points count there.
            let rest = row.end(c, &chars[i..], width, &mut out);
            row = Row::default();
            i -= rest;
            if rest > 0 {
                continue;
            }
        }
        row.push(c, w);
        i += 1;
    }
    if !row.line.is_empty() || out.is_empty() {
        out.push(row.line);
    }
    out
}

/// The row [`wrap`] is filling, and where it may end.
#[derive(Default)]
struct Row {
    line: String,
    used: usize,
    /// The byte offset of the last space (dropped where the row ends).
    space: Option<usize>,
    /// Where the next piece starts after a `/`, or at a `?` or `&`.
    cut: Option<usize>,
    /// Where the next piece starts after a `.` or `-` (a host name, a word
    /// with hyphens): used when no `/`, `?` or `&` would do.
    weak: Option<usize>,
    /// After a no-break space, until the next space: what it glues (`kid
    /// abc-1`) is not broken inside.
    glued: bool,
}

impl Row {
    fn push(&mut self, c: char, w: usize) {
        self.glued = match c {
            ' ' => false,
            '\u{a0}' => true,
            _ => self.glued,
        };
        match c {
            ' ' => self.space = Some(self.line.len()),
            '?' | '&' if !self.glued => self.cut = Some(self.line.len()),
            _ => {}
        }
        self.line.push(c);
        self.used += w;
        match c {
            '/' if !self.glued => self.cut = Some(self.line.len()),
            '.' | '-' if !self.glued => self.weak = Some(self.line.len()),
            _ => {}
        }
    }

    /// Ends the full row before `next` (the character that does not fit,
    /// then the rest of the text) and pushes it to `out`; the number of
    /// characters of the row that go on to the next one.
    fn end(&mut self, next: char, ahead: &[char], width: usize, out: &mut Vec<String>) -> usize {
        // The row is full just before a `/`, `?` or `&`: end it there.
        if matches!(next, '/' | '?' | '&') && !self.glued {
            self.cut = Some(self.line.len());
        }
        let line = &self.line;
        let half = |at: &usize| line[..*at].width() * 2 >= width;
        let cut = self.cut.filter(half).or(self.weak.filter(half));
        let space = self.space.filter(|&at| at > 0);
        // The word after the space, whole: does it fit on a row?
        let fits = |space: &usize| {
            let next: usize = ahead
                .iter()
                .take_while(|c| **c != ' ')
                .map(|c| c.width().unwrap_or(0))
                .sum();
            line[space + 1..].width() + next <= width
        };
        // A space wins when it leaves the piece half full or the next word
        // fits a row whole; else a URL break, if there is one; else here.
        let (piece, rest) = match (space, cut) {
            (Some(space), cut) if half(&space) || fits(&space) || cut.is_none() => {
                (line[..space].trim_end_matches(' '), &line[space + 1..])
            }
            (_, Some(cut)) => (&line[..cut], &line[cut..]),
            _ => (line.as_str(), ""),
        };
        out.push(piece.to_owned());
        rest.chars().count()
    }
}

/// `label  value` rows: the label in a column `label_width` wide, the
/// value wrapped beside it. A label wider than its column gets a row of
/// its own and the value follows, indented, so neither is cut.
pub fn field(
    label: &str,
    value: &str,
    label_width: usize,
    width: usize,
    style: Style,
) -> Vec<Line<'static>> {
    let value = clean_line(value);
    let label_width = label_width.min(width.saturating_sub(4));
    let (mut lines, indent) = if label.width() <= label_width {
        (Vec::new(), label_width + 1)
    } else {
        let own = Line::from(Span::styled(clip(label, width), theme::label()));
        (vec![own], 2.min(width))
    };
    let room = width.saturating_sub(indent).max(1);
    for (i, piece) in wrap(&value, room).into_iter().enumerate() {
        let lead = if i == 0 && lines.is_empty() {
            Span::styled(format!("{label:<label_width$} "), theme::label())
        } else {
            Span::raw(" ".repeat(indent))
        };
        lines.push(Line::from(vec![lead, Span::styled(piece, style)]));
    }
    lines
}

/// Plain text wrapped to `width`, every row in `style`.
pub fn paragraph(text: &str, width: usize, style: Style) -> Vec<Line<'static>> {
    wrap(&clean_line(text), width)
        .into_iter()
        .map(|piece| Line::styled(piece, style))
        .collect()
}

/// `── title ── note ────`: the start of a section, as wide as the pane.
pub fn rule(title: &str, note: &str, width: usize) -> Line<'static> {
    let mut spans = vec![
        Span::styled("── ", theme::label()),
        Span::styled(title.to_owned(), theme::heading()),
    ];
    let mut used = 3 + title.width();
    if !note.is_empty() {
        spans.push(Span::styled(format!(" · {note}"), theme::label()));
        used += 3 + note.width();
    }
    spans.push(Span::styled(
        format!(" {}", "─".repeat(width.saturating_sub(used + 1))),
        theme::label(),
    ));
    let line = Line::from(spans);
    if used > width {
        Line::styled(
            clip(&format!("── {title} · {note}"), width),
            theme::heading(),
        )
    } else {
        line
    }
}

/// `4:59`, `1:02:03`, `29d`: a countdown short enough for a list row.
pub fn short(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        0..3600 => format!("{}:{:02}", s / 60, s % 60),
        3600..86_400 => format!("{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60),
        _ => format!("{}d", s / 86_400),
    }
}

/// A part of a scrolling document.
pub enum Part<'a> {
    /// Rows already shaped.
    Lines(Vec<Line<'static>>),
    /// Raw rows (a probe body) shaped only when shown: cleaned and cut to
    /// the width, so a megabyte body costs a frame only what fits on it.
    Raw(&'a [String], Style),
}

/// A document of parts, scrolled as one.
#[derive(Default)]
pub struct Doc<'a> {
    parts: Vec<Part<'a>>,
}

impl<'a> Doc<'a> {
    /// Appends shaped rows.
    pub fn lines(&mut self, lines: Vec<Line<'static>>) {
        self.parts.push(Part::Lines(lines));
    }

    /// Appends raw rows.
    pub fn raw(&mut self, rows: &'a [String], style: Style) {
        self.parts.push(Part::Raw(rows, style));
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Lines(l) => l.len(),
                Part::Raw(r, _) => r.len(),
            })
            .sum()
    }

    /// The rows `from..from + height`, raw ones cut to `width`.
    pub fn window(self, from: usize, height: usize, width: usize) -> Vec<Line<'static>> {
        let mut skip = from;
        let mut out = Vec::with_capacity(height);
        for part in self.parts {
            if out.len() >= height {
                break;
            }
            let want = height - out.len();
            match part {
                Part::Lines(lines) => {
                    let n = lines.len();
                    out.extend(lines.into_iter().skip(skip).take(want));
                    skip = skip.saturating_sub(n);
                }
                Part::Raw(rows, style) => {
                    let shown = rows.iter().skip(skip).take(want);
                    out.extend(shown.map(|r| Line::styled(clip(&clean_line(r), width), style)));
                    skip = skip.saturating_sub(rows.len());
                }
            }
        }
        out
    }
}

/// `text` in at most `width` columns, cut in the middle when it does not
/// fit (`team-prod…-pat-01`), so names that differ only at the end stay
/// apart.
pub fn clip_middle(text: &str, width: usize) -> String {
    let text = strip_controls(text);
    if text.width() <= width || width < 8 {
        return clip(&text, width);
    }
    let chars: Vec<char> = text.chars().collect();
    let tail_room = (width - 1) / 2;
    let mut tail = Vec::new();
    let mut used = 0;
    for &c in chars.iter().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > tail_room {
            break;
        }
        tail.push(c);
        used += w;
    }
    let head = clip(&text, width - used);
    let mut out = head;
    out.extend(tail.iter().rev());
    out
}

/// `text` cut into rows of exactly `width` columns (the last shorter):
/// no break is looked for, so a URL reads back whole when the rows are
/// joined.
pub fn hard_cut(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut rows = vec![String::new()];
    let mut used = 0;
    for c in crate::sanitize::strip_controls(text).chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width && used > 0 {
            rows.push(String::new());
            used = 0;
        }
        if let Some(row) = rows.last_mut() {
            row.push(c);
        }
        used += w;
    }
    rows
}

/// A search line: `> query` (cut to fit) and, at the right, `count`
/// (`5 of 29`); with the column the cursor goes to, after the query.
pub fn query_line(query: &str, count: &str, width: usize) -> (Line<'static>, usize) {
    let query = clip(
        &format!("> {query}"),
        width.saturating_sub(count.width() + 1),
    );
    let pad = width.saturating_sub(query.width() + count.width());
    let cursor = query.width();
    let line = Line::from(vec![
        Span::styled(query, theme::key()),
        Span::raw(" ".repeat(pad)),
        Span::styled(count.to_owned(), theme::label()),
    ]);
    (line, cursor)
}

/// Puts the terminal's cursor on the first row of `inner` at column `at`
/// (kept inside it).
pub fn set_cursor(frame: &mut Frame, inner: Rect, at: usize) {
    let x = inner.x
        + u16::try_from(at)
            .unwrap_or(u16::MAX)
            .min(inner.width.saturating_sub(1));
    frame.set_cursor_position(Position::new(x, inner.y));
}

/// `text` as spans in `style`, the characters at `lit` (sorted character
/// positions, as [`fuzzy::positions`](super::super::fuzzy::positions)
/// gives them) lit as matches.
pub fn lit(text: &str, lit: &[usize], style: Style) -> Vec<Span<'static>> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    for (i, c) in text.chars().enumerate() {
        let style = match lit.binary_search(&i) {
            Ok(_) => style.patch(theme::matched()),
            Err(_) => style,
        };
        match spans.last_mut() {
            Some(last) if last.style == style => last.content.to_mut().push(c),
            _ => spans.push(Span::styled(c.to_string(), style)),
        }
    }
    spans
}

#[cfg(test)]
mod tests {

    #[test]
    fn middle_clips_keep_the_ends_that_tell_names_apart() {
        let a = clip_middle("team-production-sipgate-pat-01", 20);
        let b = clip_middle("team-production-sipgate-pat-02", 20);
        assert_ne!(a, b);
        assert!(a.ends_with("-pat-01") && a.contains('…'), "{a}");
        assert_eq!(a.width(), 20, "{a}");
        assert_eq!(clip_middle("short", 20), "short");
    }

    use super::*;

    #[test]
    fn wrap_breaks_at_spaces_else_anywhere_and_never_overflows() {
        let cases: [(&str, usize, &[&str]); 16] = [
            ("alpha beta gamma", 10, &["alpha beta", "gamma"]),
            // A URL breaks after a `/`, before a `?` or `&`...
            (
                "https://login.example.test/auth/realms/third-party",
                24,
                &["https://login.example.", "test/auth/realms/", "third-party"],
            ),
            (
                "https://api.sipgate.com/v2/account?scope=a&state=b",
                30,
                &["https://api.sipgate.com/v2/", "account?scope=a&state=b"],
            ),
            (
                "/v2/history?types=SMS&directions=INCOMING",
                24,
                &["/v2/history?types=SMS", "&directions=INCOMING"],
            ),
            // ...not where it would leave a short piece (`https://`)...
            (
                "https://login.example.test/x",
                20,
                &["https://login.", "example.test/x"],
            ),
            // A hard cut leaves `xx/`: too short a piece to end there.
            ("xxxxxxxxxx/yyyyyyyyy", 8, &["xxxxxxxx", "xx/yyyyy", "yyyy"]),
            // ...and a space still wins when it leaves the piece half full.
            ("see /v2/account now", 16, &["see /v2/account", "now"]),
            (
                "typ JWT, kid\u{a0}sandbox-key-1",
                24,
                &["typ JWT,", "kid\u{a0}sandbox-key-1"],
            ),
            (
                "https://api.example.test/v2",
                24,
                &["https://api.example.test", "/v2"],
            ),
            // What follows a break keeps its own break points.
            (
                "aaaaaaaaa/bbbbbbbbb.cccccccccccccccccc",
                20,
                &["aaaaaaaaa/", "bbbbbbbbb.", "cccccccccccccccccc"],
            ),
            // A word too long for a row fills this one first.
            (
                "API https://login.example.test/a",
                24,
                &["API https://", "login.example.test/a"],
            ),
            (
                "GET https://api.example.test/v2/account",
                36,
                &["GET", "https://api.example.test/v2/account"],
            ),
            ("abcdefghij", 4, &["abcd", "efgh", "ij"]),
            ("", 5, &[""]),
            ("日本語テキスト", 5, &["日本", "語テ", "キス", "ト"]),
            ("a b", 0, &["a", "b"]),
        ];
        crate::testing::cases::check_all(cases, |(text, width, want)| {
            let got = wrap(text, width);
            assert_eq!(got, want, "{text:?} at {width}");
            assert!(got.iter().all(|l| l.width() <= width.max(1)), "{got:?}");
        });
    }

    #[test]
    fn wrap_keeps_every_character_but_the_spaces_it_breaks_at_and_never_overflows() {
        // Every mix of the places wrap treats specially, widths 1 to 30.
        let alphabet: Vec<char> = "ab/?&.- \u{a0}日é".chars().collect();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..3000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 40) as usize;
            let text: String = (0..len)
                .map(|i| alphabet[((seed >> (i % 50)) as usize + i * 7) % alphabet.len()])
                .collect();
            let width = (seed % 30) as usize + 1;
            let rows = wrap(&text, width);
            assert!(
                rows.iter().all(|r| r.width() <= width.max(2)),
                "{text:?} at {width}: {rows:?}"
            );
            let kept: String = rows.concat().chars().filter(|c| *c != ' ').collect();
            let want: String = text.chars().filter(|c| *c != ' ').collect();
            assert_eq!(kept, want, "{text:?} at {width}: {rows:?}");
        }
    }

    #[test]
    fn clip_marks_a_cut_and_respects_wide_characters() {
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("日本語", 4), "日…");
        assert_eq!(clip("abc", 0), "");
    }

    #[test]
    fn a_window_shapes_only_the_rows_it_shows() {
        let body: Vec<String> = (0..1000).map(|i| format!("row {i} \u{1b}x")).collect();
        let mut doc = Doc::default();
        doc.lines(vec![Line::from("head")]);
        doc.raw(&body, Style::new());
        doc.lines(vec![Line::from("tail")]);
        assert_eq!(doc.len(), 1002);
        let shown = doc.window(999, 5, 6);
        let text: Vec<String> = shown.iter().map(ToString::to_string).collect();
        assert_eq!(text, ["row 9…", "row 9…", "tail"]);
    }
}
