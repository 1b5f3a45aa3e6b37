//! `curl NAME [PATH]`: a ready curl command for `{api}{PATH}`.
//!
//! By default the command holds no secret: it calls this tool back for the
//! header when it runs and pipes it into curl's stdin
//! (`sipauth-tui header NAME | curl --header @- …`), so the token is in no
//! argv (which every local user can read in `/proc/PID/cmdline`) and in no
//! shell history, and a session due for a refresh is refreshed when the
//! command runs, not when it was printed. `--inline` prints the old form
//! with the header in the command, after a session that is due was
//! refreshed ([`super::session::usable`]).
//!
//! The printed command must work as printed, in a shell that has none of
//! this process's environment, so [`header_fetch`] names this very
//! executable: the bare name when the shell's `PATH` finds this same file
//! (what a user types, and it survives an upgrade in place), else the
//! absolute path of the running executable (a build under `target/`, a copy
//! outside `PATH`, another version first on `PATH`); and `--store PATH`
//! (absolute) whenever the store is not the default one. The app's curl
//! copy uses the same words.

use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Result, bail};
use sipauth_tui::header::{HeaderFetch, authorization_value, curl_command, piped_curl_command};
use sipauth_tui::ops;
use sipauth_tui::sanitize::strip_controls;
use sipauth_tui::store::Store;

use super::session::{now, secs, usable};
use super::{Ctx, Outcome, diag};

/// The program's name when nothing better is known.
const BARE: &str = "sipauth-tui";

/// Prints a curl command calling `path` with `name`: argv-free, or with the
/// header inline.
pub fn run(
    ctx: &Ctx,
    out: &mut impl Write,
    name: &str,
    path: Option<&str>,
    inline: bool,
    margin: Duration,
) -> Result<Outcome> {
    let data = ctx.load_entry(name)?;
    let credential = data.get(name)?;
    let own = credential.probe.as_ref().map(|p| p.path.as_str());
    let path = path.or(own).unwrap_or("/account");
    super::check_path(path)?;
    super::probe::note_scopes(credential, "GET", path);
    if inline {
        diag!(
            "warning: --inline puts the secret into the command: into curl's argv, which every local user can read, and into your shell's history once you run it"
        );
        let c = usable(ctx, credential, margin)?;
        writeln!(out, "{}", curl_command(&c, path)?.expose())?;
        return Ok(Outcome::Success);
    }
    // Nothing is sent now, but a command that can only fail is refused
    // here: no session yet, a refused one, or an expiry no refresh renews.
    authorization_value(credential)?;
    if let ops::Plan::Unusable(unusable) = ops::usable::plan(credential, now(), secs(margin)) {
        return Err(ops::UsableError::Unusable {
            name: credential.name.clone(),
            unusable,
        }
        .into());
    }
    let fetch = header_fetch(ctx.store.path())?;
    writeln!(out, "{}", piped_curl_command(&fetch, credential, path))?;
    Ok(Outcome::Success)
}

/// The words that make this executable print a header from `store` in a
/// shell that has none of this process's environment: the program, then
/// `--store PATH` unless `store` is the default, then `header`.
pub fn header_fetch(store: &Path) -> Result<HeaderFetch> {
    let mut words = vec![program()];
    let default = Store::default_path().ok();
    if default.as_deref() != Some(store) {
        let absolute = std::path::absolute(store)?;
        let Some(text) = absolute.to_str().filter(|t| printable(t)) else {
            bail!(
                "the store path {} is not plain text (not UTF-8, or a control character): no printed command can name it; use --inline",
                absolute.display()
            );
        };
        words.extend(["--store".to_owned(), text.to_owned()]);
    }
    words.push("header".into());
    Ok(HeaderFetch::new(words))
}

/// Whether `text` reaches the terminal and the clipboard unchanged.
fn printable(text: &str) -> bool {
    !text.chars().any(char::is_control) && strip_controls(text) == text
}

/// How a shell finds this executable: its bare file name when the first
/// match on `PATH` is this same file, else its absolute path (or the bare
/// product name when the executable's path is unknown or not plain text).
fn program() -> String {
    let Ok(exe) = std::env::current_exe() else {
        return BARE.into();
    };
    let Some(absolute) = exe.to_str().filter(|t| printable(t)) else {
        return BARE.into();
    };
    let Some(name) = exe.file_name().and_then(|n| n.to_str()) else {
        return absolute.into();
    };
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path).find_map(|dir| executable(&dir.join(name)));
    match (found, identity(&exe)) {
        (Some(found), Some(me)) if identity(&found) == Some(me) => name.into(),
        _ => absolute.into(),
    }
}

/// `candidate` when it is an executable file, as a shell's PATH search
/// takes it.
fn executable(candidate: &Path) -> Option<PathBuf> {
    let meta = std::fs::metadata(candidate).ok()?;
    (meta.is_file() && meta.mode() & 0o111 != 0).then(|| candidate.to_owned())
}

/// The file a path names (links followed): device and inode.
fn identity(path: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}
