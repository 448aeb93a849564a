//! The compare view: pick sessions A and B; then, in this order, a
//! plain-language summary (what B still sends, what stopped, what is new —
//! events, kinds of personal data, hosts), the hosts with company, server
//! addresses, country and network, both sessions' lanes on a shared
//! relative time axis, and the field-level diff collapsed by tracker with
//! only the rows that differ highlighted. A diff row's click filters the
//! main view to both sessions.

use super::theme::{GAP, Palette, mode_badge_ui, mode_label};
use super::timeline_ui::{TimelineContext, timeline_ui};
use crate::analysis::Comparison;
use crate::model::{Mode, SessionId};
use crate::window::command::Command;
use crate::window::compare::{CompareSummary, differs, rows_by_tracker, short_list};
use crate::window::state::AppState;
use egui::RichText;

/// Draws the compare view.
pub fn compare_ui(ui: &mut egui::Ui, state: &mut AppState, commands: &mut Vec<Command>) {
    if state.sessions.len() < 2 {
        ui.heading("Compare");
        ui.label("Import at least two sessions (e.g. normal and incognito) to compare them.");
        return;
    }
    pickers_ui(ui, state, commands);
    ui.separator();
    egui::ScrollArea::vertical()
        .id_salt("compare-scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let (Some(a), Some(b)) = (state.compare.a, state.compare.b) else {
                return;
            };
            let Some(result) = state.compare.result.clone() else {
                if state.compare.running {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Comparing…");
                    });
                }
                return;
            };
            let summary = CompareSummary::of(&result, a, b, state.summary.rows.as_deref());
            let b_mode = state.session(b).map_or(Mode::Unknown, |s| s.mode);
            summary_ui(ui, &result, &summary, b_mode);
            ui.add_space(GAP);
            hosts_ui(ui, &result);
            ui.add_space(GAP);
            egui::CollapsingHeader::new(RichText::new("Both sessions on one time axis").strong())
                .default_open(true)
                .show(ui, |ui| lanes_ui(ui, state, commands));
            ui.add_space(GAP);
            diff_ui(ui, &result, commands);
        });
}

fn pickers_ui(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    ui.horizontal_wrapped(|ui| {
        ui.heading("Compare");
        let (a, b) = (state.compare.a, state.compare.b);
        if let Some(picked) = session_picker_ui(ui, state, "Session A", a) {
            commands.push(Command::PickCompare { a: Some(picked), b });
        }
        ui.label("with");
        if let Some(picked) = session_picker_ui(ui, state, "Session B", b) {
            commands.push(Command::PickCompare { a, b: Some(picked) });
        }
        if ui
            .button("Swap A and B")
            .on_hover_text("Compare the other way round")
            .clicked()
        {
            commands.push(Command::PickCompare { a: b, b: a });
        }
        if state.compare.running {
            ui.spinner();
        }
    });
}

fn session_picker_ui(
    ui: &mut egui::Ui,
    state: &AppState,
    label: &str,
    current: Option<SessionId>,
) -> Option<SessionId> {
    let text = current
        .and_then(|id| state.session(id))
        .map_or_else(|| "choose…".to_string(), |s| format!("{} ({})", s.name, s.mode));
    let mut picked = None;
    ui.label(label);
    egui::ComboBox::from_id_salt(label)
        .selected_text(text)
        .show_ui(ui, |ui| {
            for session in &state.sessions {
                let text = format!("{} ({})", session.name, session.mode);
                if ui.selectable_label(current == Some(session.id), text).clicked() {
                    picked = Some(session.id);
                }
            }
        });
    picked
}

