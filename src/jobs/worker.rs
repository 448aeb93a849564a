//! The query worker: one thread that owns the open [`Case`] and answers
//! [`Request`]s in order, one reply each (or a [`Reply::Failed`]).
//!
//! Requests that pile up while a slow query runs are *coalesced*: of
//! several timeline, facet, count or detail requests only the newest is
//! answered, and pages of a view the window has left are skipped — so
//! panning the timeline never queues up a backlog of stale work.

use super::Waker;
use super::import::ImportRunner;
use super::protocol::{
    CaseInfo, Finding, OpenMode, Reply, Request, SummaryRow, TimelineKey, TimelineReply, WindowSpec,
};
use crate::model::Target;
use crate::store::{BrowseFilter, Case, EventFilter, Lanes, StoreError, TimelineWindow};
use std::collections::HashMap;
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender};

/// Events drawn one by one at most; a window with more is bucketed.
pub const MARK_LIMIT: u64 = 4_000;

pub(super) struct Worker {
    case: Option<Case>,
    replies: SyncSender<Reply>,
    waker: Waker,
    imports: ImportRunner,
    /// Lanes per (filter, relative), valid until the case changes.
    lanes: HashMap<(BrowseFilter, bool), Lanes>,
}

impl Worker {
    pub fn new(case: Option<Case>, replies: SyncSender<Reply>, waker: Waker, imports: ImportRunner) -> Worker {
        Worker {
            case,
            replies,
            waker,
            imports,
            lanes: HashMap::new(),
        }
    }

    /// Answers requests until the window hangs up.
    pub fn run(mut self, requests: &Receiver<Request>) {
        if let Some(case) = &self.case {
            let info = case_info(case.path());
            if !self.send(Reply::Opened(Ok(info))) {
                return;
            }
        }
        while let Ok(first) = requests.recv() {
            let mut batch = vec![first];
            batch.extend(requests.try_iter());
            let mut batch = coalesce(batch);
            // The timeline's buckets group every event in view (seconds on a
            // large case); counts, facets and the first page come from kept
            // figures and indexes in milliseconds, so they are answered
            // first and the window fills while the timeline is counted.
            // Stable, and nothing waits on a timeline answer.
            batch.sort_by_key(|request| matches!(request, Request::Timeline { .. }));
            for request in batch {
                if !self.handle(request) {
                    return;
                }
            }
        }
    }

    /// Sends a reply and wakes the window; `false` once the window is gone.
    fn send(&self, reply: Reply) -> bool {
        let sent = self.replies.send(reply).is_ok();
        (self.waker)();
        sent
    }

    fn handle(&mut self, request: Request) -> bool {
        if let Request::Open { path, mode } = request {
            return self.open(&path, &mode);
        }
        let what = request_name(&request);
        let Some(case) = self.case.as_mut() else {
            return self.send(Reply::Failed {
                what,
                message: "no case is open".into(),
            });
        };
        let changes_data = matches!(
            request,
            Request::Import { .. }
                | Request::Annotate { .. }
                | Request::RemoveAnnotation { .. }
                | Request::LabelHost { .. }
                | Request::SaveCanary { .. }
                | Request::Refresh
        );
        if changes_data {
            self.lanes.clear();
        }
        let started = std::time::Instant::now();
        let answered = answer(case, &mut self.lanes, &self.imports, request);
        // `TELLTALE_TRACE_JOBS=1`: how long each request took, to find what
        // keeps a large case's first frame waiting.
        if std::env::var_os("TELLTALE_TRACE_JOBS").is_some() {
            eprintln!("worker: {what} took {} ms", started.elapsed().as_millis());
        }
        let replies = match answered {
            Ok(replies) => replies,
            Err(error) => vec![Reply::Failed {
                what,
                message: with_path(error, case.path()),
            }],
        };
        replies.into_iter().all(|reply| self.send(reply))
    }

    fn open(&mut self, path: &Path, mode: &OpenMode) -> bool {
        self.lanes.clear();
        let opened = open_case(path, mode);
        let reply = match opened {
            Ok(case) => {
                let info = case_info(case.path());
                self.case = Some(case);
                Ok(info)
            }
            Err(error) => Err(with_path(error, Some(path))),
        };
        self.send(Reply::Opened(reply))
    }
}

fn open_case(path: &Path, mode: &OpenMode) -> Result<Case, StoreError> {
    match mode {
        OpenMode::Existing => Case::open_existing(path),
        OpenMode::Create => Case::create_or_open(path),
        OpenMode::Demo => {
            let mut case = Case::create_or_open(path)?;
            if case.sessions()?.is_empty() {
                case.import_demo()?;
            }
            Ok(case)
        }
    }
}

