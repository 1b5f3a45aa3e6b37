//! The endpoint picker: sipgate's operations in a pop-up, filtered as you
//! type ([`fuzzy`](super::fuzzy) over method, path, tag and operationId,
//! best first), and what picking one leads to: a small form for its path
//! parameters (`{userId}` filled from `GET /authorization/userinfo` when
//! the app knows it), then a GET is sent at once; any other method first
//! gets a JSON body editor and an explicit confirmation that it changes
//! the account. Invalid JSON is refused in place and nothing is sent.
//!
//! Like a form, the picker takes its own keys and answers with a
//! [`PickerEvent`]; the app turns a [`PickerEvent::Send`] into the same
//! probe effect `p` uses, with the picked method, path and body.

mod editor;
pub mod list;

use std::sync::OnceLock;

use ratatui::layout::Rect;

use crate::sipgate::{ApiMap, Operation};

use super::fuzzy::{self, Haystack, Query, Scratch};
use super::input::{Key, KeyCode, SearchKey};
use super::msg::Call;
pub use editor::Editor;
pub use list::EndpointList;

/// The parameter filled from `GET /authorization/userinfo`.
pub const USER_ID: &str = "userId";

/// What a key did to the picker.
#[derive(Debug, PartialEq)]
pub enum PickerEvent {
    /// Keep going.
    Continue,
    /// Close it.
    Close,
    /// The form asks for `{userId}`: the app looks it up.
    NeedUserId,
    /// Send this call.
    Send(Call),
}

/// One path parameter's field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    /// Its name (`userId`).
    pub name: String,
    /// What is typed.
    pub value: Editor,
    /// Waiting for the user id lookup.
    pub looking_up: bool,
}

/// Where the picker is.
#[derive(Clone, Debug, PartialEq)]
pub enum Stage {
    /// Choosing an operation.
    List,
    /// Filling in the picked operation's path parameters.
    Params {
        /// The operation (index into the map).
        op: usize,
        /// One field per parameter, in template order.
        params: Vec<Param>,
        /// The focused field.
        focus: usize,
        /// Why Enter was refused.
        error: Option<String>,
    },
    /// Writing the body of a call that changes the account.
    Body {
        /// The operation.
        op: usize,
        /// The path, parameters filled in.
        path: String,
        /// The body as typed.
        body: Editor,
        /// Why the body was refused.
        error: Option<String>,
    },
    /// The last word before a call that changes the account.
    Confirm {
        /// The operation.
        op: usize,
        /// The path, parameters filled in.
        path: String,
        /// The checked body.
        body: Option<serde_json::Value>,
    },
}

/// The open picker.
#[derive(Clone, Debug, PartialEq)]
pub struct Picker {
    /// The credential it calls with.
    pub name: String,
    query: String,
    matches: Vec<usize>,
    selected: usize,
    scroll: usize,
    /// Kept from the list while a form is open, to go back to.
    params: Vec<Param>,
    stage: Stage,
}

/// Each operation as the matcher sees it: `METHOD path tag operationId`.
fn haystacks() -> &'static [Haystack] {
    static TEXTS: OnceLock<Vec<Haystack>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        ApiMap::get()
            .operations
            .iter()
            .map(|op| Haystack::new(&format!("{} {} {} {}", op.method, op.path, op.tag, op.id)))
            .collect()
    })
}

/// The operations (indices into the map) matching `query`, best first.
pub fn rank(query: &str) -> Vec<usize> {
    fuzzy::rank(&Query::new(query), haystacks(), &mut Scratch::default())
}

/// The operation at `index` of the map.
pub fn operation(index: usize) -> Option<&'static Operation> {
    ApiMap::get().operations.get(index)
}

/// The picker's box on a `width` × `height` screen (border included).
pub fn area(width: u16, height: u16) -> Rect {
    let w = width.min(110);
    let h = height.saturating_sub(2).clamp(height.min(8), 40);
    Rect::new((width - w) / 2, (height - h) / 2, w, h)
}

/// Rows of operations the box shows: the inside less the query line, two
/// lines on the selected operation and the keys.
pub fn list_rows(width: u16, height: u16) -> usize {
    usize::from(area(width, height).height.saturating_sub(6)).max(1)
}

