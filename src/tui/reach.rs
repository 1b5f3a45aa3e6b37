//! What a credential can call on sipgate's API, worked out once per
//! credential (when the selection or the credential changes, never per
//! frame): each operation's access, the totals, the tags it reaches and
//! the missing scopes that would unlock the most. The detail pane's
//! summary, the endpoint list and the picker's markers all read this.

use std::collections::BTreeMap;

use crate::credential::Credential;
use crate::sipgate::{self, Access, ApiMap, Granted};

/// One tag's share of what a credential can call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagReach {
    /// The tag (`history`).
    pub tag: String,
    /// Operations it can call.
    pub callable: usize,
    /// Operations under the tag.
    pub total: usize,
}

/// What a credential can call on sipgate's API.
#[derive(Clone, Debug)]
pub struct Reach {
    /// What it grants.
    pub granted: Granted,
    /// Each operation's access, in the map's order.
    pub access: Vec<Access>,
    /// Operations it can call.
    pub callable: usize,
    /// Operations it lacks the scopes for.
    pub refused: usize,
    /// Every tag, those with the most callable operations first.
    pub tags: Vec<TagReach>,
    /// Missing scopes and how many refused operations each would unlock,
    /// most first.
    pub unlocks: Vec<(String, usize)>,
}

impl Reach {
    /// The reach of `credential`; `None` when its API is not sipgate's
    /// (the map explains sipgate's API only).
    pub fn of(credential: &Credential) -> Option<Self> {
        if !sipgate::applies_to(&credential.api) {
            return None;
        }
        Some(Self::with(&Granted::of(credential), ApiMap::get()))
    }

    /// The reach of `granted` over `map`.
    pub fn with(granted: &Granted, map: &ApiMap) -> Self {
        let access: Vec<Access> = map.operations.iter().map(|op| op.access(granted)).collect();
        let mut tags: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        let mut unlocks: BTreeMap<&str, usize> = BTreeMap::new();
        let (mut callable, mut refused) = (0, 0);
        for (op, access) in map.operations.iter().zip(&access) {
            let tag = tags.entry(op.tag.as_str()).or_default();
            tag.1 += 1;
            match access {
                Access::Yes => {
                    callable += 1;
                    tag.0 += 1;
                }
                Access::No { missing } => {
                    refused += 1;
                    for scope in missing {
                        *unlocks.entry(scope.as_str()).or_default() += 1;
                    }
                }
                Access::Unknown => {}
            }
        }
        let mut tags: Vec<TagReach> = tags
            .into_iter()
            .map(|(tag, (callable, total))| TagReach {
                tag: tag.to_owned(),
                callable,
                total,
            })
            .collect();
        tags.sort_by(|a, b| {
            (b.callable, b.total)
                .cmp(&(a.callable, a.total))
                .then_with(|| a.tag.cmp(&b.tag))
        });
        let mut unlocks: Vec<(String, usize)> = unlocks
            .into_iter()
            .map(|(s, n)| (s.to_owned(), n))
            .collect();
        unlocks.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Self {
            granted: granted.clone(),
            access,
            callable,
            refused,
            tags,
            unlocks,
        }
    }

    /// How many operations there are.
    pub fn total(&self) -> usize {
        self.access.len()
    }

    /// Operations whose access is not known.
    pub fn unknown(&self) -> usize {
        self.total() - self.callable - self.refused
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn known(scopes: &[&str]) -> Granted {
        Granted::Known(
            scopes
                .iter()
                .map(|s| (*s).to_owned())
                .collect::<BTreeSet<_>>(),
        )
    }

    #[test]
    fn counts_add_up_and_the_scope_unlocking_most_comes_first() {
        let map = ApiMap::get();
        let reach = Reach::with(&known(&["balance:read"]), map);
        assert_eq!(reach.total(), map.operations.len());
        // GET /balance and the operations that need no scope.
        let free = map.operations.iter().filter(|op| !op.needs_scope()).count();
        assert_eq!(reach.callable, free + 1, "{:?}", reach.tags);
        assert_eq!(reach.unknown(), 0);
        assert_eq!(reach.refused, reach.total() - reach.callable);
        let (top, n) = &reach.unlocks[0];
        assert!(
            reach.unlocks.iter().all(|(_, m)| m <= n),
            "{top} first: {:?}",
            reach.unlocks
        );
        assert!(reach.tags[0].callable >= reach.tags[1].callable);
    }

    #[test]
    fn all_calls_everything_and_unknown_calls_only_what_needs_no_scope() {
        let map = ApiMap::get();
        let all = Reach::with(&known(&["all"]), map);
        assert_eq!(all.callable, all.total());
        assert!(all.unlocks.is_empty());
        let unknown = Reach::with(&Granted::Unknown, map);
        let free = map.operations.iter().filter(|op| !op.needs_scope()).count();
        assert_eq!((unknown.callable, unknown.refused), (free, 0));
        assert_eq!(unknown.unknown(), unknown.total() - free);
    }

    #[test]
    fn another_providers_api_has_no_reach() {
        let mut credential = crate::credential::Credential::new(
            "x",
            "https://api.example.test/v2",
            crate::credential::Auth::Pat {
                token_id: "token-1".into(),
                token: crate::credential::Secret::new("t".into()),
            },
        )
        .unwrap();
        assert!(Reach::of(&credential).is_none());
        credential.api = crate::credential::DEFAULT_API.into();
        assert!(Reach::of(&credential).is_some());
    }
}
