//! The last probe: status, latency, hint, and the body. (Scaffold.)

use ratatui::text::Line;

use super::super::super::msg::ProbeView;

/// The probe section.
pub fn lines(view: &ProbeView, _now: i64, _width: u16) -> Vec<Line<'static>> {
    let status = view
        .status
        .map_or_else(|| "no answer".to_owned(), |s| s.to_string());
    let mut lines = vec![Line::from(format!(
        "{} {} · {:.1} ms",
        status, view.reason, view.latency_ms
    ))];
    lines.extend(view.body.iter().map(|l| Line::from(l.clone())));
    lines
}
