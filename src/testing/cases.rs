//! Tables of cases that report every failing case, not only the first: each
//! case runs to its end (a panicking assertion is caught), then one panic
//! lists the number and message of each case that failed.

use std::any::Any;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::task::Poll;

/// Runs `check` on every case and panics once, after the last, listing each
/// failing case by its number (from 0) with its panic message.
#[track_caller]
pub fn check_all<C>(cases: impl IntoIterator<Item = C>, mut check: impl FnMut(C)) {
    let outcomes = cases
        .into_iter()
        .map(|case| panic::catch_unwind(AssertUnwindSafe(|| check(case))));
    report(outcomes.collect());
}

/// Like [`check_all`] for checks that await; the cases run one after another.
pub async fn check_all_async<C, F>(
    cases: impl IntoIterator<Item = C>,
    mut check: impl FnMut(C) -> F,
) where
    F: Future<Output = ()>,
{
    let mut outcomes = Vec::new();
    for case in cases {
        let mut future = match panic::catch_unwind(AssertUnwindSafe(|| Box::pin(check(case)))) {
            Ok(future) => future,
            Err(payload) => {
                outcomes.push(Err(payload));
                continue;
            }
        };
        let outcome = std::future::poll_fn(|cx| {
            match panic::catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
                Ok(Poll::Ready(())) => Poll::Ready(Ok(())),
                Ok(Poll::Pending) => Poll::Pending,
                Err(payload) => Poll::Ready(Err(payload)),
            }
        })
        .await;
        outcomes.push(outcome);
    }
    report(outcomes);
}

type Outcome = Result<(), Box<dyn Any + Send>>;

#[track_caller]
fn report(outcomes: Vec<Outcome>) {
    let total = outcomes.len();
    let failures: Vec<String> = outcomes
        .iter()
        .enumerate()
        .filter_map(|(i, outcome)| {
            let payload = outcome.as_ref().err()?;
            Some(format!("case {i}: {}", message(payload.as_ref())))
        })
        .collect();
    if !failures.is_empty() {
        panic!(
            "{} of {total} cases failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

fn message(payload: &(dyn Any + Send)) -> &str {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text
    } else {
        "(a panic without a message)"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure_of(run: impl FnOnce()) -> String {
        let payload = panic::catch_unwind(AssertUnwindSafe(run)).unwrap_err();
        message(payload.as_ref()).to_owned()
    }

    #[test]
    fn every_failing_case_is_listed_and_passing_ones_are_not() {
        let mut seen = Vec::new();
        let text = failure_of(|| {
            check_all([1, 2, 3, 4], |n| {
                seen.push(n);
                assert!(n % 2 == 1, "{n} is even");
            })
        });
        assert_eq!(seen, [1, 2, 3, 4], "a failure stopped the table");
        assert_eq!(
            text,
            "2 of 4 cases failed:\ncase 1: 2 is even\ncase 3: 4 is even"
        );
    }

    #[test]
    fn a_table_without_failures_passes() {
        check_all(["a", "b"], |s| assert_eq!(s.len(), 1));
    }

    #[tokio::test]
    async fn async_checks_are_awaited_and_every_failure_listed() {
        let table = check_all_async([10, 20, 30], |n| async move {
            tokio::task::yield_now().await;
            assert!(n != 20, "twenty");
            assert!(n != 30, "thirty");
        });
        let payload = tokio::spawn(table).await.unwrap_err().into_panic();
        assert_eq!(
            message(payload.as_ref()),
            "2 of 3 cases failed:\ncase 1: twenty\ncase 2: thirty"
        );
    }
}
