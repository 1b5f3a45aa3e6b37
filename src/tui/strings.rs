//! User-facing text that is not a credential's own: group titles, badges,
//! status messages. Kept in one place so wording stays consistent.

use crate::expiry::Health;
use std::error::Error;

use crate::header::HeaderError;
use crate::hint::Fix;
use crate::net::NetFailure;
use crate::oauth::RefreshError;
use crate::ops::Revocation;
use crate::sanitize::strip_controls;

use super::keymap::Keymap;
use super::kind::{Group, Work};
use super::msg::Action;

/// A group's heading in the list.
pub fn group_title(group: Group) -> &'static str {
    match group {
        Group::Sessions => "OAuth sessions",
        Group::Clients => "OAuth clients",
        Group::Pats => "Personal access tokens",
        Group::Basic => "Basic logins",
    }
}

/// A health badge's text.
pub fn badge(health: Health) -> &'static str {
    match health {
        Health::Valid => "valid",
        Health::Expiring => "expiring",
        Health::Expired => "expired",
        Health::LoginRequired => "login required",
        Health::Unknown => "unknown",
    }
}

/// Work in progress, as the detail pane names it.
pub fn work(work: Work) -> &'static str {
    match work {
        Work::Refresh { auto: true } => "refreshing (auto)…",
        Work::Refresh { auto: false } => "refreshing…",
        Work::Probe => "probing…",
        Work::RefreshThenProbe => "refreshing, then probing…",
        Work::Login => "logging in…",
        Work::Delete => "deleting…",
        Work::Learn => "learning scopes…",
    }
}

/// A health badge short enough for a narrow list.
pub fn badge_short(health: Health) -> &'static str {
    match health {
        Health::Valid => "ok",
        Health::Expiring => "soon",
        Health::Expired => "expired",
        Health::LoginRequired => "log in",
        Health::Unknown => "unknown",
    }
}

/// What an action does, in one line for the help overlay (at most 26
/// columns, so two columns of help fit 80 columns).
pub fn action_help(action: Action) -> &'static str {
    match action {
        Action::Down => "next (or scroll down)",
        Action::Up => "previous (or scroll up)",
        Action::PageDown => "a page down",
        Action::PageUp => "a page up",
        Action::Top => "first credential",
        Action::Bottom => "last credential",
        Action::SwitchPane => "switch list / details",
        Action::CopyHeader => "copy Authorization header",
        Action::CopyCurl => "copy a curl command",
        Action::CopyValue => "copy the value only",
        Action::Probe => "probe the API (account)",
        Action::PickEndpoint => "pick an endpoint to call",
        Action::EndpointList => "endpoints it can call",
        Action::LearnScopes => "learn a PAT's scopes",
        Action::Refresh => "refresh the session now",
        Action::ToggleAutoRefresh => "auto-refresh on / off",
        Action::Login => "log in (opens browser)",
        Action::Add => "add PAT, login or client",
        Action::Import => "import pasted tokens",
        Action::Edit => "edit the credential",
        Action::Delete => "delete (revokes sessions)",
        Action::Reveal => "reveal the secret briefly",
        Action::Filter => "filter the list",
        Action::Sort => "sort by name / next expiry",
        Action::ListNarrower => "narrower list",
        Action::ListWider => "wider list",
        Action::Messages => "message log",
        Action::Help => "this help",
        Action::Palette => "command palette: any action by name",
        Action::Quit => "quit",
    }
}

/// Mouse hints for the help overlay: (what, does).
pub const MOUSE_HELP: [(&str, &str); 2] = [("click", "select"), ("wheel", "scroll")];

/// After an import form's warning that the session is already over.
pub const STALE_IMPORT: &str = "saving keeps it, but it needs a new login or a fresh paste";

