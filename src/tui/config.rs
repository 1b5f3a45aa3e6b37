//! The TUI's config file: `config.toml` in the platform config directory
//! (`~/.config/sipauth-tui/` on Linux), or `SIPAUTH_CONFIG`. Every field is
//! optional; unknown fields are an error, so a typo is not silently ignored.
//!
//! ```toml
//! auto_refresh = true     # refresh sessions in the background
//! refresh_margin = 60     # ... when fewer seconds of access are left
//! clipboard = "auto"      # auto | system | osc52 | none
//! clipboard_clear = 45    # seconds until a copied secret is cleared; 0: only on quit
//! reveal_seconds = 10     # how long `s` shows a secret
//! probe_path = "/account" # what `p` asks for under the API base
//! storage = "keyring"     # keyring | plaintext: where the store's secrets live
//! key_command = "pass show sipauth-tui" # prints the data key instead of the keyring
//! key_cache_minutes = 15  # how long the kernel keyring caches the key; 0: not at all
//!
//! theme = "light"         # dark | light | high-contrast | mono (default dark; mono under NO_COLOR)
//!
//! [keys]                  # action = [keys]; see the help overlay (`?`)
//! probe = ["p", "f5"]
//!
//! [colors]                # role = colour name, #rrggbb or 0-255
//! expiring = "#d75f00"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use thiserror::Error;

use crate::sanitize::strip_controls;

use super::keymap::Keymap;
use super::msg::Action;

/// Where copies go.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClipboardMode {
    /// The system clipboard when a display server answers, else OSC 52.
    #[default]
    Auto,
    /// The system clipboard only.
    System,
    /// OSC 52 only (the terminal's clipboard; tmux needs `set-clipboard on`).
    Osc52,
    /// Never: copies are shown on screen instead.
    None,
}

/// Whether the store's secrets are sealed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StorageMode {
    /// Sealed under a data key from the OS keyring (or `key_command`).
    #[default]
    Keyring,
    /// Not sealed, chosen explicitly; every write warns.
    Plaintext,
}

/// The settings, with defaults for everything the file leaves out.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Refresh sessions in the background before they expire.
    pub auto_refresh: bool,
    /// Seconds of access left under which a session is refreshed.
    pub refresh_margin: u32,
    /// Where copies go.
    pub clipboard: ClipboardMode,
    /// Seconds until a copied value is cleared (0: only on quit).
    pub clipboard_clear: u32,
    /// Seconds a revealed secret stays visible.
    pub reveal_seconds: u32,
    /// Path probed under the API base.
    pub probe_path: String,
    /// Rebound keys, by action name.
    pub keys: BTreeMap<Action, Vec<String>>,
    /// Where the store's secrets live.
    pub storage: StorageMode,
    /// A shell command that prints the data key (64 hex digits or Base64
    /// of 32 bytes), used instead of the OS keyring.
    pub key_command: Option<String>,
    /// Minutes the kernel keyring caches the key (0: not at all).
    pub key_cache_minutes: u32,
    /// The palette: dark, light, high-contrast or mono [default: dark,
    /// mono under NO_COLOR].
    pub theme: Option<super::theme::ThemeName>,
    /// Single roles recoloured: role = colour.
    pub colors: BTreeMap<String, String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            auto_refresh: true,
            refresh_margin: 60,
            clipboard: ClipboardMode::Auto,
            clipboard_clear: 45,
            reveal_seconds: 10,
            probe_path: "/account".into(),
            keys: BTreeMap::new(),
            storage: StorageMode::Keyring,
            key_command: None,
            key_cache_minutes: 15,
            theme: None,
            colors: BTreeMap::new(),
        }
    }
}

/// Why the config file was not used.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// The file exists but cannot be read.
    #[error("cannot read config file {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why: not a regular file, larger than the limit, an OS error.
        source: crate::files::FileError,
    },
    /// The file is not valid TOML or has a bad field.
    #[error("config file {path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, with line and column.
        message: String,
    },
}

impl Config {
    /// The default location, `<config dir>/sipauth-tui/config.toml`.
    pub fn default_path() -> Option<PathBuf> {
        directories::ProjectDirs::from("com", "sipauth", "sipauth-tui")
            .map(|dirs| dirs.config_dir().join("config.toml"))
    }

