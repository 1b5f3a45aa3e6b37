//! The command line's advice: what to run or which flag to use, added to
//! the core's errors, which carry facts only. This is the one place the
//! command line words it; the app words the same facts from its keymap.

use std::error::Error;

use sipauth_tui::header::HeaderError;
use sipauth_tui::hint::Fix;
use sipauth_tui::jwt::verify::VerifyError;
use sipauth_tui::net;
use sipauth_tui::oauth::device::DeviceError;
use sipauth_tui::oauth::{LoginError, OauthError, RefreshError};
use sipauth_tui::ops::UsableError;
use sipauth_tui::ops::login::LoginFailed;
use sipauth_tui::store::StoreError;

/// The command line's words for a probe's fix; `name` is the credential.
pub fn fix(fix: Fix, name: &str) -> String {
    match fix {
        Fix::StartServer => ", or start the server (`sipauth-tui sandbox`)".into(),
        Fix::LongerTimeout => " (raise it with --timeout)".into(),
        Fix::RenewSession => {
            format!("; run `sipauth-tui refresh {name}` (or `login {name}`) and check the issuer")
        }
        Fix::LoginWithScope => {
            "; log in again asking for that scope (`--scope` of the client)".into()
        }
        Fix::LearnScopes => format!("; `sipauth-tui scopes {name}` learns which scopes it has"),
    }
}

/// What to append to the line of `error`, when there is advice for it.
pub fn suffix(error: &(dyn Error + 'static)) -> Option<String> {
    let login = |name: &str| format!("; run `sipauth-tui login {name}`");
    if let Some(e) = error.downcast_ref::<UsableError>() {
        return match e {
            UsableError::Refresh(e) => suffix(e),
            UsableError::Unusable { name, .. } => Some(login(name)),
        };
    }
    if let Some(e) = error.downcast_ref::<RefreshError>() {
        return match e {
            RefreshError::NotLoggedIn { name } | RefreshError::LoginRequired { name, .. } => {
                Some(login(name))
            }
            RefreshError::Store(e) => suffix(e),
            _ => None,
        };
    }
    if let Some(HeaderError::NotLoggedIn { name } | HeaderError::LoginRequired { name }) =
        error.downcast_ref::<HeaderError>()
    {
        return Some(login(name));
    }
    if let Some(e) = error.downcast_ref::<LoginFailed>() {
        return match e {
            LoginFailed::Store(e) => suffix(e),
            LoginFailed::Flow(e) => suffix(e),
            LoginFailed::Discovery(e) => suffix(e),
            LoginFailed::NoClient { .. } => None,
        };
    }
    if let Some(e) = error.downcast_ref::<LoginError>() {
        return match e {
            LoginError::Timeout { .. } => Some(", run `login` again".into()),
            LoginError::PortConflict { .. } => {
                Some("; drop --port or change the client's redirect URI".into())
            }
            LoginError::Oauth(e) => suffix(e),
            _ => None,
        };
    }
    if let Some(OauthError::Network { failure, .. }) = error.downcast_ref::<OauthError>()
        && let Some(fix) = net::failure_hint(failure).fix
        && fix == Fix::StartServer
    {
        return Some(self::fix(fix, ""));
    }
    if let Some(OauthError::IssuerMismatch {
        expected, found, ..
    }) = error.downcast_ref::<OauthError>()
        && (expected.strip_suffix('/') == Some(found) || found.strip_suffix('/') == Some(expected))
    {
        return Some(format!(": re-add the client with --issuer {found}"));
    }
    if let Some(DeviceError::Oauth(e)) = error.downcast_ref::<DeviceError>() {
        return suffix(e);
    }
    if let Some(VerifyError::NoIssuer) = error.downcast_ref::<VerifyError>() {
        return Some("; give the issuer with --issuer URL".into());
    }
    match error.downcast_ref::<StoreError>()? {
        StoreError::NotFound { .. } => Some(" (see `sipauth-tui list`)".into()),
        StoreError::NoDataDir => Some("; pass --store PATH or set SIPAUTH_STORE".into()),
        _ => None,
    }
}

/// `error` and its causes on one line, each with its advice: for warnings,
/// which go on rather than end the command.
pub fn line(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for (i, cause) in error.chain().enumerate() {
        if i > 0 {
            text.push_str(": ");
        }
        text.push_str(&cause.to_string());
        text.push_str(&suffix(cause).unwrap_or_default());
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_advice_names_the_command_and_the_credential() {
        let cases: Vec<(Box<dyn Error>, &str)> = vec![
            (
                Box::new(RefreshError::NotLoggedIn { name: "n".into() }),
                "`n` has no session yet; run `sipauth-tui login n`",
            ),
            (
                Box::new(RefreshError::LoginRequired {
                    name: "n".into(),
                    why: sipauth_tui::oauth::refresh::LoginReason::RefusedEarlier,
                }),
                "`n` needs a new login: the server refused its refresh token earlier; run `sipauth-tui login n`",
            ),
            (
                Box::new(HeaderError::LoginRequired { name: "n".into() }),
                "run `sipauth-tui login n`",
            ),
            (
                Box::new(OauthError::IssuerMismatch {
                    url: "https://id.example/r/.well-known/openid-configuration".into(),
                    expected: "https://id.example/r/".into(),
                    found: "https://id.example/r".into(),
                }),
                "OIDC compares issuers exactly: re-add the client with --issuer https://id.example/r",
            ),
            (
                Box::new(StoreError::NotFound { name: "x".into() }),
                "no credential named `x` (see `sipauth-tui list`)",
            ),
        ];
        let failures: Vec<String> = cases
            .iter()
            .filter_map(|(e, want)| {
                let text = format!("{e}{}", suffix(e.as_ref()).unwrap_or_default());
                (!text.contains(want)).then(|| format!("{text:?} lacks {want:?}"))
            })
            .collect();
        assert!(failures.is_empty(), "{failures:#?}");
    }
}
