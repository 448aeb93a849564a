//! Browse queries over the built-in demo case (two sessions of one app:
//! `normal` and `incognito`) and over a real capture (an Android app's
//! first run: 16 requests to Facebook, Branch and Bugsnag).

use super::*;
use crate::model::{ExchangeId, Mode};
use crate::store::{Case, ExchangeFilter, ImportOptions, NoObserver};
use std::collections::BTreeMap;

fn demo() -> Case {
    let mut case = Case::open_in_memory().expect("in-memory case");
    case.import_demo().expect("demo imports");
    case
}

/// `tests/fixtures/real/har_tweasel-reporthar_android-first-run.har` in a
/// fresh in-memory case (see that folder's SOURCES.md).
fn first_run() -> Case {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real/har_tweasel-reporthar_android-first-run.har");
    let mut case = Case::open_in_memory().expect("in-memory case");
    let options = ImportOptions {
        mode: Some(Mode::Normal),
        ..ImportOptions::default()
    };
    case.import_file(&path, &options, &mut NoObserver)
        .expect("real capture imports");
    case
}

/// A timeline window over the whole extent of `lanes`.
fn whole_extent(lanes: &Lanes, relative: bool, buckets: u32, mark_limit: u64) -> TimelineWindow {
    let (start_micros, end_micros) = lanes.extent.expect("extent");
    TimelineWindow {
        relative,
        start_micros,
        end_micros,
        buckets,
        mark_limit,
    }
}

fn facet(facets: &[FacetList], facet: Facet) -> &FacetList {
    facets.iter().find(|f| f.facet == facet).expect("facet listed")
}

fn value<'a>(list: &'a FacetList, value: &str) -> &'a FacetCount {
    list.values
        .iter()
        .find(|v| v.value == value)
        .unwrap_or_else(|| panic!("{value} in {:?}", list.values))
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
    assert_eq!(modes.values.iter().map(|v| v.events).sum::<u64>(), total(&case));
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
    assert_eq!(trackers.values.iter().map(|v| v.events).sum::<u64>(), incognito);
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
    let mut window = whole_extent(&lanes, false, 100, 10_000);
    let slice = case.timeline_slice(&filter, &lanes.lanes, window).expect("slice");
    let lane_requests: u64 = lanes.lanes.iter().map(|l| l.requests).sum();
    assert_eq!(slice.total, total(&case) + lane_requests);
    assert_eq!((slice.marks.len() + slice.request_marks.len()) as u64, slice.total);
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