/// The status after saving an import that is already over: `fact` as
/// [`crate::import::stale`] words it, the fix by key when the session
/// has a client to log in with.
pub fn saved_stale(name: &str, fact: &str, can_login: bool, keymap: &Keymap) -> String {
    let fix = match can_login {
        true => login_fix(true, keymap),
        false => "import a fresh token response".to_owned(),
    };
    format!("added {name}, but {fact}: {fix}")
}

/// The palette when no action matches its query.
pub const PALETTE_NONE: &str = "  no action matches (Backspace, ctrl-u clears)";

/// The palette's keys, on its last line.
pub const PALETTE_KEYS: &str = "Enter runs · ↑↓ choose · Esc closes";

/// A first Ctrl-C in a form holding input.
pub const QUIT_FORM: &str = "the form holds input: Ctrl-C again quits and discards it";

/// Esc closed a form holding input.
pub const FORM_DISCARDED: &str = "form closed: what you typed was discarded (nothing saved)";

/// The help overlay's last line.
pub const HELP_CLOSE: &str = "Esc closes";

/// The help's last line: how to close it, and how much is above and
/// below the rows shown.
pub fn help_foot(above: usize, below: usize) -> String {
    match (above, below) {
        (0, 0) => HELP_CLOSE.to_owned(),
        (0, b) => format!("{b} more below (j, PgDn) · {HELP_CLOSE}"),
        (a, 0) => format!("{a} more above (k, PgUp) · {HELP_CLOSE}"),
        (a, b) => format!("{a} above, {b} below · {HELP_CLOSE}"),
    }
}

/// The form's keys, for the help.
pub const FORM_HELP: [(&str, &str); 7] = [
    ("Tab/↓ ↑", "next / previous field"),
    ("Enter", "next field; on the last, save"),
    ("ctrl-s", "save"),
    ("ctrl-r", "show / mask the secrets typed"),
    ("ctrl-u", "clear the field"),
    ("Esc", "close (what you typed is discarded)"),
    ("ctrl-c", "quit (asks first if you typed)"),
];

/// The filter's keys, for the help.
pub const FILTER_HELP: [(&str, &str); 4] = [
    ("type", "fuzzy over names, or part of the kind or API"),
    ("ctrl-u", "empty the filter"),
    ("Enter/↓", "keep it and go to the list"),
    ("Esc", "clear it"),
];

/// An error and its causes on one line.
pub fn chain(e: &dyn Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let next = s.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = s.source();
    }
    strip_controls(&text)
}

/// What went wrong with a refresh, in the app's words: a session that
/// needs a new login names the key bound to log in.
pub fn refresh_failed(e: &RefreshError, keymap: &Keymap) -> String {
    match e {
        RefreshError::LoginRequired { .. } | RefreshError::NotLoggedIn { .. } => {
            format!(
                "{}; press {} to log in",
                chain(e),
                keymap.keys_of(Action::Login)
            )
        }
        other => chain(other),
    }
}

/// Why a credential has no header to copy, with the key that helps.
pub fn no_header(e: &HeaderError, keymap: &Keymap) -> String {
    format!("{e}; press {} to log in", keymap.keys_of(Action::Login))
}

/// What became of a deleted credential's session, when there is
/// something to say.
pub fn revocation(revocation: &Revocation) -> Option<String> {
    match revocation {
        Revocation::Done(r) => Some(r.describe().to_owned()),
        Revocation::Failed(e) => Some(format!("could not revoke at the server ({})", chain(e))),
        Revocation::NoSession | Revocation::NotAsked | Revocation::NoClient => None,
    }
}

