//! The command line: each subcommand through the real binary, against real
//! files and, where HTTP is involved, the in-process sandbox.

mod concurrency;
mod credentials;
mod decode;
mod hostile;
mod hostile_files;
mod import;
mod oauth;
mod probe;
mod render;
mod store_file;
mod verify;
