//! Everything the window shows, in one place. Panels read it and push
//! [`Command`](super::command::Command)s; only `commands.rs` and
//! `replies.rs` change it, after the frame. Lives on the frame thread.

use super::file_picker::{FilePicker, PickPurpose};
use super::import::ImportDialog;
use super::table::TableModel;
use super::timeline::TimelineModel;
use crate::analysis::{Comparison, SearchHit};
use crate::jobs::{CaseInfo, Finding, Task, TimelineKey};
use crate::model::{EventId, SessionId};
use crate::store::{BrowseFilter, CaseWarning, EventDetail, FacetList, SessionRow, Sort};
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
}

/// The big switch above the centre.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum View {
    #[default]
    Browse,
    Compare,
    Findings,
}

/// The compare view's choices and result.
#[derive(Default)]
pub struct CompareState {
    pub a: Option<SessionId>,
    pub b: Option<SessionId>,
    pub result: Option<Comparison>,
    pub running: bool,
    pub timeline_a: Option<TimelineModel>,
    pub timeline_b: Option<TimelineModel>,
}

/// The export window's choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExportForm {
    pub kind: crate::jobs::ExportKind,
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
    pub event: Option<EventId>,
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
}

/// One line in the status bar's message area.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub is_error: bool,
}

/// The window's state.
pub struct AppState {
    pub settings: Settings,
    pub case: Option<CaseInfo>,
    /// The case is being opened.
    pub opening: bool,
    /// Started without a case argument: fall back to the demo if the last case is gone.
    pub fallback_demo: Option<PathBuf>,
    pub sessions: Vec<SessionRow>,
    pub warnings: Vec<CaseWarning>,
    pub findings: Vec<Finding>,
    pub view: View,
    pub filter: BrowseFilter,
    pub sort: Sort,
    /// Number of the current filter + sort; replies for older views are dropped.
    pub view_id: u64,
    pub facets: Vec<FacetList>,
    pub table: TableModel,
    pub timeline: TimelineModel,
    pub compare: CompareState,
    pub selected: Option<EventId>,
    pub detail: Option<EventDetail>,
    /// The layer the inspector shows (ordinal), when one is picked.
    pub selected_layer: Option<i64>,
    pub draft: AnnotationDraft,
    pub search: SearchState,
    pub import: Option<ImportDialog>,
    pub picker: Option<FilePicker>,
    pub native_dialog: Option<NativeDialog>,
    pub export: Option<ExportForm>,
    pub exporting: bool,
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
            sessions: Vec::new(),
            warnings: Vec::new(),
            findings: Vec::new(),
            view: View::Browse,
            filter: BrowseFilter::default(),
            sort: Sort::default(),
            view_id: 0,
            facets: Vec::new(),
            table: TableModel::default(),
            timeline: TimelineModel::new(TimelineKey::Main),
            compare: CompareState::default(),
            selected: None,
            detail: None,
            selected_layer: None,
            draft: AnnotationDraft::default(),
            search: SearchState::default(),
            import: None,
            picker: None,
            native_dialog: None,
            export: None,
            exporting: false,
            show_warnings: false,
            notices: Vec::new(),
        }
    }

    /// Adds a message to the status bar (the newest few are kept).
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
    pub fn session(&self, id: SessionId) -> Option<&SessionRow> {
        self.sessions.iter().find(|s| s.id == id)
    }

    /// Whether data is still on its way for what is on screen.
    pub fn is_loading(&self) -> bool {
        self.opening
            || self.timeline.asked.is_some() && self.timeline.reply.is_none()
            || self.table.count.is_none() && self.case.is_some()
    }

    /// The part of the view an export can follow: one session, app, mode or
    /// tracker when exactly one is picked.
    pub fn export_filter(&self) -> crate::store::EventFilter {
        let only = |facet: crate::store::Facet| {
            self.filter
                .values
                .get(&facet)
                .filter(|set| set.len() == 1)
                .and_then(|set| set.iter().next().cloned())
        };
        let visible: Vec<&crate::store::SessionRow> = self
            .sessions
            .iter()
            .filter(|s| !self.filter.hidden_sessions.contains(&s.id))
            .collect();
        crate::store::EventFilter {
            session: (visible.len() == 1 && self.sessions.len() > 1).then(|| visible[0].name.clone()),
            app: only(crate::store::Facet::App),
            mode: only(crate::store::Facet::Mode).and_then(|m| m.parse::<crate::model::Mode>().ok()),
            tracker: only(crate::store::Facet::Tracker),
            ..crate::store::EventFilter::default()
        }
    }
}
