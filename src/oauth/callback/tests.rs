//! Callback unit tests: how each redirect is judged (state first, then
//! `error`, then `iss`), and the listener over real sockets.

use super::*;

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
    let Verdict::Done(Ok(code)) = judged("state=the-state&code=abc&session_state=x&iss=y", None)
    else {
        panic!("a right state with a code ends the login");
    };
    assert_eq!(code.expose(), "abc");
}

#[test]
fn an_error_with_the_right_state_ends_the_login_with_clean_words() {
    let Verdict::Done(Err(LoginError::Denied { error, description })) = judged(
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
        assert!(matches!(judge(good, &e), Verdict::Done(Ok(_))));
        assert!(matches!(
            judge(evil, &e),
            Verdict::Done(Err(LoginError::IssuerMismatch { .. }))
        ));
    }
    assert!(matches!(
        judge(bare, &expecting(issuer, false)),
        Verdict::Done(Ok(_))
    ));
    assert!(matches!(
        judge(bare, &expecting(issuer, true)),
        Verdict::Done(Err(LoginError::IssuerMissing { .. }))
    ));
    // An unknown issuer checks nothing.
    assert!(matches!(judged(evil, None), Verdict::Done(Ok(_))));
    // A trailing slash counts only when the issuer was discovered (exact).
    let slashed = "state=the-state&code=c&iss=https%3A%2F%2Fid.example%2Fr%2F";
    let mut e = expecting(issuer, false);
    assert!(matches!(
        judge(slashed, &e),
        Verdict::Done(Err(LoginError::IssuerMismatch { .. }))
    ));
    e.exact_issuer = false;
    assert!(matches!(judge(slashed, &e), Verdict::Done(Ok(_))));
    assert!(matches!(
        judge(evil, &e),
        Verdict::Done(Err(LoginError::IssuerMismatch { .. }))
    ));
}

async fn get(url: &str) -> reqwest::Response {
    reqwest::Client::new().get(url).send().await.unwrap()
}

#[tokio::test]
async fn a_forged_callback_is_refused_and_the_real_one_still_completes() {
    let listener = Listener::bind(None, None).await.unwrap();
    let uri = listener.redirect_uri().to_owned();
    assert!(uri.starts_with("http://127.0.0.1:") && uri.ends_with("/callback"));
    let port = listener.local_addr().unwrap().port();
    let wait = tokio::spawn(listener.wait(expecting(None, false), Duration::from_secs(10)));
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
    assert_eq!(wait.await.unwrap().unwrap().expose(), "good");
    // The port is free again.
    drop(std::net::TcpListener::bind(("127.0.0.1", port)).unwrap());
}

#[tokio::test]
async fn a_second_callback_after_success_is_rejected() {
    let (tx, mut rx) = oneshot::channel();
    let shared = Arc::new(Shared {
        path: "/callback".into(),
        expect: expecting(None, false),
        done: Mutex::new(Some(tx)),
    });
    let call = |q: &str| {
        handle(
            State(shared.clone()),
            Method::GET,
            "/callback".parse().unwrap(),
            RawQuery(Some(q.to_owned())),
        )
    };
    assert_eq!(call("state=the-state&code=a").await.status(), 200);
    assert!(rx.try_recv().unwrap().is_ok());
    assert_eq!(call("state=the-state&code=b").await.status(), 409);
}

#[tokio::test]
async fn the_timeout_ends_the_wait_and_frees_the_port() {
    let listener = Listener::bind(None, None).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let err = listener
        .wait(expecting(None, false), Duration::from_millis(100))
        .await
        .unwrap_err();
    assert!(matches!(err, LoginError::Timeout { .. }), "{err}");
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
    let wait = tokio::spawn(listener.wait(expecting(None, false), Duration::from_secs(10)));
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
    assert_eq!(wait.await.unwrap().unwrap().expose(), "c");
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
    let wait = tokio::spawn(listener.wait(expecting(None, false), Duration::from_secs(10)));
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
    assert_eq!(wait.await.unwrap().unwrap().expose(), "c");
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
