//! `sipauth-tui man`: the man page (roff, section 1), built from the same
//! command tree as `--help` (clap_mangen for the title, synopsis, options
//! ; every command's usage, description, options and examples below), plus the config file, environment, files and exit codes.

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;
use clap_mangen::roff::{Roff, bold, italic, roman};

use super::{Cli, Outcome};

/// The environment variables, as the README's table has them.
const ENVIRONMENT: &[(&str, &str)] = &[
    ("SIPAUTH_STORE", "The store file (like --store)."),
    (
        "SIPAUTH_CONFIG",
        "The config file (default config.toml in the platform config directory).",
    ),
    (
        "SIPAUTH_STORAGE",
        "keyring (default) or plaintext: where the store's secrets live, over the config's storage.",
    ),
    (
        "SIPAUTH_KEY_COMMAND",
        "A command that prints the data key, instead of the OS keyring (over the config's key_command).",
    ),
    (
        "SIPAUTH_LOCK_TIMEOUT",
        "Seconds to wait for the store lock (default 10).",
    ),
    (
        "SIPAUTH_LOG",
        "A tracing filter such as debug: writes a log file, never to the terminal.",
    ),
    (
        "SIPAUTH_LOG_FILE",
        "Where that log goes (default sipauth-tui.log beside the store); created 0600.",
    ),
    (
        "SIPAUTH_HTTP_TIMEOUT",
        "Total seconds for each call to an authorization server (default 30; connect 5).",
    ),
    (
        "SIPAUTH_REFRESH_MARGIN",
        "Default of --min-valid: refresh a session first when fewer seconds are left (default 30).",
    ),
    (
        "SIPAUTH_COMPLETE",
        "Set by the completion scripts of `sipauth-tui completions` when they ask for candidates.",
    ),
    (
        "NO_COLOR, CLICOLOR_FORCE",
        "No colour (set and not empty); colour even in a pipe (set, not 0). --color decides first.",
    ),
    ("BROWSER", "The browser login opens."),
    (
        "XDG_CACHE_HOME",
        "Where decode --verify caches JWKS (sipauth-tui/jwks/, 0600 files, 1 h).",
    ),
    (
        "HTTPS_PROXY, NO_PROXY",
        "Honoured by the probe and the OAuth calls.",
    ),
];

const FILES: &[(&str, &str)] = &[
    (
        "$XDG_DATA_HOME/sipauth-tui/store.json",
        "The store (0600 in a 0700 directory, written atomically under a lock); its secrets are sealed with AES-256-GCM under a data key kept in the OS keyring.",
    ),
    (
        "$XDG_CONFIG_HOME/sipauth-tui/config.toml",
        "The config file (see CONFIGURATION).",
    ),
    (
        "sipauth-tui.log",
        "The log beside the store, 0600, when SIPAUTH_LOG is set (the app always logs at info).",
    ),
];

const CONFIG: &[(&str, &str)] = &[
    (
        "auto_refresh = true",
        "Refresh sessions in the background (the app).",
    ),
    (
        "refresh_margin = 60",
        "... when fewer seconds of access are left.",
    ),
    ("clipboard = \"auto\"", "auto | system | osc52 | none."),
    (
        "clipboard_clear = 45",
        "Seconds until a copy is cleared; 0: only on quit.",
    ),
    (
        "reveal_seconds = 10",
        "How long the app shows a revealed secret.",
    ),
    (
        "probe_path = \"/account\"",
        "What a probe asks for under the API base.",
    ),
    (
        "storage = \"keyring\"",
        "keyring | plaintext: where the store's secrets live.",
    ),
    (
        "key_command = \"pass show sipauth-tui\"",
        "A command that prints the data key (headless machines, CI).",
    ),
    (
        "key_cache_minutes = 15",
        "How long the kernel keyring caches the key after the first unlock.",
    ),
    (
        "[keys] probe = [\"p\", \"f5\"]",
        "Key bindings of the app: action = [keys].",
    ),
];

const EXIT: &[(&str, &str)] = &[
    (
        "0",
        "Success (also when the reader of a pipe goes away early).",
    ),
    (
        "1",
        "Failure: error: ... on stderr with one caused by: line per cause, or a probe that did not get a 2xx.",
    ),
    (
        "2",
        "Usage error (unknown command or flag, missing argument, a bad value).",
    ),
];

