//! `telltale gui CASE --screenshot-to FILE --view … [--theme dark] [--size
//! 1280x720]`: drives the window to the asked view, waits until its data is
//! drawn, saves a PNG of the window and closes it. Used by
//! `scripts/screenshots.sh`.
//!
//! It never writes to the case: the script annotates its demo copy through
//! the command line before it asks for the findings view.

use crate::cli::ScreenshotView;
use crate::model::Mode;
use crate::window::command::Command;
use crate::window::state::{AppState, Detail, RowsShown, View};
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
        // The virtual screen's pointer rests mid-window: no tooltips in pictures.
        ctx.all_styles_mut(|style| style.interaction.tooltip_delay = f32::MAX);
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
        let showcases_one = matches!(self.view, ScreenshotView::Inspector);
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
            ScreenshotView::Requests => {
                if state.rows_shown != RowsShown::Requests {
                    commands.push(Command::ShowRows(RowsShown::Requests));
                    return false;
                }
                match showcase_request(state) {
                    Some(index) => {
                        commands.push(Command::SelectIndex(index));
                        true
                    }
                    None => false,
                }
            }
            ScreenshotView::WhatLeft => {
                commands.push(Command::SetView(View::WhatLeft));
                true
            }
            ScreenshotView::Compare => {
                commands.push(Command::SetView(View::Compare));
                true
            }
            ScreenshotView::Findings => {
                commands.push(Command::SetView(View::Findings));
                true
            }
        }
    }

    fn view_ready(&self, state: &AppState) -> bool {
        match self.view {
            ScreenshotView::Timeline => true,
            ScreenshotView::Inspector => state.detail.is_some(),
            ScreenshotView::Requests => matches!(state.detail, Some(Detail::Request(_))),
            ScreenshotView::WhatLeft => state.summary.rows.is_some(),
            ScreenshotView::Compare => {
                let drawn = |m: &Option<crate::window::timeline::TimelineModel>| {
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
    let rows = match state.rows_shown {
        RowsShown::Events => state.table.row(0).is_some(),
        RowsShown::Requests => state.requests.row(0).is_some(),
    };
    !state.opening
        && !state.sessions.is_empty()
        && !state.facets.is_empty()
        && rows
        && state.timeline.reply.as_ref().is_some_and(|r| r.slice.is_some())
}

/// A loaded request worth showing: the one that carried the most kinds of
/// personal data and no events (what the Requests view is for).
fn showcase_request(state: &AppState) -> Option<u64> {
    let count = state.requests.count?;
    (0..count.min(200))
        .filter_map(|i| state.requests.row(i).map(|r| (i, r)))
        .max_by_key(|(i, r)| (r.event_count == 0, r.data_types.len(), std::cmp::Reverse(*i)))
        .map(|(i, _)| i)
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
