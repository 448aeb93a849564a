//! The raw HTTP exchange behind an event: request line, headers and body,
//! then the response, each with a copy button.

use super::layers_ui::{code_block_ui, hex_dump};
use super::theme::{BODY_PREVIEW_BYTES, Palette};
use crate::model::Headers;
use crate::store::ExchangeDetail;
use crate::window::command::Command;
use egui::RichText;

/// Draws the request and the response.
pub fn http_ui(ui: &mut egui::Ui, exchange: &ExchangeDetail, commands: &mut Vec<Command>) {
    let request_line = format!("{} {} {}", exchange.method, exchange.url, exchange.http_version);
    egui::CollapsingHeader::new(RichText::new("HTTP request").strong())
        .default_open(false)
        .show(ui, |ui| {
            let raw = raw_message(&request_line, &exchange.request_headers, &exchange.request_body);
            if ui.small_button("Copy request").clicked() {
                commands.push(Command::Copy(raw.clone()));
            }
            message_ui(
                ui,
                &request_line,
                &exchange.request_headers,
                &exchange.request_body,
                "request",
            );
        });
    let status = exchange
        .status
        .map_or_else(|| "no response".to_string(), |s| s.to_string());
    let status_line = format!("{} {status}", exchange.http_version);
    egui::CollapsingHeader::new(RichText::new(format!("HTTP response ({status})")).strong())
        .default_open(false)
        .show(ui, |ui| {
            let raw = raw_message(&status_line, &exchange.response_headers, &exchange.response_body);
            if ui.small_button("Copy response").clicked() {
                commands.push(Command::Copy(raw.clone()));
            }
            message_ui(
                ui,
                &status_line,
                &exchange.response_headers,
                &exchange.response_body,
                "response",
            );
        });
    for note in &exchange.notes {
        ui.label(RichText::new(format!("Importer note: {note}")).color(Palette::for_ui(ui).warning));
    }
}

fn message_ui(ui: &mut egui::Ui, first_line: &str, headers: &Headers, body: &[u8], id: &str) {
    let palette = Palette::for_ui(ui);
    ui.add(egui::Label::new(RichText::new(first_line).monospace().strong()).wrap());
    egui::Grid::new((id, "headers"))
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for (name, value) in headers {
                ui.label(RichText::new(name).monospace().color(palette.text_muted));
                ui.add(egui::Label::new(RichText::new(value).monospace()).wrap());
                ui.end_row();
            }
        });
    if body.is_empty() {
        ui.label(RichText::new("(empty body)").italics());
    } else {
        code_block_ui(ui, &body_text(body), (id, "body"));
    }
}

/// The body as text when it is UTF-8, else as hex; cut to a preview.
fn body_text(body: &[u8]) -> String {
    let shown = &body[..body.len().min(BODY_PREVIEW_BYTES)];
    let mut text = match std::str::from_utf8(shown) {
        Ok(text) => text.to_string(),
        Err(_) => hex_dump(shown),
    };
    if body.len() > shown.len() {
        text.push_str(&format!("\n… ({} more bytes)", body.len() - shown.len()));
    }
    text
}

/// The message as it would go over the wire (for copying).
fn raw_message(first_line: &str, headers: &Headers, body: &[u8]) -> String {
    let mut raw = format!("{first_line}\r\n");
    for (name, value) in headers {
        raw.push_str(&format!("{name}: {value}\r\n"));
    }
    raw.push_str("\r\n");
    raw.push_str(&String::from_utf8_lossy(body));
    raw
}
