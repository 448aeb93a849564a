//! The window, driven headlessly with egui_kittest and clicked by
//! accessibility label. Every harness comes from [`harness_sized`]: a fixed
//! size (1600×1000 unless a test is about small screens), the light theme,
//! an in-memory case — the demo, or a real capture (an Android app's first
//! run: 16 requests to Facebook, Branch and Bugsnag). The worker answers
//! asynchronously, so tests step frames until a condition holds (bounded
//! by [`MAX_FRAMES`]).

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::sync::Arc;
use telltale::app::TelltaleApp;
use telltale::model::{Confidence, Mode, Severity, Target};
use telltale::store::{Case, ExchangeFilter, ImportOptions, NoObserver};
use telltale::window::command::Command;
use telltale::window::file_picker::PickPurpose;
use telltale::window::state::{Detail, RowsShown, Settings, View};

/// Frames stepped at most while waiting for the worker.
const MAX_FRAMES: usize = 2_000;

/// The in-memory demo case (sessions `normal` and `incognito`).
fn demo_case() -> Case {
    let mut case = Case::open_in_memory().expect("in-memory case");
    case.import_demo().expect("demo imports");
    case
}

/// The real capture `tests/fixtures/real/har_tweasel-reporthar_android-first-run.har`
/// imported (as normal mode) into `case`.
fn import_first_run(case: &mut Case) {
    let options = ImportOptions {
        mode: Some(Mode::Normal),
        ..ImportOptions::default()
    };
    case.import_file(&first_run_path(), &options, &mut NoObserver)
        .expect("real capture imports");
}

fn first_run_path() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real/har_tweasel-reporthar_android-first-run.har")
}

fn first_run_case() -> Case {
    let mut case = Case::open_in_memory().expect("in-memory case");
    import_first_run(&mut case);
    case
}

/// A harness on `case` at 1600×1000 (see [`harness_sized`]).
fn harness(case: Case) -> Harness<'static, TelltaleApp> {
    harness_sized(case, [1600.0, 1000.0])
}

/// A harness on `case` with a fixed size and the light theme, stepped
/// until the first rows of the table shown are drawn.
fn harness_sized(case: Case, size: [f32; 2]) -> Harness<'static, TelltaleApp> {
    let app = TelltaleApp::new(Some(case), Settings::default(), Arc::new(|| {})).expect("worker starts");
    let mut harness = Harness::builder()
        .with_size(size)
        .with_theme(egui::Theme::Light)
        .with_max_steps(20)
        // The demo's canaries include Chinese text; the desktop app falls
        // back to system fonts, the headless harness has none.
        .allow_missing_glyphs()
        .build_ui_state(|ui, app: &mut TelltaleApp| app.frame_ui(ui), app);
    wait_for(&mut harness, "the first table rows", |h| {
        let state = &h.state().state;
        state.table.row(0).is_some() || state.requests.row(0).is_some()
    });
    harness
}