/// The sentences: B still sends, stopped, new.
fn summary_ui(ui: &mut egui::Ui, result: &Comparison, summary: &CompareSummary, b_mode: Mode) {
    let palette = Palette::for_ui(ui);
    let b_name = if b_mode == Mode::Incognito && !result.b.eq_ignore_ascii_case(b_mode.as_str()) {
        format!("{} ({})", result.b, mode_label(b_mode))
    } else {
        result.b.clone()
    };
    ui.heading("In short");
    let line = |ui: &mut egui::Ui, text: String, strong: bool| {
        let rich = RichText::new(text);
        ui.add(egui::Label::new(if strong { rich.strong() } else { rich }).wrap());
    };
    let still: Vec<_> = summary
        .trackers
        .iter()
        .filter(|t| t.events_b > 0 && t.events_a > 0)
        .collect();
    let sent_b = summary.events_b();
    if sent_b == 0 {
        line(ui, format!("{b_name} sent no decoded events."), true);
    } else {
        let through: Vec<String> = summary
            .trackers
            .iter()
            .filter(|t| t.events_b > 0)
            .map(|t| format!("{} ({} events)", t.tracker, t.events_b))
            .collect();
        line(
            ui,
            format!("{b_name} sent {sent_b} events through {}.", short_list(&through, 4)),
            true,
        );
    }
    for tracker in &still {
        let names = short_list(&tracker.still, 5);
        line(
            ui,
            format!("Still sent in {}: {} — {names}.", result.b, tracker.tracker),
            false,
        );
    }
    if !summary.data_still.is_empty() {
        ui.label(
            RichText::new(format!(
                "Kinds of personal data {} still sends: {}.",
                result.b,
                short_list(&labels(&summary.data_still), 8)
            ))
            .color(palette.incognito)
            .strong(),
        );
    }
    let stopped: Vec<String> = summary
        .trackers
        .iter()
        .flat_map(|t| t.stopped.iter().map(move |e| format!("{} {e}", t.tracker)))
        .collect();
    let new: Vec<String> = summary
        .trackers
        .iter()
        .flat_map(|t| t.new.iter().map(move |e| format!("{} {e}", t.tracker)))
        .collect();
    let or_nothing = |items: &[String]| {
        if items.is_empty() {
            "nothing".to_string()
        } else {
            short_list(items, 6)
        }
    };
    ui.label(RichText::new(format!("Stopped in {}: {}.", result.b, or_nothing(&stopped))).color(palette.difference));
    ui.label(RichText::new(format!("New in {}: {}.", result.b, or_nothing(&new))).color(palette.difference));
    if !summary.data_stopped.is_empty() || !summary.data_new.is_empty() {
        ui.label(
            RichText::new(format!(
                "Personal data no longer sent: {}. Sent only in {}: {}.",
                or_nothing(&labels(&summary.data_stopped)),
                result.b,
                or_nothing(&labels(&summary.data_new))
            ))
            .color(palette.difference),
        );
    }
    ui.label(format!(
        "Hosts: {} contacted in both; {} only in {}; {} only in {}.",
        summary.hosts_still.len(),
        summary.hosts_stopped.len(),
        result.a,
        summary.hosts_new.len(),
        result.b
    ));
}

/// Readable names of data types.
fn labels(kinds: &[String]) -> Vec<String> {
    kinds
        .iter()
        .map(|k| crate::decode::datatypes::kind(k).map_or_else(|| k.clone(), |kind| kind.label.to_string()))
        .collect()
}

/// Hosts with company, server addresses, country and network; the rows
/// contacted in one session only are marked.
fn hosts_ui(ui: &mut egui::Ui, result: &Comparison) {
    let palette = Palette::for_ui(ui);
    egui::CollapsingHeader::new(RichText::new(format!("Hosts ({})", result.hosts.len())).strong())
        .default_open(true)
        .show(ui, |ui| {
            egui::Grid::new("compare-hosts")
                .num_columns(7)
                .striped(true)
                .spacing([GAP, 3.0])
                .show(ui, |ui| {
                    for title in [
                        "Host",
                        "Company",
                        "Server IPs",
                        "Country",
                        "Network",
                        &result.a,
                        &result.b,
                    ] {
                        ui.strong(title);
                    }
                    ui.end_row();
                    for host in &result.hosts {
                        let one_sided = (host.count_a == 0) != (host.count_b == 0);
                        let text = RichText::new(&host.host);
                        ui.label(if one_sided {
                            text.color(palette.difference).strong()
                        } else {
                            text
                        });
                        ui.label(host.company.as_deref().unwrap_or("—"));
                        let ips = host.server_ips.join(", ");
                        ui.add(egui::Label::new(RichText::new(&ips).monospace()).wrap_mode(egui::TextWrapMode::Extend));
                        ui.label(host.country.as_deref().unwrap_or("—"));
                        let org = host.org.as_deref().unwrap_or("—");
                        ui.add_sized([200.0, 18.0], egui::Label::new(org).truncate())
                            .on_hover_text(org);
                        count_ui(ui, host.count_a, one_sided, &palette);
                        count_ui(ui, host.count_b, one_sided, &palette);
                        ui.end_row();
                    }
                });
        });
}