/// The app's words for a probe's fix, naming the keys bound now.
pub fn fix(fix: Fix, keymap: &Keymap) -> String {
    match fix {
        Fix::StartServer => ", or start the server".into(),
        // The app's probe has no timeout setting to raise.
        Fix::LongerTimeout => String::new(),
        Fix::RenewSession => format!(
            "; press {} to refresh (or {} to log in again) and check the issuer",
            keymap.keys_of(Action::Refresh),
            keymap.keys_of(Action::Login)
        ),
        Fix::LoginWithScope => format!(
            "; log in again asking for that scope (edit the client's scope with {}, then press {})",
            keymap.keys_of(Action::Edit),
            keymap.keys_of(Action::Login)
        ),
        Fix::LearnScopes => format!(
            "; press {} to learn which scopes it has",
            keymap.keys_of(Action::LearnScopes)
        ),
    }
}

/// A network failure in a few words: the probe's status line. (The hint
/// beside it says what to do.)
pub fn net_failure(failure: &NetFailure) -> String {
    match failure {
        NetFailure::Dns { .. } => "DNS lookup failed".to_owned(),
        NetFailure::Refused { .. } => "connection refused".to_owned(),
        NetFailure::Tls { .. } => "TLS error".to_owned(),
        NetFailure::ConnectTimeout { after, .. } => {
            format!("no connection within {} s", after.as_secs_f64())
        }
        NetFailure::Timeout { after } => format!("timed out after {} s", after.as_secs_f64()),
        NetFailure::Other { .. } => "network error".to_owned(),
    }
}

/// The delete confirmation's text.
pub fn confirm_delete(name: &str, revoke: bool) -> [String; 3] {
    [
        format!("Delete {name}?"),
        if revoke {
            "Its session is revoked at the server first.".to_owned()
        } else {
            "It is removed from the store; nothing is revoked.".to_owned()
        },
        "y deletes · n or Esc keeps it".to_owned(),
    ]
}

/// The login modal's text while waiting for the browser.
pub const LOGIN_WAITING: &str = "waiting for the browser…";

/// The login waits for a browser the app did not start.
pub const LOGIN_WAITING_ELSEWHERE: &str = "waiting for the login in a browser…";

/// A login URL copy no clipboard took.
pub const NO_CLIPBOARD_LOGIN: &str =
    "no clipboard here: select the URL on screen (it has no borders) or press Esc";

/// The login page's keys.
pub const LOGIN_KEYS: &str = "y copies the URL · Esc cancels";

/// The login modal's text before the URL is known.
pub const LOGIN_STARTING: &str = "finding the login page…";
/// The login modal's hint above the URL.
pub const LOGIN_OPEN: &str = "Open this URL in a browser to log in:";

/// The login modal's line about a redirect that ended nothing.
pub fn login_note(warning: &str) -> String {
    format!("Not completed, still waiting: {warning}")
}
/// The error modal's last line.
pub const ERROR_CLOSE: &str = "Enter or Esc closes";
/// The shown-value modal's explanation.
pub const SHOWN_WHY: &str = "No clipboard took it: select it by hand.";

/// A token that is not a JWT, described without showing it.
pub fn opaque(length: usize) -> String {
    format!("opaque token ({length} chars), not a JWT")
}

/// Shown in the detail pane before the first probe.
pub fn not_probed(keys: &str) -> String {
    format!("not probed yet: press {keys}")
}

/// The status message after a copy to the system clipboard.
pub fn copied(what: &str, clear_after: u32) -> String {
    if clear_after == 0 {
        format!("{what} copied")
    } else {
        format!("{what} copied, clears in {clear_after} s")
    }
}

/// The status message after an OSC 52 copy.
pub fn sent_osc52(what: &str) -> String {
    format!("{what} sent via OSC 52")
}

/// The status message when no clipboard took the copy.
pub const NO_CLIPBOARD: &str = "no clipboard: shown below";

/// Shown when an action needs a credential and the list is empty.
pub fn nothing_selected(keymap: &Keymap) -> String {
    format!(
        "no credential selected: press {} to add one",
        keymap.keys_of(Action::Add)
    )
}