/// Steps frames until `done` holds.
fn wait_for(
    harness: &mut Harness<'static, TelltaleApp>,
    what: &str,
    done: impl Fn(&Harness<'static, TelltaleApp>) -> bool,
) {
    for _ in 0..MAX_FRAMES {
        if done(harness) {
            return;
        }
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    panic!("timed out waiting for {what}");
}

fn shown_count(harness: &Harness<'static, TelltaleApp>) -> Option<u64> {
    harness.state().state.table.count
}

#[test]
fn unticking_a_session_filters_the_table_to_the_other() {
    let mut harness = harness(demo_case());
    wait_for(&mut harness, "the count", |h| shown_count(h) == Some(426));
    harness.get_by_role_and_label(Role::CheckBox, "normal").click();
    wait_for(&mut harness, "the filtered count", |h| shown_count(h) == Some(212));
    wait_for(&mut harness, "filtered rows", |h| {
        h.state().state.table.row(0).is_some()
    });
    let state = &harness.state().state;
    let sessions: Vec<&str> = (0..50)
        .filter_map(|i| state.table.row(i))
        .map(|r| r.session.as_str())
        .collect();
    assert!(
        !sessions.is_empty() && sessions.iter().all(|s| *s == "incognito"),
        "{sessions:?}"
    );
    harness.step();
    assert!(
        harness.query_by_label_contains("hidden: normal").is_some(),
        "a chip says what is hidden"
    );
}

#[test]
fn clicking_an_event_shows_its_decoded_url_in_the_inspector() {
    let mut harness = harness(demo_case());
    let url = "https://news.example.org/world/2020/04/20/elections";
    harness.run_steps(2);
    let before = harness.query_all_by_label(url).count();
    assert!(before > 0, "the table shows the URL as key field");
    harness
        .query_all_by_label(url)
        .next()
        .expect("a row with the URL")
        .click();
    wait_for(&mut harness, "the event detail", |h| h.state().state.detail.is_some());
    harness.run_steps(3);
    let detail = harness
        .state()
        .state
        .detail
        .as_ref()
        .and_then(|d| d.as_event())
        .expect("event detail");
    assert_eq!(
        detail.event.fields.get("properties.$url").and_then(|v| v.as_str()),
        Some(url)
    );
    assert!(harness.query_by_label("$url:").is_some(), "the field tree shows $url");
    assert!(
        harness.query_all_by_label(url).count() > before,
        "the inspector shows the decoded URL"
    );
}

#[test]
fn the_compare_view_says_what_incognito_still_sends_then_opens_a_tracker() {
    let mut harness = harness(demo_case());
    harness.get_by_label("Compare").click();
    wait_for(&mut harness, "the comparison", |h| {
        h.state().state.compare.result.is_some()
    });
    harness.run_steps(3);
    let result = harness.state().state.compare.result.clone().expect("comparison");
    assert_eq!((result.a.as_str(), result.b.as_str()), ("normal", "incognito"));
    let row = result
        .rows
        .iter()
        .find(|r| r.field.is_empty() && r.count_a > 0 && r.count_b > 0)
        .expect("an event kind sent in both")
        .clone();
    let still = format!("Still sent in incognito: {} — ", row.tracker);
    assert!(
        harness.query_by_label_contains(&still).is_some(),
        "the summary names what incognito still sends through {}",
        row.tracker
    );
    // The field-level rows are collapsed by tracker until opened.
    assert!(harness.query_by_label("(the event itself)").is_none());
    let groups = telltale::window::compare::rows_by_tracker(&result);
    let group = groups
        .iter()
        .find(|g| g.tracker == row.tracker)
        .expect("the tracker's rows");
    let title = format!(
        "{} — {} rows, {} differ",
        group.tracker,
        group.rows.len(),
        group.differing
    );
    // Below the fold of the compare view: click it as a screen reader would.
    harness.get_by_label(&title).click_accesskit();
    harness.run_steps(3);
    assert!(harness.query_all_by_label("(the event itself)").count() > 0);
    assert!(harness.query_all_by_label(&row.event).count() > 0, "{row:?}");
    // The hosts table names each host with company, country and network.
    let host = result
        .hosts
        .iter()
        .find(|h| h.country.is_some())
        .expect("a located host");
    assert!(harness.query_all_by_label(&host.host).count() > 0);
}

#[test]
fn annotating_an_event_shows_it_in_findings_and_in_the_case() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("case.telltale");
    let mut case = Case::create_or_open(&path).expect("case");
    case.import_demo().expect("demo");
    let mut harness = harness(case);
    harness.run_steps(2);
    harness
        .query_all_by_label("BrowserActivity")
        .next()
        .expect("a row")
        .click();
    wait_for(&mut harness, "the event detail", |h| h.state().state.detail.is_some());
    harness.run_steps(2);
    // The editor sits below the fold of the inspector: click it the way a
    // screen reader would.
    harness.get_by_label("finding").click_accesskit();
    wait_for(&mut harness, "the finding", |h| h.state().state.findings.len() == 1);
    harness.get_by_label("Findings (1)").click();
    harness.run_steps(3);
    assert_eq!(
        harness.query_all_by_label("Findings (1)").count(),
        2,
        "the view switch and the heading"
    );
    assert!(
        harness.query_all_by_label("finding").count() > 0,
        "the findings table shows the severity"
    );
    let event = harness.state().state.selected_event().expect("selected");
    let reopened = Case::open_existing(&path).expect("reopen");
    let annotation = reopened
        .annotation(Target::Event(event))
        .expect("query")
        .expect("saved in the case");
    assert_eq!(annotation.severity, Severity::Finding);

    // … and on to an export of the findings, as the Findings view's
    // "Export CSV…" button does once a file is chosen.
    harness.state_mut().push(Command::ShowExport);
    harness.run_steps(2);
    let csv = dir.path().join("findings.csv");
    harness.state_mut().push(Command::FilesChosen(
        telltale::window::file_picker::PickPurpose::Export(telltale::jobs::ExportKind::Csv),
        vec![csv.clone()],
    ));
    wait_for(&mut harness, "the export", |h| {
        h.state().state.export_job.is_none() && csv.exists()
    });
    let text = std::fs::read_to_string(&csv).expect("csv written");
    let sha256 = &reopened.sessions().expect("sessions")[0].sources[0].sha256;
    assert!(
        text.contains(&format!(",{event},")),
        "the annotated event's row: {text}"
    );
    assert!(text.contains("finding"), "{text}");
    assert!(text.contains(sha256.as_str()), "the source hash: {text}");
}

#[test]
fn importing_a_fixture_through_the_dialog_shows_a_new_session() {
    let mut harness = harness(demo_case());
    let fixture = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/har/mitmproxy__chrome.har");
    harness.state_mut().push(Command::ShowImport(vec![fixture]));
    harness.run_steps(3);
    harness.get_by_label("Import 1 file").click();
    wait_for(&mut harness, "the import", |h| {
        h.state()
            .state
            .sessions
            .iter()
            .any(|s| s.name == "mitmproxy__chrome.har")
    });
    harness.run_steps(3);
    assert!(
        harness
            .query_by_role_and_label(Role::CheckBox, "mitmproxy__chrome.har")
            .is_some()
    );
    assert_eq!(harness.state().state.sessions.len(), 3);
}

#[test]
fn a_real_capture_lists_every_request_with_its_company_and_opens_one_in_the_inspector() {
    let mut harness = harness(first_run_case());
    wait_for(&mut harness, "the counts", |h| {
        h.state().state.requests.count == Some(16)
    });
    harness.get_by_label("Requests (16)").click();
    wait_for(&mut harness, "the request rows", |h| {
        let state = &h.state().state;
        state.rows_shown == RowsShown::Requests && (0..16).all(|i| state.requests.row(i).is_some())
    });
    harness.run_steps(2);
    let rows: Vec<_> = (0..16)
        .filter_map(|i| harness.state().state.requests.row(i).cloned())
        .collect();
    assert!(rows.iter().all(|r| r.company.is_some()), "{rows:?}");
    for host in ["graph.facebook.com", "api2.branch.io", "notify.bugsnag.com"] {
        assert!(harness.query_all_by_label(host).count() > 0, "{host} is listed");
    }
    // A request no event was decoded from, opened in the inspector.
    let (index, open) = rows
        .iter()
        .enumerate()
        .find(|(_, r)| r.url.contains("/mobile_sdk_gk?"))
        .expect("the Facebook SDK's gatekeeper fetch");
    assert_eq!(open.event_count, 0);
    harness.state_mut().push(Command::SelectIndex(index as u64));
    wait_for(&mut harness, "the request's detail", |h| {
        matches!(h.state().state.detail, Some(Detail::Request(_)))
    });
    harness.run_steps(2);
    let Some(Detail::Request(detail)) = harness.state().state.detail.clone() else {
        panic!("a request is inspected");
    };
    assert_eq!(detail.request.id, open.id);
    let kinds = {
        let mut kinds: Vec<&str> = detail.request.data_types.iter().map(|d| d.kind.as_str()).collect();
        kinds.sort_unstable();
        kinds.dedup();
        kinds.len()
    };
    assert!(kinds >= 3, "the gatekeeper fetch carries device data: {kinds}");
    assert!(
        harness
            .query_by_label(&format!("Personal data ({kinds} kinds)"))
            .is_some()
    );
    assert!(
        harness
            .query_by_label_contains("No event was decoded from this request")
            .is_some()
            || harness.query_by_label("Events decoded from it (0)").is_some()
    );
    assert!(
        harness
            .query_by_label_contains("Facebook (Meta) (advertising)")
            .is_some()
    );
}

#[test]
fn facets_count_requests_and_a_company_narrows_the_requests_table() {
    let mut harness = harness(first_run_case());
    wait_for(&mut harness, "the facets", |h| !h.state().state.facets.is_empty());
    harness.run_steps(2);
    harness.get_by_label("Companies").click();
    harness.run_steps(2);
    let branch = harness
        .query_all_by_label_contains("Branch")
        .find(|n| format!("{n:?}").contains("5 req"))
        .map(|n| n.rect());
    assert!(branch.is_some(), "the company facet counts Branch's 5 requests");
    harness
        .query_all_by_label_contains("5 req")
        .next()
        .expect("a value with 5 requests")
        .click();
    wait_for(&mut harness, "the narrowed count", |h| {
        h.state().state.requests.count == Some(5)
    });
    harness.state_mut().push(Command::ShowRows(RowsShown::Requests));
    wait_for(&mut harness, "branch rows", |h| {
        h.state().state.requests.row(4).is_some()
    });
    let state = &harness.state().state;
    assert!((0..5).all(|i| state.requests.row(i).is_some_and(|r| r.host.ends_with("branch.io"))));
    harness.step();
    assert!(
        harness.query_by_label_contains("company: Branch").is_some(),
        "a chip says so"
    );
}

#[test]
fn the_timeline_marks_tracker_requests_that_carried_no_events() {
    let case = first_run_case();
    let without_events = case
        .exchanges(&ExchangeFilter::default())
        .expect("exchanges")
        .iter()
        .filter(|x| x.event_count == 0 && x.company.is_some())
        .count();
    let mut harness = harness(case);
    wait_for(&mut harness, "the timeline slice", |h| {
        h.state()
            .state
            .timeline
            .reply
            .as_ref()
            .is_some_and(|r| r.slice.is_some())
    });
    harness.run_steps(2);
    let reply = harness.state().state.timeline.reply.clone().expect("reply");
    let slice = reply.slice.as_ref().expect("slice");
    assert_eq!(slice.request_marks.len(), without_events);
    assert_eq!(reply.lanes.lanes[0].requests as usize, without_events);
    assert!(
        harness.query_by_label("tracker request, no events").is_some(),
        "the legend explains the marks"
    );
}

#[test]
fn ctrl_f_search_finds_requests_without_events_as_telltale_search_does() {
    let case = first_run_case();
    let needle = "branch_key".to_string();
    let hits = case.search(std::slice::from_ref(&needle)).expect("search");
    let mut expected: Vec<_> = hits.iter().map(|h| h.exchange_id).collect();
    expected.sort();
    expected.dedup();
    assert!(hits.iter().any(|h| h.event_id.is_none()), "{hits:?}");
    let mut harness = harness(case);
    harness.get_by_label("Search:").click();
    harness.run_steps(1);
    harness.get_by_label("Search:").type_text(&needle);
    harness.run_steps(1);
    harness.key_press(egui::Key::Enter);
    wait_for(&mut harness, "the hits", |h| {
        let state = &h.state().state;
        state.filter.hits.is_some() && state.requests.count.is_some()
    });
    let state = &harness.state().state;
    assert_eq!(state.search.hits.len(), hits.len());
    assert_eq!(state.requests.count, Some(expected.len() as u64));
}

#[test]
fn what_left_the_device_puts_normal_beside_incognito_and_a_cell_opens_its_requests() {
    let mut harness = harness(demo_case());
    harness.get_by_label("What left the device").click();
    wait_for(&mut harness, "the summary", |h| h.state().state.summary.rows.is_some());
    harness.run_steps(3);
    assert!(harness.query_by_label("To whom, where").is_some());
    assert!(
        harness.query_all_by_label("INCOGNITO").count() >= 2,
        "a column and a badge"
    );
    let rows = harness.state().state.summary.rows.clone().expect("rows");
    let blocks = telltale::window::what_left::what_left(&rows, &Default::default());
    let block = &blocks[0];
    assert_eq!(block.modes, [Mode::Normal, Mode::Incognito]);
    let incognito = 1;
    let (recipient, cell) = block
        .recipients
        .iter()
        .filter(|r| r.company.is_some())
        .find_map(|r| r.cells[incognito].as_ref().map(|c| (r, c)))
        .expect("something went to a company in incognito");
    let link = format!("{} requests · {} events", cell.requests, cell.events);
    harness
        .query_all_by_label(&link)
        .last()
        .expect("the cell's link")
        .click();
    wait_for(&mut harness, "the requests behind the cell", |h| {
        let state = &h.state().state;
        state.view == View::Browse && state.requests.count.is_some()
    });
    let state = &harness.state().state;
    assert_eq!(state.rows_shown, RowsShown::Requests);
    assert_eq!(state.requests.count, Some(cell.requests), "{}", recipient.label());
}

#[test]
fn a_search_saved_as_a_typed_canary_names_that_data_type_in_the_case() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("case.telltale");
    let mut case = Case::create_or_open(&path).expect("case");
    import_first_run(&mut case);
    // The emulator's advertising id, as the researcher would know it.
    let advertising = case
        .exchanges(&ExchangeFilter::default())
        .expect("exchanges")
        .iter()
        .flat_map(|x| x.data_types.clone())
        .find(|d| d.kind == "advertisingId")
        .expect("an advertising id was sent")
        .value;
    let mut harness = harness(case);
    harness.get_by_label("Search:").click();
    harness.run_steps(1);
    harness.get_by_label("Search:").type_text(&advertising);
    harness.key_press(egui::Key::Enter);
    wait_for(&mut harness, "the hits", |h| h.state().state.filter.hits.is_some());
    harness.run_steps(2);
    harness.get_by_label("Save as canary…").click();
    // A new window shows from its second frame on.
    wait_for(&mut harness, "the canary form", |h| {
        h.query_by_label("Save canary").is_some()
    });
    harness.get_by_role(Role::ComboBox).click();
    wait_for(&mut harness, "the kinds", |h| {
        h.query_by_label_contains("(advertisingId)").is_some()
    });
    harness.get_by_label_contains("(advertisingId)").click();
    wait_for(&mut harness, "the kind picked", |h| {
        h.state().state.search.save_form == Some(Some("advertisingId".to_string()))
    });
    harness.run_steps(1);
    harness.get_by_label("Save canary").click();
    wait_for(&mut harness, "the saved canary", |h| {
        h.state()
            .state
            .notices
            .last()
            .is_some_and(|n| n.text.starts_with("Saved"))
    });
    let notice = harness.state().state.notices.last().expect("notice").text.clone();
    assert!(notice.contains("for advertisingId"), "{notice}");
    let reopened = Case::open_existing(&path).expect("reopen");
    let known: Vec<_> = reopened
        .exchanges(&ExchangeFilter::default())
        .expect("exchanges")
        .into_iter()
        .flat_map(|x| x.data_types)
        .filter(|d| d.confidence == Confidence::KnownValue)
        .collect();
    assert!(
        !known.is_empty()
            && known
                .iter()
                .all(|d| d.kind == "advertisingId" && d.value == advertising)
    );
}

