//! The detail pane's "API access" section for a credential on sipgate's
//! API: how many operations it can call, the tags it reaches, and the
//! missing scopes that would unlock the most; for a PAT or Basic login
//! whose scopes are unknown, how to learn them; learned scopes with their
//! age. A few lines, from the reach the app worked out when the selection
//! changed ([`App::reach`]).

use ratatui::style::Style;
use ratatui::text::Line;

use crate::credential::Auth;
use crate::sipgate::Granted;
use crate::time_text;

use super::super::super::app::App;
use super::super::super::app::entries::Entry;
use super::super::super::msg::Action;
use super::super::super::reach::Reach;
use super::super::super::theme;
use super::super::text::{self, clip};

/// Tags named at most.
const TAGS: usize = 4;
/// Unlocking scopes named at most.
const UNLOCKS: usize = 3;

/// The section's lines; none off sipgate's API.
pub fn lines(app: &App, entry: &Entry, width: usize, now: i64) -> Vec<Line<'static>> {
    let Some(reach) = app.reach() else {
        return Vec::new();
    };
    let keys = |action| app.keymap().keys_of(action);
    let mut lines = vec![text::rule("API access", "sipgate", width)];
    let basic = matches!(entry.credential.auth, Auth::Pat { .. } | Auth::Basic { .. });
    let who = entry.credential.auth.kind_label();
    let secs = now.div_euclid(1000);
    let para = |lines: &mut Vec<Line<'static>>, text: &str, style: Style| {
        lines.extend(text::paragraph(text, width, style));
    };
    match (&reach.granted, basic) {
        (Granted::Unknown, true) => {
            let text = format!(
                "scopes unknown: a {who}'s scopes are chosen in the sipgate web app; press {} to learn them (a few harmless GETs)",
                keys(Action::LearnScopes)
            );
            para(&mut lines, &text, theme::hint());
        }
        (Granted::Unknown, false) if entry.session().is_none() => {
            let text = format!("log in ({}) to see what it can call", keys(Action::Login));
            para(&mut lines, &text, theme::hint());
            return lines;
        }
        (Granted::Unknown, false) => {
            para(
                &mut lines,
                "scopes unknown: the token is opaque and no scope came with it",
                theme::hint(),
            );
        }
        (Granted::Known(_), _) => para(&mut lines, &can_call(reach), Style::new()),
        (Granted::Learned { granted, at, .. }, _) => {
            para(&mut lines, &can_call(reach), Style::new());
            let scopes = if granted.is_empty() {
                "no scope".to_owned()
            } else {
                granted.iter().cloned().collect::<Vec<_>>().join(" ")
            };
            let age = time_text::relative(*at, secs, false);
            let text = format!(
                "learned {age} ({} again): {scopes}",
                keys(Action::LearnScopes)
            );
            lines.push(Line::styled(clip(&text, width), theme::label()));
        }
    }
    if !matches!(reach.granted, Granted::Unknown) {
        if let Some(tags) = tags(reach, width) {
            lines.push(Line::styled(tags, theme::label()));
        }
        if let Some(unlocks) = unlocks(reach) {
            lines.push(Line::styled(clip(&unlocks, width), theme::hint()));
        }
    }
    let more = format!(
        "{} lists every endpoint · {} picks one to call",
        keys(Action::EndpointList),
        keys(Action::PickEndpoint)
    );
    lines.push(Line::styled(clip(&more, width), theme::label()));
    lines
}

/// `can call 23 of 179 operations` (and how many are unknown).
pub fn can_call(reach: &Reach) -> String {
    let mut text = format!(
        "can call {} of {} operations",
        reach.callable,
        reach.total()
    );
    if reach.unknown() > 0 {
        text.push_str(&format!(" · {} unknown", reach.unknown()));
    }
    text
}

/// `account 3/3 · balance 1/1 · …`: the tags it reaches most, as many as
/// fit the width.
fn tags(reach: &Reach, width: usize) -> Option<String> {
    let mut out = String::new();
    for tag in reach.tags.iter().filter(|t| t.callable > 0).take(TAGS) {
        let item = format!("{} {}/{}", tag.tag, tag.callable, tag.total);
        let sep = if out.is_empty() { "" } else { " · " };
        if out.chars().count() + sep.len() + item.chars().count() > width {
            break;
        }
        out.push_str(sep);
        out.push_str(&item);
    }
    (!out.is_empty()).then_some(out)
}

/// `unlock most: history:read +10 · …`.
fn unlocks(reach: &Reach) -> Option<String> {
    let items: Vec<String> = reach
        .unlocks
        .iter()
        .take(UNLOCKS)
        .map(|(scope, n)| format!("{scope} +{n}"))
        .collect();
    (!items.is_empty()).then(|| format!("would unlock most: {}", items.join(" · ")))
}
