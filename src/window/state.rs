//! Everything the window shows, in one place. Panels read it and push
//! [`Command`](super::command::Command)s; only the app shell
//! (`app/commands.rs`, `app/replies.rs`) changes it, after the frame.
//! Lives on the frame thread.

use super::compare::CompareState;
use super::file_picker::{FilePicker, PickPurpose};
use super::import::ImportDialog;
use super::table::TableModel;
use super::timeline::TimelineModel;
use super::welcome::WelcomeForm;
use crate::analysis::SearchHit;
use crate::jobs::{CaseInfo, ExportJob, ExportKind, Finding, SummaryRow, Task, TimelineKey};
use crate::model::{EventId, ExchangeId, Mode, Target};
use crate::store::{
    BrowseFilter, CaseWarning, EventDetail, EventFilter, Facet, FacetList, ImportOptions, ListRow, RequestDetail,
    RequestListRow, RequestSort, SessionRow, Sort,
};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// What survives a restart (eframe persistence; window size and panel
/// sizes are kept by eframe and egui themselves).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub dark: bool,
    pub last_case: Option<PathBuf>,
    pub relative_time: bool,
    /// The folder a file was last chosen in; file pickers start there.
    pub last_folder: Option<PathBuf>,
    /// The first-run welcome was answered (it is not shown again).
    pub welcomed: bool,
}

/// The big switch above the centre.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum View {
    /// Timeline, then the event or requests table.
    #[default]
    Browse,
    /// What left the device: data types per app, mode and company.
    WhatLeft,
    Compare,
    Findings,
}

/// Which table the browse view shows under the timeline.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowsShown {
    #[default]
    Events,
    /// Every request, also those without events.
    Requests,
}

/// What the inspector is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Selection {
    Event(EventId),
    Request(ExchangeId),
}

impl Selection {
    /// What an annotation on the selection attaches to.
    pub fn target(self) -> Target {
        match self {
            Selection::Event(id) => Target::Event(id),
            Selection::Request(id) => Target::Exchange(id),
        }
    }

    pub fn event(self) -> Option<EventId> {
        match self {
            Selection::Event(id) => Some(id),
            Selection::Request(_) => None,
        }
    }
}

/// What the inspector shows, once it arrived.
#[derive(Clone, Debug, PartialEq)]
pub enum Detail {
    Event(Box<EventDetail>),
    Request(Box<RequestDetail>),
}

impl Detail {
    pub fn selection(&self) -> Selection {
        match self {
            Detail::Event(d) => Selection::Event(d.event.id),
            Detail::Request(d) => Selection::Request(d.request.id),
        }
    }

    pub fn annotation(&self) -> Option<&crate::model::Annotation> {
        match self {
            Detail::Event(d) => d.annotation.as_ref(),
            Detail::Request(d) => d.annotation.as_ref(),
        }
    }

    pub fn annotation_mut(&mut self) -> &mut Option<crate::model::Annotation> {
        match self {
            Detail::Event(d) => &mut d.annotation,
            Detail::Request(d) => &mut d.annotation,
        }
    }

    /// The inspected event, when it is one.
    pub fn as_event(&self) -> Option<&EventDetail> {
        match self {
            Detail::Event(d) => Some(d),
            Detail::Request(_) => None,
        }
    }
}

/// The export window's choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExportForm {
    pub kind: ExportKind,
    pub findings_only: bool,
}

/// A native file dialog running on its own thread.
pub struct NativeDialog {
    pub purpose: PickPurpose,
    pub task: Task<Option<Vec<PathBuf>>>,
}

/// The annotation being edited in the inspector.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AnnotationDraft {
    pub target: Option<Target>,
    pub tags: String,
    pub note: String,
}

/// The search / canary box.
#[derive(Default)]
pub struct SearchState {
    pub text: String,
    pub needles: Vec<String>,
    pub hits: Vec<SearchHit>,
    pub running: bool,
    pub focus_next_frame: bool,
    /// The "save as canary" form is open, with the type picked (`None`: a plain canary).
    pub save_form: Option<Option<String>>,
}

/// One line in the status bar's message area.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub is_error: bool,
}

/// The researcher's word on one host, being written: its company and its
/// party, kept in the case with a history (`Case::set_host_label`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostForm {
    pub host: String,
    /// The company as Telltale names it now ("probably …" for a guess), to show.
    pub current: Option<String>,
    /// Where the current name comes from, in words.
    pub current_source: Option<String>,
    /// The company to give the host; empty: keep what the lists say.
    pub company: String,
    /// `None`: as the session's rules decide.
    pub party: Option<crate::attribution::Party>,
}

