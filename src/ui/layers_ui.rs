//! The decode path as clickable steps (`form:data_list › base64 › gzip ›
//! json[3]`), a request's whole layer tree, and the picked layer shown as
//! text, pretty JSON or hex.
//!
//! Code blocks scroll sideways only with their scroll bar and never take
//! the mouse wheel: the wheel always scrolls the inspector, so a hex dump
//! under the pointer cannot trap it.

use super::theme::Palette;
use crate::store::{EventDetail, LayerRow};
use crate::window::command::Command;
use egui::RichText;

/// Characters of a layer's text shown at most.
const TEXT_PREVIEW_CHARS: usize = 20_000;
/// Bytes of a binary layer shown as hex at most.
const HEX_PREVIEW_BYTES: usize = 2_048;

/// Draws the steps from the exchange to the event, then the picked layer.
pub fn layers_ui(ui: &mut egui::Ui, detail: &EventDetail, selected: Option<i64>, commands: &mut Vec<Command>) {
    let chain = chain(&detail.layers, detail.layer_ordinal);
    if chain.is_empty() {
        ui.label(RichText::new(&detail.event.decode_path).monospace());
        return;
    }
    ui.horizontal_wrapped(|ui| {
        for (i, layer) in chain.iter().enumerate() {
            if i > 0 {
                ui.label("›");
            }
            let text = RichText::new(&layer.step).monospace();
            if ui
                .selectable_label(selected == Some(layer.ordinal), text)
                .on_hover_text(&layer.summary)
                .clicked()
            {
                commands.push(Command::SelectLayer(Some(layer.ordinal)));
            }
        }
    });
    if let Some(layer) = detail.layers.iter().find(|l| Some(l.ordinal) == selected) {
        layer_ui(ui, layer, commands);
    }
}

/// A request's layers as a tree (children under their parent), each a
/// clickable step; the picked one is shown below.
pub fn layer_tree_ui(ui: &mut egui::Ui, layers: &[LayerRow], selected: Option<i64>, commands: &mut Vec<Command>) {
    if layers.is_empty() {
        ui.label(RichText::new("Nothing was decoded: the request is kept as captured.").italics());
        return;
    }
    let palette = Palette::for_ui(ui);
    for layer in layers {
        let depth = depth_of(layers, layer);
        ui.horizontal(|ui| {
            ui.add_space(14.0 * depth as f32);
            let mut text = RichText::new(&layer.step).monospace();
            if layer.encrypted || layer.note.is_some() {
                text = text.color(palette.warning);
            }
            let response = ui
                .selectable_label(selected == Some(layer.ordinal), text)
                .on_hover_text(&layer.summary);
            if response.clicked() {
                let picked = if selected == Some(layer.ordinal) {
                    None
                } else {
                    Some(layer.ordinal)
                };
                commands.push(Command::SelectLayer(picked));
            }
            ui.add(egui::Label::new(RichText::new(&layer.summary).small().color(palette.text_muted)).truncate());
        });
    }
    if let Some(layer) = layers.iter().find(|l| Some(l.ordinal) == selected) {
        ui.separator();
        layer_ui(ui, layer, commands);
    }
}

/// How many parents a layer has (bounded, in case of a broken parent chain).
fn depth_of(layers: &[LayerRow], layer: &LayerRow) -> usize {
    let mut depth = 0;
    let mut parent = layer.parent_ordinal;
    while let Some(ordinal) = parent {
        if depth > layers.len() {
            break;
        }
        depth += 1;
        parent = layers
            .iter()
            .find(|l| l.ordinal == ordinal)
            .and_then(|l| l.parent_ordinal);
    }
    depth
}

/// The layers from the root to `last`, following parents.
fn chain(layers: &[LayerRow], last: Option<i64>) -> Vec<&LayerRow> {
    let mut chain = Vec::new();
    let mut next = last;
    while let Some(ordinal) = next {
        let Some(layer) = layers.iter().find(|l| l.ordinal == ordinal) else {
            break;
        };
        if chain.len() > layers.len() {
            break; // a parent cycle would be a store bug; do not hang on it
        }
        chain.push(layer);
        next = layer.parent_ordinal;
    }
    chain.reverse();
    chain
}

fn layer_ui(ui: &mut egui::Ui, layer: &LayerRow, commands: &mut Vec<Command>) {
    let palette = Palette::for_ui(ui);
    ui.label(RichText::new(format!("{} — {}", layer.decoder, layer.summary)).strong());
    if layer.encrypted {
        ui.label(RichText::new("Encrypted: kept as bytes, not decoded.").color(palette.warning));
    }
    if let Some(note) = &layer.note {
        ui.label(RichText::new(format!("Note: {note}")).color(palette.warning));
    }
    let shown = match (&layer.text, &layer.bytes) {
        (Some(text), _) => pretty(text),
        (None, Some(bytes)) => hex_dump(bytes),
        (None, None) => String::new(),
    };
    if shown.is_empty() {
        return;
    }
    if ui.small_button("Copy layer").clicked() {
        commands.push(Command::Copy(shown.clone()));
    }
    code_block_ui(ui, &shown, ("layer", layer.ordinal));
}

/// A monospace block: as tall as its (preview-capped) text, sideways
/// scrolling by its bar only, so the wheel scrolls the inspector around it.
pub fn code_block_ui(ui: &mut egui::Ui, text: &str, id: impl std::hash::Hash + std::fmt::Debug) {
    let palette = Palette::for_ui(ui);
    egui::Frame::new()
        .fill(palette.code_background)
        .inner_margin(egui::Margin::same(6))
        .show(ui, |ui| {
            egui::ScrollArea::horizontal()
                .id_salt(id)
                .scroll_source(egui::containers::scroll_area::ScrollSource::SCROLL_BAR)
                .show(ui, |ui| {
                    ui.add(
                        egui::Label::new(RichText::new(text).monospace().color(palette.text))
                            .selectable(true)
                            .extend(),
                    );
                });
        });
}

/// Pretty JSON when the text is JSON, else the text; both cut to a preview.
fn pretty(text: &str) -> String {
    let pretty = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| text.to_string());
    match pretty.char_indices().nth(TEXT_PREVIEW_CHARS) {
        Some((cut, _)) => format!(
            "{}\n… ({} more characters)",
            &pretty[..cut],
            pretty[cut..].chars().count()
        ),
        None => pretty,
    }
}

/// `00000000  1f 8b 08 00 …  ....` lines, 16 bytes each.
pub fn hex_dump(bytes: &[u8]) -> String {
    let mut out = String::new();
    for (line, chunk) in bytes.chunks(16).take(HEX_PREVIEW_BYTES / 16).enumerate() {
        let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        let ascii: String = chunk
            .iter()
            .map(|b| {
                if b.is_ascii_graphic() || *b == b' ' {
                    *b as char
                } else {
                    '.'
                }
            })
            .collect();
        out.push_str(&format!("{:08x}  {:<47}  {ascii}\n", line * 16, hex.join(" ")));
    }
    if bytes.len() > HEX_PREVIEW_BYTES {
        out.push_str(&format!("… ({} more bytes)\n", bytes.len() - HEX_PREVIEW_BYTES));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_dump_shows_offsets_and_ascii() {
        let dump = hex_dump(b"\x1f\x8bhello");
        assert!(dump.starts_with("00000000  1f 8b 68 65 6c 6c 6f"));
        assert!(dump.trim_end().ends_with("..hello"));
    }
}
