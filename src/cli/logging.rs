//! Opt-in diagnostics: `SIPAUTH_LOG=debug` writes a log to a 0600 file
//! (`SIPAUTH_LOG_FILE`, default beside the store), never to the terminal.
//! Nothing logged carries a secret: the core logs names, URLs, statuses and
//! timings only.

use std::io::Write;
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
        // terminal's text, since the log is read on one, and keep each
        // event on its own line so a value cannot forge another event.
        .with_writer(EventLines(Mutex::new(SafeWriter::new(file))))
        .try_init()
        .map_err(|e| anyhow::anyhow!("cannot start logging: {e}"))?;
    Ok(Some(path))
}

/// The log file, one event per line: tracing formats each event into one
/// buffer, which reaches the file whole, with any line break inside it
/// (from a logged value, say a server's text) written as a visible `\n`.
/// A line in the log is therefore always an event the tool logged.
struct EventLines<W>(Mutex<W>);

/// One event being formatted.
struct EventBuf<'a, W: Write> {
    buf: Vec<u8>,
    file: &'a Mutex<W>,
}

impl<'a, W: Write + 'a> tracing_subscriber::fmt::MakeWriter<'a> for EventLines<W> {
    type Writer = EventBuf<'a, W>;

    fn make_writer(&'a self) -> Self::Writer {
        EventBuf {
            buf: Vec::new(),
            file: &self.0,
        }
    }
}

impl<W: Write> Write for EventBuf<'_, W> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<W: Write> Drop for EventBuf<'_, W> {
    fn drop(&mut self) {
        let body = self.buf.strip_suffix(b"\n").unwrap_or(&self.buf);
        let mut line = Vec::with_capacity(body.len() + 1);
        for &b in body {
            match b {
                b'\n' => line.extend_from_slice(b"\\n"),
                b'\r' => line.extend_from_slice(b"\\r"),
                _ => line.push(b),
            }
        }
        line.push(b'\n');
        let mut file = self
            .file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Logging never fails a command.
        let _ = file.write_all(&line).and_then(|()| file.flush());
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::Mutex;

    use tracing_subscriber::fmt::MakeWriter;

    use super::EventLines;

    #[test]
    fn a_line_break_in_an_event_cannot_start_another_line() {
        let lines = EventLines(Mutex::new(Vec::new()));
        {
            let mut w = lines.make_writer();
            w.write_all(b"INFO real: server said ").unwrap();
            w.write_all(b"ok\n2026-01-01T00:00:00Z  INFO forged: logged in\r\n")
                .unwrap();
        }
        lines.make_writer().write_all(b"INFO next\n").unwrap();
        let out = String::from_utf8(lines.0.into_inner().unwrap()).unwrap();
        assert_eq!(
            out,
            "INFO real: server said ok\\n2026-01-01T00:00:00Z  INFO forged: logged in\\r\nINFO next\n"
        );
        assert_eq!(out.lines().count(), 2);
    }
}
