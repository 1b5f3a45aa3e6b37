use super::*;
use crate::credential::{Auth, Credential, Secret};

const FIXTURE: &str = include_str!("../../tests/fixtures/keycloak-token-response.json");

fn label(m: Match<'_>) -> String {
    match m {
        Match::Operation(op) => op.label(),
        Match::WrongMethod(op) => format!("wrong method, path {}", op.path),
        Match::Unknown => "unknown".into(),
    }
}

#[test]
fn the_shipped_facts_parse_and_every_scope_is_declared() {
    let map = ApiMap::get();
    assert_eq!(map.operations.len(), 179);
    assert_eq!(map.declared_scopes.len(), 121);
    for op in &map.operations {
        for scope in &op.scopes {
            assert!(
                map.declared_scopes.contains(scope),
                "{} uses undeclared {scope}",
                op.label()
            );
        }
        let params: Vec<&str> = op
            .segments
            .iter()
            .filter_map(|s| match s {
                Segment::Param(p) => Some(p.as_str()),
                Segment::Literal(_) => None,
            })
            .collect();
        assert_eq!(params, op.path_params, "{}", op.label());
        assert_eq!(op.fill(|_| None), op.path, "templates round-trip");
    }
}

#[test]
fn paths_match_their_operation() {
    let map = ApiMap::get();
    let cases = [
        ("GET", "/history", "GET /history"),
        ("get", "/history/", "GET /history"),
        ("GET", "/history?limit=5&offset=0", "GET /history"),
        ("GET", "//history#top", "GET /history"),
        ("DELETE", "/history", "DELETE /history"),
        ("POST", "/sessions/sms", "POST /sessions/sms"),
        (
            "GET",
            "/w0/phonelines/p0/forwardings",
            "GET /{userId}/phonelines/{phonelineId}/forwardings",
        ),
        ("GET", "/w0/devices", "GET /{userId}/devices"),
        (
            "GET",
            "/authorization/userinfo",
            "GET /authorization/userinfo",
        ),
        ("PATCH", "/history", "wrong method, path /history"),
        ("POST", "/balance", "wrong method, path /balance"),
        ("GET", "/no/such/endpoint/at/all", "unknown"),
        ("GET", "/", "GET /"),
        ("GET", "/v3/", "unknown"),
    ];
    crate::testing::cases::check_all(cases, |(method, path, want)| {
        assert_eq!(label(map.find(method, path)), want, "{method} {path}");
    });
}

#[test]
fn a_literal_segment_beats_a_parameter() {
    let map = ApiMap::get();
    // Any template with a literal where another has a parameter at the same
    // place: the literal must win, whichever comes first in the document.
    let mut checked = 0;
    for a in &map.operations {
        for b in &map.operations {
            if a.method != b.method || a.segments.len() != b.segments.len() || a.path == b.path {
                continue;
            }
            let concrete: Vec<String> = a
                .segments
                .iter()
                .map(|s| match s {
                    Segment::Literal(t) => t.clone(),
                    Segment::Param(_) => "x0".into(),
                })
                .collect();
            let refs: Vec<&str> = concrete.iter().map(String::as_str).collect();
            let more_literal = a.score(&refs).unwrap_or(0) > b.score(&refs).unwrap_or(0);
            if b.score(&refs).is_some() && more_literal {
                checked += 1;
                let path = format!("/{}", concrete.join("/"));
                assert_eq!(
                    map.find(&a.method, &path).operation().map(|o| &o.path),
                    Some(&a.path),
                    "{path} matched {} over {}",
                    b.path,
                    a.path
                );
            }
        }
    }
    assert!(checked > 0, "the document has overlapping templates");
}

#[test]
fn full_urls_lose_the_api_base_and_other_hosts_are_not_sipgate() {
    let base = "https://api.sipgate.com/v2";
    assert_eq!(
        relative_path(base, "https://api.sipgate.com/v2/history?x=1"),
        "/history?x=1"
    );
    assert_eq!(relative_path(base, "/history"), "/history");
    assert_eq!(relative_path(base, "history"), "/history");
    assert_eq!(
        relative_path(base, "https://api.sipgate.com/v2x/a"),
        "/v2x/a"
    );
    assert!(applies_to(base));
    assert!(applies_to("https://API.sipgate.com/v2"));
    assert!(applies_to("http://127.0.0.1:4711/v2"));
    assert!(applies_to("http://[::1]:4711/v2/"));
    assert!(!applies_to("http://127.0.0.1:4711/api"));
    assert!(!applies_to("https://api.example.com/v2"));
    assert!(!applies_to("not a url"));
}

