//! The sipgate endpoints the sandbox plays (listed in the
//! [module doc](super)), each behind the scope check sipgate makes: the
//! caller must grant one of the scopes sipgate's API map lists for the
//! operation ([`Operation::access`], the same rule the probe explains 403s
//! with), else 403 naming the scope. Bodies are small and shaped like
//! sipgate's answers. The other documented operations get the same check
//! and then 501 ([`unserved`]).

mod caller;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::{Credit, Shared, allowing, error_body, method_not_allowed, not_found};
use crate::sipgate::{ALL_SCOPE, Access, ApiMap, Granted, Match, Operation};

/// The one user of the sandbox account.
const USER_ID: &str = "w0";

/// The API routes; each answers another method 405.
pub(super) fn router() -> Router<Arc<Shared>> {
    const GET: &[&str] = &["GET"];
    Router::new()
        .route("/v2/account", allowing(GET, get(account)))
        .route("/v2/balance", allowing(GET, get(balance)))
        .route("/v2/history", allowing(GET, get(history)))
        .route("/v2/users", allowing(GET, get(users)))
        .route("/v2/numbers", allowing(GET, get(numbers)))
        .route("/v2/authorization/userinfo", allowing(GET, get(userinfo)))
        .route("/v2/{user_id}/devices", allowing(GET, get(devices)))
        .route("/v2/sessions/sms", allowing(&["POST"], post(send_sms)))
}

/// Every other request: a documented operation the sandbox does not play
/// still gets sipgate's credential and scope check (so a PAT's scopes can
/// be learned from 403s), then 501; a documented path with another method
/// 405 with the methods the map lists; anything else 404.
pub(super) async fn unserved(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let Some(path) = uri
        .path()
        .strip_prefix("/v2")
        .filter(|p| p.starts_with('/'))
    else {
        return not_found();
    };
    let map = ApiMap::get();
    match map.find(method.as_str(), path) {
        Match::Operation(op) => match gate_op(&shared, &headers, op) {
            Ok(()) => error_body(
                StatusCode::NOT_IMPLEMENTED,
                &format!("Not Implemented: the sandbox does not play {}", op.label()),
            ),
            Err(refusal) => refusal.into_response(),
        },
        Match::WrongMethod(op) => method_not_allowed(&map.methods_of(&op.path)),
        Match::Unknown => not_found(),
    }
}

/// Why the API refuses a request: a status and message for sipgate's
/// error body, and for a 401 the `WWW-Authenticate` challenge.
#[derive(Debug)]
pub(super) struct Refusal {
    status: StatusCode,
    message: String,
    challenge: Option<String>,
}

impl Refusal {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            challenge: None,
        }
    }

    /// 401 with this challenge.
    pub(super) fn unauthorized(challenge: String) -> Self {
        Self {
            challenge: Some(challenge),
            ..Self::new(StatusCode::UNAUTHORIZED, "Unauthorized")
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut response = error_body(self.status, &self.message);
        if let Some(value) = self.challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, value);
        }
        response
    }
}

/// An answer, or the error to send instead.
type Answer = Result<Response, Refusal>;

/// Lets the request through when its caller may call the operation with
/// this operationId; else the 401 or 403 to answer.
fn gate(shared: &Shared, headers: &HeaderMap, operation: &str) -> Result<(), Refusal> {
    let Some(op) = ApiMap::get().by_id(operation) else {
        // The routes name operations of the compiled-in map (a unit test
        // checks them); this is a build defect, not a caller's.
        return Err(Refusal::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the sandbox's API map lacks this operation",
        ));
    };
    gate_op(shared, headers, op)
}

/// [`gate`] for an operation at hand.
fn gate_op(shared: &Shared, headers: &HeaderMap, op: &Operation) -> Result<(), Refusal> {
    let scopes = caller::scopes(&shared.realm, headers)?;
    match op.access(&Granted::Known(scopes)) {
        Access::Yes => Ok(()),
        Access::No { missing } => Err(forbidden(&missing)),
        // Known scopes always decide; this arm only completes the match.
        Access::Unknown => Err(forbidden(&[])),
    }
}

/// 403 naming the scope the token lacks (any one of `missing` would do).
fn forbidden(missing: &[String]) -> Refusal {
    let scopes = if missing.is_empty() {
        ALL_SCOPE.to_owned()
    } else {
        missing.join(" or ")
    };
    Refusal::new(
        StatusCode::FORBIDDEN,
        format!("Forbidden: the token lacks the scope {scopes}"),
    )
}

/// A GET whose answer is a fixed body.
fn fixed(shared: &Shared, headers: &HeaderMap, operation: &str, body: Value) -> Answer {
    gate(shared, headers, operation)?;
    Ok(axum::Json(body).into_response())
}

