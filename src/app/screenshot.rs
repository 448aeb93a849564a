//! `telltale gui CASE --screenshot-to FILE --view …`: drives the window to
//! the asked view, waits until its data is drawn, saves a PNG of the
//! window and closes it. Used by `scripts/screenshots.sh`.
//!
//! For the findings view of a case without findings it annotates three
//! incognito events first (the screenshots are made from a demo copy).

use super::commands::Command;
use super::state::{AppState, View};
use crate::cli::ScreenshotView;
use crate::model::{AnnotationEdit, Mode, Severity, Target};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, sync_channel};
use std::time::{Duration, Instant};

/// Frames drawn with all data present before the picture is taken.
const SETTLE_FRAMES: u32 = 8;
/// Give up after this long.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The screenshot run's progress.
pub struct Screenshot {
    path: PathBuf,
    view: ScreenshotView,
    started: Instant,
    /// Steps of [`Screenshot::prepare`] done.
    prepared: u8,
    settled: u32,
    image: Option<Receiver<Arc<egui::ColorImage>>>,
}

impl Screenshot {
    pub fn new(path: PathBuf, view: ScreenshotView) -> Screenshot {
        Screenshot {
            path,
            view,
            started: Instant::now(),
            prepared: 0,
            settled: 0,
            image: None,
        }
    }

    /// One frame of the script; `Some` when finished (the PNG is written
    /// or it failed), then the window should close.
    pub fn step(
        &mut self,
        state: &AppState,
        ctx: &egui::Context,
        commands: &mut Vec<Command>,
    ) -> Option<Result<(), String>> {
        ctx.request_repaint_after(Duration::from_millis(50));
        if self.started.elapsed() > TIMEOUT {
            return Some(Err("the data did not arrive within a minute".into()));
        }
        if let Some(receiver) = &self.image {
            return receiver.try_recv().ok().map(|image| self.write(&image));
        }
        if self.prepared < 2 {
            if base_ready(state) && self.prepare(state, commands) {
                self.prepared += 1;
            }
            return None;
        }
        if !self.view_ready(state) {
            self.settled = 0;
            return None;
        }
        self.settled += 1;
        if self.settled >= SETTLE_FRAMES {
            let (sender, receiver) = sync_channel(1);
            let repaint = ctx.clone();
            ctx.request_screenshot(move |image| {
                let _ = sender.send(image);
                repaint.request_repaint();
            });
            self.image = Some(receiver);
        }
        None
    }

    /// Pushes what the view needs, in two steps (the first narrows the
    /// table to incognito events where the view shows one); `true` when a
    /// step is done.
    fn prepare(&self, state: &AppState, commands: &mut Vec<Command>) -> bool {
        let showcases_one = matches!(self.view, ScreenshotView::Inspector | ScreenshotView::Findings);
        if self.prepared == 0 {
            if showcases_one {
                commands.push(Command::ToggleFacet(crate::store::Facet::Mode, "incognito".into()));
            }
            return true;
        }
        match self.view {
            ScreenshotView::Timeline => true,
            ScreenshotView::Inspector => match showcase_row(state) {
                Some(index) => {
                    commands.push(Command::SelectIndex(index));
                    true
                }
                None => false,
            },
            ScreenshotView::Compare => {
                commands.push(Command::SetView(View::Compare));
                true
            }
            ScreenshotView::Findings => {
                if state.findings.is_empty() {
                    annotate_examples(state, commands);
                }
                commands.push(Command::SetView(View::Findings));
                true
            }
        }
    }

    fn view_ready(&self, state: &AppState) -> bool {
        match self.view {
            ScreenshotView::Timeline => true,
            ScreenshotView::Inspector => state.detail.is_some(),
            ScreenshotView::Compare => {
                let drawn = |m: &Option<crate::ui::timeline::TimelineModel>| {
                    m.as_ref()
                        .is_some_and(|m| m.reply.as_ref().is_some_and(|r| r.slice.is_some()))
                };
                state.compare.result.is_some() && drawn(&state.compare.timeline_a) && drawn(&state.compare.timeline_b)
            }
            ScreenshotView::Findings => !state.findings.is_empty(),
        }
    }

    fn write(&self, image: &egui::ColorImage) -> Result<(), String> {
        let rgba: Vec<u8> = image.pixels.iter().flat_map(|p| p.to_array()).collect();
        let [width, height] = image.size;
        let png = super::png::encode_rgba(width as u32, height as u32, &rgba)
            .map_err(|e| format!("cannot encode the screenshot: {e}"))?;
        std::fs::write(&self.path, png)
            .map_err(|e| format!("cannot write the screenshot: {e} — {}", self.path.display()))
    }
}

fn base_ready(state: &AppState) -> bool {
    !state.opening
        && !state.sessions.is_empty()
        && !state.facets.is_empty()
        && state.table.row(0).is_some()
        && state.timeline.reply.as_ref().is_some_and(|r| r.slice.is_some())
}

/// A loaded row worth showing: an incognito event that carries a URL.
fn showcase_row(state: &AppState) -> Option<u64> {
    let count = state.table.count?;
    let rows = (0..count.min(200)).filter_map(|i| state.table.row(i).map(|r| (i, r)));
    let mut fallback = None;
    for (index, row) in rows {
        fallback.get_or_insert(index);
        let url = row.key_field.as_deref().is_some_and(|k| k.starts_with("http"));
        if row.mode == Mode::Incognito && url && row.tracker == "sensorsdata" && row.event == "page_view" {
            return Some(index);
        }
    }
    fallback
}

/// Marks three incognito events as findings, as an investigator would:
/// a visited URL, a search term, a screen name.
fn annotate_examples(state: &AppState, commands: &mut Vec<Command>) {
    let count = state.table.count.unwrap_or(0).min(200);
    let rows: Vec<&crate::store::ListRow> = (0..count)
        .filter_map(|i| state.table.row(i))
        .filter(|r| r.mode == Mode::Incognito)
        .collect();
    let examples = [
        (
            "page_view",
            Severity::Finding,
            "Visited URL sent to the analytics company while in incognito mode.",
        ),
        (
            "search",
            Severity::Finding,
            "Search term leaves the phone in incognito mode, only base64-encoded.",
        ),
        (
            "$AppViewScreen",
            Severity::Notable,
            "Opened screen reported in incognito mode.",
        ),
    ];
    for (event, severity, note) in examples {
        let Some(row) = rows.iter().find(|r| r.event == event) else {
            continue;
        };
        commands.push(Command::Annotate(
            Target::Event(row.id),
            AnnotationEdit {
                tags: Some(vec!["incognito-leak".into()]),
                severity: Some(severity),
                note: Some(note.into()),
            },
        ));
    }
}
