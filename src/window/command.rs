//! What a click means, as a value: panels push [`Command`]s while drawing
//! and the app shell applies them after the frame (`app/commands.rs`).
//! Lives below both `app/` and `ui/` (rerun's `command_sender.rs` is the
//! model), so a panel needs only this and the state, never the shell.

use super::file_picker::PickPurpose;
use super::state::{RowsShown, Selection, View};
use crate::analysis::CompareRow;
use crate::jobs::{TimelineKey, WindowSpec};
use crate::model::{AnnotationEdit, Mode, SessionId, Target};
use crate::store::{Facet, RequestSortColumn, SortColumn, TimeRange};
use std::ops::Range;
use std::path::PathBuf;

/// One cell of "What left the device": an app, a mode, a recipient and
/// maybe one kind of data — the requests and events behind it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WhatLeftCell {
    pub app: Option<String>,
    pub mode: Mode,
    /// The company; `None` for a host of no known company and for the
    /// session's own servers.
    pub company: Option<String>,
    /// The recipient's hosts (any of them).
    pub hosts: Vec<String>,
    pub data_type: Option<String>,
    /// The sessions the cell sums up (the others are hidden).
    pub sessions: Vec<SessionId>,
}

/// One thing the user asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Ask for a file with the system dialog (or Telltale's own).
    ChooseFile(PickPurpose),
    /// Telltale's own file picker, directly.
    OpenPicker(PickPurpose),
    ClosePicker,
    PickerNavigate(PathBuf),
    /// A path typed or pasted into the picker: a folder opens, a file is chosen.
    PickerGo(String),
    FilesChosen(PickPurpose, Vec<PathBuf>),
    OpenCase(PathBuf),
    ShowImport(Vec<PathBuf>),
    RunImport,
    CancelImport,
    CloseImport,
    ShowExport,
    CloseExport,
    CancelExport,
    /// The first-run welcome: show or dismiss.
    ShowWelcome(bool),
    /// Create the welcome form's case and import its captures into it.
    StartCase,
    SetView(View),
    /// Events or requests under the timeline.
    ShowRows(RowsShown),
    SetDark(bool),
    SetRelative(bool),
    ToggleSession(SessionId),
    ToggleFacet(Facet, String),
    ClearFilters,
    SetTimeRange(Option<TimeRange>),
    SortBy(SortColumn),
    SortRequestsBy(RequestSortColumn),
    Search(String),
    FocusSearch,
    /// Opens (`Some(type)` picked) or closes the "save as canary" form.
    CanaryForm(Option<Option<String>>),
    /// Saves the search text as a canary, standing for `data_type` when given.
    SaveCanary {
        needle: String,
        data_type: Option<String>,
    },
    FetchRows(RowsShown, Range<u64>),
    Select(Selection),
    /// Selects a row of the table shown.
    SelectIndex(u64),
    MoveSelection(i64),
    SelectLayer(Option<i64>),
    Timeline {
        key: TimelineKey,
        window: Option<WindowSpec>,
        buckets: u32,
    },
    Annotate(Target, AnnotationEdit),
    RemoveAnnotation(Target),
    PickCompare {
        a: Option<SessionId>,
        b: Option<SessionId>,
    },
    FilterToCompareRow(CompareRow),
    /// Shows the requests and events behind a "What left" cell.
    OpenWhatLeft(WhatLeftCell),
    /// Opens (or updates, or with `None` closes) the "label this host" form.
    HostForm(Option<crate::window::state::HostForm>),
    /// Keeps the researcher's word on a host in the case.
    LabelHost {
        host: String,
        edit: crate::store::HostEdit,
    },
    ShowWarnings(bool),
    Copy(String),
}
