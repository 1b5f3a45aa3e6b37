//! `decode --verify`: the only part of `decode` that needs the network, so the
//! async runtime and the HTTP client are built here and nowhere else.

use anyhow::{Context, Result, bail};
use sipauth_tui::jwt::verify::{
    DiskCache, Expect, Fetcher, HttpOptions, JwksCache, KeyCache, Verdict, verify,
};

use super::Item;
use crate::cli::{diag, parse_seconds};

/// Verifies each verifiable item; `None` for the others.
pub fn run(items: &[Item], expect: &Expect, now: i64) -> Result<Vec<Option<Verdict>>> {
    if !items.iter().any(Item::verifiable) {
        bail!("nothing to verify: no access or id token that is a JWT");
    }
    let fetcher = Fetcher::new(http_options()?).context("cannot set up the HTTP client")?;
    let mut disk;
    let mut memory;
    let cache: &mut dyn KeyCache = match DiskCache::default_dir() {
        Some(dir) => {
            disk = DiskCache::new(dir);
            &mut disk
        }
        None => {
            diag!("warning: no cache directory; the issuer's keys are fetched every time");
            memory = JwksCache::new();
            &mut memory
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    items
        .iter()
        .map(|item| {
            if !item.verifiable() {
                return Ok(None);
            }
            let verdict = runtime
                .block_on(verify(item.raw.expose(), expect, &fetcher, cache, now))
                .with_context(|| format!("cannot verify the {}", item.label.unwrap_or("token")))?;
            Ok(Some(verdict))
        })
        .collect()
}

/// Default timeouts, or `SIPAUTH_HTTP_TIMEOUT` seconds for the whole request
/// (the connect timeout never exceeds it).
fn http_options() -> Result<HttpOptions> {
    let mut options = HttpOptions::default();
    if let Ok(raw) = std::env::var("SIPAUTH_HTTP_TIMEOUT") {
        let timeout = parse_seconds(&raw)
            .ok()
            .filter(|t| !t.is_zero())
            .with_context(|| {
                format!("SIPAUTH_HTTP_TIMEOUT=`{raw}` is not a number of seconds from 0 to 3600")
            })?;
        options.timeout = timeout;
        options.connect_timeout = options.connect_timeout.min(timeout);
    }
    Ok(options)
}