/// What left the device, as the worker last sent it.
#[derive(Default)]
pub struct SummaryState {
    pub rows: Option<Vec<SummaryRow>>,
    pub running: bool,
}

/// The window's state.
pub struct AppState {
    pub settings: Settings,
    pub case: Option<CaseInfo>,
    /// The case is being opened.
    pub opening: bool,
    /// Started without a case argument: fall back to the demo if the last case is gone.
    pub fallback_demo: Option<PathBuf>,
    /// Where the built-in demo case lives (it gets the welcome).
    pub demo_path: Option<PathBuf>,
    pub sessions: Vec<SessionRow>,
    pub warnings: Vec<CaseWarning>,
    pub findings: Vec<Finding>,
    pub view: View,
    pub rows_shown: RowsShown,
    /// The user picked the table; it is no longer switched for them.
    pub rows_picked: bool,
    pub filter: BrowseFilter,
    pub sort: Sort,
    pub request_sort: RequestSort,
    /// Number of the current filter + sort; replies for older views are dropped.
    pub view_id: u64,
    pub facets: Vec<FacetList>,
    pub table: TableModel<ListRow>,
    pub requests: TableModel<RequestListRow>,
    pub timeline: TimelineModel,
    pub compare: CompareState,
    pub summary: SummaryState,
    pub selected: Option<Selection>,
    pub detail: Option<Detail>,
    /// The layer the inspector shows (ordinal), when one is picked.
    pub selected_layer: Option<i64>,
    pub draft: AnnotationDraft,
    pub search: SearchState,
    pub import: Option<ImportDialog>,
    /// Imports to start as soon as the case being created is open (welcome).
    pub pending_import: Option<Vec<(PathBuf, ImportOptions)>>,
    pub picker: Option<FilePicker>,
    pub native_dialog: Option<NativeDialog>,
    pub export: Option<ExportForm>,
    pub export_job: Option<ExportJob>,
    pub welcome: Option<WelcomeForm>,
    /// The "label this host" form (inspector, What left the device).
    pub host_form: Option<HostForm>,
    pub show_warnings: bool,
    pub notices: Vec<Notice>,
}

impl AppState {
    pub fn new(settings: Settings) -> AppState {
        AppState {
            settings,
            case: None,
            opening: false,
            fallback_demo: None,
            demo_path: None,
            sessions: Vec::new(),
            warnings: Vec::new(),
            findings: Vec::new(),
            view: View::Browse,
            rows_shown: RowsShown::Events,
            rows_picked: false,
            filter: BrowseFilter::default(),
            sort: Sort::default(),
            request_sort: RequestSort::default(),
            view_id: 0,
            facets: Vec::new(),
            table: TableModel::default(),
            requests: TableModel::default(),
            timeline: TimelineModel::new(TimelineKey::Main),
            compare: CompareState::default(),
            summary: SummaryState::default(),
            selected: None,
            detail: None,
            selected_layer: None,
            draft: AnnotationDraft::default(),
            search: SearchState::default(),
            import: None,
            pending_import: None,
            picker: None,
            native_dialog: None,
            export: None,
            export_job: None,
            welcome: None,
            host_form: None,
            show_warnings: false,
            notices: Vec::new(),
        }
    }

    /// Adds a message to the status bar (the newest few are kept).
    /// Why a view is empty, in words that are true: an empty case invites
    /// an import; no filter set means the shown sessions hold none of
    /// `what`; else the filters let none through.
    pub fn empty_view_text(&self, what: &str) -> String {
        if self.sessions.is_empty() {
            return "This case is empty: Import… a capture (HAR, mitmproxy, Burp, Charles, Fiddler, pcap) to begin."
                .to_string();
        }
        if self.filter.only_hides_sessions() && self.filter.hidden_sessions.is_empty() {
            format!("No {what} in this case's sessions.")
        } else if self.filter.only_hides_sessions() {
            format!("No {what} in the shown sessions (some are hidden).")
        } else {
            format!("No {what} match the filters.")
        }
    }

    pub fn notify(&mut self, text: impl Into<String>, is_error: bool) {
        self.notices.push(Notice {
            text: text.into(),
            is_error,
        });
        if self.notices.len() > 20 {
            self.notices.remove(0);
        }
    }

