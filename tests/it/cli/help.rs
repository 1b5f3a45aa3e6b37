//! `--help` of every command, walked through the real binary: each opens
//! with its own one-line description (the line the parent lists it with)
//! and shows an example.

use crate::support::{Env, stdout};

/// The `Commands:` section of a help text: (name, description).
fn commands(help: &str) -> Vec<(String, String)> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| {
            let l = l.trim_start();
            let (name, about) = l.split_once(char::is_whitespace)?;
            Some((name.to_owned(), about.trim().to_owned()))
        })
        .filter(|(name, _)| name != "help")
        .collect()
}

fn help_of(env: &Env, path: &[&str]) -> String {
    let out = env.cmd().args(path).arg("--help").output().unwrap();
    assert!(out.status.success(), "{path:?} --help failed");
    stdout(&out)
}

#[test]
fn every_command_opens_with_its_own_description_and_has_an_example() {
    let env = Env::new();
    let top = help_of(&env, &[]);
    let mut queue: Vec<(Vec<String>, String)> = commands(&top)
        .into_iter()
        .map(|(name, about)| (vec![name], about))
        .collect();
    assert!(queue.len() >= 20, "{top}");
    let mut seen_first_lines = std::collections::HashSet::new();
    let mut walked = 0;
    while let Some((path, about)) = queue.pop() {
        let words: Vec<&str> = path.iter().map(String::as_str).collect();
        let help = help_of(&env, &words);
        let first = help.lines().next().unwrap_or_default();
        assert!(
            !about.is_empty(),
            "{words:?} has no description in its parent's list"
        );
        assert_eq!(
            first, about,
            "{words:?}: the first help line is not its description"
        );
        assert!(
            !first.starts_with('`')
                && !first.starts_with("Usage")
                && !first.contains("When a session counts"),
            "{words:?}: {first}"
        );
        assert!(
            seen_first_lines.insert(first.to_owned()),
            "{words:?} repeats another command's line: {first}"
        );
        assert!(
            help.contains("Example:\n  ") || help.contains("Examples:\n  "),
            "{words:?} shows no example:\n{help}"
        );
        for (name, about) in commands(&help) {
            let mut sub = path.clone();
            sub.push(name);
            queue.push((sub, about));
        }
        walked += 1;
    }
    assert!(walked >= 23, "walked {walked} commands");
    let tail: Vec<&str> = top.trim_end().lines().rev().take(3).collect();
    assert!(tail[2].contains("sipauth-tui demo"), "{top}");
    assert!(tail[1].contains("sipauth-tui add pat"), "{top}");
    assert!(
        tail[0].contains("sipauth-tui header NAME | curl -H @-"),
        "{top}"
    );
}

#[test]
fn the_version_names_the_store_format() {
    let env = Env::new();
    let out = env.cmd().arg("--version").output().unwrap();
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "(store format {})",
            sipauth_tui::store::STORE_VERSION
        )),
        "{text}"
    );
}
