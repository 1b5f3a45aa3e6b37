//! Turning a filled form into a [`Change`] by the core's rules
//! ([`Credential::new`] and the `validate_*` functions), with each refusal
//! put beside the field it names. Every field is checked before giving up,
//! so one submit shows every mistake.

use crate::credential::{
    Auth, AuthMethod, Credential, CredentialError, OauthClient, ProbeTarget, Secret, normalize_api,
    normalize_issuer, validate_client, validate_id, validate_name, validate_redirect_uri,
    validate_secret,
};
use crate::import::{self, ImportError, Imported};
use crate::jwt;

use super::super::msg::Change;
use super::{FieldId, Form, Kind, Mode};

/// The core's name for the field an error is about, if it names one.
fn field_of(e: &CredentialError) -> Option<&'static str> {
    use CredentialError as E;
    match e {
        E::BadName { .. } => Some(FieldId::Name.label()),
        E::EmptyId { field }
        | E::ColonInId { field }
        | E::ControlInId { field }
        | E::FormatInValue { field }
        | E::EmptySecret { field }
        | E::LineBreakInSecret { field }
        | E::ControlInSecret { field }
        | E::SpaceInToken { field } => Some(field),
        E::BadApi { what, .. } => Some(what),
        E::BadRedirect { .. } => Some(FieldId::RedirectUri.label()),
        E::BadProbe { .. } => Some(FieldId::ProbePath.label()),
        E::EmptyOauth | E::NotBearer | E::BadLearnedScopes => None,
    }
}

/// What the import form accepts: whatever `import` does, and a bare JWT
/// taken as a Bearer token (the CLI asks for the `Bearer ` prefix; a form
/// can simply understand it).
pub(super) fn parse_import(input: &str, now: i64) -> Result<Imported, ImportError> {
    match import::parse(input, now) {
        Err(ImportError::Unrecognised { .. }) if jwt::looks_like_jwt(input.trim()) => {
            import::parse(&format!("Bearer {}", input.trim()), now)
        }
        other => other,
    }
}

impl Form {
    /// The value of the field `id` (empty if the form has none).
    pub(super) fn value(&self, id: FieldId) -> &str {
        self.fields
            .iter()
            .find(|f| f.id == id)
            .map_or("", |f| f.value())
    }

    /// Puts an error beside the field `id`, else on the whole form.
    fn fail(&mut self, id: FieldId, error: String) {
        self.fail_at(Some(id), error);
    }

    /// Puts an error beside the field `id` when the form has it, else on
    /// the whole form.
    fn fail_at(&mut self, id: Option<FieldId>, error: String) {
        match self.fields.iter_mut().find(|f| Some(f.id) == id) {
            Some(field) if field.error.is_none() => field.error = Some(error),
            Some(_) => {}
            None => self.error = Some(error),
        }
    }

    /// The value of a check, or `None` with its error beside the field it
    /// names (`id` when it names none).
    fn check<T>(&mut self, id: FieldId, result: Result<T, CredentialError>) -> Option<T> {
        result
            .map_err(|e| {
                let at = field_of(&e).map_or(Some(id), FieldId::from_core);
                self.fail_at(at, e.to_string());
            })
            .ok()
    }

    /// The change the form describes, or `None` with errors on the fields.
    pub(super) fn build(&mut self, now: i64) -> Option<Change> {
        self.error = None;
        for field in &mut self.fields {
            field.error = None;
        }
        let name = self.value(FieldId::Name).trim().to_owned();
        let name = self
            .check(FieldId::Name, validate_name(&name))
            .and_then(|()| match self.taken.contains(&name) {
                true => {
                    self.fail(FieldId::Name, format!("the name `{name}` is taken"));
                    None
                }
                false => Some(name),
            });
        let api = self.check(FieldId::Api, normalize_api(self.value(FieldId::Api)));
        let auth = match self.kind? {
            Kind::Pat => self.pair(FieldId::TokenId, FieldId::Token, |token_id, token| {
                Auth::Pat { token_id, token }
            }),
            Kind::Basic => self.pair(
                FieldId::Username,
                FieldId::Password,
                |username, password| Auth::Basic { username, password },
            ),
            Kind::Client => self.client().map(|client| Auth::Oauth {
                client: Some(client),
                session: self
                    .original()
                    .and_then(|c| c.auth.session().cloned().map(Box::new)),
            }),
            Kind::Bearer => self.original().map(|c| c.auth.clone()),
            Kind::Import => match parse_import(self.value(FieldId::Input), now) {
                Ok(imported) => Some(imported.auth),
                Err(e) => {
                    self.fail(FieldId::Input, e.to_string());
                    None
                }
            },
        };
        let probe = self.probe();
        let (name, api, auth, probe) = (name?, api?, auth?, probe?);
        let mut credential = self.check(FieldId::Name, Credential::new(&name, &api, auth))?;
        credential.probe = probe;
        let credential = Box::new(credential);
        Some(match &self.mode {
            Mode::Edit(old) => Change::Replace {
                old: old.name.clone(),
                credential,
            },
            Mode::Add | Mode::Import => Change::Insert(credential),
        })
    }

