//! Callback unit tests: how each redirect is judged (state first, then
//! `iss`, then `error`), and the listener over real sockets: forged,
//! refused and idle connections do not end or starve a login.

use super::*;
use tokio::sync::mpsc;

const STATE: &str = "the-state";

fn expecting(issuer: Option<&str>, iss_required: bool) -> Expect {
    Expect {
        state: Secret::new(STATE.into()),
        issuer: issuer.map(Into::into),
        iss_required,
        exact_issuer: true,
    }
}

fn judged(query: &str, issuer: Option<&str>) -> Verdict {
    judge(query, &expecting(issuer, false))
}

#[test]
fn callbacks_are_judged_by_state_first() {
    let ignored = [
        "code=abc",
        "state=other&code=abc",
        "state=the-stat&code=abc",
        "error=access_denied",
        "state=other&error=access_denied",
        "state=the-state&state=the-state&code=abc",
        "state=the-state",
        "state=the-state&code=",
    ];
    for query in ignored {
        assert!(
            matches!(
                judged(query, None),
                Verdict::Ignore(StatusCode::BAD_REQUEST, _)
            ),
            "{query}"
        );
    }
    let Verdict::Code(code) = judged("state=the-state&code=abc&session_state=x&iss=y", None) else {
        panic!("a right state with a code ends the login");
    };
    assert_eq!(code.expose(), "abc");
}

#[test]
fn an_error_with_the_right_state_is_a_warning_in_clean_words() {
    let Verdict::Warn(LoginWarning::Redirect { error, description }) = judged(
        "state=the-state&error=access_denied&error_description=User%20said%20no%1b%5b31m%0Aagain",
        None,
    ) else {
        panic!("denied");
    };
    assert_eq!(error, "access_denied");
    assert_eq!(description.as_deref(), Some("User said no again"));
}

#[test]
fn iss_must_match_a_known_issuer_and_be_there_when_promised() {
    let issuer = Some("https://id.example/r");
    let good = "state=the-state&code=c&iss=https%3A%2F%2Fid.example%2Fr";
    let evil = "state=the-state&code=c&iss=https%3A%2F%2Fevil.example";
    let bare = "state=the-state&code=c";
    for required in [false, true] {
        let e = expecting(issuer, required);
        assert!(matches!(judge(good, &e), Verdict::Code(_)));
        assert!(matches!(
            judge(evil, &e),
            Verdict::Warn(LoginWarning::IssuerMismatch { .. })
        ));
    }
    assert!(matches!(
        judge(bare, &expecting(issuer, false)),
        Verdict::Code(_)
    ));
    assert!(matches!(
        judge(bare, &expecting(issuer, true)),
        Verdict::Warn(LoginWarning::IssuerMissing { .. })
    ));
    // An unknown issuer checks nothing.
    assert!(matches!(judged(evil, None), Verdict::Code(_)));
    // A trailing slash counts only when the issuer was discovered (exact).
    let slashed = "state=the-state&code=c&iss=https%3A%2F%2Fid.example%2Fr%2F";
    let mut e = expecting(issuer, false);
    assert!(matches!(
        judge(slashed, &e),
        Verdict::Warn(LoginWarning::IssuerMismatch { .. })
    ));
    e.exact_issuer = false;
    assert!(matches!(judge(slashed, &e), Verdict::Code(_)));
    assert!(matches!(
        judge(evil, &e),
        Verdict::Warn(LoginWarning::IssuerMismatch { .. })
    ));
}

async fn get(url: &str) -> reqwest::Response {
    reqwest::Client::new().get(url).send().await.unwrap()
}

/// Waits with an exchange that takes every code as it is; the warnings
/// heard go to the returned list.
async fn wait_for_code(
    listener: Listener,
    timeout: Duration,
) -> (Result<Secret, LoginError>, Vec<LoginWarning>) {
    let mut heard = Vec::new();
    let result = listener
        .wait(
            expecting(None, false),
            timeout,
            |code: Secret| async move {
                match code.expose() {
                    "refused" => Exchanged::Refused(LoginWarning::CodeRefused {
                        error: "invalid_grant".into(),
                        description: Some("Code not valid".into()),
                    }),
                    _ => Exchanged::Done(code),
                }
            },
            &mut |w: &LoginWarning| heard.push(w.clone()),
        )
        .await;
    (result, heard)
}

