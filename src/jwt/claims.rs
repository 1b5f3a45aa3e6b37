//! A decoded token as a person reads it: fields in a useful order, times as
//! UTC and relative to `now`, every string cleaned of control characters.
//!
//! The CLI prints these fields and the TUI will draw them, so the order and the
//! wording live here, once. Keycloak and other providers put what a developer
//! looks for first (roles, the client, the scope) among a dozen bookkeeping
//! claims; those come first, the registered claims after, and anything
//! unknown last, as compact JSON. Nothing is dropped.

use crate::time_text;
use serde_json::{Map, Value, json};

use super::Jwt;
use crate::sanitize::{clean_json, strip_controls};

/// Claims that hold a Unix time.
pub const TIME_CLAIMS: [&str; 5] = ["exp", "iat", "nbf", "auth_time", "updated_at"];

/// Provider claims shown first (Keycloak, Spring, sipgate), in this order.
/// `realm_access` and `resource_access` are expanded to their roles.
const PROVIDER_CLAIMS: [&str; 11] = [
    "realm_access",
    "resource_access",
    "azp",
    "typ",
    "session_state",
    "scope",
    "authorities",
    "user_name",
    "client_id",
    "allowed-origins",
    "sid",
];

/// Registered and OpenID Connect claims, shown after the provider's.
const STANDARD_CLAIMS: [&str; 18] = [
    "iss",
    "sub",
    "aud",
    "exp",
    "nbf",
    "iat",
    "auth_time",
    "jti",
    "acr",
    "amr",
    "nonce",
    "preferred_username",
    "name",
    "given_name",
    "family_name",
    "email",
    "email_verified",
    "updated_at",
];

/// One line of a token view: a name and its value, both safe to print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// The claim or header name, e.g. `exp` or `realm_access.roles`.
    pub name: String,
    /// The value as text.
    pub value: String,
}

/// A decoded token laid out for reading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenView {
    /// Header fields: alg, typ, kid, then the others.
    pub header: Vec<Field>,
    /// Claims: provider claims, then registered ones, then unknown ones.
    pub claims: Vec<Field>,
}

/// A time claim: Unix seconds, or unset (`0`, as Keycloak sends `nbf: 0`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeClaim {
    /// The claim name.
    pub name: &'static str,
    /// Unix seconds as sent.
    pub unix: i64,
}

impl TimeClaim {
    /// Whether the claim carries a time at all (0 means "not set").
    pub fn is_set(&self) -> bool {
        self.unix != 0
    }

    /// `2018-05-02 14:42:21 UTC`, or `None` when unset.
    pub fn utc(&self) -> Option<String> {
        self.is_set().then(|| time_text::utc(self.unix))
    }

    /// `expired 2 y ago`, `in 4 m 12 s`, `2 y ago`, or `None` when unset.
    pub fn relative(&self, now: i64) -> Option<String> {
        self.is_set()
            .then(|| time_text::relative(self.unix, now, self.name == "exp"))
    }

    /// The value as one line: `2018-05-02 14:42:21 UTC (expired 2 y ago)` or `not set`.
    pub fn describe(&self, now: i64) -> String {
        match (self.utc(), self.relative(now)) {
            (Some(utc), Some(rel)) => format!("{utc} ({rel})"),
            _ => "not set".to_owned(),
        }
    }
}

/// The time claims a token has, in [`TIME_CLAIMS`] order (non-numbers skipped).
pub fn times(jwt: &Jwt) -> Vec<TimeClaim> {
    TIME_CLAIMS
        .iter()
        .filter_map(|&name| {
            let unix = jwt.time_claim(name)?;
            Some(TimeClaim { name, unix })
        })
        .collect()
}

/// Lays a token out for reading at `now`.
pub fn view(jwt: &Jwt, now: i64) -> TokenView {
    TokenView {
        header: header_fields(&jwt.header),
        claims: claim_fields(jwt, now),
    }
}

/// The `--json` shape: `{header, claims, times}`, every string cleaned; `times`
/// maps each time claim to `{unix, utc, relative}` (`utc` and `relative` are
/// null when the claim is 0, "not set").
pub fn to_json(jwt: &Jwt, now: i64) -> Value {
    let times: Map<String, Value> = times(jwt)
        .into_iter()
        .map(|t| {
            let doc = json!({"unix": t.unix, "utc": t.utc(), "relative": t.relative(now)});
            (t.name.to_owned(), doc)
        })
        .collect();
    json!({
        "header": clean_json(Value::Object(jwt.header.clone())),
        "claims": clean_json(Value::Object(jwt.claims.clone())),
        "times": times,
    })
}

/// The `--json` shape of a token that is not a JWT.
pub fn opaque_json(length: usize) -> Value {
    json!({"opaque": true, "length": length})
}

/// Text from a token or a server, made safe for one terminal line:
/// [`strip_controls`], and newlines and tabs as spaces.
pub fn clean_line(text: &str) -> String {
    // Nearly every claim is printable ASCII: copy it without a char walk.
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return text.to_owned();
    }
    strip_controls(text).replace(['\n', '\t'], " ")
}

fn header_fields(header: &Map<String, Value>) -> Vec<Field> {
    let first = ["alg", "typ", "kid"];
    let mut fields: Vec<Field> = first
        .iter()
        .filter_map(|&k| Some(field(k, header.get(k)?)))
        .collect();
    fields.extend(
        header
            .iter()
            .filter(|(k, _)| !first.contains(&k.as_str()))
            .map(|(k, v)| field(k, v)),
    );
    fields
}

