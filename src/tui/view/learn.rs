//! The scope-learning pop-up: each request of the run as it answers (the
//! last ones when they do not all fit), then what it found and whether
//! that is kept with the credential.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::probe::learn::{MAX_REQUESTS, Report, Stop, Verdict};

use super::super::app::App;
use super::super::app::learning::{LearnEnd, LearnRun, Storing};
use super::super::theme;
use super::dialog::{centred, frame_box};
use super::picker::cell;
use super::text::{self, clip};

/// The widest the pop-up grows.
const MAX_WIDTH: usize = 76;

/// Draws the run over the screen `area`.
pub fn draw(frame: &mut Frame, app: &App, area: Rect, now: i64) {
    let Some(run) = app.learning() else { return };
    if area.width < 12 || area.height < 5 {
        return;
    }
    let width = usize::from(area.width).min(MAX_WIDTH).saturating_sub(2);
    let mut head = Vec::new();
    let start = match &run.end {
        None => format!(
            "{} one GET per read scope, at most {MAX_REQUESTS}…",
            super::spinner(run.since, now)
        ),
        Some(_) => format!("{} requests sent (GET only)", run.reports.len()),
    };
    head.extend(text::paragraph(&start, width, theme::info()));
    let tail = end_lines(run, width);
    // The requests fill what is left, the latest kept in view.
    let room = usize::from(area.height)
        .saturating_sub(2 + head.len() + tail.len())
        .max(1);
    let skip = run.reports.len().saturating_sub(room);
    let mut lines = head;
    lines.extend(run.reports.iter().skip(skip).map(|r| report_line(r, width)));
    lines.extend(tail);
    let rect = centred(area, width, lines.len());
    let title = format!("learn scopes of {}", run.job.name);
    let inner = frame_box(frame, rect, &title, theme::focused());
    let room = usize::from(inner.height);
    if lines.len() > room {
        // The closing line stays.
        let last = lines.pop().unwrap_or_default();
        lines.truncate(room.saturating_sub(1));
        lines.push(last);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// `GET /history   403  history:read refused`.
fn report_line(report: &Report, width: usize) -> Line<'static> {
    let status = report
        .status
        .map_or_else(|| "—".to_owned(), |s| s.to_string());
    let scope = report.scope.as_deref().unwrap_or("");
    let (said, style) = match &report.verdict {
        Some(Verdict::Granted) => (format!("{scope} granted"), theme::ok()),
        Some(Verdict::Refused) => (format!("{scope} refused"), theme::error()),
        Some(Verdict::Undecided(_)) => (format!("{scope} undecided"), theme::label()),
        Some(Verdict::UserId) => ("user id found".to_owned(), theme::label()),
        None => ("stopped".to_owned(), theme::error()),
    };
    let request = width.saturating_sub(4 + 26).max(8);
    Line::from(vec![
        Span::raw(cell(&report.request, request)),
        Span::styled(cell(&status, 4), style),
        Span::styled(clip(&said, width.saturating_sub(request + 4)), style),
    ])
}

/// What the run found, and the closing line.
fn end_lines(run: &LearnRun, width: usize) -> Vec<Line<'static>> {
    let mut lines = vec![Line::default()];
    let para = |lines: &mut Vec<Line<'static>>, text: &str, style: Style| {
        lines.extend(text::paragraph(text, width, style));
    };
    match &run.end {
        None => {}
        Some(LearnEnd::Failed(why)) => para(&mut lines, why, theme::error()),
        Some(LearnEnd::Found {
            scopes,
            stopped,
            not_asked,
            store,
        }) => {
            let list = |s: &[String]| {
                if s.is_empty() {
                    "none".to_owned()
                } else {
                    s.join(" ")
                }
            };
            para(
                &mut lines,
                &format!("granted: {}", list(&scopes.granted)),
                theme::ok(),
            );
            para(
                &mut lines,
                &format!("refused: {}", list(&scopes.refused)),
                Style::new(),
            );
            if let Some(stop) = stopped {
                let why = match stop {
                    Stop::Cap => format!("stopped at the cap; {not_asked} scopes not asked"),
                    Stop::RateLimited => "stopped: the server asked to slow down (429)".into(),
                    Stop::Unauthorized => "stopped: the credential itself is refused (401)".into(),
                    Stop::Network(hint) => format!("stopped: no answer ({hint})"),
                };
                para(&mut lines, &why, theme::error());
            }
            let stored = match store {
                Storing::Pending => "storing with the credential…".to_owned(),
                Storing::Stored => "stored with the credential".to_owned(),
                Storing::Failed(why) => format!("not stored: {why}"),
                Storing::Nothing => "nothing decided, nothing stored".to_owned(),
            };
            let style = match store {
                Storing::Failed(_) => theme::error(),
                _ => theme::label(),
            };
            para(&mut lines, &stored, style);
        }
    }
    let close = match run.end {
        None => "Esc closes (the run goes on)",
        Some(_) => "Esc closes",
    };
    lines.push(Line::default());
    lines.push(Line::styled(close.to_owned(), theme::label()));
    lines
}