#[tokio::test]
async fn a_forged_callback_is_refused_and_the_real_one_still_completes() {
    let listener = Listener::bind(None, None).await.unwrap();
    let uri = listener.redirect_uri().to_owned();
    assert!(uri.starts_with("http://127.0.0.1:") && uri.ends_with("/callback"));
    let port = listener.local_addr().unwrap().port();
    let wait = tokio::spawn(wait_for_code(listener, Duration::from_secs(10)));
    let forged = get(&format!("{uri}?state=forged&code=evil")).await;
    assert_eq!(forged.status(), 400);
    let elsewhere = get(&format!(
        "http://127.0.0.1:{port}/other?state={STATE}&code=c"
    ))
    .await;
    assert_eq!(elsewhere.status(), 404);
    let real = get(&format!("{uri}?state={STATE}&code=good")).await;
    assert_eq!(real.status(), 200);
    let headers = real.headers().clone();
    assert_eq!(headers["cache-control"], "no-store");
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .starts_with("default-src 'none'")
    );
    let body = real.text().await.unwrap();
    assert!(
        body.contains("close this tab") && !body.contains("src="),
        "{body}"
    );
    assert_eq!(wait.await.unwrap().0.unwrap().expose(), "good");
    // The port is free again.
    drop(std::net::TcpListener::bind(("127.0.0.1", port)).unwrap());
}

#[tokio::test]
async fn a_callback_after_an_exchanged_code_is_rejected() {
    let (warnings, _warned) = mpsc::channel(1);
    let (codes, _coded) = mpsc::channel(1);
    let shared = Shared {
        path: "/callback".into(),
        expect: expecting(None, false),
        warnings,
        codes,
        done: AtomicBool::new(true),
    };
    let uri: Uri = "/callback?state=the-state&code=b".parse().unwrap();
    assert_eq!(handle(&shared, &Method::GET, &uri).await.status(), 409);
}

#[tokio::test]
async fn the_timeout_ends_the_wait_and_frees_the_port() {
    let listener = Listener::bind(None, None).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let err = wait_for_code(listener, Duration::from_millis(100))
        .await
        .0
        .unwrap_err();
    assert!(
        matches!(err, LoginError::Timeout { last: None, .. }),
        "{err}"
    );
    drop(std::net::TcpListener::bind(("127.0.0.1", port)).unwrap());
}

#[tokio::test]
async fn a_configured_redirect_uri_is_bound_and_served_exactly() {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let configured = format!("http://localhost:{port}/oauth/done");
    let listener = Listener::bind(Some(&configured), None).await.unwrap();
    assert_eq!(listener.redirect_uri(), configured);
    assert_eq!(
        listener.local_addr().unwrap().to_string(),
        format!("127.0.0.1:{port}")
    );
    // A second login on the same port says which address is taken.
    let err = Listener::bind(Some(&configured), None).await.unwrap_err();
    assert!(
        err.to_string().contains(&format!("127.0.0.1:{port}")),
        "{err}"
    );
    assert!(matches!(err, LoginError::PortInUse { .. }));
    let conflict = Listener::bind(Some(&configured), Some(port.wrapping_add(1))).await;
    assert!(matches!(conflict, Err(LoginError::PortConflict { .. })));
    let wait = tokio::spawn(wait_for_code(listener, Duration::from_secs(10)));
    let base = format!("http://127.0.0.1:{port}");
    assert_eq!(
        get(&format!("{base}/callback?state={STATE}&code=c"))
            .await
            .status(),
        404
    );
    assert_eq!(
        get(&format!("{base}/oauth/done?state={STATE}&code=c"))
            .await
            .status(),
        200
    );
    assert_eq!(wait.await.unwrap().0.unwrap().expose(), "c");
}

#[tokio::test]
async fn a_localhost_redirect_uri_is_served_on_ipv4_and_ipv6_loopback() {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    // Whether this machine has IPv6 loopback at all; without it only the
    // IPv4 half can be checked.
    let has_ipv6 = std::net::TcpListener::bind("[::1]:0").is_ok();
    let configured = format!("http://localhost:{port}/cb");
    let listener = Listener::bind(Some(&configured), None).await.unwrap();
    let addrs = listener.local_addrs().unwrap();
    assert!(
        addrs
            .iter()
            .all(|a| a.ip().is_loopback() && a.port() == port)
    );
    assert_eq!(addrs.len(), if has_ipv6 { 2 } else { 1 }, "{addrs:?}");
    let wait = tokio::spawn(wait_for_code(listener, Duration::from_secs(10)));
    let mut bases = vec![format!("http://127.0.0.1:{port}")];
    if has_ipv6 {
        bases.push(format!("http://[::1]:{port}"));
    }
    // A request without this login's state reaches the listener on each.
    for base in &bases {
        let stray = get(&format!("{base}/cb?state=forged&code=x")).await;
        assert_eq!(stray.status(), 400, "{base}");
    }
    let last = bases.last().unwrap();
    let real = get(&format!("{last}/cb?state={STATE}&code=c")).await;
    assert_eq!(real.status(), 200);
    assert_eq!(wait.await.unwrap().0.unwrap().expose(), "c");
    // Every port is free again.
    drop(std::net::TcpListener::bind(("127.0.0.1", port)).unwrap());
    if has_ipv6 {
        drop(std::net::TcpListener::bind(("::1", port)).unwrap());
    }
}

#[test]
fn html_escaping_covers_markup() {
    assert_eq!(
        html_escape("<a href='x'>&\""),
        "&lt;a href=&#39;x&#39;&gt;&amp;&quot;"
    );
}

