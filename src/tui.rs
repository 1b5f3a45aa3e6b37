//! The full-screen app: terminal lifecycle and the event loop.
//!
//! The design follows the Elm-like shape of the TUIs we admire: the state
//! and its one `update` live in [`app`], drawing is a pure function in
//! [`view`], background work in [`effects`] answers only through messages.
//! The loop here waits on three things at once: terminal input, messages
//! from background work, and the app's next deadline ([`App::next_wakeup`]:
//! a countdown second, a spinner frame, a message to expire). With none of
//! those pending it sleeps on input alone, so an idle screen costs nothing.
//! It redraws only when the message queue is empty.
//!
//! The terminal itself (entering and leaving app mode, the panic hook, and
//! turning its events into the app's [`Msg`]s by the app's
//! [`input_mode`](App::input_mode)) is [`terminal`]'s.

#[doc(hidden)]
pub mod app;
#[doc(hidden)]
pub mod clipboard;
pub mod config;
mod effects;
#[doc(hidden)]
pub mod endpoints;
pub mod form;
#[doc(hidden)]
pub mod fuzzy;
#[doc(hidden)]
pub mod input;
#[doc(hidden)]
pub mod keymap;
mod kind;
mod layout;
#[doc(hidden)]
pub mod msg;
#[doc(hidden)]
pub mod palette;
#[doc(hidden)]
pub mod reach;
mod strings;
mod terminal;
pub(crate) mod theme;
#[doc(hidden)]
pub mod view;
mod zone;

use anyhow::{Context, Result};
use crossterm::event::EventStream;
use futures_util::StreamExt;

use crate::store::{Store, StoreData};
use app::App;
use clipboard::Clipboard;
use effects::{Services, now_ms};
use msg::{Done, Effect, Msg};
use terminal::{Term, enter, leave};

/// What the app runs on.
pub struct Options {
    /// The store (its lock wait is raised for refreshes here).
    pub store: Store,
    /// What the store holds, read by the caller (which reports a broken
    /// store before the screen switches). Passed in rather than read again:
    /// a second copy of a large store, freed, stays in the allocator's heap
    /// (about 5 MB of RSS at 10,000 credentials).
    pub data: StoreData,
    /// Settings and key bindings.
    pub config: config::Config,
    /// The title bar label.
    pub title: String,
    /// HTTP timeouts for authorization servers.
    pub timeouts: crate::oauth::Timeouts,
    /// How the copied curl command gets its header when it runs (the
    /// command line's words), or why no command can name this store.
    pub header_fetch: Result<crate::header::HeaderFetch, String>,
    /// What new credentials' API base and issuer start as (the demo:
    /// its sandbox).
    pub form_defaults: form::Defaults,
}

/// The app's state wired to the view's measure of the detail pane (the
/// state module does not import the view: views read the state, never the
/// other way round).
pub fn new_app(
    config: config::Config,
    keymap: keymap::Keymap,
    data: StoreData,
    title: String,
    header_fetch: Result<crate::header::HeaderFetch, String>,
) -> App {
    App::new(
        config,
        keymap,
        data,
        title,
        header_fetch,
        view::detail_scroll_max,
    )
}

