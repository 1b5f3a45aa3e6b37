//! What a browser does with Keycloak's real pages: it follows redirects with
//! the cookies it was given, fills in and submits the login form (and the
//! consent or device form when one is shown), and stops where Keycloak
//! sends it off the server: the loopback callback of the login, or the
//! implicit grant's redirect that nothing listens on.

use std::collections::BTreeMap;

use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use url::Url;

use crate::server::{block_on, http, keycloak};

/// Where a visit ended.
#[derive(Debug)]
pub enum Outcome {
    /// Keycloak redirected off the server, to this URL (not visited).
    Left(String),
    /// A page of Keycloak's with no form to fill in (an error, a success).
    Page(u16, String),
}

/// A browser with a cookie jar (one host: the server) and a user to log in.
pub struct Browser {
    cookies: BTreeMap<String, String>,
    user: (&'static str, &'static str),
    /// Form fields to add to the next form that has them (e.g. a user code).
    pub extra: Vec<(String, String)>,
}

impl Browser {
    pub fn new(user: (&'static str, &'static str)) -> Self {
        Self {
            cookies: BTreeMap::new(),
            user,
            extra: Vec::new(),
        }
    }

    /// Opens `url` and goes on until Keycloak sends the browser elsewhere or
    /// shows a page without a form.
    pub fn visit(&mut self, url: &str) -> Outcome {
        let mut next = Request::Get(url.to_owned());
        for _ in 0..12 {
            let (status, location, body) = self.send(&next);
            if let Some(location) = location {
                let absolute = Url::parse(&next.url()).unwrap().join(&location).unwrap();
                if !is_keycloak(&absolute) {
                    return Outcome::Left(absolute.to_string());
                }
                next = Request::Get(absolute.to_string());
                continue;
            }
            match self.fill(&next.url(), &body) {
                Some(form) => next = form,
                None => return Outcome::Page(status, body),
            }
        }
        panic!("more than 12 steps in Keycloak's pages from {url}");
    }

    /// Like `visit`, and expects to leave Keycloak; returns the target.
    pub fn authorize(&mut self, url: &str) -> String {
        match self.visit(url) {
            Outcome::Left(target) => target,
            Outcome::Page(status, body) => {
                panic!("Keycloak stayed on a page ({status}): {}", page_text(&body))
            }
        }
    }

    /// Sends one request with the cookies; stores the ones set.
    fn send(&mut self, request: &Request) -> (u16, Option<String>, String) {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let (status, set, location, body) = block_on(async {
            let builder = match request {
                Request::Get(url) => http().get(url),
                Request::Post(url, form) => http().post(url).form(form),
            };
            let builder = if cookie.is_empty() {
                builder
            } else {
                builder.header(COOKIE, cookie)
            };
            let response = builder.send().await.unwrap();
            let status = response.status().as_u16();
            let set: Vec<String> = response
                .headers()
                .get_all(SET_COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok().map(str::to_owned))
                .collect();
            let location = response
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            (status, set, location, response.text().await.unwrap())
        });
        for line in set {
            let pair = line.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                let expired = line.to_ascii_lowercase().contains("max-age=0");
                if value.is_empty() || expired {
                    self.cookies.remove(name.trim());
                } else {
                    self.cookies
                        .insert(name.trim().to_owned(), value.trim().to_owned());
                }
            }
        }
        let location = location.filter(|_| (300..400).contains(&status));
        (status, location, body)
    }

    /// The submission of the page's form, filled in, if it has one we know.
    fn fill(&mut self, at: &str, page: &str) -> Option<Request> {
        let forms = forms(page);
        let form = forms
            .iter()
            .find(|f| f.has("password"))
            .or_else(|| forms.iter().find(|f| f.has("accept")))
            .or_else(|| forms.iter().find(|f| f.has("device_user_code")))?;
        let mut fields: Vec<(String, String)> = form
            .inputs
            .iter()
            .filter(|(name, _, kind)| kind != "submit" || name == "accept")
            .map(|(name, value, _)| (name.clone(), value.clone()))
            .collect();
        for (name, value) in fields.iter_mut() {
            match name.as_str() {
                "username" => *value = self.user.0.into(),
                "password" => *value = self.user.1.into(),
                "accept" => *value = "Yes".into(),
                _ => {}
            }
            if let Some((_, v)) = self.extra.iter().find(|(n, _)| n == name) {
                value.clone_from(v);
            }
        }
        let action = Url::parse(at).unwrap().join(&form.action).unwrap();
        Some(Request::Post(action.to_string(), fields))
    }
}

enum Request {
    Get(String),
    Post(String, Vec<(String, String)>),
}

impl Request {
    fn url(&self) -> String {
        match self {
            Request::Get(url) | Request::Post(url, _) => url.clone(),
        }
    }
}

fn is_keycloak(url: &Url) -> bool {
    let base = Url::parse(&keycloak().base).unwrap();
    url.host() == base.host() && url.port_or_known_default() == base.port_or_known_default()
}

/// A form on a page: its action and its inputs (name, value, type).
struct Form {
    action: String,
    inputs: Vec<(String, String, String)>,
}

impl Form {
    fn has(&self, name: &str) -> bool {
        self.inputs.iter().any(|(n, _, _)| n == name)
    }
}

/// The forms of an HTML page, read well enough for Keycloak's templates.
fn forms(page: &str) -> Vec<Form> {
    let mut found = Vec::new();
    let mut rest = page;
    while let Some(start) = rest.find("<form") {
        let after = &rest[start..];
        let end = after.find("</form>").unwrap_or(after.len());
        let body = &after[..end];
        let tag_end = body.find('>').unwrap_or(body.len());
        let action = attr(&body[..tag_end], "action").unwrap_or_default();
        let mut inputs = Vec::new();
        for (tag, default) in tags(body, "<input")
            .map(|t| (t, "text"))
            .chain(tags(body, "<button").map(|t| (t, "submit")))
        {
            if let Some(name) = attr(tag, "name") {
                let value = attr(tag, "value").unwrap_or_default();
                let kind = attr(tag, "type").unwrap_or_else(|| default.into());
                inputs.push((name, value, kind));
            }
        }
        found.push(Form { action, inputs });
        rest = &after[end..];
    }
    found
}

/// The opening tags starting with `open` in `html`.
fn tags<'a>(html: &'a str, open: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    html.match_indices(open).map(move |(i, _)| {
        let tag = &html[i..];
        &tag[..tag.find('>').unwrap_or(tag.len())]
    })
}

/// An attribute's value in a tag, entities decoded.
fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

fn unescape(text: &str) -> String {
    text.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x3D;", "=")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// A page's visible text, roughly (for failure messages).
pub fn page_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