    /// The session called `id`.
    pub fn session(&self, id: crate::model::SessionId) -> Option<&SessionRow> {
        self.sessions.iter().find(|s| s.id == id)
    }

    /// Whether data is still on its way for what is on screen.
    pub fn is_loading(&self) -> bool {
        self.opening
            || self.timeline.asked.is_some() && self.timeline.reply.is_none()
            || self.table.count.is_none() && self.case.is_some()
    }

    /// The selected event, when an event is selected.
    pub fn selected_event(&self) -> Option<EventId> {
        self.selected.and_then(Selection::event)
    }

    /// Whether the open case is the built-in demo.
    pub fn is_demo(&self) -> bool {
        match (&self.case, &self.demo_path) {
            (Some(case), Some(demo)) => case.path.as_ref() == Some(demo),
            _ => false,
        }
    }

    /// What an export of the current view can follow (see [`ExportScope`]).
    pub fn export_scope(&self) -> ExportScope {
        ExportScope::of(self)
    }

    /// The filter an export of the current view uses.
    pub fn export_filter(&self) -> EventFilter {
        self.export_scope().filter
    }
}

/// An export of the current view: the parts of the view an export can
/// follow (one session, app, mode or tracker), and in words the parts it
/// cannot, so the export window says exactly what the file will hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportScope {
    pub filter: EventFilter,
    /// What the file follows, in words (`session incognito`, `mode incognito`).
    pub follows: Vec<String>,
    /// What the view narrows that an export does not (`host`, `time range`).
    pub ignored: Vec<String>,
}

impl ExportScope {
    fn of(state: &AppState) -> ExportScope {
        let filter = &state.filter;
        let only = |facet: Facet| {
            filter
                .values
                .get(&facet)
                .filter(|set| set.len() == 1)
                .and_then(|set| set.iter().next().cloned())
        };
        let visible: Vec<&SessionRow> = state
            .sessions
            .iter()
            .filter(|s| !filter.hidden_sessions.contains(&s.id))
            .collect();
        let session = (visible.len() == 1 && state.sessions.len() > 1).then(|| visible[0].name.clone());
        let mut scope = ExportScope {
            filter: EventFilter {
                session: session.clone(),
                app: only(Facet::App),
                mode: only(Facet::Mode).and_then(|m| m.parse::<Mode>().ok()),
                tracker: only(Facet::Tracker),
                ..EventFilter::default()
            },
            ..ExportScope::default()
        };
        let f = &scope.filter;
        scope.follows = [
            f.session.as_ref().map(|s| format!("session {s}")),
            f.app.as_ref().map(|a| format!("app {a}")),
            f.mode.map(|m| format!("mode {m}")),
            f.tracker.as_ref().map(|t| format!("tracker {t}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        if visible.len() > 1 && visible.len() < state.sessions.len() {
            scope.ignored.push("hidden sessions (more than one shown)".into());
        }
        for (facet, set) in &filter.values {
            let followed = matches!(facet, Facet::App | Facet::Mode | Facet::Tracker) && set.len() == 1;
            if !followed {
                scope.ignored.push(facet.label().to_string());
            }
        }
        if filter.time.is_some() {
            scope.ignored.push("time range".into());
        }
        if !filter.text.trim().is_empty() {
            scope.ignored.push("search text".into());
        }
        scope
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SessionId;
    use crate::store::{Facet, SessionRow};

    #[test]
    fn an_empty_view_says_what_is_true() {
        let mut state = AppState::new(Settings::default());
        assert!(
            state
                .empty_view_text("events")
                .starts_with("This case is empty: Import…")
        );
        state.sessions.push(SessionRow {
            id: SessionId(1),
            name: "normal".into(),
            app: None,
            device: None,
            mode: Mode::Normal,
            notes: String::new(),
            exchange_count: 3,
            event_count: 0,
            start_micros: None,
            end_micros: None,
            sources: Vec::new(),
        });
        assert_eq!(state.empty_view_text("events"), "No events in this case's sessions.");
        state.filter.hidden_sessions.insert(SessionId(1));
        assert_eq!(
            state.empty_view_text("events"),
            "No events in the shown sessions (some are hidden)."
        );
        state.filter.toggle(Facet::Host, "cdn.example");
        assert_eq!(state.empty_view_text("events"), "No events match the filters.");
    }
}