/// Runs the app until the user quits. The terminal is restored whatever
/// happens.
pub fn run(options: Options) -> Result<()> {
    let data = options.data;
    let keymap = options.config.keymap().map_err(anyhow::Error::msg)?;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    theme::set(
        options
            .config
            .palette(no_color)
            .map_err(anyhow::Error::msg)?,
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let mut app = new_app(
        options.config.clone(),
        keymap,
        data,
        options.title,
        options.header_fetch,
    );
    app.form_defaults = options.form_defaults;
    // One clipboard owner for the app's whole life (X11 serves copies from it).
    let mut clipboard = clipboard::open(options.config.clipboard);
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let services = Services {
        store: options
            .store
            .clone()
            .with_lock_timeout(crate::ops::lock_wait(options.timeouts)),
        http: Default::default(),
        timeouts: options.timeouts,
        margin: i64::from(options.config.refresh_margin),
        probe_path: options.config.probe_path.clone(),
        tx,
    };
    let mut terminal = enter()?;
    let result = runtime.block_on(terminal::drawing(event_loop(
        &mut terminal,
        &mut app,
        &services,
        clipboard.as_mut(),
        rx,
    )));
    // Tasks still running (a login waiting, a refresh) end with the runtime.
    runtime.shutdown_background();
    if let Some(value) = app.take_clipboard_on_exit() {
        clipboard.clear_if_holding(&value);
    }
    leave();
    result
}

async fn event_loop(
    terminal: &mut Term,
    app: &mut App,
    services: &Services,
    clipboard: &mut dyn Clipboard,
    mut rx: tokio::sync::mpsc::UnboundedReceiver<Msg>,
) -> Result<()> {
    let mut events = EventStream::new();
    // The running login's task, keyed by its job (the app owns the login).
    let mut login: Option<(msg::Job, tokio::task::AbortHandle)> = None;
    let size = terminal.size()?;
    let mut queue = vec![Msg::Resize(size.width, size.height)];
    // Times of day are shown in the local zone (its offset follows DST).
    let local = zone::local();
    loop {
        app.set_utc_offset(zone::offset(&local, now_ms().div_euclid(1000)));
        for msg in queue.drain(..) {
            for effect in app.update(msg, now_ms()) {
                perform(effect, services, clipboard, &mut login);
            }
        }
        if app.should_quit() {
            return Ok(());
        }
        terminal.draw(|frame| view::draw(frame, app, now_ms()))?;
        let wake = app.next_wakeup(now_ms());
        let sleep = async {
            match wake {
                Some(at) => {
                    let ms = u64::try_from((at - now_ms()).max(0)).unwrap_or(0);
                    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            event = events.next() => match event {
                // Routed now, by the mode the last update left: the queue is
                // empty, so no earlier message can change it first.
                Some(Ok(event)) => {
                    queue.extend(terminal::to_msg(event, app.input_mode(), app.keymap()));
                }
                Some(Err(e)) => return Err(e).context("cannot read the terminal"),
                None => return Ok(()),
            },
            Some(msg) = rx.recv() => queue.push(msg),
            () = sleep => queue.push(Msg::Tick),
        }
        while let Ok(msg) = rx.try_recv() {
            queue.push(msg);
        }
    }
}

fn perform(
    effect: Effect,
    services: &Services,
    clipboard: &mut dyn Clipboard,
    login: &mut Option<(msg::Job, tokio::task::AbortHandle)>,
) {
    let s = services.clone();
    let tx = &services.tx;
    match effect {
        Effect::Refresh { job, force } => {
            terminal::spawn(tx, job.clone(), s.refresh(job, force));
        }
        Effect::Probe {
            job,
            credential,
            call,
        } => {
            let call = call.map(|c| *c);
            terminal::spawn(tx, job.clone(), s.probe(job, *credential, call));
        }
        Effect::UserId { job, credential } => {
            terminal::spawn(tx, job.clone(), s.user_id(job, *credential));
        }
        Effect::Learn { job, credential } => {
            terminal::spawn(tx, job.clone(), s.learn(job, *credential));
        }
        Effect::Login(job) => {
            if let Some((_, old)) = login.take() {
                old.abort();
            }
            let task = terminal::spawn(tx, job.clone(), s.login(job.clone()));
            *login = Some((job, task.abort_handle()));
        }
        Effect::CancelLogin(job) => {
            if let Some((_, task)) = login.take_if(|(running, _)| *running == job) {
                task.abort();
            }
        }
        Effect::Save(job, change) => {
            terminal::spawn(tx, job.clone(), s.save(job, change));
        }
        Effect::Delete { job, revoke } => {
            terminal::spawn(tx, job.clone(), s.delete(job, revoke));
        }
        Effect::Copy(job, value) => {
            let copied = clipboard.copy(&value);
            let _ = services.tx.send(Msg::Done(job, Done::Copy(copied)));
        }
        Effect::ClearClipboard(value) => clipboard.clear_if_holding(&value),
    }
}