#[test]
fn an_annotation_removed_in_the_inspector_leaves_the_findings_and_keeps_its_history() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("case.telltale");
    let mut case = Case::create_or_open(&path).expect("case");
    import_first_run(&mut case);
    let mut harness = harness(case);
    harness.state_mut().push(Command::ShowRows(RowsShown::Requests));
    wait_for(&mut harness, "request rows", |h| {
        h.state().state.requests.row(0).is_some()
    });
    harness.state_mut().push(Command::SelectIndex(0));
    wait_for(&mut harness, "the request's detail", |h| {
        matches!(h.state().state.detail, Some(Detail::Request(_)))
    });
    harness.run_steps(2);
    harness.get_by_label("notable").click_accesskit();
    wait_for(&mut harness, "the finding", |h| h.state().state.findings.len() == 1);
    harness.run_steps(2);
    harness.get_by_label("Remove annotation").click_accesskit();
    wait_for(&mut harness, "the removal", |h| h.state().state.findings.is_empty());
    let Some(Detail::Request(detail)) = &harness.state().state.detail else {
        panic!("still inspecting the request");
    };
    let target = Target::Exchange(detail.request.id);
    assert!(detail.annotation.is_none());
    let reopened = Case::open_existing(&path).expect("reopen");
    assert!(reopened.annotation(target).expect("query").is_none());
    let history = reopened.all_annotation_history().expect("history");
    let actions: Vec<String> = history
        .iter()
        .filter(|h| h.target == target)
        .map(|h| h.action.as_str().to_string())
        .collect();
    assert_eq!(actions, ["create", "delete"]);
}

