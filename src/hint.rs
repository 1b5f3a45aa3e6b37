//! What to do about a failed call, as data: the facts and what to check in
//! words, and the fix as a value each face words for its user (the command
//! line names its commands and flags, the app the keys bound now). The
//! probe's answers and network failures both come with one.

/// What to do about an outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hint {
    /// The facts and what to check.
    pub text: String,
    /// What would fix it, when one step does.
    pub fix: Option<Fix>,
}

/// A fix a face words in its own terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fix {
    /// Nothing listens there: start the server (the sandbox, say).
    StartServer,
    /// The answer did not come within the timeout: allow longer.
    LongerTimeout,
    /// The access token is refused: refresh the session, or log in again.
    RenewSession,
    /// The token lacks a scope: log in again asking for it.
    LoginWithScope,
    /// A PAT's or Basic login's scopes are not known: learn them.
    LearnScopes,
}

impl Hint {
    /// The text with the fix in the words `words` gives it.
    pub fn render(&self, words: impl FnOnce(Fix) -> String) -> String {
        match self.fix {
            Some(fix) => format!("{}{}", self.text, words(fix)),
            None => self.text.clone(),
        }
    }
}