/// Runs one request against the case.
fn answer(
    case: &mut Case,
    lanes_cache: &mut HashMap<(BrowseFilter, bool), Lanes>,
    imports: &ImportRunner,
    request: Request,
) -> Result<Vec<Reply>, StoreError> {
    let reply = match request {
        Request::Open { .. } => return Ok(Vec::new()),
        Request::Refresh => return refresh(case),
        Request::Facets { view, filter } => Reply::Facets {
            view,
            facets: case.facets(&filter)?,
        },
        Request::Count { view, filter } => Reply::Count {
            view,
            events: case.event_count(&filter)?,
            requests: case.request_count(&filter)?,
        },
        Request::Page {
            view,
            filter,
            sort,
            offset,
            limit,
        } => Reply::Page {
            view,
            offset,
            rows: case.event_page(&filter, sort, offset, limit)?,
        },
        Request::RequestPage {
            view,
            filter,
            sort,
            offset,
            limit,
        } => Reply::RequestPage {
            view,
            offset,
            rows: case.request_page(&filter, sort, offset, limit)?,
        },
        Request::Position {
            view,
            filter,
            sort,
            event,
        } => Reply::Position {
            view,
            event,
            position: case.event_position(&filter, sort, event)?,
        },
        Request::RequestPosition {
            view,
            filter,
            sort,
            exchange,
        } => Reply::RequestPosition {
            view,
            exchange,
            position: case.request_position(&filter, sort, exchange)?,
        },
        Request::Timeline {
            key,
            view,
            filter,
            relative,
            window,
            buckets,
        } => timeline(case, lanes_cache, key, view, filter, relative, window, buckets)?,
        Request::Detail { event } => Reply::Detail {
            event,
            detail: case.event_detail(event)?.map(Box::new),
        },
        Request::RequestDetail { exchange } => Reply::RequestDetail {
            exchange,
            detail: case.request_detail(exchange)?.map(Box::new),
        },
        Request::Annotate { target, edit } => {
            let annotation = case.annotate(target, &edit)?;
            let mut replies = vec![Reply::Annotated(annotation)];
            replies.extend(refresh(case)?);
            return Ok(replies);
        }
        Request::RemoveAnnotation { target } => {
            let removed = case.remove_annotation(target)?;
            let mut replies = vec![Reply::AnnotationRemoved { target, removed }];
            replies.extend(refresh(case)?);
            return Ok(replies);
        }
        Request::LabelHost { host, edit } => {
            let row = case.set_host_label(&host, &edit)?;
            let mut replies = vec![Reply::HostLabelled(row), Reply::Summary(summary(case)?)];
            replies.extend(refresh(case)?);
            return Ok(replies);
        }
        Request::Summary => Reply::Summary(summary(case)?),
        Request::SaveCanary { needle, data_type } => {
            let needles = vec![needle.clone()];
            let added = match &data_type {
                Some(kind) => {
                    case.save_typed_canaries(&needles, kind)?;
                    case.apply_typed_canaries()?
                }
                None => {
                    case.save_canaries(&needles)?;
                    0
                }
            };
            Reply::CanarySaved {
                needle,
                data_type,
                added,
            }
        }
        Request::Compare { a, b } => Reply::Compared(Box::new(case.compare(&a, &b)?)),
        Request::Search { needles } => Reply::Searched {
            hits: case.search(&needles)?,
            needles,
        },
        Request::Import { items } => {
            imports.run(case, items);
            return Ok(Vec::new());
        }
    };
    Ok(vec![reply])
}

/// Sessions, warnings and findings: what changes when the case changes.
pub(super) fn refresh(case: &Case) -> Result<Vec<Reply>, StoreError> {
    Ok(vec![
        Reply::Sessions(case.sessions()?),
        Reply::Warnings(case.case_warnings()?),
        Reply::Findings(findings(case)?),
    ])
}

fn findings(case: &Case) -> Result<Vec<Finding>, StoreError> {
    let mut findings: Vec<Finding> = case
        .export_rows(&EventFilter::default(), true)?
        .into_iter()
        .map(|row| {
            let geo = row.server_ip.as_deref().and_then(crate::attribution::geo_for_ip);
            Finding::Evidence {
                country: geo.and_then(|g| g.country_name.or(g.country_code)),
                row: Box::new(row),
            }
        })
        .collect();
    let sessions = case.sessions()?;
    for annotation in case.annotations()? {
        if let Target::Session(id) = annotation.target {
            let name = sessions
                .iter()
                .find(|s| s.id == id)
                .map_or_else(|| format!("session {id}"), |s| s.name.clone());
            findings.push(Finding::Session { id, name, annotation });
        }
    }
    Ok(findings)
}

/// What left the device, with each group's countries and networks.
fn summary(case: &Case) -> Result<Vec<SummaryRow>, StoreError> {
    let groups = case.summary(&crate::store::SummaryFilter::default())?;
    Ok(groups
        .into_iter()
        .map(|group| {
            let mut countries: Vec<String> = Vec::new();
            let mut orgs: Vec<String> = Vec::new();
            for ip in &group.server_ips {
                let Some(geo) = crate::attribution::geo_for_ip(ip) else {
                    continue;
                };
                if let Some(country) = geo.country_name.or(geo.country_code)
                    && !countries.contains(&country)
                {
                    countries.push(country);
                }
                if let Some(org) = geo.org
                    && !orgs.contains(&org)
                {
                    orgs.push(org);
                }
            }
            SummaryRow { group, countries, orgs }
        })
        .collect())
}