fn session(access_token: &str, scope: Option<&str>) -> Credential {
    let mut c = Credential::new(
        "s",
        "https://api.sipgate.com/v2",
        Auth::Oauth {
            client: None,
            session: Some(Box::new(crate::credential::Session {
                access_token: Secret::new(access_token.to_owned()),
                refresh_token: None,
                id_token: None,
                token_type: "Bearer".into(),
                scope: scope.map(str::to_owned),
                session_state: None,
                obtained_at: 0,
                expires_in: None,
                refresh_expires_in: None,
                login_required: false,
                server_clock_offset: None,
            })),
        },
    )
    .unwrap();
    c.learned_scopes = None;
    c
}

#[test]
fn a_keycloak_session_grants_its_realm_roles() {
    let fixture: serde_json::Value = serde_json::from_str(FIXTURE).unwrap();
    let c = session(fixture["access_token"].as_str().unwrap(), None);
    let granted = Granted::of(&c);
    assert_eq!(granted.scopes(), ["balance:read"]);
    let map = ApiMap::get();
    let op = |m, p| map.find(m, p).operation().unwrap();
    assert_eq!(op("GET", "/balance").access(&granted), Access::Yes);
    assert_eq!(
        op("GET", "/history").access(&granted),
        Access::No {
            missing: vec!["history:read".into()]
        }
    );
    assert_eq!(
        op("POST", "/sessions/sms").access(&granted),
        Access::No {
            missing: vec!["sessions:sms:write".into(), "sessions:write".into()]
        }
    );
    assert_eq!(
        op("GET", "/authorization/userinfo").access(&granted),
        Access::Yes,
        "needs no scope"
    );
    assert!(granted.describe("session", 0).contains("`balance:read`"));
}

#[test]
fn scopes_come_from_every_place_a_token_keeps_them() {
    let claims = serde_json::json!({
        "realm_access": {"roles": ["balance:read"]},
        "resource_access": {"app": {"roles": ["history:read"]}, "x": {"roles": "bad"}},
        "scope": "openid numbers:read",
        "scp": ["users:read"],
    });
    let got = grants::in_claims(claims.as_object().unwrap());
    let want = [
        "balance:read",
        "history:read",
        "numbers:read",
        "openid",
        "users:read",
    ];
    assert_eq!(got.iter().map(String::as_str).collect::<Vec<_>>(), want);
    // The token response's scope counts too, and `all` covers everything.
    let opaque = session("8f0c3a7e-opaque", Some("all"));
    let granted = Granted::of(&opaque);
    let map = ApiMap::get();
    assert!(
        map.operations
            .iter()
            .all(|op| op.access(&granted) == Access::Yes)
    );
    // An opaque token without a scope field tells nothing.
    assert_eq!(Granted::of(&session("opaque", None)), Granted::Unknown);
}

#[test]
fn a_pat_is_unknown_until_learned_and_then_only_for_what_was_tested() {
    let mut pat = Credential::new(
        "p",
        "https://api.sipgate.com/v2",
        Auth::Pat {
            token_id: "token-X".into(),
            token: Secret::new("t".into()),
        },
    )
    .unwrap();
    let map = ApiMap::get();
    let op = |m, p| map.find(m, p).operation().unwrap();
    assert_eq!(
        op("GET", "/history").access(&Granted::of(&pat)),
        Access::Unknown
    );
    pat.learned_scopes = Some(LearnedScopes {
        granted: vec!["balance:read".into()],
        refused: vec!["history:read".into()],
        at: 100,
    });
    let granted = Granted::of(&pat);
    assert_eq!(op("GET", "/balance").access(&granted), Access::Yes);
    assert!(matches!(
        op("GET", "/history").access(&granted),
        Access::No { .. }
    ));
    assert_eq!(
        op("POST", "/sessions/sms").access(&granted),
        Access::Unknown,
        "write scopes are never tested"
    );
    assert!(granted.describe("PAT", 100 + 7200).contains("2 h 0 m ago"));
    pat.learned_scopes.as_mut().unwrap().granted = vec!["bad scope".into()];
    assert!(
        pat.validate_fields().is_err(),
        "a hostile store's scopes are checked"
    );
}

