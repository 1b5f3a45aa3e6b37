//! `login` opens the system browser through `$BROWSER`: a script stands in
//! for the browser, records the URL it was given, and the test then plays
//! the browser with exactly that URL.

use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;
use std::time::{Duration, Instant};

use reqwest::header::LOCATION;

use crate::support::{CLIENTS, Realm, browse};

#[test]
fn login_opens_the_browser_named_by_browser_with_the_printed_url() {
    let realm = Realm::new();
    realm.add_client("w", CLIENTS[2]);
    let dir = tempfile::tempdir().unwrap();
    let seen = dir.path().join("url");
    let script = dir.path().join("browser.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf %s \"$1\" > '{}.tmp' && mv '{0}.tmp' '{0}'\n",
            seen.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();

    let child = realm
        .std_cmd()
        .args(["login", "w", "--timeout", "20"])
        .env("BROWSER", &script)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let url = loop {
        if let Ok(url) = std::fs::read_to_string(&seen) {
            break url;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the browser was never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(url.contains("code_challenge_method=S256"), "{url}");

    let (status, headers, _) = browse(&url);
    assert_eq!(status, 302);
    let (status, _, page) = browse(headers[LOCATION].to_str().unwrap());
    assert_eq!(status, 200, "{page}");
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // The URL is printed as well, and it is the one the browser got.
    assert!(
        stderr.contains(&format!("Open this URL to log in: {url}")),
        "{stderr}"
    );
    assert!(realm.session("w").refresh_token.is_some());
}
