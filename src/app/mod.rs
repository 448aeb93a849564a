//! The eframe application shell. The frame thread only draws: the case is
//! opened and queried on the jobs worker, replies arrive with
//! `request_repaint`, and clicks become [`Command`]s applied after the
//! frame. Layout: top bar, status bar, left panel (sessions, facets),
//! right panel (inspector), centre (timeline above the table, or the
//! compare or findings view).

pub mod commands;
mod dialogs;
mod files;
mod png;
mod replies;
mod screenshot;
mod selection;
/// The state lives below the shell; re-exported for scripts and benches.
pub use crate::window::state;

use crate::cli::GuiArgs;
use crate::jobs::{Jobs, OpenMode, Waker};
use crate::store::Case;
use crate::ui::theme;
use crate::window::command::Command;
use state::{AppState, Settings, View};
use std::path::PathBuf;
use std::sync::Arc;

/// Key of the persisted [`Settings`].
const SETTINGS_KEY: &str = "telltale-settings";

/// Opens the window: on `args.case`, else the last case, else the demo.
pub fn run(args: GuiArgs) -> anyhow::Result<()> {
    let screenshot = args
        .screenshot_to
        .clone()
        .map(|path| screenshot::Screenshot::new(path, args.view));
    let result = Arc::new(std::sync::Mutex::new(Ok(())));
    let outcome = Arc::clone(&result);
    let [width, height] = args.size.unwrap_or([1600, 1000]);
    let dark = args.theme == Some(crate::cli::ScreenshotTheme::Dark);
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([width as f32, height as f32])
            .with_min_inner_size([960.0, 600.0])
            .with_title("Telltale")
            .with_app_id("telltale"),
        // Screenshots are made at exactly their size, whatever was remembered.
        persist_window: screenshot.is_none(),
        ..eframe::NativeOptions::default()
    };
    eframe::run_native(
        "Telltale",
        options,
        Box::new(move |cc| {
            let settings = match (&screenshot, cc.storage) {
                (None, Some(storage)) => eframe::get_value(storage, SETTINGS_KEY).unwrap_or_default(),
                _ => Settings {
                    dark,
                    // A screenshot shows the view, not the welcome.
                    welcomed: true,
                    ..Settings::default()
                },
            };
            let repaint = cc.egui_ctx.clone();
            let waker: Waker = Arc::new(move || repaint.request_repaint());
            let mut app = TelltaleApp::new(None, settings, waker)?;
            app.start(args.case.clone());
            app.screenshot = screenshot;
            app.outcome = Some(outcome);
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))?;
    let result = result.lock().map_or_else(|_| Ok(()), |r| r.clone());
    result.map_err(|e| anyhow::anyhow!(e))
}

/// The window.
pub struct TelltaleApp {
    pub state: AppState,
    jobs: Jobs,
    waker: Waker,
    commands: Vec<Command>,
    screenshot: Option<screenshot::Screenshot>,
    outcome: Option<Arc<std::sync::Mutex<Result<(), String>>>>,
    /// The theme has been applied to the context.
    styled: bool,
}

impl TelltaleApp {
    /// A window on `case` (already open: tests) or on nothing yet;
    /// `waker` is called from worker threads when a reply arrives.
    pub fn new(case: Option<Case>, settings: Settings, waker: Waker) -> std::io::Result<TelltaleApp> {
        let opening = case.is_some();
        let jobs = Jobs::start(case, Arc::clone(&waker))?;
        let mut state = AppState::new(settings);
        state.opening = opening;
        state.demo_path = demo_case_path();
        Ok(TelltaleApp {
            state,
            jobs,
            waker,
            commands: Vec::new(),
            screenshot: None,
            outcome: None,
            styled: false,
        })
    }