#[allow(clippy::too_many_arguments)]
fn timeline(
    case: &Case,
    lanes_cache: &mut HashMap<(BrowseFilter, bool), Lanes>,
    key: TimelineKey,
    view: u64,
    filter: BrowseFilter,
    relative: bool,
    window: Option<WindowSpec>,
    buckets: u32,
) -> Result<Reply, StoreError> {
    let cache_key = (filter.without(None, false), relative);
    let lanes = match lanes_cache.get(&cache_key) {
        Some(lanes) => lanes.clone(),
        None => {
            let lanes = case.timeline_lanes(&filter, relative)?;
            lanes_cache.insert(cache_key, lanes.clone());
            lanes
        }
    };
    let window = window.or_else(|| {
        lanes.extent.map(|(start, end)| WindowSpec {
            start_micros: start,
            end_micros: end.max(start + 1),
            buckets,
        })
    });
    let slice = match window {
        Some(window) => Some(case.timeline_slice(
            &filter,
            &lanes.lanes,
            TimelineWindow {
                relative,
                start_micros: window.start_micros,
                end_micros: window.end_micros,
                buckets: window.buckets.max(1),
                mark_limit: MARK_LIMIT,
            },
        )?),
        None => None,
    };
    Ok(Reply::Timeline(Box::new(TimelineReply {
        key,
        view,
        relative,
        lanes,
        slice,
    })))
}

/// Keeps, of a batch of waiting requests, the ones whose answer still matters.
fn coalesce(batch: Vec<Request>) -> Vec<Request> {
    let newest_view = batch
        .iter()
        .filter_map(|r| match r {
            Request::Page { view, .. } | Request::RequestPage { view, .. } => Some(*view),
            _ => None,
        })
        .max();
    let mut kept: Vec<Request> = Vec::with_capacity(batch.len());
    for request in batch.into_iter().rev() {
        let superseded = match &request {
            Request::Page { view, .. } | Request::RequestPage { view, .. } => Some(*view) != newest_view,
            Request::Timeline { key, .. } => kept
                .iter()
                .any(|k| matches!(k, Request::Timeline { key: other, .. } if other == key)),
            Request::Facets { .. }
            | Request::Count { .. }
            | Request::Detail { .. }
            | Request::RequestDetail { .. }
            | Request::Position { .. }
            | Request::RequestPosition { .. }
            | Request::Summary => kept
                .iter()
                .any(|k| std::mem::discriminant(k) == std::mem::discriminant(&request)),
            _ => false,
        };
        if !superseded {
            kept.push(request);
        }
    }
    kept.reverse();
    kept
}

fn request_name(request: &Request) -> &'static str {
    match request {
        Request::Open { .. } => "open",
        Request::Refresh => "refresh",
        Request::Facets { .. } => "facets",
        Request::Count { .. } => "count",
        Request::Page { .. } => "page",
        Request::RequestPage { .. } => "requests",
        Request::Position { .. } => "position",
        Request::RequestPosition { .. } => "request position",
        Request::Timeline { .. } => "timeline",
        Request::Detail { .. } => "detail",
        Request::RequestDetail { .. } => "request detail",
        Request::Annotate { .. } => "annotate",
        Request::RemoveAnnotation { .. } => "remove annotation",
        Request::LabelHost { .. } => "label host",
        Request::Summary => "summary",
        Request::SaveCanary { .. } => "save canary",
        Request::Compare { .. } => "compare",
        Request::Search { .. } => "search",
        Request::Import { .. } => "import",
    }
}

pub(super) fn case_info(path: Option<&Path>) -> CaseInfo {
    let name = path
        .and_then(|p| p.file_stem())
        .map_or_else(|| "demo (in memory)".to_string(), |s| s.to_string_lossy().into_owned());
    CaseInfo {
        path: path.map(Path::to_path_buf),
        name,
    }
}

/// The error in words, the file last (STYLE.md).
pub(super) fn with_path(error: impl std::fmt::Display, path: Option<&Path>) -> String {
    match path {
        Some(path) => format!("{error} — {}", path.display()),
        None => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coalescing_keeps_the_newest_of_each_kind() {
        let filter = BrowseFilter::default();
        let timeline = |key, view| Request::Timeline {
            key,
            view,
            filter: filter.clone(),
            relative: false,
            window: None,
            buckets: 10,
        };
        let page = |view, offset| Request::Page {
            view,
            filter: filter.clone(),
            sort: crate::store::Sort::default(),
            offset,
            limit: 10,
        };
        let batch = vec![
            timeline(TimelineKey::Main, 1),
            page(1, 0),
            timeline(TimelineKey::CompareA, 1),
            page(2, 0),
            page(2, 100),
            timeline(TimelineKey::Main, 2),
            Request::Refresh,
        ];
        let kept = coalesce(batch);
        let views: Vec<String> = kept
            .iter()
            .map(|r| match r {
                Request::Timeline { key, view, .. } => format!("t{key:?}{view}"),
                Request::Page { view, offset, .. } => format!("p{view}@{offset}"),
                other => request_name(other).to_string(),
            })
            .collect();
        assert_eq!(views, ["tCompareA1", "p2@0", "p2@100", "tMain2", "refresh"]);
    }
}