fn claim_fields(jwt: &Jwt, now: i64) -> Vec<Field> {
    let claims = &jwt.claims;
    let times = times(jwt);
    let mut fields = Vec::new();
    for &name in &PROVIDER_CLAIMS {
        let Some(value) = claims.get(name) else {
            continue;
        };
        match name {
            "realm_access" => roles(&mut fields, name, value),
            "resource_access" => match value.as_object() {
                Some(clients) if !clients.is_empty() => {
                    for (client, access) in clients {
                        roles(&mut fields, &format!("{name}.{client}"), access);
                    }
                }
                _ => fields.push(field(name, value)),
            },
            _ => fields.push(field(name, value)),
        }
    }
    for &name in &STANDARD_CLAIMS {
        let Some(value) = claims.get(name) else {
            continue;
        };
        match times.iter().find(|t| t.name == name) {
            Some(t) => fields.push(Field {
                name: name.to_owned(),
                value: t.describe(now),
            }),
            None => fields.push(field(name, value)),
        }
    }
    let known = |k: &str| PROVIDER_CLAIMS.contains(&k) || STANDARD_CLAIMS.contains(&k);
    fields.extend(
        claims
            .iter()
            .filter(|(k, _)| !known(k))
            .map(|(k, v)| Field {
                name: clean_line(k),
                value: compact(v),
            }),
    );
    fields
}

/// `{roles: [...], ...}` as `NAME.roles  a, b` plus any other members.
fn roles(fields: &mut Vec<Field>, name: &str, value: &Value) {
    let Some(access) = value.as_object() else {
        fields.push(field(name, value));
        return;
    };
    for (key, inner) in access {
        fields.push(field(&format!("{name}.{key}"), inner));
    }
    if access.is_empty() {
        fields.push(field(name, value));
    }
}

fn field(name: &str, value: &Value) -> Field {
    Field {
        name: clean_line(name),
        value: readable(value),
    }
}

/// Strings bare, arrays of strings as a list, anything else compact JSON.
fn readable(value: &Value) -> String {
    match value {
        Value::String(s) => clean_line(s),
        Value::Array(items) if items.is_empty() => "(none)".to_owned(),
        Value::Array(items) if items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(Value::as_str)
            .map(clean_line)
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(map) if map.is_empty() => "(none)".to_owned(),
        other => compact(other),
    }
}

fn compact(value: &Value) -> String {
    clean_line(&clean_json(value.clone()).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::decode;
    use crate::testing::jwt::{DUMMY_SIGNATURE, compact};

    fn token(header: Value, claims: Value) -> Jwt {
        decode(&compact(&header, &claims, DUMMY_SIGNATURE)).unwrap()
    }

    fn value_of<'a>(view: &'a TokenView, name: &str) -> Option<&'a str> {
        view.claims
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.value.as_str())
    }

    #[test]
    fn keycloak_claims_come_first_and_read_plainly() {
        let jwt = token(
            json!({"kid": "k1", "alg": "RS256", "x5t": "t"}),
            json!({
                "zz": {"a": 1}, "iss": "https://i", "exp": 1_000, "nbf": 0, "iat": 400,
                "realm_access": {"roles": ["balance:read", "x"]},
                "resource_access": {"account": {"roles": ["view"]}},
                "scope": "openid email", "aud": ["a", "b"], "typ": "Bearer",
            }),
        );
        let view = view(&jwt, 748);
        let names: Vec<&str> = view.header.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["alg", "kid", "x5t"]);
        let names: Vec<&str> = view.claims.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "realm_access.roles",
                "resource_access.account.roles",
                "typ",
                "scope",
                "iss",
                "aud",
                "exp",
                "nbf",
                "iat",
                "zz"
            ]
        );
        let cases = [
            ("realm_access.roles", "balance:read, x"),
            ("aud", "a, b"),
            ("exp", "1970-01-01 00:16:40 UTC (in 4 m 12 s)"),
            ("nbf", "not set"),
            ("iat", "1970-01-01 00:06:40 UTC (5 m 48 s ago)"),
            ("zz", r#"{"a":1}"#),
        ];
        crate::testing::cases::check_all(cases, |(name, want)| {
            assert_eq!(value_of(&view, name), Some(want), "{name}");
        });
    }

    #[test]
    fn control_characters_never_reach_the_view_or_the_json() {
        let jwt = token(
            json!({"alg": "RS256"}),
            json!({"sub": "a\u{1b}[31mb\u{9b}c\u{202e}d\ne", "x\u{7}": ["\u{85}y"]}),
        );
        let view = view(&jwt, 0);
        assert_eq!(value_of(&view, "sub"), Some("abd e"));
        assert_eq!(value_of(&view, "x"), Some(r#"["y"]"#));
        let doc = to_json(&jwt, 0).to_string();
        assert!(
            !doc.contains('\u{9b}') && !doc.contains('\u{202e}'),
            "{doc}"
        );
    }

    #[test]
    fn json_times_carry_unix_utc_and_relative() {
        let jwt = token(json!({"alg": "RS256"}), json!({"exp": 1_000, "nbf": 0}));
        let doc = to_json(&jwt, 1_252);
        assert_eq!(
            doc["times"]["exp"],
            json!({"unix": 1_000, "utc": "1970-01-01 00:16:40 UTC", "relative": "expired 4 m 12 s ago"})
        );
        assert_eq!(
            doc["times"]["nbf"],
            json!({"unix": 0, "utc": null, "relative": null})
        );
    }
}
