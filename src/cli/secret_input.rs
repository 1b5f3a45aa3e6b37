//! Reading a secret without it ever touching argv: a no-echo prompt on a
//! terminal, otherwise standard input.

use std::io::{self, IsTerminal, Read};

use anyhow::{Context, Result, bail};
use sipauth_tui::credential::Secret;

mod tty;

/// More than any token or password; protects against piping a file by mistake.
const MAX_SECRET: u64 = 64 * 1024;

/// Reads the secret named `field` (e.g. "token") for credential `name`.
pub fn read_secret(field: &str, name: &str) -> Result<Secret> {
    if io::stdin().is_terminal() {
        return tty::prompt(&format!("{field} for `{name}` (input hidden): "))
            .with_context(|| format!("cannot read the {field} from the terminal"));
    }
    let mut raw = Vec::new();
    io::stdin()
        .take(MAX_SECRET + 1)
        .read_to_end(&mut raw)
        .with_context(|| format!("cannot read the {field} from stdin"))?;
    if raw.len() as u64 > MAX_SECRET {
        bail!("the {field} on stdin is longer than {MAX_SECRET} bytes; is that the right input?");
    }
    let value = String::from_utf8(raw)
        .map_err(|_| anyhow::anyhow!("the {field} on stdin is not valid UTF-8"))?;
    Ok(Secret::new(strip_one_newline(value)))
}

/// Drops one trailing `\n` (or `\r\n`), as `echo` and here-strings add one.
fn strip_one_newline(mut value: String) -> String {
    if value.ends_with('\n') {
        value.pop();
        if value.ends_with('\r') {
            value.pop();
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::strip_one_newline;

    #[test]
    fn only_one_trailing_newline_is_stripped() {
        let cases = [
            ("tok", "tok"),
            ("tok\n", "tok"),
            ("tok\r\n", "tok"),
            ("tok\n\n", "tok\n"),
            ("\n", ""),
        ];
        sipauth_tui::testing::cases::check_all(cases, |(input, want)| {
            assert_eq!(strip_one_newline(input.into()), want, "{input:?}");
        });
    }
}
