//! Colour through the real binary: none in a pipe, some on a terminal (a
//! real pseudo-terminal from `script`), and `--color`, `NO_COLOR` and
//! `CLICOLOR_FORCE` in their order.

use std::process::Command;

use sipauth_tui::sandbox::{BackgroundSandbox, SAMPLE_TOKEN, SAMPLE_TOKEN_ID};

use crate::support::{Env, stderr, stdout};

const GREEN_200: &str = "\u{1b}[32m200 OK\u{1b}[0m";

fn probe(env: &Env, extra: &[&str], vars: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = env.cmd();
    cmd.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.args(extra).args(["probe", "pat"]).output().unwrap()
}

/// `probe pat` on a real pseudo-terminal; what the terminal showed.
fn probe_on_a_terminal(env: &Env, vars: &[(&str, &str)]) -> String {
    let line = format!(
        "'{}' --store '{}' probe pat",
        env!("CARGO_BIN_EXE_sipauth-tui"),
        env.store.display()
    );
    let mut cmd = Command::new("script");
    cmd.args(["-q", "-e", "-c", &line, "/dev/null"])
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    crate::support::keyed(&mut cmd);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("script (util-linux) runs");
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn colour_only_on_a_terminal_unless_told_otherwise() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let env = Env::new();
    env.add_pat("pat", SAMPLE_TOKEN_ID, SAMPLE_TOKEN, &sandbox.api_url());

    let piped = stdout(&probe(&env, &[], &[]));
    assert!(piped.contains("200 OK"), "{piped}");
    assert!(!piped.contains('\u{1b}'), "no colour in a pipe: {piped:?}");
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], bool);
    let cases: &[Case] = &[
        (&["--color", "always"], &[], true),
        (&["--color", "always"], &[("NO_COLOR", "1")], true),
        (&["--color", "never"], &[("CLICOLOR_FORCE", "1")], false),
        (&[], &[("CLICOLOR_FORCE", "1")], true),
        (&[], &[("CLICOLOR_FORCE", "0")], false),
        (&[], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], false),
    ];
    crate::support::check_all(cases, |(args, vars, coloured)| {
        let text = stdout(&probe(&env, args, vars));
        assert_eq!(
            text.contains(GREEN_200),
            *coloured,
            "{args:?} {vars:?}: {text:?}"
        );
        assert!(text.contains("200 OK"), "the words stay: {text:?}");
    });

    let tty = probe_on_a_terminal(&env, &[]);
    assert!(tty.contains(GREEN_200), "a terminal gets colour: {tty:?}");
    let tty = probe_on_a_terminal(&env, &[("NO_COLOR", "1")]);
    assert!(
        tty.contains("200 OK") && !tty.contains("\u{1b}[32m"),
        "NO_COLOR: {tty:?}"
    );
}

#[test]
fn diagnostics_colour_their_prefix_and_errors_obey_never() {
    let env = Env::new();
    let path = env.dir.path().join("open.env");
    std::fs::write(&path, "SIPGATE_TOKEN_ID=token-A1\nSIPGATE_TOKEN=t\n").unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let out = env
        .cmd()
        .args(["--color", "always", "import"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("\u{1b}[1;33mwarning:\u{1b}[0m `")
            && stderr(&out).contains("can be read"),
        "{:?}",
        stderr(&out)
    );
    let out = env
        .cmd()
        .args(["--color", "never", "show", "nope"])
        .output()
        .unwrap();
    assert!(stderr(&out).starts_with("error:"), "{:?}", stderr(&out));
}
