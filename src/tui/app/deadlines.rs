//! Time: deadlines (status messages, reveals, the clipboard), auto-refresh
//! when a session comes due, and when the runner should wake the app next.

use super::super::kind::Work;
use super::super::msg::{Effect, Job};
use super::App;
use super::entries::Row;

/// A deadline that never comes (a copy kept until quit).
pub(super) const NEVER: i64 = i64::MAX;
/// Spinner frame length (ms).
pub const SPINNER_MS: i64 = 120;

impl App {
    /// What is due at `now`: expired messages and reveals go, the
    /// clipboard is cleared, sessions near expiry are refreshed.
    pub(super) fn deadlines(&mut self, now: i64) -> Vec<Effect> {
        let mut effects = Vec::new();
        if self.status.as_ref().is_some_and(|s| s.until <= now) {
            self.status = None;
        }
        if self.reveal.as_ref().is_some_and(|(_, until)| *until <= now) {
            self.reveal = None;
        }
        if self.clipboard.as_ref().is_some_and(|(_, at)| *at <= now)
            && let Some((value, _)) = self.clipboard.take()
        {
            effects.push(Effect::ClearClipboard(value));
        }
        if self.auto_refresh && !self.quit {
            let margin = i64::from(self.config.refresh_margin);
            let secs = now.div_euclid(1000);
            let logging_in = self.login.as_ref().map(|l| l.job.name.clone());
            for entry in &mut self.entries {
                let due = entry.refresh_due(secs, margin).is_some_and(|d| d <= secs);
                // Most entries are not due: the rest is asked of those only.
                if !due {
                    continue;
                }
                let busy = entry.busy.is_some() || logging_in.as_deref() == Some(entry.name());
                if !busy && entry.retry_at <= now {
                    // Unforced: the core refreshes by the same rule.
                    let force = false;
                    entry.busy = Some((Work::Refresh { auto: true }, now));
                    let job = Job {
                        name: entry.name().to_owned(),
                        generation: entry.generation,
                    };
                    effects.push(Effect::Refresh { job, force });
                }
            }
        }
        effects
    }

    /// When the app next needs a [`Msg::Tick`](super::super::msg::Msg::Tick)
    /// (Unix ms), or `None` to wait for input alone: each second while a
    /// countdown is on screen, a spinner frame while work runs, and the
    /// next deadline.
    pub fn next_wakeup(&self, now: i64) -> Option<i64> {
        let secs = now.div_euclid(1000);
        let mut next: Option<i64> = None;
        let mut at = |t: i64| next = Some(next.map_or(t, |n: i64| n.min(t)));
        if self.countdown_on_screen(secs) {
            at((secs + 1) * 1000);
        }
        if self.login.is_some() || self.entries.iter().any(|e| e.busy.is_some()) {
            at(now + SPINNER_MS);
        }
        if let Some(s) = &self.status {
            at(s.until);
        }
        if let Some((_, until)) = &self.reveal {
            at(*until);
        }
        if let Some((_, clear)) = self.clipboard.as_ref().filter(|(_, c)| *c != NEVER) {
            at(*clear);
        }
        if self.auto_refresh {
            let margin = i64::from(self.config.refresh_margin);
            for e in self.entries.iter().filter(|e| self.work(e).is_none()) {
                if let Some(due) = e.refresh_due(secs, margin) {
                    at((due * 1000).max(e.retry_at).max(now));
                }
            }
        }
        next
    }

    /// Whether any countdown shown (the list rows on screen and the
    /// detail pane) changes each second.
    fn countdown_on_screen(&self, secs: i64) -> bool {
        let height = self.areas().list_rows();
        let end = (self.scroll + height).min(self.rows.len());
        let visible = self.rows[self.scroll.min(end)..end]
            .iter()
            .any(|r| match r {
                Row::Entry(i) => self.entries[*i].counting(secs),
                Row::Heading(..) => false,
            });
        visible || self.current().is_some_and(|e| e.counting(secs))
    }
}