#[test]
fn the_welcome_on_the_demo_makes_a_case_and_imports_with_the_mode_chosen_there() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = dir.path().join("demo.telltale");
    let mut case = Case::create_or_open(&demo).expect("case");
    case.import_demo().expect("demo");
    let mut harness = harness(case);
    // The first run opens the demo from the data folder; this one is that demo.
    harness.state_mut().state.demo_path = Some(demo.clone());
    harness.state_mut().push(Command::OpenCase(demo));
    wait_for(&mut harness, "the welcome", |h| {
        h.query_by_label("Create the case and import").is_some()
    });
    assert!(
        harness
            .query_by_label_contains("the demo case: synthetic traffic")
            .is_some()
    );
    let mine = dir.path().join("mine.telltale");
    harness
        .state_mut()
        .push(Command::FilesChosen(PickPurpose::WelcomeCase, vec![mine.clone()]));
    harness.state_mut().push(Command::FilesChosen(
        PickPurpose::WelcomeCaptures,
        vec![first_run_path()],
    ));
    wait_for(&mut harness, "the capture's form", |h| {
        h.query_by_role_and_label(Role::RadioButton, "INCOGNITO").is_some()
    });
    harness
        .get_by_role_and_label(Role::RadioButton, "INCOGNITO")
        .click_accesskit();
    harness.run_steps(2);
    harness.get_by_label("Create the case and import").click();
    wait_for(&mut harness, "the new case with its session", |h| {
        let state = &h.state().state;
        state.case.as_ref().and_then(|c| c.path.clone()) == Some(mine.clone()) && state.sessions.len() == 1
    });
    let state = &harness.state().state;
    assert_eq!(state.sessions[0].mode, Mode::Incognito);
    assert_eq!(state.sessions[0].exchange_count, 16);
    assert!(state.settings.welcomed);
}

