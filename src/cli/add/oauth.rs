//! `add oauth`: register an OAuth2 client (no login yet).
//!
//! Everything typed on the command line is checked before the secret is
//! asked for, so a typo never costs a paste. The issuer is sipgate's
//! (`DEFAULT_ISSUER`) unless `--issuer` names another; `--realm` swaps only
//! the realm of sipgate's issuer (`…/auth/realms/REALM`) and conflicts with
//! `--issuer`, which already names its realm. The secret comes from the
//! prompt or stdin, never argv; a public client (`--auth-method none`) has
//! none and is not asked.

use anyhow::{Result, bail};
use clap::Args;
use sipauth_tui::credential::{
    Auth, AuthMethod, Credential, CredentialError, DEFAULT_API, DEFAULT_ISSUER,
    KEYCLOAK_REALM_PREFIX, OauthClient, normalize_api, normalize_issuer, validate_client,
    validate_name, validate_redirect_uri,
};

use super::super::Ctx;
use super::super::secret_input::read_secret;
use super::{Outcome, save};

// `add oauth NAME --client-id ID …` (a plain comment: clap would take a doc
// comment as the command's about, over the variant's own.)
#[derive(Debug, Args)]
pub struct OauthArgs {
    /// Name to store it under
    name: String,
    /// The client id, as registered at the authorization server
    #[arg(long)]
    client_id: String,
    /// The issuer URL [default: https://login.sipgate.com/auth/realms/third-party]
    #[arg(long, conflicts_with = "realm")]
    issuer: Option<String>,
    /// Use this realm of sipgate's login server instead of `third-party`, e.g. sipgate-apps
    #[arg(long)]
    realm: Option<String>,
    /// How the client authenticates at the token endpoint: post, basic or none (public client)
    #[arg(long, default_value = "post")]
    auth_method: AuthMethod,
    /// Scopes to ask for, space separated, e.g. "account:read history:read"
    #[arg(long)]
    scope: Option<String>,
    /// Ask for the scopes this sipgate operation needs, e.g. 'POST
    /// /sessions/sms' (repeatable; added to --scope)
    #[arg(long = "for", value_name = "'METHOD PATH'")]
    for_ops: Vec<String>,
    /// The registered redirect URI: loopback http with a port, e.g. http://127.0.0.1:8765/callback
    #[arg(long)]
    redirect_uri: Option<String>,
    /// API base URL the tokens are for
    #[arg(long, default_value = DEFAULT_API)]
    api: String,
    #[command(flatten)]
    probe: super::ProbeTargetArgs,
}

/// The warning for a `localhost` redirect URI: browsers may resolve it to
/// `[::1]` or 127.0.0.1 (the listener tries both, but IPv6 may be missing or
/// the name remapped), so RFC 8252 §8.3 recommends an IP literal. It is
/// kept as given, since it must match the registration character for
/// character.
fn localhost_warning(url: &url::Url) -> Option<String> {
    if url.host_str() != Some("localhost") {
        return None;
    }
    let mut literal = url.clone();
    literal
        .set_ip_host(std::net::Ipv4Addr::LOCALHOST.into())
        .ok()?;
    Some(format!(
        "the redirect URI names `localhost`, which a browser may resolve to [::1] or 127.0.0.1; \
         RFC 8252 §8.3 recommends an IP literal: register {literal} with the server and re-add with \
         --redirect-uri {literal} (kept as given, since it must match the registration)"
    ))
}

/// Registers the client: checks, then the secret, then one locked insert.
pub fn run(ctx: &Ctx, args: &OauthArgs) -> Result<Outcome> {
    validate_name(&args.name)?;
    let probe = args.probe.target()?;
    let issuer = match (&args.issuer, &args.realm) {
        (Some(issuer), _) => normalize_issuer(issuer)?,
        (None, Some(realm)) => realm_issuer(realm)?,
        (None, None) => DEFAULT_ISSUER.to_owned(),
    };
    if let Some(uri) = &args.redirect_uri {
        let url = validate_redirect_uri(uri)?;
        if let Some(warning) = localhost_warning(&url) {
            super::super::diag!("warning: {warning}");
        }
    }
    normalize_api(&args.api)?;
    let mut client = OauthClient {
        issuer,
        client_id: args.client_id.clone(),
        auth_method: args.auth_method,
        client_secret: None,
        scope: super::super::endpoints::scope_with_purposes(args.scope.as_deref(), &args.for_ops)?,
        redirect_uri: args.redirect_uri.clone(),
    };
    validate_client(&client)?;
    if ctx.load()?.get(&args.name).is_ok() {
        bail!(sipauth_tui::store::StoreError::AlreadyExists {
            name: args.name.clone()
        });
    }
    if client.auth_method != AuthMethod::None {
        client.client_secret = Some(read_secret("client secret", &args.name)?);
    }
    let mut credential = Credential::new(
        &args.name,
        &args.api,
        Auth::Oauth {
            client: Some(client),
            session: None,
        },
    )?;
    credential.probe = probe;
    let outcome = save(ctx, credential)?;
    super::super::diag!(
        "log in with `sipauth-tui login {}` (or --grant device, client-credentials, …)",
        args.name
    );
    Ok(outcome)
}

/// sipgate's issuer with another realm: the last path segment after
/// `/auth/realms/` replaced. Realm names are limited to `[A-Za-z0-9._-]`.
fn realm_issuer(realm: &str) -> Result<String, CredentialError> {
    let ok = (1..=100).contains(&realm.len())
        && realm != "."
        && realm != ".."
        && realm
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if !ok {
        return Err(CredentialError::BadApi {
            what: "realm",
            host: None,
            why: "use 1 to 100 of A-Z a-z 0-9 . _ -",
        });
    }
    let at = DEFAULT_ISSUER
        .find(KEYCLOAK_REALM_PREFIX)
        .map_or(DEFAULT_ISSUER.len(), |i| i + KEYCLOAK_REALM_PREFIX.len());
    Ok(format!("{}{realm}", &DEFAULT_ISSUER[..at]))
}

#[cfg(test)]
mod tests {
    use super::realm_issuer;

    #[test]
    fn a_realm_replaces_only_the_realm_of_sipgates_issuer() {
        assert_eq!(
            realm_issuer("sipgate-apps").unwrap(),
            "https://login.sipgate.com/auth/realms/sipgate-apps"
        );
        for bad in ["", "a/b", "..", "a b", "r?x=1", "ü"] {
            assert!(realm_issuer(bad).is_err(), "{bad}");
        }
    }
}