/// A copied header whose access token has expired.
pub fn copied_expired(at: i64, now: i64, keymap: &Keymap) -> String {
    format!(
        "but its access token {}: it will get 401 (press {} to refresh first)",
        crate::time_text::relative(at, now, true),
        keymap.keys_of(Action::Refresh)
    )
}

/// The fix for a session that needs a (new) login, naming the key.
pub fn login_fix(again: bool, keymap: &Keymap) -> String {
    let again = if again { " again" } else { "" };
    format!("log in{again} ({})", keymap.keys_of(Action::Login))
}

/// Why a probe was refused: an OAuth client without a session.
pub const NO_SESSION: &str = "not logged in yet";

/// Why a probe was refused: the server refused the session's refresh.
pub const SESSION_REFUSED: &str = "the session was refused at its last refresh";

/// A session that needs a new login, asked to be probed.
pub fn needs_login(keymap: &Keymap) -> String {
    format!(
        "{SESSION_REFUSED}: press {} to log in again",
        keymap.keys_of(Action::Login)
    )
}

/// A refresh that failed before the probe it was for.
pub fn refresh_first_failed(why: &str) -> String {
    format!("the refresh it needed first failed: {why}")
}

/// A kept failure's line in the probe panel.
pub fn failed(what: &str, reason: &str) -> String {
    format!("{what} failed: {reason}")
}

/// A kept failure's fix in the probe panel.
pub fn fix_line(fix: &str) -> String {
    format!("fix: {fix}")
}

/// The list's mark on an entry whose last outcome failed.
pub const FAILED_MARK: &str = "✗";

/// The message log's title.
pub const MESSAGES_TITLE: &str = "messages";

/// The message log when nothing was said yet.
pub const NO_MESSAGES: &str = "No messages yet.";

/// The message log's keys.
pub const MESSAGES_KEYS: &str = "j/k scroll · Esc closes";

/// An OAuth client asked to do what needs a session.
pub fn not_logged_in(keymap: &Keymap) -> String {
    format!(
        "not logged in yet: press {} to log in",
        keymap.keys_of(Action::Login)
    )
}

/// A credential whose API sipgate's map does not explain.
pub fn not_sipgate(name: &str, api: &str) -> String {
    format!(
        "{name}'s API ({}) is not sipgate's: the endpoint map is sipgate's only",
        strip_controls(api)
    )
}

/// Why the learn key leaves an OAuth session alone.
pub const LEARN_SESSION: &str =
    "an OAuth session's scopes are in its token: nothing to learn (see API access in the details)";

/// The status message after a learning run.
pub fn learned(name: &str, scopes: &crate::sipgate::LearnedScopes, list_keys: &str) -> String {
    format!(
        "learned {name}: {} granted, {} refused; {list_keys} lists what it can call",
        scopes.granted.len(),
        scopes.refused.len()
    )
}

/// The empty list's invitation.
pub fn no_credentials(keymap: &Keymap) -> String {
    format!(
        "No credentials yet: press {} to add one, {} to import.",
        keymap.keys_of(Action::Add),
        keymap.keys_of(Action::Import)
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn network_failures_read_as_a_few_words() {
        let cases = [
            (
                NetFailure::Refused {
                    target: "h:1".into(),
                },
                "connection refused",
            ),
            (
                NetFailure::Timeout {
                    after: Duration::from_secs(15),
                },
                "timed out after 15 s",
            ),
            (
                NetFailure::ConnectTimeout {
                    host: "h".into(),
                    after: Duration::from_millis(2500),
                },
                "no connection within 2.5 s",
            ),
            (
                NetFailure::Tls {
                    host: "h".into(),
                    detail: "bad cert".into(),
                },
                "TLS error",
            ),
            (
                NetFailure::Dns {
                    host: "h".into(),
                    detail: "nxdomain".into(),
                },
                "DNS lookup failed",
            ),
        ];
        crate::testing::cases::check_all(cases, |(failure, want)| {
            assert_eq!(net_failure(&failure), want);
        });
    }
}
