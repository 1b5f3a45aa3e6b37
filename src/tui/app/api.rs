//! The app and sipgate's API map: the selected credential's reach (worked
//! out when the selection or the credential changes), the endpoint picker
//! and what it sends, the full endpoint list, and the user ids the picker
//! fills into `{userId}`.

use std::collections::HashMap;

use crate::sanitize::strip_controls;
use crate::sipgate;

use super::super::endpoints::{self, EndpointList, Picker, PickerEvent};
use super::super::input::Key;
use super::super::kind::Work;
use super::super::msg::{Call, Effect, Job};
use super::super::reach::Reach;
use super::learning::LearnRun;
use super::{App, Modal};

/// The longest user id taken from a userinfo answer.
const MAX_USER_ID: usize = 200;

/// What the app keeps about the API beside the entries.
#[derive(Debug, Default)]
pub(super) struct ApiState {
    /// The selected credential's reach: whose, at which generation
    /// (`None` inside when its API is not sipgate's).
    reach: Option<(String, u64, Option<Reach>)>,
    /// User ids from `GET /authorization/userinfo`, by credential name.
    user_ids: HashMap<String, String>,
    /// The credential whose user id is being asked for.
    asking: Option<String>,
    /// A picked call waiting for its credential's refresh.
    pub(super) waiting: Option<(String, Call)>,
    /// The scope-learning run, if any (the learn modal shows it).
    pub(super) learning: Option<LearnRun>,
}

impl App {
    /// What the selected credential can call on sipgate's API; `None` off
    /// sipgate's API (or with nothing selected).
    pub fn reach(&self) -> Option<&Reach> {
        let entry = self.current()?;
        match &self.api.reach {
            Some((name, generation, reach))
                if name == entry.name() && *generation == entry.generation =>
            {
                reach.as_ref()
            }
            _ => None,
        }
    }

    /// The user id known for the credential called `name`.
    pub fn user_id(&self, name: &str) -> Option<&str> {
        self.api.user_ids.get(name).map(String::as_str)
    }

    /// Works out the selected credential's reach if the selection or the
    /// credential changed since (once per change, not per frame).
    pub(super) fn sync_reach(&mut self) {
        let Some(entry) = self.current() else {
            self.api.reach = None;
            return;
        };
        let same = self
            .api
            .reach
            .as_ref()
            .is_some_and(|(n, g, _)| n == entry.name() && *g == entry.generation);
        if !same {
            let reach = Reach::of(&entry.credential);
            self.api.reach = Some((entry.name().to_owned(), entry.generation, reach));
        }
    }

    /// Opens the picker or the full list for the selected credential, when
    /// its API is sipgate's.
    pub(super) fn open_endpoints(&mut self, list: bool, now: i64) {
        let Some(entry) = self.current() else {
            self.warn(super::super::strings::nothing_selected(&self.keymap), now);
            return;
        };
        if !sipgate::applies_to(&entry.credential.api) {
            let text = super::super::strings::not_sipgate(entry.name(), &entry.credential.api);
            self.warn(text, now);
            return;
        }
        let name = entry.name().to_owned();
        self.modal = Some(if list {
            Modal::Endpoints(Box::new(EndpointList::new(&name)))
        } else {
            Modal::Picker(Box::new(Picker::new(&name)))
        });
    }

    /// A key for the open picker.
    pub(super) fn picker_key(&mut self, key: Key, now: i64) -> Vec<Effect> {
        let page = endpoints::list_rows(self.size.0, self.size.1);
        let Some(Modal::Picker(picker)) = self.modal.as_mut() else {
            return Vec::new();
        };
        let user_id = self.api.user_ids.get(&picker.name).map(String::as_str);
        match picker.key(key, page, user_id) {
            PickerEvent::Continue => Vec::new(),
            PickerEvent::Close => {
                self.modal = None;
                Vec::new()
            }
            PickerEvent::NeedUserId => {
                let name = picker.name.clone();
                self.ask_user_id(&name)
            }
            PickerEvent::Send(call) => {
                let name = picker.name.clone();
                self.modal = None;
                self.send_call(&name, call, now)
            }
        }
    }

    /// Asks the credential's API for its user id, unless already asking.
    fn ask_user_id(&mut self, name: &str) -> Vec<Effect> {
        let Some(entry) = self.entry(name) else {
            return Vec::new();
        };
        if crate::header::authorization_value(&entry.credential).is_err() {
            // Not logged in: nothing to ask with; the field stays empty.
            if let Some(Modal::Picker(picker)) = self.modal.as_mut() {
                picker.fill_user_id(None);
            }
            return Vec::new();
        }
        if self.api.asking.as_deref() == Some(name) {
            return Vec::new();
        }
        let job = Job {
            name: name.to_owned(),
            generation: entry.generation,
        };
        let credential = Box::new(entry.credential.clone());
        self.api.asking = Some(name.to_owned());
        vec![Effect::UserId { job, credential }]
    }

    /// The userinfo answer: kept for the credential (a failure is not, so
    /// the next pick asks again) and filled into an open form.
    pub(super) fn user_id_answer(&mut self, name: &str, user_id: Option<String>) {
        if self.api.asking.as_deref() == Some(name) {
            self.api.asking = None;
        }
        let user_id = user_id
            .map(|id| strip_controls(&id))
            .filter(|id| !id.trim().is_empty() && id.len() <= MAX_USER_ID);
        if let Some(id) = &user_id {
            self.api.user_ids.insert(name.to_owned(), id.clone());
        }
        if let Some(Modal::Picker(picker)) = self.modal.as_mut()
            && picker.name == name
        {
            picker.fill_user_id(user_id.as_deref());
        }
    }

    /// Sends a picked call with the credential called `name`, through the
    /// probe's path (a session that is due is refreshed first).
    fn send_call(&mut self, name: &str, call: Call, now: i64) -> Vec<Effect> {
        if self.busy(name) {
            self.warn(format!("{name} is busy: wait until it is done"), now);
            return Vec::new();
        }
        // The picker was for this credential; it is still the selected one
        // (keys do not reach the list while a modal is open).
        if self.current().map(|e| e.name()) != Some(name) {
            return Vec::new();
        }
        self.api.waiting = Some((name.to_owned(), call));
        let effects = self.start(Work::Probe, now);
        if effects.is_empty() {
            self.api.waiting = None;
        }
        effects
    }

    /// The picked call waiting for `name`, taken.
    pub(super) fn take_call(&mut self, name: &str) -> Option<Box<Call>> {
        self.api
            .waiting
            .take_if(|(n, _)| n == name)
            .map(|(_, call)| Box::new(call))
    }
}
