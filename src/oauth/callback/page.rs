//! The listener's pages: small, loading nothing, forbidding everything by
//! CSP, never cached; any text in them is HTML-escaped.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The page for a callback that ends nothing.
pub(super) fn not_completed(why: &str) -> String {
    format!(
        "<p>This redirect did not complete the login: {}</p><p>sipauth-tui is still waiting for the login. You can close this tab.</p>",
        html_escape(why)
    )
}

pub(super) const PAGE_SUCCESS: &str =
    "<p>sipauth-tui received the login. You can close this tab and return to the terminal.</p>";
pub(super) const PAGE_WRONG_STATE: &str = "<p>This request does not belong to the login sipauth-tui is waiting for (missing or wrong <code>state</code>). It was ignored; the login is still waiting.</p>";
pub(super) const PAGE_REPEATED: &str =
    "<p>A parameter appears more than once. It was ignored; the login is still waiting.</p>";
pub(super) const PAGE_NO_CODE: &str = "<p>The request carries neither a code nor an error. It was ignored; the login is still waiting.</p>";
pub(super) const PAGE_ALREADY_DONE: &str =
    "<p>This login has already completed; this request was rejected. You can close this tab.</p>";
pub(super) const PAGE_NOT_FOUND: &str = "<p>Nothing here.</p>";
pub(super) const PAGE_BUSY: &str =
    "<p>sipauth-tui is busy with other redirects; reload this page in a moment.</p>";
pub(super) const PAGE_OVER: &str =
    "<p>The login has ended; see the terminal. You can close this tab.</p>";

pub(super) fn page(status: StatusCode, title: &str, body: &str) -> Response {
    page_owned(status, title, body.to_owned())
}

pub(super) fn page_owned(status: StatusCode, title: &str, body: String) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>sipauth-tui: {title}</title></head><body><h1>{title}</h1>{body}</body></html>"
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'",
        ),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

pub(super) fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