#[test]
fn filters_match_every_word_anywhere() {
    let map = ApiMap::get();
    let hits: Vec<String> = map.filter("sms POST").map(Operation::label).collect();
    assert!(hits.contains(&"POST /sessions/sms".to_owned()), "{hits:?}");
    assert!(hits.iter().all(|h| h.starts_with("POST")), "{hits:?}");
    assert_eq!(map.filter("").count(), 179);
    let by_scope: Vec<&Operation> = map.filter("history:read").collect();
    assert!(!by_scope.is_empty());
    assert!(
        by_scope
            .iter()
            .all(|o| o.scopes.iter().any(|s| s == "history:read"))
    );
}

/// The shipped facts as an OpenAPI document, the shape sipgate serves.
fn as_openapi(map: &ApiMap) -> serde_json::Value {
    let mut paths = serde_json::Map::new();
    for op in &map.operations {
        let item = paths
            .entry(op.path.clone())
            .or_insert_with(|| serde_json::json!({}));
        let security = if op.scopes.is_empty() {
            serde_json::json!([])
        } else {
            serde_json::json!([{"oauth2": op.scopes}])
        };
        let responses: serde_json::Map<String, serde_json::Value> = op
            .statuses
            .iter()
            .map(|s| (s.clone(), serde_json::json!({"description": "x"})))
            .collect();
        item[op.method.to_lowercase()] = serde_json::json!({
            "operationId": op.id,
            "tags": [op.tag],
            "security": security,
            "parameters": op.path_params.iter().map(|p| serde_json::json!({"name": p, "in": "path"})).collect::<Vec<_>>(),
            "responses": responses,
        });
    }
    let scopes: serde_json::Map<String, serde_json::Value> = map
        .declared_scopes
        .iter()
        .map(|s| (s.clone(), serde_json::json!("")))
        .collect();
    serde_json::json!({
        "openapi": "3.0.1",
        "info": {"version": "2.0.0"},
        "servers": [{"url": "https://api.sipgate.com/v2"}],
        "paths": paths,
        "components": {"securitySchemes": {"oauth2": {"type": "oauth2", "flows": {"authorizationCode": {"scopes": scopes}}}}},
    })
}

#[test]
fn regenerate_script_reproduces_the_shipped_facts() {
    let map = ApiMap::get();
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("swagger.json");
    std::fs::write(&doc, as_openapi(map).to_string()).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/sipgate/regenerate.py");
    let out = std::process::Command::new("python3")
        .arg(script)
        .arg(&doc)
        .output()
        .expect("python3 runs the regeneration script");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = ApiMap::parse(std::str::from_utf8(&out.stdout).unwrap()).unwrap();
    assert_eq!(again.declared_scopes, map.declared_scopes);
    let key = |o: &Operation| {
        (
            o.method.clone(),
            o.path.clone(),
            o.id.clone(),
            o.tag.clone(),
            o.scopes.clone(),
            o.path_params.clone(),
            o.statuses.clone(),
        )
    };
    let mut want: Vec<_> = map.operations.iter().map(key).collect();
    let mut got: Vec<_> = again.operations.iter().map(key).collect();
    want.sort();
    got.sort();
    assert_eq!(got, want);
}

#[test]
fn for_purposes_ask_for_the_narrowest_scope_of_each() {
    let map = ApiMap::get();
    let got = map
        .scopes_for(&[
            "POST /sessions/sms",
            "GET /w0/devices",
            "getHistory",
            "GET /authorization/userinfo",
        ])
        .unwrap();
    let got: Vec<&str> = got.iter().map(String::as_str).collect();
    assert_eq!(got, ["devices:read", "history:read", "sessions:sms:write"]);
    assert!(
        matches!(map.scopes_for(&["PATCH /balance"]), Err(ForError::WrongMethod { methods, .. }) if methods == "GET")
    );
    assert!(matches!(
        map.scopes_for(&["GET /nope"]),
        Err(ForError::Unknown(_))
    ));
    assert!(
        matches!(map.scopes_for(&["nonsense\u{1b}[2J"]), Err(ForError::Unknown(s)) if !s.contains('\u{1b}'))
    );
}