fn tagged_list(roff: &mut Roff, items: &[(&str, &str)]) {
    for (tag, text) in items {
        roff.control("TP", []);
        roff.text([bold(*tag)]);
        roff.text([roman(*text)]);
    }
}

/// Every command below `cmd`, depth first, with its full name.
fn commands(cmd: &clap::Command, prefix: &str, out: &mut Vec<(String, clap::Command)>) {
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" || sub.is_hide_set() {
            continue;
        }
        let name = format!("{prefix} {}", sub.get_name());
        out.push((name.clone(), sub.clone()));
        commands(sub, &name, out);
    }
}

fn command_section(roff: &mut Roff, name: &str, cmd: &mut clap::Command) {
    roff.control("SS", [name]);
    let usage = cmd.render_usage().to_string();
    let usage = usage.trim_start_matches("Usage: ").to_owned();
    roff.text([italic(usage)]);
    let about = cmd
        .get_long_about()
        .or_else(|| cmd.get_about())
        .map(ToString::to_string)
        .unwrap_or_default();
    for paragraph in about.split("\n\n") {
        roff.control("PP", []);
        roff.text([roman(paragraph.replace('\n', " "))]);
    }
    for arg in cmd.get_arguments() {
        if arg.is_hide_set() || matches!(arg.get_id().as_str(), "help" | "version" | "store") {
            continue;
        }
        let mut tag = match (arg.get_long(), arg.get_short()) {
            (Some(long), _) => format!("--{long}"),
            (None, Some(short)) => format!("-{short}"),
            (None, None) => arg.get_id().as_str().to_uppercase(),
        };
        if arg.get_long().is_some()
            && arg.get_action().takes_values()
            && let Some(names) = arg.get_value_names()
        {
            tag.push_str(&format!(" <{}>", names.join(" ")));
        }
        roff.control("TP", []);
        roff.text([bold(tag)]);
        let help = arg
            .get_long_help()
            .or_else(|| arg.get_help())
            .map(ToString::to_string)
            .unwrap_or_default();
        roff.text([roman(help.replace('\n', " "))]);
    }
    if let Some(after) = cmd.get_after_help() {
        roff.control("PP", []);
        roff.control("nf", []);
        roff.text([roman(after.to_string())]);
        roff.control("fi", []);
    }
}

/// The whole page.
pub fn page() -> Result<Vec<u8>> {
    let mut cmd = Cli::command();
    cmd.build();
    let man = clap_mangen::Man::new(cmd.clone())
        .title("SIPAUTH-TUI")
        .section("1")
        .manual("sipauth-tui manual");
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    let mut roff = Roff::new();
    roff.control("SH", ["COMMANDS"]);
    let mut all = Vec::new();
    commands(&cmd, "sipauth-tui", &mut all);
    for (name, mut sub) in all {
        command_section(&mut roff, &name, &mut sub);
    }
    roff.control("SH", ["CONFIGURATION"]);
    roff.text([roman(
        "$XDG_CONFIG_HOME/sipauth-tui/config.toml (SIPAUTH_CONFIG points elsewhere). Every field is optional; an unknown field or a key bound twice is an error that names it.",
    )]);
    tagged_list(&mut roff, CONFIG);
    roff.control("SH", ["ENVIRONMENT"]);
    tagged_list(&mut roff, ENVIRONMENT);
    roff.control("SH", ["FILES"]);
    tagged_list(&mut roff, FILES);
    roff.control("SH", ["EXIT STATUS"]);
    tagged_list(&mut roff, EXIT);
    roff.to_writer(&mut out)?;
    man.render_version_section(&mut out)?;
    Ok(ascii_only(&out))
}

/// Non-ASCII characters as groff's `\[uXXXX]`, so every troff renders
/// them without a warning (with or without preconv).
fn ascii_only(page: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(page);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", u32::from(c)));
        }
    }
    out.into_bytes()
}

/// `man`: prints the page.
pub fn run(out: &mut impl Write) -> Result<Outcome> {
    out.write_all(&page()?)?;
    Ok(Outcome::Success)
}