    /// Opens `case`, or the last case (falling back to the demo), or the demo.
    pub fn start(&mut self, case: Option<PathBuf>) {
        let demo = demo_case_path();
        match (case, self.state.settings.last_case.clone(), demo) {
            (Some(path), _, _) => commands::open_case(&mut self.state, &mut self.jobs, path, OpenMode::Existing),
            (None, Some(last), demo) => {
                self.state.fallback_demo = demo;
                commands::open_case(&mut self.state, &mut self.jobs, last, OpenMode::Existing);
            }
            (None, None, Some(demo)) => commands::open_case(&mut self.state, &mut self.jobs, demo, OpenMode::Demo),
            (None, None, None) => self.state.notify("No data folder found: open or create a case.", true),
        }
    }

    /// One frame: replies in, panels drawn, commands applied.
    pub fn frame_ui(&mut self, ui: &mut egui::Ui) {
        if !self.styled {
            theme::apply(ui.ctx());
            let dark = self.state.settings.dark;
            ui.ctx()
                .set_theme(if dark { egui::Theme::Dark } else { egui::Theme::Light });
            self.styled = true;
        }
        for reply in self.jobs.poll() {
            replies::apply(&mut self.state, &mut self.jobs, reply);
        }
        dialogs::poll(&mut self.state, &mut self.commands);
        files::poll_export(&mut self.state);
        self.shortcuts(ui.ctx());
        self.layout_ui(ui);
        self.screenshot_step(ui.ctx());
        let mut cx = commands::Context {
            jobs: &mut self.jobs,
            egui: ui.ctx(),
            waker: &self.waker,
        };
        for command in std::mem::take(&mut self.commands) {
            commands::apply(&mut self.state, &mut cx, command);
        }
        if self.jobs.has_backlog() {
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(16));
        }
        if self.state.export_job.is_some() {
            // The export window counts the seconds.
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(250));
        }
    }

    /// Pushes a command as a click would (tests, scripts).
    pub fn push(&mut self, command: Command) {
        self.commands.push(command);
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        use crate::ui::top_bar_ui::{IMPORT_SHORTCUT, OPEN_SHORTCUT, SEARCH_SHORTCUT};
        use crate::window::file_picker::PickPurpose;
        let (open, import, search) = ctx.input_mut(|i| {
            (
                i.consume_shortcut(&OPEN_SHORTCUT),
                i.consume_shortcut(&IMPORT_SHORTCUT),
                i.consume_shortcut(&SEARCH_SHORTCUT),
            )
        });
        if open {
            self.commands.push(Command::ChooseFile(PickPurpose::OpenCase));
        }
        if import && self.state.case.is_some() {
            self.commands.push(Command::ChooseFile(PickPurpose::Import));
        }
        if search {
            self.commands.push(Command::FocusSearch);
        }
        let dropped: Vec<PathBuf> = ctx.input(|i| i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).collect());
        if !dropped.is_empty() {
            // Dropped on the welcome, they are its captures.
            self.commands.push(if self.state.welcome.is_some() {
                Command::FilesChosen(PickPurpose::WelcomeCaptures, dropped)
            } else {
                Command::ShowImport(dropped)
            });
        }
        if self.state.view == View::Browse && !ctx.egui_wants_keyboard_input() {
            let (down, up) = ctx.input(|i| (i.key_pressed(egui::Key::ArrowDown), i.key_pressed(egui::Key::ArrowUp)));
            if down || up {
                self.commands.push(Command::MoveSelection(if down { 1 } else { -1 }));
            }
        }
    }

    fn screenshot_step(&mut self, ctx: &egui::Context) {
        let Some(script) = &mut self.screenshot else { return };
        if let Some(result) = script.step(&self.state, ctx, &mut self.commands) {
            if let Some(outcome) = &self.outcome
                && let Ok(mut slot) = outcome.lock()
            {
                *slot = result;
            }
            self.screenshot = None;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}

/// Where the built-in demo case lives: the user's data folder.
fn demo_case_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("org", "Telltale", "telltale").map(|dirs| dirs.data_dir().join("demo.telltale"))
}

impl eframe::App for TelltaleApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame_ui(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.screenshot.is_none() {
            eframe::set_value(storage, SETTINGS_KEY, &self.state.settings);
        }
    }
}

mod layout;
