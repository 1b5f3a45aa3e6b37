//! Forms for adding, editing and importing credentials.
//!
//! A form is a list of [`Field`]s with one focused. It handles its own keys
//! and paste and answers with a [`FormEvent`]; the app turns a submit into
//! a store write and hands a refusal from the store back through
//! [`Form::set_error`]. Checking uses the core's rules (see [`build`]), so
//! the form refuses what the CLI refuses, with the same words, shown
//! beside the field they name.
//!
//! Secrets are masked while typed; Ctrl-R shows them while the form is
//! open. Editing leaves secret fields empty, meaning "keep the current
//! one", so an edit never puts a stored secret on screen.

mod build;
mod field;

use crate::credential::{Auth, Credential, DEFAULT_API, DEFAULT_ISSUER};

use super::input::{Key, KeyCode};
use super::msg::Change;
pub use field::{Field, FieldId, Input};

/// What a key did to a form.
#[derive(Debug)]
pub enum FormEvent {
    /// Keep editing.
    Continue,
    /// Close the form without saving.
    Cancel,
    /// Save this change.
    Submit(Box<Change>),
}

/// What a form makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A Personal Access Token.
    Pat,
    /// A username:password login.
    Basic,
    /// An OAuth client (with its session, when editing one).
    Client,
    /// A bearer token stored without its client (edit: name and API only).
    Bearer,
    /// Whatever the pasted text turns out to be.
    Import,
}

impl Kind {
    /// The kinds the add form offers, in order.
    pub const ADDABLE: [Kind; 3] = [Kind::Pat, Kind::Basic, Kind::Client];

    /// How the chooser and the title name it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Pat => "Personal Access Token",
            Kind::Basic => "Basic login (username:password)",
            Kind::Client => "OAuth client",
            Kind::Bearer => "Bearer token",
            Kind::Import => "Import",
        }
    }
}

/// Where a submitted form goes.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Mode {
    Add,
    /// Replaces this credential; empty secrets keep its secrets.
    Edit(Box<Credential>),
    Import,
}

/// The auth methods a client field offers.
const AUTH_METHODS: &[&str] = &["post", "basic", "none"];
const NAME_HINT: &str = "1 to 64 of A-Z a-z 0-9 . _ -";
const API_HINT: &str = "the REST API base the credential is for";

/// An open form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    /// The form's title.
    pub title: String,
    /// What it makes; `None` while the add form asks for the kind.
    pub kind: Option<Kind>,
    /// The highlighted kind while choosing.
    pub choice: usize,
    /// The fields, in order.
    pub fields: Vec<Field>,
    /// The focused field.
    pub focus: usize,
    /// Secrets shown in clear (Ctrl-R).
    pub reveal: bool,
    /// An error for the whole form (the store refused the change).
    pub error: Option<String>,
    /// Submitted; waiting for the store.
    pub saving: bool,
    /// Import: what the pasted text was recognised as, or why not.
    pub recognised: Option<Result<String, String>>,
    /// Import: what is already over in the recognised session (its
    /// refresh token expired…), said before it is saved.
    pub stale: Option<String>,
    /// Whether anything was typed or pasted (closing then discards it).
    touched: bool,
    mode: Mode,
    /// Names other credentials have.
    taken: Vec<String>,
    /// Where new credentials' API base and issuer start.
    defaults: Defaults,
}

/// What a new credential's API base and issuer start as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Defaults {
    /// The API base.
    pub api: String,
    /// The OAuth issuer.
    pub issuer: String,
}

impl Default for Defaults {
    fn default() -> Self {
        Self {
            api: DEFAULT_API.into(),
            issuer: DEFAULT_ISSUER.into(),
        }
    }
}

impl Form {
    /// Starts new credentials' API base and issuer at `defaults` (before a
    /// kind is chosen; the import form picks it again).
    pub fn with_defaults(mut self, defaults: &Defaults) -> Self {
        self.defaults = defaults.clone();
        if let Some(kind) = self.kind {
            self.choose(kind);
        }
        self
    }