#[test]
fn the_file_picker_opens_a_typed_path_and_hides_side_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["a.telltale", "a.telltale-wal", "a.telltale-shm", "capture.har"] {
        std::fs::write(dir.path().join(name), b"x").expect("write");
    }
    let mut harness = harness(demo_case());
    harness.state_mut().push(Command::OpenPicker(PickPurpose::Import));
    wait_for(&mut harness, "the picker", |h| h.query_by_label("Path:").is_some());
    let field = harness.get_by_label("Path:");
    field.click();
    harness.run_steps(1);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .get_by_label("Path:")
        .type_text(&dir.path().display().to_string());
    harness.key_press(egui::Key::Enter);
    wait_for(&mut harness, "the typed folder's listing", |h| {
        h.state()
            .state
            .picker
            .as_ref()
            .is_some_and(|p| p.dir == dir.path() && p.listing.is_some())
    });
    harness.run_steps(2);
    assert!(harness.query_by_label_contains("capture.har").is_some());
    assert!(harness.query_by_label_contains("a.telltale-wal").is_none());
    assert!(harness.query_by_label_contains("a.telltale-shm").is_none());
    assert!(harness.query_by_label("Up").is_some(), "Up stays in its place");
}

#[test]
fn an_export_runs_off_the_worker_and_says_what_it_wrote() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("case.telltale");
    let mut case = Case::create_or_open(&path).expect("case");
    case.import_demo().expect("demo");
    let mut harness = harness(case);
    harness.state_mut().push(Command::ShowExport);
    harness.run_steps(2);
    let pdf = dir.path().join("report.pdf");
    harness.state_mut().push(Command::FilesChosen(
        PickPurpose::Export(telltale::jobs::ExportKind::Pdf),
        vec![pdf.clone()],
    ));
    harness.run_steps(1);
    assert!(harness.state().state.export_job.is_some());
    // The table keeps answering while the report is laid out.
    harness
        .state_mut()
        .push(Command::SortBy(telltale::store::SortColumn::Event));
    wait_for(&mut harness, "the export", |h| h.state().state.export_job.is_none());
    let bytes = std::fs::read(&pdf).expect("the PDF is written");
    let pages = telltale::jobs::pdf_pages(&bytes);
    assert!(pages >= 1);
    let notice = harness.state().state.notices.last().expect("notice").text.clone();
    let plural = if pages == 1 { "page" } else { "pages" };
    assert!(
        notice.starts_with(&format!("Exported 0 findings, {pages} {plural} to ")),
        "{notice}"
    );

    // A cancelled export writes nothing.
    let cancelled = dir.path().join("cancelled.pdf");
    harness.state_mut().push(Command::FilesChosen(
        PickPurpose::Export(telltale::jobs::ExportKind::Pdf),
        vec![cancelled.clone()],
    ));
    wait_for(&mut harness, "the progress window", |h| {
        h.query_by_label("Cancel").is_some()
    });
    harness.get_by_label("Cancel").click();
    wait_for(&mut harness, "the cancel", |h| h.state().state.export_job.is_none());
    assert!(!cancelled.exists());
    let notice = harness.state().state.notices.last().expect("notice").text.clone();
    assert!(notice.starts_with("Export cancelled"), "{notice}");
}

#[test]
fn at_1280_by_720_the_event_table_keeps_what_was_sent() {
    let mut harness = harness_sized(demo_case(), [1280.0, 720.0]);
    harness.run_steps(3);
    assert!(
        harness.query_by_label("Key field").is_some(),
        "what was sent stays in sight"
    );
    assert!(harness.query_by_label("Event").is_some());
    assert!(
        harness.query_by_label("Decode path").is_none(),
        "the least important column goes first"
    );
    harness.get_by_label("Dark theme").click();
    harness.run_steps(2);
    assert!(harness.state().state.settings.dark);
    assert!(harness.query_by_label("Light theme").is_some());
}
