use super::Announcement;

#[test]
fn payloads_round_trip() {
    for completed in [false, true] {
        let a = Announcement {
            session_id: "0b7f8a8e-8d1e-4a43-9d55-1f3f9bb0f6a1".into(),
            first: 3,
            last: 9,
            completed,
        };
        assert_eq!(Announcement::parse(&a.payload()), Some(a));
    }
    for bad in [
        "",
        "s",
        "s:1",
        "s:x:2",
        "s:3:2",
        "s:1:2:done",
        "s:1:2:completed:x",
    ] {
        assert_eq!(Announcement::parse(bad), None, "{bad}");
    }
}

#[test]
fn merging_keeps_the_range_and_the_last_state() {
    let mut a = Announcement::parse("s:4:6").unwrap();
    a.merge(Announcement::parse("s:7:8:completed").unwrap());
    assert_eq!(a, Announcement::parse("s:4:8:completed").unwrap());
    a.merge(Announcement::parse("s:1:2").unwrap());
    assert_eq!(a, Announcement::parse("s:1:8:completed").unwrap());
}
