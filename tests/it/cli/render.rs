//! `header` and `curl` output, checked by the shell that will run it.

use std::process::Command;

use sipauth_tui::header::shell_quote;

use crate::support::{BIN, Env, stdout};

#[test]
fn header_prints_the_documented_vector() {
    let env = Env::new();
    env.add_basic("john", "John", "topsecret", "https://api.sipgate.com/v2");
    let out = env.cmd().args(["header", "john"]).output().unwrap();
    assert_eq!(stdout(&out), "Authorization: Basic Sm9objp0b3BzZWNyZXQ=\n");
    let out = env
        .cmd()
        .args(["header", "john", "--value"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "Basic Sm9objp0b3BzZWNyZXQ=\n");
    let out = env.cmd().args(["header", "nobody"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

#[test]
fn curl_prints_the_documented_command() {
    let env = Env::new();
    env.add_basic("john", "John", "topsecret", "https://api.sipgate.com/v2");
    let out = env.cmd().args(["curl", "john"]).output().unwrap();
    assert_eq!(
        stdout(&out),
        format!(
            "{} --store {} header john | curl --request GET \
             --header 'Accept: application/json' --header @- \
             https://api.sipgate.com/v2/account\n",
            shell_quote(BIN),
            shell_quote(&env.store.to_string_lossy())
        )
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = env
        .cmd()
        .args(["curl", "john", "--inline"])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        "curl --request GET --header 'Accept: application/json' \
         --header 'Authorization: Basic Sm9objp0b3BzZWNyZXQ=' \
         https://api.sipgate.com/v2/account\n"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("warning: --inline puts the secret") && err.contains("history"),
        "{err}"
    );
}

/// Runs a printed command in bash with `curl` replaced by a function that
/// prints its arguments one per line, so the test sees exactly the words bash
/// would pass to curl.
fn words_bash_passes(command: &str, cwd: &std::path::Path) -> Vec<String> {
    let out = Command::new("bash")
        .current_dir(cwd)
        .arg("-c")
        .arg(r#"curl() { printf '%s\0' "$@"; }; eval "$CMD""#)
        .env("CMD", command)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .split_terminator('\0')
        .map(str::to_owned)
        .collect()
}

#[test]
fn curl_quoting_survives_hostile_paths() {
    let env = Env::new();
    env.add_pat("x", "token-1", "tok", "https://api.example.com/v2");
    let hostile = [
        "/account?q=$(touch PWNED)",
        "/a'b\"c",
        "/`touch PWNED`",
        "/x;touch PWNED&&echo|cat",
        "/sp ace/*/?/[a]/~",
        "/'",
        "/\\'\\",
    ];
    for (path, inline) in hostile.iter().flat_map(|p| [(p, false), (p, true)]) {
        let mut cmd = env.cmd();
        cmd.args(["curl", "x", path]);
        if inline {
            cmd.arg("--inline");
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{path}");
        let command = stdout(&out);
        let words = words_bash_passes(command.trim_end(), env.dir.path());
        let auth = if inline {
            "Authorization: Basic dG9rZW4tMTp0b2s="
        } else {
            "@-"
        };
        assert_eq!(
            words,
            [
                "--request",
                "GET",
                "--header",
                "Accept: application/json",
                "--header",
                auth,
                &format!("https://api.example.com/v2{path}"),
            ],
            "{path}"
        );
        assert!(
            !env.dir.path().join("PWNED").exists(),
            "{path} ran a command"
        );
    }
}

#[test]
fn help_of_header_curl_and_exec_leads_with_the_argv_free_forms() {
    // (command, its help's first line, what the help shows)
    let cases = [
        (
            "header",
            "Print the `Authorization: …` line for curl's stdin",
            "sipauth-tui header NAME | curl -H @- https://api.sipgate.com/v2/account",
        ),
        (
            "curl",
            "Print a curl command for {api}{PATH} that holds no secret",
            "--inline",
        ),
        (
            "exec",
            "Run COMMAND with the header in its environment",
            "printenv SIPAUTH_HEADER | curl -sS -H @- \"$SIPAUTH_API/account\"",
        ),
        (
            "refresh",
            "Refresh an OAuth session's access token",
            "--if-due",
        ),
    ];
    crate::support::check_all(cases, |(command, first, shows)| {
        let out = Env::new().cmd().args([command, "--help"]).output().unwrap();
        let help = stdout(&out);
        assert!(help.starts_with(first), "{command}: {help}");
        assert!(help.contains(shows), "{command}: {help}");
    });
}
