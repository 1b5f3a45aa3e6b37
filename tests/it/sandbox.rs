//! The sandbox server itself: its realm spoken to as a client would, and
//! the `sandbox` command as a user runs it.

mod command;
mod realm;