    /// Reads a config file; a missing file means the defaults. Only a
    /// regular file (or a link to one) of at most 1 MiB is read.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let invalid = |message| ConfigError::Invalid {
            path: path.to_owned(),
            message,
        };
        match crate::files::read_limited(path, crate::files::CONFIG_LIMIT) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|e| {
                    invalid(format!(
                        "not UTF-8 text (at byte {})",
                        e.utf8_error().valid_up_to()
                    ))
                })?;
                Self::parse(&text).map_err(invalid)
            }
            Err(crate::files::FileError::Missing) => Ok(Self::default()),
            Err(source) => Err(ConfigError::Read {
                path: path.to_owned(),
                source,
            }),
        }
    }

    /// Parses config text and checks the key bindings.
    pub fn parse(text: &str) -> Result<Self, String> {
        // toml's message quotes the offending line as it is in the file.
        let config: Config =
            toml::from_str(text).map_err(|e| strip_controls(e.to_string().trim()))?;
        config.keymap()?;
        config.palette(false)?;
        if config.refresh_margin > 3600 {
            return Err("refresh_margin must be at most 3600 seconds".into());
        }
        if !config.probe_path.starts_with('/') || config.probe_path.chars().any(char::is_control) {
            return Err("probe_path must start with `/` and hold no control characters".into());
        }
        if config.key_cache_minutes > 24 * 60 {
            return Err("key_cache_minutes must be at most 1440 (a day)".into());
        }
        if let Some(command) = &config.key_command
            && (command.trim().is_empty() || command.chars().any(char::is_control))
        {
            return Err("key_command must be a non-empty command on one line".into());
        }
        Ok(config)
    }

    /// The palette these settings describe; `no_color` is whether
    /// `NO_COLOR` is set (and not empty).
    pub fn palette(&self, no_color: bool) -> Result<super::theme::Palette, String> {
        super::theme::palette_for(self.theme, no_color, &self.colors)
    }

    /// The keymap these settings describe.
    pub fn keymap(&self) -> Result<Keymap, String> {
        Keymap::with_overrides(&self.keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_is_the_defaults() {
        assert_eq!(Config::parse("").unwrap(), Config::default());
    }

    #[test]
    fn fields_and_keys_are_read() {
        let config = Config::parse(
            "auto_refresh = false\nrefresh_margin = 90\nclipboard = \"osc52\"\nclipboard_clear = 0\n[keys]\nprobe = [\"f5\"]\n",
        )
        .unwrap();
        assert!(!config.auto_refresh);
        assert_eq!(config.refresh_margin, 90);
        assert_eq!(config.clipboard, ClipboardMode::Osc52);
        assert_eq!(config.clipboard_clear, 0);
        assert_eq!(config.keymap().unwrap().keys_of(Action::Probe), "F5");
        let config = Config::parse(
            "storage = \"plaintext\"\nkey_command = \"pass show k\"\nkey_cache_minutes = 0\n",
        )
        .unwrap();
        assert_eq!(config.storage, StorageMode::Plaintext);
        assert_eq!(config.key_command.as_deref(), Some("pass show k"));
        assert_eq!(config.key_cache_minutes, 0);
    }

    #[test]
    fn mistakes_are_named() {
        let cases = [
            ("auto_refesh = true", "auto_refesh"),
            ("clipboard = \"x11\"", "x11"),
            ("[keys]\nprobe = [\"q\"]", "bound to both"),
            ("[keys]\nfly = [\"x\"]", "fly"),
            ("refresh_margin = -1", "refresh_margin"),
            ("probe_path = \"account\"", "probe_path"),
            ("storage = \"disk\"", "disk"),
            ("key_cache_minutes = 5000", "key_cache_minutes"),
            ("key_command = \"  \"", "key_command"),
            ("key_command = \"pass\\nshow\"", "key_command"),
        ];
        crate::testing::cases::check_all(cases, |(text, needle)| {
            let err = Config::parse(text).unwrap_err();
            assert!(err.contains(needle), "{text}: {err}");
        });
    }

    #[test]
    fn a_bad_line_is_quoted_without_its_escape_sequences() {
        let hostile = "probe_path = \"/a\"\nclipboard = 3 # \u{1b}]0;pwned\u{7}\u{1b}]52;c;aGk=\u{7}\u{9b}2J\u{202e}\n";
        let err = Config::parse(hostile).unwrap_err();
        assert!(err.contains("clipboard"), "{err}");
        assert!(err.chars().all(crate::sanitize::is_shown), "{err:?}");
        assert!(!err.contains("pwned"), "{err}");
    }

    #[test]
    fn a_missing_file_is_the_defaults_and_a_bad_one_names_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        assert_eq!(Config::load(&path).unwrap(), Config::default());
        std::fs::write(&path, "clipboard = 3").unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains("config.toml"), "{err}");
    }
}