/// A relative time range is one absolute range per session (so SQLite can
/// use the indexes); it keeps exactly the rows whose time since their
/// session's start lies in it, events and requests alike.
#[test]
fn relative_ranges_keep_the_rows_of_each_sessions_own_window() {
    let case = demo_and_real();
    let starts = case.session_starts().expect("starts");
    let events = case
        .event_page(&BrowseFilter::default(), Sort::default(), 0, 100_000)
        .expect("events");
    let requests = case
        .request_page(&BrowseFilter::default(), RequestSort::default(), 0, 100_000)
        .expect("requests");
    let since = |session: &crate::model::SessionId, time: i64| time - starts[session];
    let mut nonempty = 0;
    for (start, end) in [
        (0, 30_000_000),
        (10_000_000, 200_000_000),
        (300_000_000, 600_000_000),
        (-5, 0),
    ] {
        let filter = BrowseFilter {
            time: Some(TimeRange {
                start_micros: start,
                end_micros: end,
                relative: true,
            }),
            ..BrowseFilter::default()
        };
        let inside = |s, t| (start..=end).contains(&since(s, t));
        let expected_events = events.iter().filter(|e| inside(&e.session_id, e.time_micros)).count() as u64;
        let expected_requests = requests.iter().filter(|r| inside(&r.session_id, r.time_micros)).count() as u64;
        assert_eq!(
            case.event_count(&filter).expect("count"),
            expected_events,
            "{start}..{end}"
        );
        assert_eq!(
            case.request_count(&filter).expect("count"),
            expected_requests,
            "{start}..{end}"
        );
        nonempty += usize::from(expected_events > 0);
    }
    assert!(nonempty >= 3, "the windows hold events");
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

#[test]
fn every_request_of_a_real_capture_is_listed_with_its_company() {
    let case = first_run();
    let filter = BrowseFilter::default();
    assert_eq!(case.request_count(&filter).expect("count"), 16);
    let rows = case
        .request_page(&filter, RequestSort::default(), 0, 100)
        .expect("page");
    assert_eq!(rows.len(), 16);
    assert!(
        rows.windows(2).all(|w| w[0].time_micros <= w[1].time_micros),
        "time order"
    );
    let mut per_company = std::collections::BTreeMap::new();
    for row in &rows {
        let company = row
            .company
            .clone()
            .unwrap_or_else(|| panic!("no company for {}", row.url));
        *per_company.entry(company).or_insert(0) += 1;
        assert!(!row.data_types.is_empty(), "{} carried data", row.url);
    }
    let counts: Vec<(String, i32)> = per_company.into_iter().collect();
    let short: Vec<(&str, i32)> = counts
        .iter()
        .map(|(c, n)| (c.split(' ').next().unwrap_or(""), *n))
        .collect();
    assert_eq!(short, [("Branch", 5), ("Bugsnag", 2), ("Facebook", 9)], "{counts:?}");
    // The rows agree with `telltale exchanges` (the same store, another query).
    let listed = case.exchanges(&ExchangeFilter::default()).expect("exchanges");
    for row in &rows {
        let same = listed.iter().find(|x| x.id == row.id).expect("listed");
        assert_eq!(same.event_count.max(0) as u64, row.event_count);
        let kinds: Vec<&str> = same.data_types.iter().map(|d| d.kind.as_str()).collect();
        assert!(
            row.data_types.iter().all(|k| kinds.contains(&k.as_str())),
            "{kinds:?} vs {:?}",
            row.data_types
        );
    }
    // Servers of a HAR from mitmproxy carry their addresses: a country each.
    assert!(rows.iter().any(|r| r.country.is_some()), "{rows:?}");
}

#[test]
fn facets_count_requests_also_where_no_event_was_decoded() {
    let case = first_run();
    let facets = case.facets(&BrowseFilter::default()).expect("facets");
    let hosts = facet(&facets, Facet::Host);
    let graph = value(hosts, "graph.facebook.com");
    assert_eq!(graph.requests, 9);
    let branch = value(hosts, "api2.branch.io");
    assert_eq!(branch.requests, 3);
    let companies = facet(&facets, Facet::Company);
    assert_eq!(companies.values.iter().map(|v| v.requests).sum::<u64>(), 16);
    let types = facet(&facets, Facet::DataType);
    let advertising = value(types, "advertisingId");
    let expected = case
        .exchanges(&ExchangeFilter::default())
        .expect("exchanges")
        .iter()
        .filter(|x| x.data_types.iter().any(|d| d.kind == "advertisingId"))
        .count() as u64;
    assert!(expected > 0);
    assert_eq!(advertising.requests, expected);

    // A click on the data type narrows the requests to those that carried it.
    let mut filter = BrowseFilter::default();
    filter.toggle(Facet::DataType, "advertisingId");
    assert_eq!(case.request_count(&filter).expect("count"), expected);
    filter.toggle(Facet::Company, &branch.detail.clone().expect("host's company"));
    let rows = case
        .request_page(&filter, RequestSort::default(), 0, 100)
        .expect("page");
    assert!(rows.iter().all(|r| r.host.ends_with("branch.io")), "{rows:?}");
}

#[test]
fn search_hits_narrow_requests_without_events() {
    let case = first_run();
    // The Facebook SDK fetches its gatekeepers at start-up; no event is
    // decoded from that request.
    let facebook = case
        .exchanges(&ExchangeFilter {
            host: Some("graph.facebook.com".into()),
            ..ExchangeFilter::default()
        })
        .expect("exchanges");
    let fetch = facebook
        .iter()
        .find(|x| x.url.contains("/mobile_sdk_gk?"))
        .expect("gatekeeper fetch");
    assert_eq!(fetch.event_count, 0);
    let hits = case.search(&["gatekeepers".to_string()]).expect("search");
    assert!(
        hits.iter().any(|h| h.exchange_id == fetch.id && h.event_id.is_none()),
        "{hits:?}"
    );
    let mut filter = BrowseFilter {
        text: "gatekeepers".into(),
        ..BrowseFilter::default()
    };
    filter.hits = Some(SearchHits {
        events: hits.iter().filter_map(|h| h.event_id).collect(),
        exchanges: hits.iter().map(|h| h.exchange_id).collect(),
    });
    let rows = case
        .request_page(&filter, RequestSort::default(), 0, 100)
        .expect("page");
    let mut hit_ids: Vec<ExchangeId> = hits.iter().map(|h| h.exchange_id).collect();
    hit_ids.sort();
    hit_ids.dedup();
    let mut shown: Vec<ExchangeId> = rows.iter().map(|r| r.id).collect();
    shown.sort();
    assert_eq!(shown, hit_ids, "every request with a hit, nothing else");
}

#[test]
fn tracker_requests_without_events_are_timeline_marks() {
    let case = first_run();
    let filter = BrowseFilter::default();
    let lanes = case.timeline_lanes(&filter, false).expect("lanes");
    assert_eq!(lanes.lanes.len(), 1, "one app, one mode");
    let without_events: Vec<ExchangeId> = case
        .exchanges(&ExchangeFilter::default())
        .expect("exchanges")
        .iter()
        .filter(|x| x.event_count == 0 && (x.company.is_some() || x.tracker.is_some()))
        .map(|x| x.id)
        .collect();
    // Config fetches of the Facebook SDK (6) and Branch's skip list (2).
    assert_eq!(without_events.len(), 8, "{without_events:?}");
    assert_eq!(lanes.lanes[0].requests, without_events.len() as u64);
    let window = whole_extent(&lanes, false, 100, 4_000);
    let slice = case.timeline_slice(&filter, &lanes.lanes, window).expect("slice");
    let marked: Vec<ExchangeId> = slice.request_marks.iter().map(|m| m.exchange_id).collect();
    assert_eq!(marked, without_events);
    assert_eq!(slice.total, lanes.lanes[0].count + lanes.lanes[0].requests);
    assert!(slice.request_marks.iter().all(|m| m.company.is_some()));
    // Relative: the session starts at its first request.
    let relative = case.timeline_lanes(&filter, true).expect("lanes");
    assert_eq!(relative.extent.map(|e| e.0), Some(0));
}

#[test]
fn request_detail_has_layers_events_and_sorts_by_event_count() {
    let case = first_run();
    let filter = BrowseFilter::default();
    let sort = RequestSort {
        column: RequestSortColumn::Events,
        descending: true,
    };
    let rows = case.request_page(&filter, sort, 0, 100).expect("page");
    assert!(rows.windows(2).all(|w| w[0].event_count >= w[1].event_count));
    let busiest = &rows[0];
    assert!(busiest.event_count > 0);
    let detail = case.request_detail(busiest.id).expect("detail").expect("exists");
    assert_eq!(detail.request.id, busiest.id);
    assert_eq!(
        detail.events.len() as u64,
        busiest.event_count.min(REQUEST_EVENT_LIMIT as u64)
    );
    assert!(!detail.layers.is_empty());
    assert_eq!(detail.exchange.method, busiest.method);
    assert!(detail.annotation.is_none());
    assert_eq!(
        case.request_position(&filter, sort, rows[5].id).expect("position"),
        Some(5)
    );
    assert!(case.request_detail(ExchangeId(-1)).expect("detail").is_none());
}

/// The facet counts and timeline lanes the window reads from the figures
/// kept at import (store/figures.rs) equal what grouping the rows gives, on
/// a case of the demo's two sessions, the real first run, and the
/// perfcascade HAR merged into the first run's session (two imports adding
/// to one session's figures), with all sessions shown and with one hidden,
/// on both time axes; and the same after migration 5 recounted them from
/// the rows, as it does for older cases.
/// The demo case plus a session "real" made of two real captures (an
/// Android app's first run, normal; a browser's page load, incognito)
/// imported one after the other, so the second merges into the first.
fn demo_and_real() -> Case {
    let mut case = demo();
    let real = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
    for (file, mode) in [
        ("har_tweasel-reporthar_android-first-run.har", Mode::Normal),
        ("har_perfcascade_browsertime-filamentgroup.com.har", Mode::Incognito),
    ] {
        let options = ImportOptions {
            session: Some("real".to_string()),
            mode: Some(mode),
            ..ImportOptions::default()
        };
        case.import_file(&real.join(file), &options, &mut NoObserver)
            .expect("real capture imports");
    }
    let sessions = case.sessions().expect("sessions");
    assert_eq!(sessions.len(), 3, "{sessions:?}");
    case
}

/// No filter, and each session hidden in turn.
fn session_filters(case: &Case) -> Vec<BrowseFilter> {
    let mut filters = vec![BrowseFilter::default()];
    for session in case.sessions().expect("sessions") {
        let mut hidden = BrowseFilter::default();
        hidden.hidden_sessions.insert(session.id);
        filters.push(hidden);
    }
    filters
}

#[test]
fn kept_density_equals_grouping() {
    let case = demo_and_real();
    let filters = session_filters(&case);
    let bucketed = |filter: &BrowseFilter, lanes: &Lanes, window: TimelineWindow, kept: bool| {
        let slice = case
            .timeline_slice_with(filter, &lanes.lanes, window, kept)
            .expect("slice");
        assert!(slice.marks.is_empty() && !slice.buckets.is_empty(), "{slice:?}");
        slice
    };
    let mut compared = 0;
    for filter in &filters {
        let lanes = case.timeline_lanes(filter, false).expect("lanes");
        let (first, last) = lanes.extent.expect("extent");
        // Columns of 8 s, 32 s and 128 s read kept levels 0, 1 and 2. A
        // window from a column edge to just before one: every kept bucket
        // lies in one column, so the counts must be the grouped ones.
        for level in 0..3 {
            let column = 8 * crate::store::density::level_micros(level);
            let start = first.div_euclid(column) * column;
            let columns = (last - start) / column + 1;
            let window = TimelineWindow {
                relative: false,
                start_micros: start,
                end_micros: start + columns * column - 1,
                buckets: u32::try_from(columns).expect("columns"),
                mark_limit: 0,
            };
            let kept = bucketed(filter, &lanes, window, true);
            assert_eq!(
                kept,
                bucketed(filter, &lanes, window, false),
                "level {level}, {filter:?}"
            );
            compared += kept.buckets.len();
        }
        // On the relative axis each session's buckets are shifted by its own
        // start, so columns differ by at most one; each lane's total and
        // each tracker's do not, over the whole extent.
        let lanes = case.timeline_lanes(filter, true).expect("lanes");
        let window = whole_extent(&lanes, true, 40, 0);
        let totals = |slice: &TimelineSlice| {
            let mut totals: BTreeMap<(usize, String), u64> = BTreeMap::new();
            for bucket in &slice.buckets {
                *totals.entry((bucket.lane, bucket.tracker.clone())).or_default() += bucket.count;
            }
            totals
        };
        let kept = bucketed(filter, &lanes, window, true);
        let grouped = bucketed(filter, &lanes, window, false);
        assert_eq!(totals(&kept), totals(&grouped), "relative, {filter:?}");
        assert_eq!(kept.buckets.iter().map(|b| b.count).sum::<u64>(), kept.total);
    }
    assert!(compared > 30, "{compared} buckets compared");
    // The counts above came from the kept density: doubled, the slice doubles.
    let lanes = case.timeline_lanes(&BrowseFilter::default(), false).expect("lanes");
    let window = whole_extent(&lanes, false, 10, 0);
    let before = bucketed(&BrowseFilter::default(), &lanes, window, true);
    case.conn
        .execute("UPDATE timeline_density SET count = count * 2", [])
        .expect("double");
    let after = bucketed(&BrowseFilter::default(), &lanes, window, true);
    let sum = |slice: &TimelineSlice| slice.buckets.iter().map(|b| b.count).sum::<u64>();
    assert_eq!(sum(&after), 2 * sum(&before));
    // A session from before schema 7 has no complete level: the window is
    // grouped from the rows (the doubled counts are not read).
    case.conn
        .execute("UPDATE sessions SET density_levels = 0 WHERE name = 'real'", [])
        .expect("old session");
    let grouped = bucketed(&BrowseFilter::default(), &lanes, window, true);
    assert_eq!(sum(&grouped), sum(&before));
}

#[test]
fn kept_facets_and_lanes_equal_the_queries() {
    let case = demo_and_real();
    let mut filters = session_filters(&case);
    let mut one_pick = BrowseFilter::default();
    one_pick.toggle(Facet::Mode, "normal");
    filters.push(one_pick);
    let kept_at_import = case.facets(&BrowseFilter::default()).expect("facets");
    // Cases from before schema 5 get their figures counted from their rows
    // by the migration; running it again here must give the same.
    let mut migrated = 0;
    for pass in ["import", "migration"] {
        if pass == "migration" {
            case.conn
                .execute_batch(include_str!("../../../migrations/0005-kept-request-figures/up.sql"))
                .expect("migration 5 runs again");
            // Schema 8 then marks each session's first-party requests, which
            // are no timeline marks (store/hosts.rs `apply_parties`).
            let labels = crate::store::hosts::read_labels(&case.conn).expect("labels");
            for session in case.sessions().expect("sessions") {
                let rules = crate::store::hosts::session_rules(&case.conn, session.id).expect("rules");
                crate::store::hosts::apply_parties(&case.conn, session.id, &rules, &labels).expect("parties");
            }
            migrated = case
                .conn
                .query_row("SELECT count(*) FROM session_facets", [], |r| r.get::<_, i64>(0))
                .expect("count");
            assert_eq!(case.facets(&BrowseFilter::default()).expect("facets"), kept_at_import);
        }
        check_kept_figures(&case, &filters, pass);
    }
    // A host label counts a session's figures again from its rows
    // (store/figures.rs `recount_figures`): the same figures as the import's.
    for session in case.sessions().expect("sessions") {
        crate::store::figures::recount_figures(&case.conn, session.id).expect("recount");
    }
    assert_eq!(case.facets(&BrowseFilter::default()).expect("facets"), kept_at_import);
    check_kept_figures(&case, &filters, "recount");
    assert!(migrated > 50, "{migrated}");
    // The figures are real: the merged session's requests and lanes are there.
    let all = case.facets(&BrowseFilter::default()).expect("facets");
    let hosts = facet(&all, Facet::Host);
    assert_eq!(value(hosts, "graph.facebook.com").requests, 9);
    let lanes = case.timeline_lanes(&BrowseFilter::default(), false).expect("lanes");
    let events: u64 = lanes.lanes.iter().map(|l| l.count).sum();
    assert_eq!(events, case.event_count(&BrowseFilter::default()).expect("count"));
    assert!(lanes.lanes.iter().map(|l| l.requests).sum::<u64>() > 0, "{lanes:?}");
}

fn check_kept_figures(case: &Case, filters: &[BrowseFilter], pass: &str) {
    for filter in filters {
        let kept = case.facets_with(filter, true).expect("kept facets");
        let queried = case.facets_with(filter, false).expect("queried facets");
        assert_eq!(kept, queried, "facets after {pass} under {filter:?}");
        for relative in [false, true] {
            let kept = case.timeline_lanes_with(filter, relative, true).expect("kept lanes");
            let queried = case
                .timeline_lanes_with(filter, relative, false)
                .expect("queried lanes");
            assert_eq!(
                kept, queried,
                "lanes after {pass} under {filter:?}, relative {relative}"
            );
        }
    }
}

/// Tags count the requests annotated themselves or through one of their
/// events (once each), and the events annotated.
#[test]
fn tag_facet_counts_requests_through_their_events() {
    use crate::model::{AnnotationEdit, Target};
    let mut case = demo();
    let tag = |tags: &[&str]| AnnotationEdit {
        tags: Some(tags.iter().map(|t| t.to_string()).collect()),
        ..AnnotationEdit::default()
    };
    let page = case
        .event_page(&BrowseFilter::default(), Sort::default(), 0, 50)
        .expect("page");
    // Two events of one request, one event of another, and a third request itself.
    let first = &page[0];
    let sibling = page
        .iter()
        .find(|r| r.exchange_id == first.exchange_id && r.id != first.id);
    let other = page
        .iter()
        .find(|r| r.exchange_id != first.exchange_id)
        .expect("another request");
    case.annotate(Target::Event(first.id), &tag(&["leak"])).expect("tag");
    if let Some(sibling) = sibling {
        case.annotate(Target::Event(sibling.id), &tag(&["leak"])).expect("tag");
    }
    case.annotate(Target::Event(other.id), &tag(&["leak", "check"]))
        .expect("tag");
    let third = page
        .iter()
        .find(|r| r.exchange_id != first.exchange_id && r.exchange_id != other.exchange_id)
        .expect("a third request");
    case.annotate(Target::Exchange(third.exchange_id), &tag(&["check"]))
        .expect("tag");
    let facets = case.facets(&BrowseFilter::default()).expect("facets");
    let tags = facet(&facets, Facet::Tag);
    let leak = value(tags, "leak");
    assert_eq!((leak.requests, leak.events), (2, 1 + u64::from(sibling.is_some()) + 1));
    let check = value(tags, "check");
    assert_eq!((check.requests, check.events), (2, 1));
}