    fn blank(title: String, mode: Mode, taken: Vec<String>) -> Self {
        Self {
            title,
            kind: None,
            choice: 0,
            fields: Vec::new(),
            focus: 0,
            reveal: false,
            error: None,
            saving: false,
            recognised: None,
            stale: None,
            touched: false,
            mode,
            taken,
            defaults: Defaults::default(),
        }
    }

    /// The add form: first the kind, then its fields. `taken` are the
    /// names in use.
    pub fn add(taken: Vec<String>) -> Self {
        Self::blank("Add a credential".into(), Mode::Add, taken)
    }

    /// The edit form for `credential`, prefilled except for its secrets.
    pub fn edit(credential: &Credential, mut taken: Vec<String>) -> Self {
        taken.retain(|n| *n != credential.name);
        let kind = match &credential.auth {
            Auth::Pat { .. } => Kind::Pat,
            Auth::Basic { .. } => Kind::Basic,
            Auth::Oauth {
                client: Some(_), ..
            } => Kind::Client,
            Auth::Oauth { client: None, .. } => Kind::Bearer,
        };
        let mut form = Self::blank(
            format!("Edit {}", credential.name),
            Mode::Edit(Box::new(credential.clone())),
            taken,
        );
        form.choose(kind);
        form
    }

    /// The import form: a paste area, the API base, then a name (the
    /// first free one of `imported`, `imported-2`, …).
    pub fn import(taken: Vec<String>) -> Self {
        let mut form = Self::blank("Import".into(), Mode::Import, taken);
        form.choose(Kind::Import);
        form
    }

    /// The credential being edited.
    fn original(&self) -> Option<&Credential> {
        match &self.mode {
            Mode::Edit(c) => Some(c),
            _ => None,
        }
    }

    /// Picks the kind and lays out its fields.
    fn choose(&mut self, kind: Kind) {
        let old = self.original();
        let name = old.map_or("", |c| c.name.as_str());
        let defaults = self.defaults.clone();
        let api = old.map_or(defaults.api.as_str(), |c| c.api.as_str());
        let keep = |what: &str| match old {
            Some(_) => format!("empty keeps the current {what}"),
            None => "masked: Ctrl-R shows it".into(),
        };
        let text = |id, value: &str, hint: &str| Field::new(id, Input::Text, value, hint);
        let mut fields = vec![text(FieldId::Name, name, NAME_HINT)];
        match kind {
            Kind::Pat | Kind::Basic => {
                let (id_key, secret_key) = if kind == Kind::Pat {
                    (FieldId::TokenId, FieldId::Token)
                } else {
                    (FieldId::Username, FieldId::Password)
                };
                let id = old.map_or("", |c| c.auth.id());
                let id_hint = if kind == Kind::Pat {
                    "token-… as the sipgate app shows it"
                } else {
                    ""
                };
                fields.push(text(id_key, id, id_hint));
                fields.push(Field::new(
                    secret_key,
                    Input::Secret,
                    "",
                    keep(secret_key.label()),
                ));
            }
            Kind::Client => {
                let client = old.and_then(|c| c.auth.client());
                let issuer = client.map_or(defaults.issuer.as_str(), |c| c.issuer.as_str());
                let method = client.map_or("post", |c| c.auth_method.as_str());
                let secret_hint = match old {
                    Some(_) => keep("client secret"),
                    None => "empty for a public client (auth method none)".into(),
                };
                fields.extend([
                    text(FieldId::Issuer, issuer, "the OpenID issuer URL"),
                    text(FieldId::ClientId, client.map_or("", |c| &c.client_id), ""),
                    Field::new(FieldId::ClientSecret, Input::Secret, "", secret_hint),
                    Field::new(
                        FieldId::AuthMethod,
                        Input::Choice(AUTH_METHODS),
                        method,
                        "←/→: post, basic or none (public client)",
                    ),
                    text(
                        FieldId::Scope,
                        client.and_then(|c| c.scope.as_deref()).unwrap_or(""),
                        "optional, e.g. openid",
                    ),
                    text(FieldId::ForEndpoints, "", FOR_HINT),
                    text(
                        FieldId::RedirectUri,
                        client.and_then(|c| c.redirect_uri.as_deref()).unwrap_or(""),
                        "optional, as registered: http://127.0.0.1:PORT/PATH",
                    ),
                ]);
                if old.is_some_and(|c| c.auth.session().is_some()) {
                    fields[0].hint = format!("{NAME_HINT}; the session is kept");
                }
            }
            Kind::Bearer => fields[0].hint = format!("{NAME_HINT}; the token is kept"),
            Kind::Import => {
                let suggested = self.free_name();
                fields = vec![
                    Field::new(
                        FieldId::Input,
                        Input::Lines,
                        "",
                        "paste a token response, .env file, Authorization line or JWT",
                    ),
                    text(FieldId::Name, &suggested, NAME_HINT),
                ];
            }
        }
        if kind != Kind::Import {
            let own = old
                .and_then(|c| c.probe.as_ref())
                .map_or("", |p| p.path.as_str());
            fields.push(text(
                FieldId::ProbePath,
                own,
                "optional: what p asks for here instead of the config's probe_path, e.g. /v1/me",
            ));
        }
        // The API base comes last (before the import form's name): Enter
        // there saves.
        let at = if kind == Kind::Import {
            1
        } else {
            fields.len()
        };
        fields.insert(at, text(FieldId::Api, api, API_HINT));
        if self.mode == Mode::Add {
            self.title = match kind {
                Kind::Basic => "Add a Basic login".into(),
                Kind::Client => "Add an OAuth client".into(),
                _ => format!("Add a {}", kind.label()),
            };
        }
        self.kind = Some(kind);
        self.fields = fields;
        self.focus = 0;
    }