    /// The probe path field as a probe target (`Some(None)`: empty, the
    /// config's path); an edit keeps the stored method.
    fn probe(&mut self) -> Option<Option<ProbeTarget>> {
        if self.kind == Some(Kind::Import) {
            return Some(None);
        }
        let path = self.value(FieldId::ProbePath).trim().to_owned();
        if path.is_empty() {
            return Some(None);
        }
        let method = self
            .original()
            .and_then(|c| c.probe.as_ref())
            .map_or("GET".to_owned(), |p| p.method.clone());
        self.check(FieldId::ProbePath, ProbeTarget::new(&method, &path))
            .map(Some)
    }

    /// The scope field plus the scopes the "for endpoints" operations
    /// need (each its narrowest), or `None` with the field's error.
    fn scope_with_purposes(&mut self) -> Option<Option<String>> {
        let purposes = super::purposes(self.value(FieldId::ForEndpoints));
        match crate::sipgate::ApiMap::get().with_purposes(self.value(FieldId::Scope), &purposes) {
            Ok((scope, _)) => Some(scope),
            Err(e) => {
                self.fail(FieldId::ForEndpoints, e.to_string());
                None
            }
        }
    }

    /// A secret field: its value, or (editing, left empty) the stored one.
    fn secret(&mut self, id: FieldId) -> Option<Secret> {
        let typed = self.value(id);
        if typed.is_empty()
            && let Some(kept) = self.original().and_then(|c| c.auth.secret())
        {
            return Some(kept.clone());
        }
        let secret = Secret::new(typed.to_owned());
        self.check(id, validate_secret(id.label(), &secret).map(|()| secret))
    }

    /// The id and secret of a PAT or Basic login.
    fn pair(
        &mut self,
        id_key: FieldId,
        secret_key: FieldId,
        make: impl FnOnce(String, Secret) -> Auth,
    ) -> Option<Auth> {
        let id = self.value(id_key).trim().to_owned();
        let id = self.check(id_key, validate_id(id_key.label(), &id).map(|()| id));
        let secret = self.secret(secret_key);
        Some(make(id?, secret?))
    }

    /// The OAuth client fields. An empty secret makes a public client,
    /// which must say so by its auth method (`none`); a secret with
    /// `none` would never be sent, so that is refused too.
    fn client(&mut self) -> Option<OauthClient> {
        const SECRET: FieldId = FieldId::ClientSecret;
        let issuer = self.check(
            FieldId::Issuer,
            normalize_issuer(self.value(FieldId::Issuer)),
        );
        let method = self.value(FieldId::AuthMethod).parse::<AuthMethod>();
        let method = method.map_err(|e| self.fail(FieldId::AuthMethod, e)).ok();
        let kept = self.original().and_then(|c| c.auth.secret()).cloned();
        let typed = !self.value(SECRET).is_empty();
        let client_secret = match (typed, method) {
            (true, Some(AuthMethod::None)) => {
                self.fail(
                    SECRET,
                    "a public client (auth method none) sends no secret: clear it, or choose post or basic".into(),
                );
                None
            }
            (true, _) => self.secret(SECRET).map(Some),
            (false, Some(AuthMethod::None)) => Some(None),
            (false, _) if kept.is_some() => Some(kept),
            (false, _) => {
                self.fail(
                    SECRET,
                    "the client secret is empty: post and basic send one (auth method none makes a public client)".into(),
                );
                None
            }
        };
        let optional = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        let scope = self.scope_with_purposes();
        let redirect_uri = optional(self.value(FieldId::RedirectUri));
        let redirect_ok = match &redirect_uri {
            Some(uri) => self
                .check(FieldId::RedirectUri, validate_redirect_uri(uri))
                .is_some(),
            None => true,
        };
        let client = OauthClient {
            issuer: issuer?,
            client_id: self.value(FieldId::ClientId).trim().to_owned(),
            auth_method: method?,
            client_secret: client_secret?,
            scope: scope?,
            redirect_uri,
        };
        redirect_ok.then_some(())?;
        self.check(FieldId::ClientId, validate_client(&client).map(|()| client))
    }
}
