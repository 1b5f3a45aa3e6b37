//! The picker on its own: ranking, moving, the parameter form and the
//! body's checks. (What the app makes of its events is tested with
//! `update()` in the app's tests.)

use super::*;

fn label(index: usize) -> String {
    operation(index).map_or_else(String::new, Operation::label)
}

fn top(query: &str) -> String {
    rank(query).first().map_or_else(String::new, |&i| label(i))
}

fn key(picker: &mut Picker, code: KeyCode) -> PickerEvent {
    picker.key(Key::plain(code), 10, None)
}

fn type_text(picker: &mut Picker, text: &str) {
    for c in text.chars() {
        key(picker, KeyCode::Char(c));
    }
}

/// A picker with `query` typed.
fn picker(query: &str) -> Picker {
    let mut picker = Picker::new("pat");
    type_text(&mut picker, query);
    picker
}

#[test]
fn typical_queries_rank_the_operation_meant_first() {
    let cases = [
        ("sms post", "POST /sessions/sms"),
        ("post sms", "POST /sessions/sms"),
        ("send sms", "POST /sessions/sms"),
        ("balance", "GET /balance"),
        ("get acc", "GET /account"),
        ("userinfo", "GET /authorization/userinfo"),
        ("gethistory", "GET /history"),
        ("GET DEVICES", "GET /{userId}/devices"),
    ];
    crate::testing::cases::check_all(cases, |(query, want)| {
        assert_eq!(top(query), want, "{query:?}: {:?}", &rank(query)[..3]);
    });
}

#[test]
fn an_empty_query_lists_everything_and_nonsense_nothing() {
    assert_eq!(rank("").len(), ApiMap::get().operations.len());
    assert!(rank("zzqqxx").is_empty());
    let picker = picker("zzqqxx");
    assert_eq!(picker.current(), None);
}

#[test]
fn moving_stops_at_the_ends_and_keeps_the_selection_in_view() {
    let mut picker = Picker::new("pat");
    key(&mut picker, KeyCode::Up);
    assert_eq!((picker.selected(), picker.scroll()), (0, 0));
    key(&mut picker, KeyCode::PageDown);
    key(&mut picker, KeyCode::Down);
    assert_eq!((picker.selected(), picker.scroll()), (11, 2));
    key(&mut picker, KeyCode::End);
    assert_eq!(picker.selected(), picker.matches().len() - 1);
    key(&mut picker, KeyCode::Down);
    assert_eq!(picker.selected(), picker.matches().len() - 1);
    // Typing ranks again and selects the best.
    type_text(&mut picker, "bal");
    assert_eq!((picker.selected(), picker.scroll()), (0, 0));
    key(&mut picker, KeyCode::Backspace);
    assert_eq!(picker.query(), "ba");
}

#[test]
fn a_template_asks_for_each_parameter_and_refuses_an_empty_one() {
    let mut picker = picker("getHistoryById");
    assert_eq!(key(&mut picker, KeyCode::Enter), PickerEvent::Continue);
    assert!(matches!(picker.stage(), Stage::Params { params, .. } if params.len() == 1));
    key(&mut picker, KeyCode::Enter);
    let Stage::Params { error, .. } = picker.stage() else {
        panic!("{:?}", picker.stage());
    };
    assert_eq!(error.as_deref(), Some("{entryId} is empty"));
    type_text(&mut picker, "e 1/2");
    let call = call_of(key(&mut picker, KeyCode::Enter));
    // The value is one path segment: its slash and space are encoded.
    assert_eq!(call.path, "/history/e%201%2F2");
    assert_eq!((call.method.as_str(), call.body), ("GET", None));
}

#[test]
fn user_id_is_filled_from_what_is_known_or_asked_for() {
    let mut known = picker("getDevices");
    assert_eq!(
        known.key(Key::plain(KeyCode::Enter), 10, Some("w0")),
        PickerEvent::Continue
    );
    let call = call_of(known.key(Key::plain(KeyCode::Enter), 10, Some("w0")));
    assert_eq!(call.path, "/w0/devices");

    let mut unknown = picker("getDevices");
    assert_eq!(key(&mut unknown, KeyCode::Enter), PickerEvent::NeedUserId);
    unknown.fill_user_id(Some("w7"));
    assert_eq!(
        call_of(key(&mut unknown, KeyCode::Enter)).path,
        "/w7/devices"
    );

    // What was typed while the lookup ran is not overwritten.
    let mut typed = picker("getDevices");
    key(&mut typed, KeyCode::Enter);
    type_text(&mut typed, "me");
    typed.fill_user_id(Some("w7"));
    assert_eq!(call_of(key(&mut typed, KeyCode::Enter)).path, "/me/devices");
}

#[test]
fn a_body_must_be_json_or_empty_before_the_confirmation() {
    let cases = [
        ("", Ok(None)),
        ("  \n ", Ok(None)),
        ("{\"a\": 1}", Ok(Some(serde_json::json!({"a": 1})))),
        ("[1, 2]", Ok(Some(serde_json::json!([1, 2])))),
    ];
    crate::testing::cases::check_all(cases, |(text, want)| {
        assert_eq!(parse_body(text), want, "{text:?}");
    });
    for bad in ["{", "{'a': 1}", "{\"a\": 1,}", "nope"] {
        let why = parse_body(bad).unwrap_err();
        assert!(
            why.starts_with("not JSON: ") && why.contains("line 1"),
            "{why}"
        );
    }
}

fn call_of(event: PickerEvent) -> Call {
    match event {
        PickerEvent::Send(call) => call,
        other => panic!("want a call, got {other:?}"),
    }
}
