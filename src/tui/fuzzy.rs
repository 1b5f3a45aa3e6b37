//! Fuzzy matching as television and telescope do it: a query word matches
//! a text when its characters appear in order (a subsequence), and the
//! best placement is scored: matches at the start of a word, a path
//! segment or a camelCase hump score more, consecutive matches more
//! still, gaps cost a little. The score is fzy's (John Hawthorn), in
//! integers: one pass of dynamic programming per word, two rows long,
//! run only on texts that hold every word as a subsequence.
//!
//! A query is whitespace-separated words, each matched on its own (so
//! `sms post` finds `POST /sessions/sms`); every word must match, and the
//! scores add up. Matching ignores case.

/// A text prepared for matching: its characters folded to lower case and
/// each position's bonus for starting a match there.
#[derive(Clone, Debug)]
pub struct Haystack {
    chars: Vec<char>,
    bonus: Vec<i32>,
}

/// A match of a consecutive character, on top of its position's bonus.
const CONSECUTIVE: i32 = 1000;
/// The start of the text or of a path segment (after `/`).
const BONUS_SLASH: i32 = 900;
/// After a space, `-`, `_`, `{` or `:`.
const BONUS_WORD: i32 = 800;
/// An upper-case letter after a lower-case one (`sendWebSms`).
const BONUS_CAPITAL: i32 = 700;
/// After a `.`.
const BONUS_DOT: i32 = 600;
/// Each character skipped before the first match.
const GAP_LEADING: i32 = -5;
/// Each character skipped between matches.
const GAP_INNER: i32 = -10;
/// Each character after the last match.
const GAP_TRAILING: i32 = -5;
/// Below any real score.
const NONE: i32 = i32::MIN / 2;

impl Haystack {
    /// Prepares `text`.
    pub fn new(text: &str) -> Self {
        let mut chars = Vec::with_capacity(text.len());
        let mut bonus = Vec::with_capacity(text.len());
        let mut before: Option<char> = None;
        for c in text.chars() {
            bonus.push(match before {
                None | Some('/') => BONUS_SLASH,
                Some(' ' | '-' | '_' | '{' | ':') => BONUS_WORD,
                Some('.') => BONUS_DOT,
                Some(b) if b.is_lowercase() && c.is_uppercase() => BONUS_CAPITAL,
                Some(_) => 0,
            });
            // One char in, one char out: the bonus stays aligned.
            chars.push(c.to_lowercase().next().unwrap_or(c));
            before = Some(c);
        }
        Self { chars, bonus }
    }

    /// How many characters it has.
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }
}

/// A query split into lower-case words.
#[derive(Clone, Debug, Default)]
pub struct Query {
    words: Vec<Vec<char>>,
}

impl Query {
    /// Parses what was typed.
    pub fn new(text: &str) -> Self {
        Self {
            words: text
                .split_whitespace()
                .map(|w| w.chars().flat_map(char::to_lowercase).collect())
                .collect(),
        }
    }

    /// Whether there is nothing to match (everything matches, unranked).
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The score of `text`, higher is better; `None` when a word is not a
    /// subsequence of it.
    pub fn score(&self, text: &Haystack, scratch: &mut Scratch) -> Option<i32> {
        // Most texts miss a word: find out before scoring any.
        if !self.words.iter().all(|w| is_subsequence(w, &text.chars)) {
            return None;
        }
        let mut total = 0;
        for word in &self.words {
            total += score_word(word, text, scratch)?;
        }
        Some(total)
    }
}

/// Rows the matcher reuses between calls (no allocation per text).
#[derive(Debug, Default)]
pub struct Scratch {
    best: Vec<i32>,
    ending: Vec<i32>,
    prev_best: Vec<i32>,
    prev_ending: Vec<i32>,
}

/// fzy's recurrence over one word: `ending[j]` is the best score with the
/// word's character `i` matched at `j`, `best[j]` the best with it
/// matched anywhere up to `j`.
fn score_word(word: &[char], text: &Haystack, s: &mut Scratch) -> Option<i32> {
    let n = text.chars.len();
    if word.is_empty() {
        return Some(0);
    }
    if word.len() > n || !is_subsequence(word, &text.chars) {
        return None;
    }
    for row in [
        &mut s.best,
        &mut s.ending,
        &mut s.prev_best,
        &mut s.prev_ending,
    ] {
        // Each row is written in full (up to `n`) before the next reads it.
        if row.len() < n {
            row.resize(n, NONE);
        }
    }
    for (i, &wc) in word.iter().enumerate() {
        let last = i + 1 == word.len();
        let gap = if last { GAP_TRAILING } else { GAP_INNER };
        let mut running = NONE;
        for j in 0..n {
            let ending = if text.chars[j] != wc {
                NONE
            } else if i == 0 {
                GAP_LEADING * j as i32 + text.bonus[j]
            } else if j > 0 {
                (s.prev_best[j - 1] + text.bonus[j]).max(s.prev_ending[j - 1] + CONSECUTIVE)
            } else {
                NONE
            };
            running = ending.max(running.saturating_add(gap));
            s.ending[j] = ending;
            s.best[j] = running;
        }
        std::mem::swap(&mut s.best, &mut s.prev_best);
        std::mem::swap(&mut s.ending, &mut s.prev_ending);
    }
    let score = s.prev_best[n - 1];
    (score > NONE / 2).then_some(score)
}

