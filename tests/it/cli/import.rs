//! `import` of each input kind through the binary, the headers the results
//! give, and `list`/`show` of sessions without token text.

use std::os::unix::fs::PermissionsExt;

use serde_json::Value;
use sipauth_tui::sandbox::BackgroundSandbox;
use sipauth_tui::sandbox::realm::{
    CLIENT_OPAQUE, CLIENT_OPAQUE_SECRET, CLIENT_POST, CLIENT_POST_SECRET,
};

use crate::support::{Env, FIXTURE, check_all, fixture_token, stderr, stdout};

/// Writes a private file in the test directory.
fn file(env: &Env, name: &str, content: &str, mode: u32) -> String {
    let path = env.dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path.to_string_lossy().into_owned()
}

fn header(env: &Env, name: &str) -> String {
    let out = env.cmd().args(["header", name]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn each_input_kind_imports_and_renders_its_exact_header() {
    let env = Env::new();
    let env_file =
        "# sipgate\r\nexport SIPGATE_TOKEN_ID='token-ABC123'\r\nSIPGATE_TOKEN=\"xyz\"\r\n\r\n";
    let cases: &[(&str, &str, &str, &str)] = &[
        // (name, stdin or file content, kind label, header)
        (
            "basic",
            "Authorization: Basic Sm9objp0b3BzZWNyZXQ=\n",
            "Basic login",
            "Authorization: Basic Sm9objp0b3BzZWNyZXQ=",
        ),
        (
            "pat",
            "Basic dG9rZW4tQUJDMTIzOnh5eg==",
            "PAT",
            "Authorization: Basic dG9rZW4tQUJDMTIzOnh5eg==",
        ),
        (
            "envpat",
            env_file,
            "PAT",
            "Authorization: Basic dG9rZW4tQUJDMTIzOnh5eg==",
        ),
        (
            "bearer",
            "Authorization: Bearer opaque-abc.123",
            "Bearer token",
            "Authorization: Bearer opaque-abc.123",
        ),
    ];
    check_all(cases, |(name, input, kind, want)| {
        let path = file(&env, name, input, 0o600);
        let out = env
            .cmd()
            .args(["import", &path, "--name", name])
            .output()
            .unwrap();
        let err = stderr(&out);
        assert!(out.status.success(), "{name}: {err}");
        assert!(
            err.contains(&format!("as {kind} `{name}`")),
            "{name}: {err}"
        );
        assert!(!err.contains("xyz") && !err.contains("topsecret"), "{err}");
        assert_eq!(header(&env, name), format!("{want}\n"), "{name}");
    });
    // The token response: a session with the client its JWT names.
    let out = env
        .cmd()
        .arg("import")
        .arg("-")
        .write_stdin(FIXTURE)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    // How long ago, on today's clock: the fixture's tokens are from 2018.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let ago = |at: i64| sipauth_tui::time_text::relative(at, now, true);
    let (access_exp, refresh_exp) = (1_525_272_141, 1_527_863_841);
    assert!(
        err.contains("as OAuth session `imported`") && err.contains(&ago(access_exp)),
        "{err}"
    );
    // Said as a warning with the way out, after what was stored.
    let warning = format!(
        "warning: its refresh token {} (2018-06-01 14:37:21 UTC): it cannot be refreshed; stored anyway: `sipauth-tui login imported` gets a new session",
        ago(refresh_exp)
    );
    assert!(err.trim_end().ends_with(&warning), "{err}");
    assert!(!err.contains("eyJ"), "{err}");
    // Stored as given; `header` refuses it as expired rather than send it.
    assert_eq!(
        env.session_json("imported")["access_token"],
        fixture_token("access_token").as_str()
    );
    let out = env.cmd().args(["header", "imported"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("expired at 2018-05-02 14:42:21 UTC"),
        "{}",
        stderr(&out)
    );
    let out = env
        .cmd()
        .args(["import", "-"])
        .write_stdin("Bearer second")
        .output()
        .unwrap();
    assert!(stderr(&out).contains("`imported-2`"), "{}", stderr(&out));
}

#[test]
fn a_token_response_goes_into_an_existing_client_keeping_it() {
    let env = Env::new();
    env.cmd()
        .args(["add", "oauth", "sg", "--client-id", "my-client"])
        .write_stdin("client-secret\n")
        .assert()
        .success();
    env.add_pat("pat", "token-1", "tok", "https://api.sipgate.com/v2");
    let out = env
        .cmd()
        .args(["import", "-", "--into", "sg"])
        .write_stdin(FIXTURE)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("warning: the access token names client `2477148-0-"),
        "{err}"
    );
    assert_eq!(
        env.session_json("sg")["session_state"],
        "32c512d5-ccf2-4103-9555-a85d924f7d52"
    );
    let out = env.cmd().args(["show", "sg", "--json"]).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["client"]["client_id"], "my-client");
    assert_eq!(doc["status"], "login_required");

    let before = std::fs::read(&env.store).unwrap();
    let cases: &[(&[&str], &str, &str)] = &[
        (&["--into", "pat"], FIXTURE, "not an OAuth client"),
        (
            &["--into", "sg"],
            "Basic Sm9objp0b3BzZWNyZXQ=",
            "only a token response or a Bearer line",
        ),
        (&["--into", "nope"], FIXTURE, "no credential named `nope`"),
        (&["--name", "pat"], "Bearer x", "exists already"),
        (&["--name", "bad name"], "Bearer x", "invalid name"),
        (&[], "Basic !!!secret-ish", "the value is not base64"),
        (&[], "my-password-123", "not a format `import` understands"),
        (&[], "", "the input is empty"),
        (
            &["--api", "http://api.example.com/v2"],
            "Bearer x",
            "plain http",
        ),
    ];
    check_all(cases, |(args, stdin, needle)| {
        let out = env
            .cmd()
            .args(["import", "-"])
            .args(*args)
            .write_stdin(*stdin)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = stderr(&out);
        assert!(err.contains(needle), "{args:?}: `{needle}` not in {err}");
        for secret in ["secret-ish", "my-password-123", "eyJ"] {
            assert!(!err.contains(secret), "leaked: {err}");
        }
    });
    assert_eq!(
        std::fs::read(&env.store).unwrap(),
        before,
        "the store must be untouched"
    );
}

#[test]
fn tokens_of_another_issuer_go_into_an_entry_only_with_force() {
    let env = Env::new();
    // The fixture's tokens are issued by sipgate's third-party realm.
    env.cmd()
        .args(["add", "oauth", "elsewhere", "--client-id", "c"])
        .args(["--issuer", "https://id.example.com/realms/other"])
        .args(["--auth-method", "none"])
        .assert()
        .success();
    let before = std::fs::read(&env.store).unwrap();
    let import = |extra: &[&str]| {
        env.cmd()
            .args(["import", "-", "--into", "elsewhere"])
            .args(extra)
            .write_stdin(FIXTURE)
            .output()
            .unwrap()
    };
    let out = import(&[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("issued by https://login.sipgate.com/auth/realms/third-party")
            && err.contains("nothing was stored")
            && err.contains("--force"),
        "{err}"
    );
    assert!(!err.contains("eyJ"), "{err}");
    assert_eq!(std::fs::read(&env.store).unwrap(), before);
    assert_eq!(env.session_json("elsewhere"), Value::Null);

    let out = import(&["--force"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("warning: the imported tokens were issued by"),
        "{err}"
    );
    assert!(env.session_json("elsewhere").is_object());
    let out = env
        .cmd()
        .args(["import", "-", "--force"])
        .write_stdin(FIXTURE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "--force needs --into");
}

#[test]
fn files_are_limited_and_their_modes_checked() {
    let env = Env::new();
    let big = file(&env, "big", &"x".repeat((1 << 20) + 1), 0o600);
    let out = env.cmd().args(["import", &big]).output().unwrap();
    assert!(
        stderr(&out).contains("larger than 1024 KiB"),
        "{}",
        stderr(&out)
    );
    let out = env
        .cmd()
        .args(["import", "/nonexistent/x.env"])
        .output()
        .unwrap();
    assert!(
        stderr(&out).contains("cannot open `/nonexistent/x.env`"),
        "{}",
        stderr(&out)
    );
    let dir = env.dir.path().to_string_lossy().into_owned();
    let out = env.cmd().args(["import", &dir]).output().unwrap();
    assert!(stderr(&out).contains("is a directory"), "{}", stderr(&out));
    // A pipe, as from `import <(pbpaste)`, is read like a file.
    let out = crate::support::keyed(&mut std::process::Command::new("bash"))
        .arg("-c")
        .arg(r#""$BIN" import <(printf 'Basic Sm9objp0b3BzZWNyZXQ=') --name piped"#)
        .env("BIN", crate::support::BIN)
        .env("SIPAUTH_STORE", &env.store)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    let open = file(&env, "open.env", "TOKEN_ID=token-1\nTOKEN=t0k\n", 0o644);
    let out = env.cmd().args(["import", &open]).output().unwrap();
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("can be read by group or others"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn list_and_show_describe_sessions_without_token_text() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let env = Env::new();
    env.add_oauth(&sandbox, "live", CLIENT_POST, Some(CLIENT_POST_SECRET));
    env.add_oauth(&sandbox, "opq", CLIENT_OPAQUE, Some(CLIENT_OPAQUE_SECRET));
    for name in ["live", "opq"] {
        env.cmd()
            .args(["login", name, "--grant", "password", "--no-browser"])
            .write_stdin("John\ntopsecret\n")
            .assert()
            .success();
    }
    env.cmd()
        .args(["import", "-", "--name", "old"])
        .write_stdin(FIXTURE)
        .assert()
        .success();
    env.cmd()
        .args(["import", "-", "--name", "opaque"])
        .write_stdin("Bearer 0paque-t0ken")
        .assert()
        .success();
    env.add_oauth(&sandbox, "fresh", CLIENT_POST, Some(CLIENT_POST_SECRET));
    let access = env.session_json("live")["access_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let out = env.cmd().arg("list").output().unwrap();
    let text = stdout(&out);
    let cases = [
        ("live", "valid "),
        ("old", "login required"),
        ("opaque", "unknown"),
        ("fresh", "not logged in"),
    ];
    check_all(cases, |(name, status)| {
        let line = text.lines().find(|l| l.starts_with(name)).unwrap();
        assert!(line.contains(status), "{name}: {line}");
    });
    let out = env.cmd().args(["list", "--json"]).output().unwrap();
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["status"], "valid");
    assert!(rows[0]["access_expires_at"].is_i64() && rows[0]["refresh_expires_at"].is_i64());
    assert_eq!(rows[1]["name"], "opq");
    assert_eq!(rows[1]["refresh_expires_at"], Value::Null);
    assert_eq!(rows[2]["access_expires_at"], 1_525_272_141);
    assert_eq!(rows[3]["status"], "unknown");
    assert_eq!(rows[3]["access_expires_at"], Value::Null);
    assert_eq!(rows[4]["status"], "not_logged_in");

    let mut shown = stdout(&out) + &text;
    for name in ["live", "old", "opaque", "opq"] {
        for args in [&["show", name][..], &["show", name, "--json"]] {
            shown += &stdout(&env.cmd().args(args).output().unwrap());
        }
    }
    for secret in [access.as_str(), "eyJ", "0paque-t0ken", CLIENT_POST_SECRET] {
        assert!(!shown.contains(secret), "`{secret:.20}` shown: {shown}");
    }
    assert!(
        shown.contains("opaque (12 chars), expiry unknown"),
        "{shown}"
    );
    assert!(
        shown.contains("2018-05-02 14:42:21 UTC (expired"),
        "{shown}"
    );
    assert!(
        shown.contains("32c512d5-ccf2-4103-9555-a85d924f7d52"),
        "{shown}"
    );
    let out = env
        .cmd()
        .args(["show", "live", "--reveal"])
        .output()
        .unwrap();
    assert!(stdout(&out).contains(&access));
}

#[test]
fn a_pasted_curl_command_imports_its_credential_and_api() {
    let env = Env::new();
    let command = "curl -X GET \\\n  --header 'Accept: application/json' \\\n  -u 'token-ABC123:tok en' \\\n  https://api.sipgate.com/v2/history?limit=5\n";
    let path = file(&env, "cmd.sh", command, 0o600);
    let out = env
        .cmd()
        .args(["import", &path, "--name", "fromcurl"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("imported the curl command as PAT `fromcurl`"),
        "{}",
        stderr(&out)
    );
    // base64("token-ABC123:tok en")
    assert_eq!(
        header(&env, "fromcurl").trim(),
        "Authorization: Basic dG9rZW4tQUJDMTIzOnRvayBlbg=="
    );
    let shown = env
        .cmd()
        .args(["show", "fromcurl", "--json"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(doc["api"], "https://api.sipgate.com/v2");

    let out = env
        .cmd()
        .args([
            "import",
            "-",
            "--name",
            "bearer",
            "--api",
            "https://api.example.com/v1",
        ])
        .write_stdin("curl --oauth2-bearer opaque-token-1 https://api.example.com/v1/me")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        header(&env, "bearer").trim(),
        "Authorization: Bearer opaque-token-1"
    );

    let out = env
        .cmd()
        .args(["import", "-", "--name", "nopass"])
        .write_stdin("curl -u token-ABC123 https://api.sipgate.com/v2/account")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("gives the token id `token-ABC123` but no token"),
        "{}",
        stderr(&out)
    );
    assert!(
        !env.names().contains(&"nopass".to_owned()),
        "nothing stored"
    );
}
