//! The last probe (or picked call), after the last failed outcome when
//! one is kept (a refused probe, a refresh that needs a login): the
//! request, status and reason with the latency (green for a 2xx, red
//! otherwise), the warning said before sending (the credential lacks the
//! operation's scopes), the hint, then the body as the server sent it,
//! pretty-printed JSON one row per line. The body joins the scrolling
//! document as raw rows, shaped only when on screen.

use crate::time_text;
use ratatui::style::Style;

use super::super::super::app::entries::Failure;
use super::super::super::msg::ProbeView;
use super::super::super::{strings, theme};
use super::super::text::{self, Doc};

/// Appends the probe section (or how to start one) to `doc`; `hint` is the
/// probe's hint in the app's words.
pub fn push<'a>(
    doc: &mut Doc<'a>,
    view: Option<&'a ProbeView>,
    failure: Option<&Failure>,
    hint: Option<&str>,
    keys: &str,
    now: i64,
    width: usize,
) {
    if let Some(failure) = failure {
        // The last outcome: what failed, why, and the key that helps. An
        // older answer, if any, follows under its own rule.
        let when = time_text::relative(failure.at, now, false);
        let mut lines = vec![text::rule("probe", &when, width)];
        lines.extend(text::paragraph(
            &strings::failed(failure.what, &failure.reason),
            width,
            theme::error(),
        ));
        if let Some(fix) = &failure.fix {
            lines.extend(text::paragraph(
                &strings::fix_line(fix),
                width,
                theme::hint(),
            ));
        }
        doc.lines(lines);
        if view.is_none() {
            return;
        }
    }
    let Some(view) = view else {
        let mut lines = vec![text::rule("probe", "", width)];
        lines.extend(text::paragraph(
            &strings::not_probed(keys),
            width,
            theme::label(),
        ));
        doc.lines(lines);
        return;
    };
    let when = time_text::relative(view.at, now, false);
    let mut lines = vec![text::rule("probe", &when, width)];
    lines.extend(text::paragraph(&view.request, width, Style::new()));
    let status = match view.status {
        Some(code) => format!("{code} {} · {}", view.reason, latency(view.latency_ms)),
        None => format!("{} · {}", view.reason, latency(view.latency_ms)),
    };
    let style = if view.ok() {
        theme::ok()
    } else {
        theme::error()
    };
    lines.extend(text::paragraph(&status, width, style));
    // Said before sending; shown under the status so the answer stays in view.
    if let Some(warning) = &view.warning {
        lines.extend(text::paragraph(warning, width, theme::hint()));
    }
    if let Some(hint) = hint {
        lines.extend(text::paragraph(hint, width, theme::hint()));
    }
    doc.lines(lines);
    doc.raw(&view.body, Style::new());
}

/// `42 ms`, `0.8 ms`, `1.25 s`.
fn latency(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else if ms >= 10.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_reads_at_every_scale() {
        let cases = [(0.84, "0.8 ms"), (42.4, "42 ms"), (1250.0, "1.25 s")];
        crate::testing::cases::check_all(cases, |(ms, want)| {
            assert_eq!(latency(ms), want);
        });
    }
}
