//! The window, driven headlessly with egui_kittest and clicked by
//! accessibility label. Every harness comes from [`harness`]: 1600×1000,
//! light theme, the demo case. The worker answers asynchronously, so tests
//! step frames until a condition holds (bounded by [`MAX_FRAMES`]).

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::sync::Arc;
use telltale::app::TelltaleApp;
use telltale::model::{Severity, Target};
use telltale::store::Case;
use telltale::window::command::Command;
use telltale::window::state::Settings;

/// Frames stepped at most while waiting for the worker.
const MAX_FRAMES: usize = 2_000;

/// The in-memory demo case (sessions `normal` and `incognito`).
fn demo_case() -> Case {
    let mut case = Case::open_in_memory().expect("in-memory case");
    case.import_demo().expect("demo imports");
    case
}

/// A harness on `case` with a fixed size and theme, stepped until the
/// table's first rows are drawn.
fn harness(case: Case) -> Harness<'static, TelltaleApp> {
    let app = TelltaleApp::new(Some(case), Settings::default(), Arc::new(|| {})).expect("worker starts");
    let mut harness = Harness::builder()
        .with_size([1600.0, 1000.0])
        .with_theme(egui::Theme::Light)
        .with_max_steps(20)
        // The demo's canaries include Chinese text; the desktop app falls
        // back to system fonts, the headless harness has none.
        .allow_missing_glyphs()
        .build_ui_state(|ui, app: &mut TelltaleApp| app.frame_ui(ui), app);
    wait_for(&mut harness, "the first table rows", |h| {
        h.state().state.table.row(0).is_some()
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
