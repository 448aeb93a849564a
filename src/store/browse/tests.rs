//! Browse queries over the built-in demo case (two sessions of one app:
//! `normal` and `incognito`).

use super::*;
use crate::model::Mode;
use crate::store::Case;

fn demo() -> Case {
    let mut case = Case::open_in_memory().expect("in-memory case");
    case.import_demo().expect("demo imports");
    case
}

fn total(case: &Case) -> u64 {
    case.event_count(&BrowseFilter::default()).expect("count")
}

#[test]
fn mode_facet_counts_add_up_to_every_event() {
    let case = demo();
    let facets = case.facets(&BrowseFilter::default()).expect("facets");
    let modes = facets.iter().find(|f| f.facet == Facet::Mode).expect("mode facet");
    let values: Vec<&str> = modes.values.iter().map(|v| v.value.as_str()).collect();
    assert!(values.contains(&"normal") && values.contains(&"incognito"));
    assert_eq!(modes.values.iter().map(|v| v.count).sum::<u64>(), total(&case));
}

#[test]
fn a_facet_ignores_its_own_pick_but_others_follow_it() {
    let case = demo();
    let mut filter = BrowseFilter::default();
    filter.toggle(Facet::Mode, "incognito");
    let facets = case.facets(&filter).expect("facets");
    let modes = facets.iter().find(|f| f.facet == Facet::Mode).expect("mode facet");
    assert_eq!(modes.values.len(), 2, "the other mode stays clickable");
    let trackers = facets
        .iter()
        .find(|f| f.facet == Facet::Tracker)
        .expect("tracker facet");
    let incognito = case.event_count(&filter).expect("count");
    assert_eq!(trackers.values.iter().map(|v| v.count).sum::<u64>(), incognito);
    assert!(incognito > 0 && incognito < total(&case));
}

#[test]
fn hidden_sessions_and_text_narrow_the_list() {
    let case = demo();
    let sessions = case.sessions().expect("sessions");
    let mut filter = BrowseFilter::default();
    filter.hidden_sessions.insert(sessions[0].id);
    let page = case.event_page(&filter, Sort::default(), 0, 1000).expect("page");
    assert!(page.iter().all(|row| row.session_id == sessions[1].id));
    assert_eq!(page.len() as u64, case.event_count(&filter).expect("count"));
    filter.text = "purple giraffe".into();
    assert_eq!(
        case.event_count(&filter).expect("count"),
        0,
        "the canary was typed in the normal session"
    );
    filter.hidden_sessions.clear();
    let page = case.event_page(&filter, Sort::default(), 0, 1000).expect("page");
    assert!(!page.is_empty());
    assert!(page.iter().all(|row| row.mode == Mode::Normal));
}

#[test]
fn pages_follow_the_sort_and_positions_match_pages() {
    let case = demo();
    let filter = BrowseFilter::default();
    let sort = Sort {
        column: SortColumn::Event,
        descending: true,
    };
    let first = case.event_page(&filter, sort, 0, 50).expect("page");
    let second = case.event_page(&filter, sort, 50, 50).expect("page");
    assert_eq!(first.len(), 50);
    assert!(first.windows(2).all(|w| w[0].event >= w[1].event));
    assert!(first[49].event >= second[0].event);
    let position = case.event_position(&filter, sort, second[7].id).expect("position");
    assert_eq!(position, Some(57));
}

#[test]
fn timeline_marks_when_few_buckets_when_many() {
    let case = demo();
    let filter = BrowseFilter::default();
    let lanes = case.timeline_lanes(&filter, false).expect("lanes");
    let browser: Vec<Mode> = lanes
        .lanes
        .iter()
        .filter(|l| l.app.as_deref() == Some("com.example.browser"))
        .map(|l| l.mode)
        .collect();
    assert_eq!(
        browser,
        [Mode::Normal, Mode::Incognito],
        "one lane per app × mode, normal first"
    );
    let (start, end) = lanes.extent.expect("extent");
    let mut window = TimelineWindow {
        relative: false,
        start_micros: start,
        end_micros: end,
        buckets: 100,
        mark_limit: 10_000,
    };
    let slice = case.timeline_slice(&filter, &lanes.lanes, window).expect("slice");
    assert_eq!(slice.total, total(&case));
    assert_eq!(slice.marks.len() as u64, slice.total);
    window.mark_limit = 0;
    let slice = case.timeline_slice(&filter, &lanes.lanes, window).expect("slice");
    assert!(slice.marks.is_empty());
    assert_eq!(slice.buckets.iter().map(|b| b.count).sum::<u64>(), slice.total);
    assert!(slice.buckets.iter().all(|b| b.bucket <= 100));
}

#[test]
fn relative_time_lines_sessions_up() {
    let case = demo();
    let lanes = case.timeline_lanes(&BrowseFilter::default(), true).expect("lanes");
    let (start, end) = lanes.extent.expect("extent");
    assert_eq!(start, 0);
    assert!(end < 3_600_000_000, "both sessions fit in their first hour");
    let mut filter = BrowseFilter {
        time: Some(TimeRange {
            start_micros: 0,
            end_micros: 30_000_000,
            relative: true,
        }),
        ..BrowseFilter::default()
    };
    let page = case.event_page(&filter, Sort::default(), 0, 1000).expect("page");
    let modes: std::collections::BTreeSet<Mode> = page.iter().map(|r| r.mode).collect();
    assert_eq!(modes.len(), 2, "the first 30 s of both sessions");
    filter.time = None;
    assert!(case.event_count(&filter).expect("count") > page.len() as u64);
}

#[test]
fn event_detail_carries_layers_and_the_exchange() {
    let case = demo();
    let mut filter = BrowseFilter::default();
    filter.toggle(Facet::Tracker, "sensorsdata");
    let row = case.event_page(&filter, Sort::default(), 0, 1).expect("page").remove(0);
    let detail = case.event_detail(row.id).expect("detail").expect("exists");
    assert_eq!(detail.event.id, row.id);
    assert!(detail.layers.iter().any(|l| l.decoder == "gzip"));
    assert_eq!(detail.exchange.method, "POST");
    assert!(detail.annotation.is_none());
    assert!(case.event_detail(crate::model::EventId(-1)).expect("detail").is_none());
}
