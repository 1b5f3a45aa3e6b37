//! The sandbox server itself: its sipgate API and hooks, its realm spoken
//! to as a client would, and the `sandbox` command as a user runs it.

mod api;
mod command;
mod realm;
