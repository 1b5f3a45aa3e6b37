//! User-facing text that is not a credential's own: group titles, badges,
//! status messages. Kept in one place so wording stays consistent.

use crate::expiry::Health;

use super::app::entries::Group;

/// A group's heading in the list.
pub fn group_title(group: Group) -> &'static str {
    match group {
        Group::Sessions => "OAuth sessions",
        Group::Clients => "OAuth clients (not logged in)",
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
pub const NOTHING_SELECTED: &str = "no credential selected: press a to add one";
