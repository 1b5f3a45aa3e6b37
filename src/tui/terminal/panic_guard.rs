//! The panic guard: background work that cannot take the screen down
//! with it.
//!
//! A panic anywhere runs the panic hook, which restores the terminal
//! before printing the message. That is right when the app itself dies,
//! and wrong when background work panics: tokio catches that panic and the
//! app would go on drawing into a terminal already handed back. So the
//! hook ([`install_panic_hook`]) restores the terminal only for a panic in
//! the app's own code: the event loop marks the drawing thread only while
//! the loop itself is polled ([`drawing`]), not while the runtime polls
//! spawned tasks on that same thread (ours, or the HTTP client's
//! connections). Our tasks also carry a mark of their own and answer
//! [`Done::Crashed`] so their spinner stops and the user sees an error; any
//! other thread's panic (a blocking task, the demo's sandbox) is logged
//! while the app holds the terminal.

use std::cell::Cell;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use tokio::sync::mpsc::UnboundedSender;

use super::super::msg::{Done, Job, Msg};

thread_local! {
    static IN_TASK: Cell<bool> = const { Cell::new(false) };
    static DRAWS: Cell<bool> = const { Cell::new(false) };
}

/// Set while the app holds the terminal (raw mode, alternate screen).
static TERMINAL_TAKEN: AtomicBool = AtomicBool::new(false);

/// Whether the current thread is running background work.
#[cfg(test)]
fn in_task() -> bool {
    IN_TASK.get()
}

/// Records that the app took (`true`) or gave back the terminal, on the
/// thread that draws.
pub fn terminal_taken(taken: bool) {
    DRAWS.set(taken);
    TERMINAL_TAKEN.store(taken, Ordering::SeqCst);
}

/// Installs the app's panic hook over the current one (see the module
/// docs): `restore` runs, then the previous hook, only for a panic that
/// ends the app.
pub fn install_panic_hook(restore: fn()) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let taken = TERMINAL_TAKEN.load(Ordering::SeqCst);
        if !taken {
            previous(info);
        } else if DRAWS.get() && !IN_TASK.get() {
            restore();
            previous(info);
        } else {
            // Caught (tokio, or our guard): the app keeps running.
            tracing::error!(%info, "panic in background work");
        }
    }));
}

/// Runs `work` marked as background work; a panic becomes its text.
pub fn guarded<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    let was = IN_TASK.replace(true);
    let result = catch_unwind(AssertUnwindSafe(work));
    IN_TASK.set(was);
    result.map_err(|panic| {
        panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a background task panicked".into())
    })
}

/// The event loop, marked as the app's own code while it is polled (and
/// after it ends, until the terminal is given back).
pub async fn drawing<F: Future>(event_loop: F) -> F::Output {
    Drawing(Box::pin(event_loop)).await
}

struct Drawing<F>(Pin<Box<F>>);

impl<F: Future> Future for Drawing<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        DRAWS.set(true);
        let polled = self.get_mut().0.as_mut().poll(cx);
        // While pending, the runtime polls spawned tasks on this thread.
        DRAWS.set(polled.is_ready());
        polled
    }
}

/// A future polled under [`guarded`].
struct Guarded<F>(Pin<Box<F>>);

impl<F: Future<Output = ()>> Future for Guarded<F> {
    type Output = Result<(), String>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = &mut self.get_mut().0;
        match guarded(|| inner.as_mut().poll(cx)) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(())) => Poll::Ready(Ok(())),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

/// Spawns background work for `job`; if it panics, the app hears
/// [`Done::Crashed`] instead of nothing.
pub fn spawn(
    tx: &UnboundedSender<Msg>,
    job: Job,
    work: impl Future<Output = ()> + Send + 'static,
) -> tokio::task::JoinHandle<()> {
    let tx = tx.clone();
    tokio::spawn(async move {
        if let Err(panic) = Guarded(Box::pin(work)).await {
            tracing::error!(name = %job.name, %panic, "background task panicked");
            let _ = tx.send(Msg::Done(job, Done::Crashed(panic)));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_task_answers_crashed_and_is_marked_while_it_runs() {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let job = Job {
            name: "x".into(),
            generation: 3,
        };
        assert!(!in_task());
        spawn(&tx, job.clone(), async {
            assert!(in_task());
            tokio::task::yield_now().await;
            panic!("boom");
        })
        .await
        .unwrap();
        assert!(!in_task());
        match rx.recv().await {
            Some(Msg::Done(j, Done::Crashed(text))) => {
                assert_eq!(j, job);
                assert_eq!(text, "boom");
            }
            other => panic!("want Crashed, got {other:?}"),
        }
        spawn(&tx, job, async {}).await.unwrap();
        assert!(rx.try_recv().is_err(), "a task that ends well says nothing");
    }

    static RESTORES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    fn count_restore() {
        RESTORES.fetch_add(1, Ordering::SeqCst);
    }

    #[test]
    fn the_hook_restores_only_for_a_panic_that_ends_the_app() {
        install_panic_hook(count_restore);
        terminal_taken(true);
        // Background work on the drawing thread, caught by its guard.
        assert!(guarded(|| panic!("task")).is_err());
        // A task nobody guards (an HTTP connection's, say), polled by the
        // runtime on the drawing thread while the event loop waits.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let unguarded = runtime.block_on(drawing(async {
            tokio::spawn(async { panic!("connection task") }).await
        }));
        assert!(unguarded.is_err_and(|e| e.is_panic()));
        // Another thread (a blocking task, the sandbox) while the app runs.
        assert!(std::thread::spawn(|| panic!("elsewhere")).join().is_err());
        let after_background = RESTORES.load(Ordering::SeqCst);
        // The drawing thread itself: the app dies, the terminal comes back.
        assert!(catch_unwind(|| panic!("app")).is_err());
        let after_app = RESTORES.load(Ordering::SeqCst);
        terminal_taken(false);
        drop(std::panic::take_hook());
        assert_eq!(after_background, 0);
        assert_eq!(after_app, 1);
    }
}