    /// `imported`, else `imported-2`, `imported-3`, … whichever is free.
    fn free_name(&self) -> String {
        std::iter::once("imported".to_owned())
            .chain((2..).map(|i| format!("imported-{i}")))
            .find(|n| !self.taken.contains(n))
            .unwrap_or_default()
    }

    /// Whether the user typed or pasted anything (Esc or Ctrl-C would
    /// lose it).
    pub fn touched(&self) -> bool {
        self.touched
    }

    /// The focused field.
    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    fn focused_mut(&mut self) -> Option<&mut Field> {
        self.fields.get_mut(self.focus)
    }

    /// Handles a key; `now` is Unix seconds (an import is obtained now).
    pub fn key(&mut self, key: Key, now: i64) -> FormEvent {
        let ctrl = key.ctrl;
        match key.code {
            KeyCode::Esc => return FormEvent::Cancel,
            _ if self.saving => {}
            KeyCode::Char('s') if ctrl => return self.submit(now),
            KeyCode::Char('r') if ctrl => self.reveal = !self.reveal,
            _ if self.kind.is_none() => self.choose_key(key),
            _ => return self.field_key(key, ctrl, now),
        }
        FormEvent::Continue
    }

    fn choose_key(&mut self, key: Key) {
        let last = Kind::ADDABLE.len() - 1;
        match key.code {
            KeyCode::Up | KeyCode::BackTab | KeyCode::Char('k') => {
                self.choice = self.choice.saturating_sub(1);
            }
            KeyCode::Down | KeyCode::Tab | KeyCode::Char('j') => {
                self.choice = (self.choice + 1).min(last);
            }
            KeyCode::Char(c @ '1'..='3') => self.choose(Kind::ADDABLE[c as usize - '1' as usize]),
            KeyCode::Enter => self.choose(Kind::ADDABLE[self.choice.min(last)]),
            _ => {}
        }
    }

