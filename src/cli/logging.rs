//! Opt-in diagnostics: `SIPAUTH_LOG=debug` writes a log to a 0600 file
//! (`SIPAUTH_LOG_FILE`, default beside the store), never to the terminal.
//! Nothing logged carries a secret: the core logs names, URLs, statuses and
//! timings only.

use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};
use sipauth_tui::sanitize::SafeWriter;
use tracing_subscriber::EnvFilter;

/// Starts file logging when `SIPAUTH_LOG` is set; returns where it goes.
pub fn init(store: &Path) -> Result<Option<PathBuf>> {
    init_with(store, None)
}

/// Logging for the full-screen app: on at `info` unless `SIPAUTH_LOG`
/// says otherwise, since the app has no stderr to report on; always to
/// the file, never the screen.
pub fn init_tui(store: &Path) -> Result<Option<PathBuf>> {
    init_with(store, Some("info"))
}

fn init_with(store: &Path, default: Option<&str>) -> Result<Option<PathBuf>> {
    let Some(filter) = std::env::var("SIPAUTH_LOG")
        .ok()
        .or_else(|| default.map(str::to_owned))
    else {
        return Ok(None);
    };
    let path = match std::env::var_os("SIPAUTH_LOG_FILE") {
        Some(p) => PathBuf::from(p),
        None => store.with_file_name("sipauth-tui.log"),
    };
    if let Some(dir) = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty() && !d.is_dir())
    {
        // Usually the store's own directory: private, like the store makes it.
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .and_then(|()| std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)))
            .with_context(|| format!("cannot create log directory {}", dir.display()))?;
    }
    // A FIFO or a device in the log's place is refused, never blocked on.
    let (file, _) = sipauth_tui::files::open_write(&path, true, true, 0o600)
        .with_context(|| format!("cannot open log file {}", path.display()))?;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("cannot make log file {} private", path.display()))?;
    let filter = EnvFilter::try_new(&filter)
        .with_context(|| format!("SIPAUTH_LOG=`{filter}` is not a log filter (try debug)"))?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        // A value logged with `%` is written as it is: filter it like the
        // terminal's text, since the log is read on one.
        .with_writer(Mutex::new(SafeWriter::new(file)))
        .try_init()
        .map_err(|e| anyhow::anyhow!("cannot start logging: {e}"))?;
    Ok(Some(path))
}