#[tokio::test]
async fn a_refused_code_and_an_error_redirect_warn_and_the_real_code_still_completes() {
    let listener = Listener::bind(None, None).await.unwrap();
    let uri = listener.redirect_uri().to_owned();
    let wait = tokio::spawn(wait_for_code(listener, Duration::from_secs(10)));
    let refused = get(&format!("{uri}?state={STATE}&code=refused")).await;
    assert_eq!(refused.status(), 403);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("refused the code of a browser redirect") && page.contains("still waiting"),
        "{page}"
    );
    let denied = get(&format!(
        "{uri}?state={STATE}&error=access_denied&error_description=forged%20cancel"
    ))
    .await;
    assert_eq!(denied.status(), 403);
    let page = denied.text().await.unwrap();
    assert!(
        page.contains("the browser redirect said: access_denied (forged cancel)"),
        "{page}"
    );
    let real = get(&format!("{uri}?state={STATE}&code=good")).await;
    assert_eq!(real.status(), 200);
    let (result, heard) = wait.await.unwrap();
    assert_eq!(result.unwrap().expose(), "good");
    let heard: Vec<String> = heard.iter().map(ToString::to_string).collect();
    assert_eq!(
        heard,
        [
            "the token endpoint refused the code of a browser redirect: invalid_grant (Code not valid)",
            "the browser redirect said: access_denied (forged cancel)",
        ]
    );
}

#[tokio::test]
async fn a_login_that_only_heard_an_error_times_out_naming_it() {
    let listener = Listener::bind(None, None).await.unwrap();
    let uri = listener.redirect_uri().to_owned();
    let wait = tokio::spawn(wait_for_code(listener, Duration::from_millis(800)));
    let denied = get(&format!("{uri}?state={STATE}&error=access_denied")).await;
    assert_eq!(denied.status(), 403);
    let err = wait.await.unwrap().0.unwrap_err();
    assert_eq!(
        err.to_string(),
        "no login arrived within 0 s; the listener is closed; the last redirect: the browser redirect said: access_denied"
    );
}

/// Whether the server closed `stream` (EOF or reset) within `within`.
async fn closed_within(stream: &mut tokio::net::TcpStream, within: Duration) -> bool {
    use tokio::io::AsyncReadExt;
    let mut buf = [0u8; 64];
    matches!(
        tokio::time::timeout(within, stream.read(&mut buf)).await,
        Ok(Ok(0) | Err(_))
    )
}

async fn connect(addr: SocketAddr, head: &[u8]) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(head).await.unwrap();
    stream
}

#[tokio::test]
async fn a_connection_that_does_not_finish_its_request_head_is_closed_at_the_deadline() {
    let limits = Limits {
        header_read: Duration::from_millis(300),
        ..Limits::default()
    };
    let listener = Listener::bind(None, None)
        .await
        .unwrap()
        .with_limits(limits);
    let addr = listener.local_addr().unwrap();
    let wait = tokio::spawn(wait_for_code(listener, Duration::from_secs(20)));
    let started = std::time::Instant::now();
    let mut stalled = connect(
        addr,
        b"GET /callback?state=the-state HTTP/1.1\r\nHost: x\r\n",
    )
    .await;
    let mut silent = connect(addr, b"").await;
    assert!(closed_within(&mut stalled, Duration::from_secs(3)).await);
    assert!(closed_within(&mut silent, Duration::from_secs(3)).await);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(250) && took < Duration::from_secs(2),
        "{took:?}"
    );
    // The login itself still waits.
    assert!(!wait.is_finished());
    wait.abort();
}

#[tokio::test]
async fn idle_connections_over_the_cap_make_room_and_the_browser_gets_through() {
    let limits = Limits {
        header_read: Duration::from_secs(10),
        connection: Duration::from_secs(10),
        max_connections: 4,
    };
    let listener = Listener::bind(None, None)
        .await
        .unwrap()
        .with_limits(limits);
    let uri = listener.redirect_uri().to_owned();
    let addr = listener.local_addr().unwrap();
    let wait = tokio::spawn(wait_for_code(listener, Duration::from_secs(20)));
    // 50 idle connections and a few that stall in their request head.
    let mut open = Vec::new();
    for i in 0..53 {
        let head: &[u8] = if i % 20 == 0 {
            b"GET /callback HTTP/1.1\r\n"
        } else {
            b""
        };
        open.push(connect(addr, head).await);
    }
    // Far sooner than any deadline, all but the newest `max_connections`
    // are closed: the cap, not a timeout, made room.
    let started = std::time::Instant::now();
    let (old, newest) = open.split_at_mut(53 - limits.max_connections);
    for stream in old {
        assert!(closed_within(stream, Duration::from_secs(2)).await);
    }
    for stream in newest {
        assert!(!closed_within(stream, Duration::from_millis(50)).await);
    }
    let real = get(&format!("{uri}?state={STATE}&code=good")).await;
    assert_eq!(real.status(), 200);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(wait.await.unwrap().0.unwrap().expose(), "good");
}