fn is_subsequence(word: &[char], text: &[char]) -> bool {
    let mut rest = text.iter();
    word.iter().all(|c| rest.any(|t| t == c))
}

/// Whether every word of `query` (lower case, as [`Query::new`] splits
/// it) is a subsequence of `text`, ignoring case; no allocation, so the
/// list filter can ask it of 10,000 names per keystroke.
pub fn matches_words(query: &Query, text: &str) -> bool {
    query.words.iter().all(|word| {
        let mut rest = text.chars().flat_map(char::to_lowercase);
        word.iter().all(|c| rest.any(|t| t == *c))
    })
}

/// The character positions of `text` that `query`'s words match, for
/// highlighting: each word placed leftmost, preferring a run of
/// consecutive characters where one exists (`pat` in `sandbox-pat`
/// lights the last three). Empty when a word does not match.
pub fn positions(query: &Query, text: &str) -> Vec<usize> {
    let folded: Vec<char> = text
        .chars()
        .map(|c| c.to_lowercase().next().unwrap_or(c))
        .collect();
    let mut lit = Vec::new();
    for word in &query.words {
        if word.is_empty() {
            continue;
        }
        // A whole-word run first, else the leftmost subsequence.
        let run = (0..folded.len()).find(|&at| folded[at..].starts_with(word));
        match run {
            Some(at) => lit.extend(at..at + word.len()),
            None => {
                let mut from = 0;
                for c in word {
                    match folded[from..].iter().position(|t| t == c) {
                        Some(i) => {
                            lit.push(from + i);
                            from += i + 1;
                        }
                        None => return Vec::new(),
                    }
                }
            }
        }
    }
    lit.sort_unstable();
    lit.dedup();
    lit
}

/// The indices of `texts` that match `query`, best first; ties go to the
/// shorter text, then to the earlier one. An empty query keeps them all in
/// their order.
pub fn rank(query: &Query, texts: &[Haystack], scratch: &mut Scratch) -> Vec<usize> {
    if query.is_empty() {
        return (0..texts.len()).collect();
    }
    let mut scored: Vec<(i32, usize, usize)> = texts
        .iter()
        .enumerate()
        .filter_map(|(i, t)| query.score(t, scratch).map(|s| (s, t.len(), i)))
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    scored.into_iter().map(|(_, _, i)| i).collect()
}

#[cfg(test)]
mod tests {

    #[test]
    fn filter_words_match_as_subsequences_and_light_their_characters() {
        let query = Query::new("sbx pat");
        assert!(matches_words(&query, "Sandbox-PAT"));
        assert!(!matches_words(&query, "sandbox-basic"));
        assert_eq!(positions(&Query::new("pat"), "sandbox-pat"), vec![8, 9, 10]);
        assert_eq!(positions(&Query::new("sbx"), "sandbox"), vec![0, 4, 6]);
        assert!(positions(&Query::new("zz"), "sandbox").is_empty());
        assert!(matches_words(&Query::new(""), "anything"));
    }

    use super::*;

    fn score(query: &str, text: &str) -> Option<i32> {
        Query::new(query).score(&Haystack::new(text), &mut Scratch::default())
    }

    #[test]
    fn a_word_matches_only_as_a_subsequence_ignoring_case() {
        let cases = [
            ("blc", "GET /balance", true),
            ("BAL", "GET /balance", true),
            ("lab", "GET /balance", false),
            ("balance x", "GET /balance", false),
            ("", "anything", true),
            ("ü", "Grüße", true),
            ("toolong", "tool", false),
        ];
        crate::testing::cases::check_all(cases, |(query, text, want)| {
            assert_eq!(score(query, text).is_some(), want, "{query:?} in {text:?}");
        });
    }

    #[test]
    fn word_starts_and_runs_beat_scattered_letters() {
        // Pairs (better, worse) for the same query.
        let cases = [
            ("sms", "POST /sessions/sms", "POST /sessions/mass"),
            ("hist", "GET /history", "GET /this/is/t"),
            ("web", "sendWebSms", "sendawebsms"),
            ("dev", "GET /{userId}/devices", "GET /{userId}/adevices"),
            ("acc", "GET /account", "GET /x/account"),
        ];
        crate::testing::cases::check_all(cases, |(query, better, worse)| {
            let (b, w) = (score(query, better).unwrap(), score(query, worse).unwrap());
            assert!(b > w, "{query:?}: {better:?} {b} should beat {worse:?} {w}");
        });
    }

    #[test]
    fn rank_orders_best_first_then_shorter_then_earlier() {
        let texts: Vec<Haystack> = [
            "GET /x/balance/y",
            "GET /balance",
            "GET /zzz",
            "GET /balance",
        ]
        .into_iter()
        .map(Haystack::new)
        .collect();
        let got = rank(&Query::new("balance"), &texts, &mut Scratch::default());
        assert_eq!(got, [1, 3, 0]);
        let all = rank(&Query::new("  "), &texts, &mut Scratch::default());
        assert_eq!(all, [0, 1, 2, 3]);
    }
}