async fn account(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Answer {
    let body = json!({
        "company": "Sandbox GmbH",
        "mainProductType": "TEAM",
        "logoUrl": "",
        "verified": true
    });
    fixed(&shared, &headers, "getAccount", body)
}

async fn balance(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Answer {
    // sipgate counts in 1/10000 of the currency: 10000 is 1.00 EUR.
    let body = json!({"amount": 10000, "currency": "EUR"});
    fixed(&shared, &headers, "getBalance", body)
}

async fn history(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Answer {
    let entry = |id: &str, kind: &str, direction: &str, status: &str, created: &str| {
        json!({
            "id": id,
            "source": "+4921100000001",
            "target": "+4921100000000",
            "sourceAlias": "",
            "targetAlias": "Sandbox User",
            "type": kind,
            "created": created,
            "lastModified": created,
            "direction": direction,
            "incoming": direction == "INCOMING",
            "status": status,
            "read": false,
            "archived": false,
            "starred": false,
            "labels": [],
        })
    };
    let items = [
        entry("h0", "CALL", "INCOMING", "PICKUP", "2024-05-02T14:32:21Z"),
        entry("h1", "SMS", "OUTGOING", "NOPICKUP", "2024-05-01T09:12:00Z"),
    ];
    let body = json!({"items": items, "totalCount": items.len()});
    fixed(&shared, &headers, "getHistory", body)
}

async fn users(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Answer {
    let body = json!({"items": [{
        "id": USER_ID,
        "firstname": "Sandbox",
        "lastname": "User",
        "email": "sandbox.user@sandbox.invalid",
        "defaultDevice": "e0",
        "busyOnBusy": false,
        "addressId": "a0",
        "directDialIds": [],
        "timezone": "Europe/Berlin",
        "admin": true
    }]});
    fixed(&shared, &headers, "getAllUsers", body)
}

async fn numbers(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Answer {
    let body = json!({"items": [{
        "id": "n0",
        "number": "+4921100000000",
        "localized": "0211 00000000",
        "type": "LANDLINE",
        "endpointId": "p0",
        "endpointAlias": "Sandbox User",
        "endpointUrl": "/w0/phonelines/p0"
    }]});
    fixed(&shared, &headers, "getNumbers", body)
}

async fn userinfo(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Answer {
    let body = json!({
        "sub": USER_ID,
        "domain": "sipgate.de",
        "masterSipId": "1234567",
        "locale": "de_DE"
    });
    fixed(&shared, &headers, "userinfo", body)
}

async fn devices(
    State(shared): State<Arc<Shared>>,
    Path(user_id): Path<String>,
    headers: HeaderMap,
) -> Answer {
    gate(&shared, &headers, "getDevices")?;
    if user_id != USER_ID {
        return Err(Refusal::new(
            StatusCode::NOT_FOUND,
            "Not Found: no such user",
        ));
    }
    Ok(axum::Json(json!({"items": [{
        "id": "e0",
        "alias": "VoIP-Telefon",
        "type": "REGISTER",
        "online": false,
        "dnd": false,
        "activePhonelines": [{"id": "p0", "alias": "Sandbox User"}],
        "activeGroups": []
    }]}))
    .into_response())
}

async fn send_sms(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Answer {
    gate(&shared, &headers, "sendWebSms")?;
    if let Some(problem) = sms_problem(&body) {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            format!("Bad Request: {problem}"),
        ));
    }
    if shared.switches().credit == Credit::Empty {
        return Err(Refusal::new(
            StatusCode::PAYMENT_REQUIRED,
            "Payment Required: the account's credit is used up",
        ));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// What is wrong with a `POST /sessions/sms` body, if anything: it must be
/// a JSON object with `smsId`, `recipient` and `message`, non-empty strings.
fn sms_problem(body: &[u8]) -> Option<String> {
    const FIELDS: [&str; 3] = ["smsId", "recipient", "message"];
    if body.trim_ascii().is_empty() {
        return Some("the body is missing: send JSON with smsId, recipient and message".into());
    }
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => return Some(format!("the body is not JSON ({e})")),
    };
    let Some(object) = value.as_object() else {
        return Some("the body must be a JSON object with smsId, recipient and message".into());
    };
    let lacking: Vec<&str> = FIELDS
        .into_iter()
        .filter(|f| {
            object
                .get(*f)
                .and_then(Value::as_str)
                .is_none_or(|s| s.trim().is_empty())
        })
        .collect();
    (!lacking.is_empty()).then(|| {
        format!(
            "the body lacks {} (a non-empty string each)",
            lacking.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_served_operation_is_in_the_map() {
        let served = [
            "getAccount",
            "getBalance",
            "getHistory",
            "getAllUsers",
            "getNumbers",
            "userinfo",
            "getDevices",
            "sendWebSms",
        ];
        for id in served {
            assert!(ApiMap::get().by_id(id).is_some(), "{id}");
        }
    }

    #[test]
    fn sms_bodies_are_checked_for_json_and_every_field() {
        let ok = br#"{"smsId":"s0","recipient":"+4915100000000","message":"hi"}"#;
        let cases: [(&[u8], Option<&str>); 6] = [
            (ok, None),
            (b"", Some("the body is missing")),
            (b"smsId=s0", Some("the body is not JSON")),
            (b"[1]", Some("must be a JSON object")),
            (
                br#"{"smsId":"s0","recipient":"  "}"#,
                Some("lacks recipient, message"),
            ),
            (
                br#"{"smsId":1,"recipient":"+49","message":"x"}"#,
                Some("lacks smsId"),
            ),
        ];
        crate::testing::cases::check_all(cases, |(body, want)| {
            let got = sms_problem(body);
            match (want, &got) {
                (None, None) => {}
                (Some(want), Some(got)) if got.contains(want) => {}
                _ => panic!(
                    "{:?}: want {want:?}, got {got:?}",
                    String::from_utf8_lossy(body)
                ),
            }
        });
    }
}
