//! The one browser launcher: the login's authorization URL, the device
//! grant's verification page and the implicit grant's address open here.
//!
//! A launcher may block (or never return: a text browser runs until it is
//! closed), so it runs on a thread of its own and nothing waits for it; a
//! failure to open is logged and handed to the face, never fatal: the URL
//! is always shown too.

/// Where a browser may be started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Launch {
    /// Whatever `$BROWSER` or the system offers (the command line: a text
    /// browser in a plain terminal is the user's choice).
    Any,
    /// Only when a graphical one can open: without a display server a Unix
    /// "browser" is a text one (w3m, lynx) that would take over the very
    /// terminal a full-screen app draws on.
    GraphicalOnly,
}

/// Whether [`open`] with `launch` would start a browser here.
pub fn can_open(launch: Launch) -> bool {
    why_not(launch).is_none()
}

/// Why [`open`] with `launch` would not start a browser here, in words
/// for the user; `None` when it would. An explicit `$BROWSER` is the
/// user's choice and is honoured even without a display.
pub fn why_not(launch: Launch) -> Option<&'static str> {
    let chosen = std::env::var_os("BROWSER").is_some_and(|b| !b.is_empty());
    match launch {
        Launch::Any => None,
        Launch::GraphicalOnly if has_display() || chosen => None,
        Launch::GraphicalOnly => Some(
            "no browser was started: there is no display ($DISPLAY and $WAYLAND_DISPLAY are unset) \
             and no $BROWSER is set, and a text browser would take over this terminal",
        ),
    }
}

/// Opens `url` in the user's browser on a thread of its own, when
/// [`can_open`] says so; `failed` is called there with the launcher's error
/// if it could not. Returns whether a launcher was started.
pub fn open(url: &str, launch: Launch, failed: impl FnOnce(String) + Send + 'static) -> bool {
    if !can_open(launch) {
        return false;
    }
    let url = url.to_owned();
    std::thread::spawn(move || {
        if let Err(e) = webbrowser::open(&url) {
            tracing::info!(error = %e, "no browser opened");
            failed(e.to_string());
        }
    });
    true
}

fn has_display() -> bool {
    let unix_desktop = cfg!(all(unix, not(target_os = "macos")));
    !unix_desktop
        || ["DISPLAY", "WAYLAND_DISPLAY"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}
