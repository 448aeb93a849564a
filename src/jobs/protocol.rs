//! The messages between the window and the worker: what the window asks
//! for ([`Request`]) and what comes back ([`Reply`]).
//!
//! Requests that belong to a *view* (filter + sort) carry its number;
//! replies carry it back, so the window drops answers to a view it has
//! already left. Errors cross as text: the worker reports them once, with
//! the file they concern, and the window shows them.

use crate::analysis::{Comparison, SearchHit};
use crate::export::ExportSummary;
use crate::model::{Annotation, AnnotationEdit, EventId, SessionId, Target};
use crate::store::{
    BrowseFilter, CaseWarning, EventDetail, ExportRow, FacetList, ImportOptions, ImportOutcome, ImportProgress, Lanes,
    ListRow, SessionRow, Sort, TimelineSlice,
};
use std::path::PathBuf;

/// Which timeline a timeline request is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimelineKey {
    /// The main timeline above the table.
    Main,
    /// Session A of the compare view.
    CompareA,
    /// Session B of the compare view.
    CompareB,
}

/// The visible part of a timeline: a time window (µs on the requested
/// axis) and its width in pixel columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WindowSpec {
    pub start_micros: i64,
    pub end_micros: i64,
    pub buckets: u32,
}

/// The export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    Csv,
    Json,
    Pdf,
}

/// How to open a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpenMode {
    /// Open a case file that exists.
    Existing,
    /// Create the file (or open it when it exists).
    Create,
    /// Create the file and write the built-in demo into it when it is empty.
    Demo,
}

/// What the window asks the worker to do.
#[derive(Clone, Debug)]
pub enum Request {
    Open {
        path: PathBuf,
        mode: OpenMode,
    },
    /// Sessions, warnings and findings again (after an import or an edit).
    Refresh,
    Facets {
        view: u64,
        filter: BrowseFilter,
    },
    Count {
        view: u64,
        filter: BrowseFilter,
    },
    Page {
        view: u64,
        filter: BrowseFilter,
        sort: Sort,
        offset: u64,
        limit: u64,
    },
    Position {
        view: u64,
        filter: BrowseFilter,
        sort: Sort,
        event: EventId,
    },
    Timeline {
        key: TimelineKey,
        view: u64,
        filter: BrowseFilter,
        relative: bool,
        /// `None`: the whole extent, at `buckets` columns.
        window: Option<WindowSpec>,
        buckets: u32,
    },
    Detail {
        event: EventId,
    },
    Annotate {
        target: Target,
        edit: AnnotationEdit,
    },
    Compare {
        a: String,
        b: String,
    },
    Search {
        needles: Vec<String>,
    },
    /// Import files one after the other, each with its own options.
    Import {
        items: Vec<(PathBuf, ImportOptions)>,
    },
    Export {
        kind: ExportKind,
        path: PathBuf,
        filter: crate::store::EventFilter,
        findings_only: bool,
    },
}

/// What the worker sends back.
#[derive(Clone, Debug)]
pub enum Reply {
    Opened(Result<CaseInfo, String>),
    Sessions(Vec<SessionRow>),
    Warnings(Vec<CaseWarning>),
    Findings(Vec<Finding>),
    Facets {
        view: u64,
        facets: Vec<FacetList>,
    },
    Count {
        view: u64,
        count: u64,
    },
    Page {
        view: u64,
        offset: u64,
        rows: Vec<ListRow>,
    },
    Position {
        view: u64,
        event: EventId,
        position: Option<u64>,
    },
    Timeline(Box<TimelineReply>),
    Detail {
        event: EventId,
        detail: Option<Box<EventDetail>>,
    },
    Annotated(Annotation),
    Compared(Box<Comparison>),
    Searched {
        needles: Vec<String>,
        hits: Vec<SearchHit>,
    },
    ImportProgress {
        file: PathBuf,
        progress: ImportProgress,
    },
    Imported {
        file: PathBuf,
        result: Result<ImportOutcome, String>,
    },
    /// Every file of an import request is done (or the rest was cancelled).
    ImportsDone,
    Exported(Result<ExportSummary, String>),
    /// A request failed; `what` names the request ("facets", "page" …).
    Failed {
        what: &'static str,
        message: String,
    },
}

/// The case that is open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseInfo {
    /// `None` for an in-memory case (tests).
    pub path: Option<PathBuf>,
    /// The file name without `.telltale`.
    pub name: String,
}

/// A timeline's lanes and the slice for its window.
#[derive(Clone, Debug)]
pub struct TimelineReply {
    pub key: TimelineKey,
    pub view: u64,
    pub relative: bool,
    pub lanes: Lanes,
    pub slice: Option<TimelineSlice>,
}

/// One annotated item for the findings view.
#[derive(Clone, Debug, PartialEq)]
pub enum Finding {
    /// An annotated event or exchange, with what the export would print.
    Evidence(Box<ExportRow>),
    /// An annotated session.
    Session {
        id: SessionId,
        name: String,
        annotation: Annotation,
    },
}