    fn field_key(&mut self, key: Key, ctrl: bool, now: i64) -> FormEvent {
        let last = self.fields.len().saturating_sub(1);
        let Some(field) = self.fields.get_mut(self.focus) else {
            return FormEvent::Continue;
        };
        let before = field.value().len();
        match key.code {
            KeyCode::Enter if field.multiline() => field.insert("\n"),
            KeyCode::Enter if self.focus == last => return self.submit(now),
            KeyCode::Enter | KeyCode::Tab | KeyCode::Down => {
                self.focus = (self.focus + 1).min(last)
            }
            KeyCode::BackTab | KeyCode::Up => self.focus = self.focus.saturating_sub(1),
            KeyCode::Left => field.step(-1),
            KeyCode::Right => field.step(1),
            KeyCode::Home => field.jump(false),
            KeyCode::End => field.jump(true),
            KeyCode::Backspace => field.backspace(),
            KeyCode::Delete => field.delete(),
            KeyCode::Char('u') if ctrl => field.clear(),
            KeyCode::Char(c) if !ctrl && !c.is_control() => field.type_char(c),
            _ => {}
        }
        if self.fields.get(self.focus).map(|f| f.value().len()) != Some(before) {
            self.changed(now);
        }
        FormEvent::Continue
    }

    /// Handles pasted text (into the focused field); `now` is Unix seconds.
    pub fn paste(&mut self, text: &str, now: i64) {
        if self.saving {
            return;
        }
        if let Some(field) = self.focused_mut() {
            field.paste(text);
            self.changed(now);
        }
    }

    /// After an edit: the client form shows the scopes its endpoints
    /// need; the import form says what the paste looks like.
    fn changed(&mut self, now: i64) {
        self.touched = true;
        if self.kind == Some(Kind::Client)
            && let Some(field) = self
                .fields
                .iter_mut()
                .find(|f| f.id == FieldId::ForEndpoints)
        {
            field.hint = for_hint(field.value());
        }
        if self.kind != Some(Kind::Import) {
            return;
        }
        let input = self.fields.first().map_or("", |f| f.value());
        let parsed = (!input.trim().is_empty()).then(|| build::parse_import(input, now));
        self.stale = match &parsed {
            Some(Ok(imported)) => crate::import::stale(&imported.auth, now).map(|s| s.to_string()),
            _ => None,
        };
        self.recognised = parsed.map(|parsed| {
            parsed
                .map(|i| format!("{} → {}", i.format.label(), i.auth.kind_label()))
                .map_err(|e| e.to_string())
        });
    }

    /// Checks every field and, when all pass, answers with the change.
    fn submit(&mut self, now: i64) -> FormEvent {
        if self.kind.is_none() {
            self.choose(Kind::ADDABLE[self.choice.min(Kind::ADDABLE.len() - 1)]);
            return FormEvent::Continue;
        }
        match self.build(now) {
            Some(change) => {
                self.saving = true;
                FormEvent::Submit(Box::new(change))
            }
            None => {
                if let Some(at) = self.fields.iter().position(|f| f.error.is_some()) {
                    self.focus = at;
                }
                FormEvent::Continue
            }
        }
    }

    /// Shows why saving failed and lets the user fix it.
    pub fn set_error(&mut self, error: String) {
        self.saving = false;
        self.error = Some(error);
    }
}

/// The hint of an empty "for endpoints" field.
const FOR_HINT: &str =
    "optional: sipgate operations to call, e.g. POST /sessions/sms; GET /history";

/// The operations a "for endpoints" value lists (`;` or `,` apart).
pub(super) fn purposes(value: &str) -> Vec<&str> {
    value
        .split([';', ','])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// The live line under the field: the scopes those operations add, or why
/// one is not an operation.
fn for_hint(value: &str) -> String {
    let wanted = purposes(value);
    if wanted.is_empty() {
        return FOR_HINT.into();
    }
    match crate::sipgate::ApiMap::get().scopes_for(&wanted) {
        Ok(scopes) if scopes.is_empty() => "needs no scope".into(),
        Ok(scopes) => format!(
            "adds to the scope: {}",
            scopes.into_iter().collect::<Vec<_>>().join(" ")
        ),
        Err(e) => e.to_string(),
    }
}
