//! The messages between the window and the worker: what the window asks
//! for ([`Request`]) and what comes back ([`Reply`]).
//!
//! Requests that belong to a *view* (filter + sort) carry its number;
//! replies carry it back, so the window drops answers to a view it has
//! already left. Errors cross as text: the worker reports them once, with
//! the file they concern, and the window shows them.

use crate::analysis::{Comparison, SearchHit};
use crate::model::{Annotation, AnnotationEdit, EventId, ExchangeId, SessionId, Target};
use crate::store::{
    BrowseFilter, CaseWarning, EventDetail, ExportRow, FacetList, ImportOptions, ImportOutcome, ImportProgress, Lanes,
    ListRow, RequestDetail, RequestListRow, RequestSort, SessionRow, Sort, SummaryGroup, TimelineSlice,
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
    /// A page of the event table.
    Page {
        view: u64,
        filter: BrowseFilter,
        sort: Sort,
        offset: u64,
        limit: u64,
    },
    /// A page of the requests table.
    RequestPage {
        view: u64,
        filter: BrowseFilter,
        sort: RequestSort,
        offset: u64,
        limit: u64,
    },
    Position {
        view: u64,
        filter: BrowseFilter,
        sort: Sort,
        event: EventId,
    },
    RequestPosition {
        view: u64,
        filter: BrowseFilter,
        sort: RequestSort,
        exchange: ExchangeId,
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
    RequestDetail {
        exchange: ExchangeId,
    },
    Annotate {
        target: Target,
        edit: AnnotationEdit,
    },
    /// Deletes an annotation (its history keeps it).
    RemoveAnnotation {
        target: Target,
    },
    /// The researcher's word on a host (`Case::set_host_label`).
    LabelHost {
        host: String,
        edit: crate::store::HostEdit,
    },
    /// What left the device: the case's summary groups.
    Summary,
    Compare {
        a: String,
        b: String,
    },
    Search {
        needles: Vec<String>,
    },
    /// Saves a canary, typed when `data_type` names one; typed canaries
    /// add `known value` data types wherever they are found.
    SaveCanary {
        needle: String,
        data_type: Option<String>,
    },
    /// Import files one after the other, each with its own options.
    Import {
        items: Vec<(PathBuf, ImportOptions)>,
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
        events: u64,
        requests: u64,
    },
    Page {
        view: u64,
        offset: u64,
        rows: Vec<ListRow>,
    },
    RequestPage {
        view: u64,
        offset: u64,
        rows: Vec<RequestListRow>,
    },
    Position {
        view: u64,
        event: EventId,
        position: Option<u64>,
    },
    RequestPosition {
        view: u64,
        exchange: ExchangeId,
        position: Option<u64>,
    },
    Timeline(Box<TimelineReply>),
    Detail {
        event: EventId,
        detail: Option<Box<EventDetail>>,
    },
    RequestDetail {
        exchange: ExchangeId,
        detail: Option<Box<RequestDetail>>,
    },
    Annotated(Annotation),
    /// A host's label was kept: how Telltale names it now.
    HostLabelled(crate::store::HostRow),
    /// The annotation on `target` is gone (`removed`: there was one).
    AnnotationRemoved {
        target: Target,
        removed: bool,
    },
    Summary(Vec<SummaryRow>),
    Compared(Box<Comparison>),
    Searched {
        needles: Vec<String>,
        hits: Vec<SearchHit>,
    },
    CanarySaved {
        needle: String,
        data_type: Option<String>,
        /// `known value` data types the save added.
        added: u64,
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
    /// An annotated event or exchange, with what the export would print
    /// and the server's country (offline lookup).
    Evidence {
        row: Box<ExportRow>,
        country: Option<String>,
    },
    /// An annotated session.
    Session {
        id: SessionId,
        name: String,
        annotation: Annotation,
    },
}

/// One group of what left the device, with its servers' countries and
/// networks (offline lookup, done on the worker).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummaryRow {
    pub group: SummaryGroup,
    /// Country names (or codes when the name is unknown), first seen first.
    pub countries: Vec<String>,
    /// Network owners of the servers.
    pub orgs: Vec<String>,
}