impl Picker {
    /// A picker for the credential called `name`, every operation listed.
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            query: String::new(),
            matches: rank(""),
            selected: 0,
            scroll: 0,
            params: Vec::new(),
            stage: Stage::List,
        }
    }

    /// What is typed.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The matching operations, best first.
    pub fn matches(&self) -> &[usize] {
        &self.matches
    }

    /// The selected row of [`Picker::matches`].
    pub fn selected(&self) -> usize {
        self.selected
    }

    /// The first row shown.
    pub fn scroll(&self) -> usize {
        self.scroll
    }

    /// Where it is.
    pub fn stage(&self) -> &Stage {
        &self.stage
    }

    /// The selected operation (index into the map).
    pub fn current(&self) -> Option<usize> {
        self.matches.get(self.selected).copied()
    }

    /// Replaces the query and ranks again, the best match selected.
    pub fn set_query(&mut self, query: &str) {
        query.clone_into(&mut self.query);
        self.matches = rank(&self.query);
        self.selected = 0;
        self.scroll = 0;
    }

    /// The user id lookup answered: an untouched `{userId}` field takes it.
    pub fn fill_user_id(&mut self, user_id: Option<&str>) {
        let Stage::Params { params, .. } = &mut self.stage else {
            return;
        };
        for param in params.iter_mut().filter(|p| p.looking_up) {
            param.looking_up = false;
            if let Some(id) = user_id.filter(|_| param.value.is_blank()) {
                param.value = Editor::line(id);
            }
        }
    }

    /// Pasted text goes where typing goes.
    pub fn paste(&mut self, text: &str) {
        match &mut self.stage {
            Stage::List => {
                let mut query = self.query.clone();
                query.extend(text.chars().filter(|c| !c.is_control()));
                self.set_query(&query);
            }
            Stage::Params { params, focus, .. } => {
                if let Some(p) = params.get_mut(*focus) {
                    p.value.insert(text);
                }
            }
            Stage::Body { body, error, .. } => {
                body.insert(text);
                *error = None;
            }
            Stage::Confirm { .. } => {}
        }
    }

    /// Handles a key; `page` is how many rows the list shows and
    /// `user_id` the known user id of the credential, if any.
    pub fn key(&mut self, key: Key, page: usize, user_id: Option<&str>) -> PickerEvent {
        match &mut self.stage {
            Stage::List => self.list_key(key, page, user_id),
            Stage::Params { .. } => self.params_key(key),
            Stage::Body { .. } => self.body_key(key),
            Stage::Confirm { op, path, body } => match key.code {
                KeyCode::Char('y') if !key.ctrl => {
                    let call = call(*op, path, body.clone());
                    PickerEvent::Send(call)
                }
                KeyCode::Char('n') | KeyCode::Esc => {
                    let (op, path) = (*op, path.clone());
                    let text = body.as_ref().map_or_else(String::new, |b| {
                        serde_json::to_string_pretty(b).unwrap_or_default()
                    });
                    self.stage = Stage::Body {
                        op,
                        path,
                        body: Editor::multiline(&text),
                        error: None,
                    };
                    PickerEvent::Continue
                }
                _ => PickerEvent::Continue,
            },
        }
    }

    fn list_key(&mut self, key: Key, page: usize, user_id: Option<&str>) -> PickerEvent {
        let last = self.matches.len().saturating_sub(1);
        match key.code {
            KeyCode::Esc => return PickerEvent::Close,
            KeyCode::Enter => return self.pick(user_id),
            _ => match super::input::search_key(&self.query, key, self.selected, page, last) {
                Some(SearchKey::Query(query)) => self.set_query(&query),
                Some(SearchKey::Moved(to)) => self.selected = to,
                None => {}
            },
        }
        self.scroll = super::input::follow(self.scroll, self.selected, page);
        PickerEvent::Continue
    }

    /// Enter on the list: a form for the parameters, or the next step.
    fn pick(&mut self, user_id: Option<&str>) -> PickerEvent {
        let Some(index) = self.current() else {
            return PickerEvent::Continue;
        };
        let Some(op) = operation(index) else {
            return PickerEvent::Continue;
        };
        if op.path_params.is_empty() {
            return self.next(index, op.path.clone());
        }
        let mut lookup = false;
        let params = op
            .path_params
            .iter()
            .map(|name| {
                // A value typed for this name before is offered again.
                let typed = self.params.iter().find(|p| &p.name == name);
                let known = (name == USER_ID).then_some(user_id).flatten();
                let value = typed
                    .map(|p| p.value.text())
                    .filter(|v| !v.is_empty())
                    .or(known.map(str::to_owned))
                    .unwrap_or_default();
                let looking_up = name == USER_ID && value.is_empty();
                lookup |= looking_up;
                Param {
                    name: name.clone(),
                    value: Editor::line(&value),
                    looking_up,
                }
            })
            .collect::<Vec<_>>();
        let focus = params.iter().position(|p| p.value.is_blank()).unwrap_or(0);
        self.stage = Stage::Params {
            op: index,
            params,
            focus,
            error: None,
        };
        if lookup {
            PickerEvent::NeedUserId
        } else {
            PickerEvent::Continue
        }
    }

    fn params_key(&mut self, key: Key) -> PickerEvent {
        let Stage::Params {
            op,
            params,
            focus,
            error,
        } = &mut self.stage
        else {
            return PickerEvent::Continue;
        };
        let count = params.len().max(1);
        match key.code {
            KeyCode::Esc => {
                self.params = std::mem::take(params);
                self.stage = Stage::List;
            }
            KeyCode::Tab | KeyCode::Down => *focus = (*focus + 1) % count,
            KeyCode::BackTab | KeyCode::Up => *focus = (*focus + count - 1) % count,
            KeyCode::Enter => {
                if let Some(empty) = params.iter().position(|p| p.value.is_blank()) {
                    *focus = empty;
                    *error = Some(format!("{{{}}} is empty", params[empty].name));
                    return PickerEvent::Continue;
                }
                let (index, taken) = (*op, params.clone());
                let Some(operation) = operation(index) else {
                    return PickerEvent::Continue;
                };
                let path = operation.fill(|name| {
                    taken
                        .iter()
                        .find(|p| p.name == name)
                        .map(|p| p.value.text().trim().to_owned())
                });
                self.params = taken;
                return self.next(index, path);
            }
            _ => {
                if let Some(p) = params.get_mut(*focus)
                    && p.value.key(key)
                {
                    p.looking_up = false;
                    *error = None;
                }
            }
        }
        PickerEvent::Continue
    }

    /// After the parameters: a GET goes now, anything else to the body.
    fn next(&mut self, op: usize, path: String) -> PickerEvent {
        let Some(operation) = operation(op) else {
            return PickerEvent::Continue;
        };
        if operation.is_read() {
            return PickerEvent::Send(call(op, &path, None));
        }
        let start = if operation.method == "DELETE" {
            ""
        } else {
            "{}"
        };
        self.stage = Stage::Body {
            op,
            path,
            body: Editor::multiline(start),
            error: None,
        };
        PickerEvent::Continue
    }

    fn body_key(&mut self, key: Key) -> PickerEvent {
        let Stage::Body {
            op,
            path,
            body,
            error,
        } = &mut self.stage
        else {
            return PickerEvent::Continue;
        };
        match key.code {
            KeyCode::Esc => {
                let has_params = operation(*op).is_some_and(|o| !o.path_params.is_empty());
                let op = *op;
                self.stage = Stage::List;
                if has_params {
                    // Back to the form, with what was typed in it.
                    self.selected = self.matches.iter().position(|&i| i == op).unwrap_or(0);
                    return self.pick(None);
                }
            }
            KeyCode::Char('s') if key.ctrl => match parse_body(&body.text()) {
                Ok(value) => {
                    self.stage = Stage::Confirm {
                        op: *op,
                        path: path.clone(),
                        body: value,
                    };
                }
                Err(why) => *error = Some(why),
            },
            _ => {
                if body.key(key) {
                    *error = None;
                }
            }
        }
        PickerEvent::Continue
    }
}

/// The call for operation `op` at `path`.
fn call(op: usize, path: &str, body: Option<serde_json::Value>) -> Call {
    Call {
        method: operation(op).map_or_else(|| "GET".to_owned(), |o| o.method.clone()),
        path: path.to_owned(),
        body,
    }
}

/// A body as typed: nothing (blank), or JSON that parses.
pub fn parse_body(text: &str) -> Result<Option<serde_json::Value>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    serde_json::from_str(text)
        .map(Some)
        .map_err(|e| format!("not JSON: {e}; nothing was sent"))
}

#[cfg(test)]
mod tests;