fn count_ui(ui: &mut egui::Ui, count: u64, differs: bool, palette: &Palette) {
    let text = RichText::new(count.to_string());
    ui.label(if differs {
        text.color(palette.difference).strong()
    } else {
        text
    });
}

fn lanes_ui(ui: &mut egui::Ui, state: &mut AppState, commands: &mut Vec<Command>) {
    let link = egui::Id::unique("compare-time");
    let height = 110.0;
    for (label, session, model) in [
        ("A", state.compare.a, state.compare.timeline_a.as_mut()),
        ("B", state.compare.b, state.compare.timeline_b.as_mut()),
    ] {
        let (Some(session), Some(model)) = (session, model) else {
            continue;
        };
        let Some(row) = state.sessions.iter().find(|s| s.id == session) else {
            continue;
        };
        ui.horizontal(|ui| {
            ui.strong(format!("{label}: {}", row.name));
            mode_badge_ui(ui, row.mode);
            ui.label(RichText::new("time since the session started").small());
        });
        let cx = TimelineContext {
            id_salt: if label == "A" { "compare-a" } else { "compare-b" },
            view: state.view_id,
            relative: true,
            height,
            selected: state.selected,
            selected_x: None,
            range: None,
            link: Some(link),
            selectable: false,
            empty_text: "No events or tracker requests in this session.".to_string(),
        };
        timeline_ui(ui, model, &cx, commands);
    }
}

/// The field-level rows, one collapsed section per tracker.
fn diff_ui(ui: &mut egui::Ui, result: &Comparison, commands: &mut Vec<Command>) {
    let palette = Palette::for_ui(ui);
    ui.heading("Field by field");
    ui.label(
        RichText::new("Counts of each event and field in A and in B; rows that differ are marked. Click a row to see those events.")
            .small(),
    );
    for group in rows_by_tracker(result) {
        let title = format!(
            "{} — {} rows, {} differ",
            group.tracker,
            group.rows.len(),
            group.differing
        );
        egui::CollapsingHeader::new(RichText::new(title).color(palette.tracker(group.tracker)).strong())
            .id_salt(("compare-tracker", group.tracker))
            .default_open(false)
            .show(ui, |ui| {
                egui::Grid::new(("compare-rows", group.tracker))
                    .num_columns(4)
                    .striped(true)
                    .spacing([GAP, 2.0])
                    .show(ui, |ui| {
                        for title in ["Event", "Field", &result.a, &result.b] {
                            ui.strong(title);
                        }
                        ui.end_row();
                        for row in &group.rows {
                            let marked = differs(row);
                            let colour = |text: RichText| {
                                if marked {
                                    text.color(palette.difference).strong()
                                } else {
                                    text
                                }
                            };
                            let event = ui.add(egui::Button::new(colour(RichText::new(&row.event))).frame(false));
                            let field = if row.field.is_empty() {
                                "(the event itself)"
                            } else {
                                row.field.as_str()
                            };
                            let field =
                                ui.add(egui::Button::new(colour(RichText::new(field).monospace())).frame(false));
                            ui.label(colour(RichText::new(row.count_a.to_string())));
                            ui.label(colour(RichText::new(row.count_b.to_string())));
                            ui.end_row();
                            if event.clicked() || field.clicked() {
                                commands.push(Command::FilterToCompareRow((*row).clone()));
                            }
                        }
                    });
            });
    }
}
