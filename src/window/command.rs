//! What a click means, as a value: panels push [`Command`]s while drawing
//! and the app shell applies them after the frame (`app/commands.rs`).
//! Lives below both `app/` and `ui/` (rerun's `command_sender.rs` is the
//! model), so a panel needs only this and the state, never the shell.

use super::file_picker::PickPurpose;
use super::state::View;
use crate::analysis::CompareRow;
use crate::jobs::{TimelineKey, WindowSpec};
use crate::model::{AnnotationEdit, EventId, SessionId, Target};
use crate::store::{Facet, SortColumn, TimeRange};
use std::ops::Range;
use std::path::PathBuf;

/// One thing the user asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Ask for a file with the system dialog (or Telltale's own).
    ChooseFile(PickPurpose),
    /// Telltale's own file picker, directly.
    OpenPicker(PickPurpose),
    ClosePicker,
    PickerNavigate(PathBuf),
    FilesChosen(PickPurpose, Vec<PathBuf>),
    OpenCase(PathBuf),
    ShowImport(Vec<PathBuf>),
    RunImport,
    CancelImport,
    CloseImport,
    ShowExport,
    CloseExport,
    SetView(View),
    SetDark(bool),
    SetRelative(bool),
    ToggleSession(SessionId),
    ToggleFacet(Facet, String),
    ClearFilters,
    SetTimeRange(Option<TimeRange>),
    SortBy(SortColumn),
    Search(String),
    FocusSearch,
    FetchRows(Range<u64>),
    Select(EventId),
    SelectIndex(u64),
    MoveSelection(i64),
    SelectLayer(Option<i64>),
    Timeline {
        key: TimelineKey,
        window: Option<WindowSpec>,
        buckets: u32,
    },
    Annotate(Target, AnnotationEdit),
    PickCompare {
        a: Option<SessionId>,
        b: Option<SessionId>,
    },
    FilterToCompareRow(CompareRow),
    ShowWarnings(bool),
    Copy(String),
}
