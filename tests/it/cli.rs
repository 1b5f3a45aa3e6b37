//! The command line: each subcommand through the real binary, against real
//! files and, where HTTP is involved, the in-process sandbox.

mod color;
mod completions;
mod concurrency;
mod credentials;
mod curl_path;
mod decode;
mod endpoints;
mod exec;
mod help;
mod hostile;
mod hostile_files;
mod import;
mod keyring;
mod oauth;
mod probe;
mod render;
mod store_file;
mod verify;
