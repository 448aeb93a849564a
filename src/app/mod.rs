//! The eframe application shell. The frame thread only draws: the case is
//! opened and queried on a worker thread, and results come back over a
//! channel with `request_repaint`.

use crate::cli::GuiArgs;
use crate::store::{Case, SessionRow};
use std::path::PathBuf;
use std::sync::mpsc;

/// Opens the window on `args.case`.
pub fn run(args: GuiArgs) -> anyhow::Result<()> {
    let Some(case_path) = args.case else {
        anyhow::bail!("no case given: use `telltale gui CASE`");
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1600.0, 1000.0])
            .with_title("Telltale"),
        ..eframe::NativeOptions::default()
    };
    eframe::run_native(
        "Telltale",
        options,
        Box::new(move |cc| Ok(Box::new(TelltaleApp::new(&cc.egui_ctx, case_path)))),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}

/// The window's state.
pub struct TelltaleApp {
    case_path: PathBuf,
    sessions: Option<Result<Vec<SessionRow>, String>>,
    replies: mpsc::Receiver<Result<Vec<SessionRow>, String>>,
}

impl TelltaleApp {
    pub fn new(ctx: &egui::Context, case_path: PathBuf) -> Self {
        let (sender, replies) = mpsc::sync_channel(1);
        let ctx = ctx.clone();
        let path = case_path.clone();
        let spawned = std::thread::Builder::new().name("case-loader".into()).spawn(move || {
            let result = Case::open_existing(&path)
                .and_then(|c| c.sessions())
                .map_err(|e| format!("{e} — {}", path.display()));
            let _ = sender.send(result);
            ctx.request_repaint();
        });
        let sessions = spawned.err().map(|e| Err(format!("cannot start worker: {e}")));
        TelltaleApp {
            case_path,
            sessions,
            replies,
        }
    }
}

impl eframe::App for TelltaleApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        if let Ok(reply) = self.replies.try_recv() {
            self.sessions = Some(reply);
        }
        egui::CentralPanel::default().show(ui, |ui| {
            ui.heading(format!("Telltale — {}", self.case_path.display()));
            match &self.sessions {
                None => {
                    ui.spinner();
                }
                Some(Err(error)) => {
                    ui.colored_label(ui.visuals().error_fg_color, error);
                }
                Some(Ok(sessions)) => {
                    for s in sessions {
                        ui.label(format!(
                            "{} · {} · {} exchanges · {} events",
                            s.name, s.mode, s.exchange_count, s.event_count
                        ));
                    }
                }
            }
        });
    }
}
