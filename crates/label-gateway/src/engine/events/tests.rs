use std::sync::Arc;

use super::local::LocalLog;
use super::log::{EventLog, Read};
use super::Recorded;
use crate::config::EventsConfig;
use crate::contract::{Code, EventType, TypeFilter};

fn event(n: usize, kind: EventType) -> Recorded {
    Recorded {
        at_ms: 0,
        id: format!("evt_{n}").into(),
        kind,
        key: Some(Arc::from("c1")),
        json: format!("{{\"n\":{n}}}").into(),
        position: "".into(),
    }
}

fn log(max_events: usize) -> LocalLog {
    LocalLog::new(&EventsConfig {
        max_events,
        ..EventsConfig::default()
    })
}

fn read<'a>(after: Option<&'a str>, types: &'a TypeFilter, limit: usize) -> Read<'a> {
    Read {
        after,
        types,
        limit,
    }
}

fn numbers(items: &[Recorded]) -> Vec<String> {
    items.iter().map(|e| e.id.to_string()).collect()
}

#[tokio::test]
async fn a_feed_pages_oldest_first_and_an_empty_one_gives_a_cursor_for_later() {
    let log = log(100);
    let all = TypeFilter::default();
    let empty = log.read("acme", read(None, &all, 10)).await.unwrap();
    assert!(empty.items.is_empty());
    let events = (1..=5).map(|n| event(n, EventType::CustomerLabelsChanged));
    log.append("acme", events.collect()).await.unwrap();
    let first = log
        .read("acme", read(Some(&empty.next), &all, 3))
        .await
        .unwrap();
    assert_eq!(numbers(&first.items), ["evt_1", "evt_2", "evt_3"]);
    let rest = log
        .read("acme", read(Some(&first.next), &all, 3))
        .await
        .unwrap();
    assert_eq!(numbers(&rest.items), ["evt_4", "evt_5"]);
    let none = log
        .read("acme", read(Some(&rest.next), &all, 3))
        .await
        .unwrap();
    assert!(none.items.is_empty());
    assert_eq!(none.next, rest.next, "an exhausted feed keeps its place");
    let other = log.read("globex", read(None, &all, 3)).await.unwrap();
    assert!(
        other.items.is_empty(),
        "tenants do not see each other's events"
    );
}

#[tokio::test]
async fn a_type_filter_skips_and_moves_the_cursor_past_what_it_skipped() {
    let log = log(100);
    let kinds = [
        EventType::LabelCreated,
        EventType::CustomerLabelsChanged,
        EventType::LabelCreated,
    ];
    let events = kinds.iter().enumerate().map(|(n, k)| event(n + 1, *k));
    log.append("acme", events.collect()).await.unwrap();
    let created = TypeFilter::only(vec![EventType::LabelCreated]);
    let page = log.read("acme", read(None, &created, 10)).await.unwrap();
    assert_eq!(numbers(&page.items), ["evt_1", "evt_3"]);
    let jobs = TypeFilter::only(vec![EventType::JobEnded]);
    let page = log.read("acme", read(None, &jobs, 10)).await.unwrap();
    assert!(page.items.is_empty());
    log.append("acme", vec![event(4, EventType::JobEnded)])
        .await
        .unwrap();
    let later = log
        .read("acme", read(Some(&page.next), &jobs, 10))
        .await
        .unwrap();
    assert_eq!(numbers(&later.items), ["evt_4"]);
}

#[tokio::test]
async fn a_cursor_before_what_is_kept_is_expired_and_a_foreign_one_is_refused() {
    let log = log(3);
    let all = TypeFilter::default();
    let start = log.read("acme", read(None, &all, 10)).await.unwrap().next;
    let events = (1..=5).map(|n| event(n, EventType::CustomerLabelsChanged));
    log.append("acme", events.collect()).await.unwrap();
    let error = log
        .read("acme", read(Some(&start), &all, 10))
        .await
        .unwrap_err();
    assert_eq!(error.kind, Code::CursorExpired);
    let kept = log.read("acme", read(None, &all, 10)).await.unwrap();
    assert_eq!(numbers(&kept.items), ["evt_3", "evt_4", "evt_5"]);
    assert!(log.find("acme", "evt_1").await.unwrap().is_none());
    assert_eq!(
        log.find("acme", "evt_4")
            .await
            .unwrap()
            .unwrap()
            .id
            .as_ref(),
        "evt_4"
    );
    let restarted = self::log(3);
    let error = restarted
        .read("acme", read(Some(&kept.next), &all, 10))
        .await;
    assert_eq!(error.unwrap_err().kind, Code::CursorExpired);
    for bad in ["nonsense", "x-1", "0-abc"] {
        let error = log
            .read("acme", read(Some(bad), &all, 10))
            .await
            .unwrap_err();
        assert!(
            matches!(error.kind, Code::InvalidRequest | Code::CursorExpired),
            "{bad}"
        );
    }
    let future = kept.next.replace("-5", "-99");
    let error = log
        .read("acme", read(Some(&future), &all, 10))
        .await
        .unwrap_err();
    assert_eq!(error.kind, Code::InvalidRequest);
}
