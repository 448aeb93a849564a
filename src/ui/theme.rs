//! Telltale's design tokens: every colour, size and spacing the panels use
//! comes from here, so the window looks like one thing and the light and
//! dark themes stay in step. Panels never write colour literals.
//!
//! The one idea the palette carries: **incognito is violet** everywhere —
//! badges, lane bands, table cells — so "what left the phone in incognito
//! mode" is visible before anything is read. Normal is a calm teal,
//! unknown a neutral grey. Trackers get distinct, colour-blind-friendlier
//! hues (Okabe–Ito based) that differ from the mode colours.

use crate::model::{Mode, Severity};
use egui::{Color32, CornerRadius, FontFamily, FontId, Margin, Stroke, TextStyle, Theme, Visuals};

/// Space between groups of widgets.
pub const GAP: f32 = 8.0;
/// Space between tightly related widgets.
pub const GAP_SMALL: f32 = 4.0;
/// Height of a table row.
pub const ROW_HEIGHT: f32 = 22.0;
/// Height of the table header.
pub const HEADER_HEIGHT: f32 = 26.0;
/// Default width of the left (sessions, facets) panel.
pub const LEFT_PANEL_WIDTH: f32 = 270.0;
/// Default width of the inspector.
pub const RIGHT_PANEL_WIDTH: f32 = 420.0;
/// Default height of the timeline.
pub const TIMELINE_HEIGHT: f32 = 300.0;
/// Radius of an event mark on the timeline, in points.
pub const MARK_RADIUS: f32 = 4.5;
/// Rounding of badges and chips.
pub const BADGE_ROUNDING: u8 = 6;
/// Bytes of a body shown in the inspector before "… (N more bytes)".
pub const BODY_PREVIEW_BYTES: usize = 64 * 1024;

/// The colours of one theme.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Palette {
    pub dark: bool,
    pub text_muted: Color32,
    pub text_strong: Color32,
    pub incognito: Color32,
    pub incognito_band: Color32,
    pub normal: Color32,
    pub normal_band: Color32,
    pub unknown: Color32,
    pub unknown_band: Color32,
    pub badge_text: Color32,
    pub severity_info: Color32,
    pub severity_notable: Color32,
    pub severity_finding: Color32,
    /// Background of a canary hit.
    pub canary: Color32,
    pub warning: Color32,
    pub error: Color32,
    /// Placeholder rows while a page loads.
    pub placeholder: Color32,
    /// The selected time range on the timeline.
    pub range_fill: Color32,
    pub range_border: Color32,
    /// The selected event on the timeline.
    pub selection: Color32,
    /// Rows the compare view highlights (B still sends this).
    pub still_sent: Color32,
    pub chip_fill: Color32,
    pub code_background: Color32,
}

const LIGHT: Palette = Palette {
    dark: false,
    text_muted: Color32::from_rgb(96, 102, 112),
    text_strong: Color32::from_rgb(20, 24, 32),
    incognito: Color32::from_rgb(118, 62, 196),
    incognito_band: Color32::from_rgba_unmultiplied_const(118, 62, 196, 30),
    normal: Color32::from_rgb(20, 122, 120),
    normal_band: Color32::from_rgba_unmultiplied_const(20, 122, 120, 16),
    unknown: Color32::from_rgb(110, 110, 118),
    unknown_band: Color32::from_rgba_unmultiplied_const(110, 110, 118, 14),
    badge_text: Color32::WHITE,
    severity_info: Color32::from_rgb(70, 110, 170),
    severity_notable: Color32::from_rgb(190, 120, 0),
    severity_finding: Color32::from_rgb(196, 40, 40),
    canary: Color32::from_rgb(255, 226, 120),
    warning: Color32::from_rgb(176, 106, 0),
    error: Color32::from_rgb(190, 30, 30),
    placeholder: Color32::from_rgb(226, 228, 232),
    range_fill: Color32::from_rgba_unmultiplied_const(30, 90, 200, 28),
    range_border: Color32::from_rgb(30, 90, 200),
    selection: Color32::from_rgb(20, 24, 32),
    still_sent: Color32::from_rgba_unmultiplied_const(118, 62, 196, 38),
    chip_fill: Color32::from_rgb(226, 232, 244),
    code_background: Color32::from_rgb(244, 245, 247),
};

const DARK: Palette = Palette {
    dark: true,
    text_muted: Color32::from_rgb(150, 156, 166),
    text_strong: Color32::from_rgb(236, 238, 242),
    incognito: Color32::from_rgb(176, 132, 255),
    incognito_band: Color32::from_rgba_unmultiplied_const(64, 38, 110, 70),
    normal: Color32::from_rgb(72, 196, 186),
    normal_band: Color32::from_rgba_unmultiplied_const(20, 70, 68, 50),
    unknown: Color32::from_rgb(150, 150, 158),
    unknown_band: Color32::from_rgba_unmultiplied_const(40, 40, 44, 40),
    badge_text: Color32::from_rgb(16, 16, 20),
    severity_info: Color32::from_rgb(120, 160, 230),
    severity_notable: Color32::from_rgb(240, 176, 60),
    severity_finding: Color32::from_rgb(255, 96, 96),
    canary: Color32::from_rgb(120, 96, 0),
    warning: Color32::from_rgb(240, 176, 60),
    error: Color32::from_rgb(255, 110, 110),
    placeholder: Color32::from_rgb(48, 50, 56),
    range_fill: Color32::from_rgba_unmultiplied_const(60, 120, 240, 40),
    range_border: Color32::from_rgb(110, 160, 255),
    selection: Color32::from_rgb(250, 250, 250),
    still_sent: Color32::from_rgba_unmultiplied_const(88, 52, 140, 90),
    chip_fill: Color32::from_rgb(44, 52, 70),
    code_background: Color32::from_rgb(28, 30, 34),
};

/// Tracker hues, in catalogue order; unknown trackers share the last one.
const TRACKER_HUES: [(&str, Color32); 9] = [
    ("sensorsdata", Color32::from_rgb(213, 94, 0)),
    ("ga", Color32::from_rgb(0, 114, 178)),
    ("ga4", Color32::from_rgb(86, 180, 233)),
    ("mixpanel", Color32::from_rgb(204, 121, 167)),
    ("segment", Color32::from_rgb(0, 158, 115)),
    ("amplitude", Color32::from_rgb(230, 159, 0)),
    ("adjust", Color32::from_rgb(160, 120, 60)),
    ("firebase", Color32::from_rgb(240, 200, 40)),
    ("generic", Color32::from_rgb(128, 128, 128)),
];

impl Palette {
    /// The palette of `theme`.
    pub fn of(theme: Theme) -> Palette {
        match theme {
            Theme::Dark => DARK,
            Theme::Light => LIGHT,
        }
    }

    /// The palette of the theme `ui` is drawn in.
    pub fn for_ui(ui: &egui::Ui) -> Palette {
        Palette::of(if ui.visuals().dark_mode {
            Theme::Dark
        } else {
            Theme::Light
        })
    }

    /// The strong colour of a mode (badges, marks' outline).
    pub fn mode(&self, mode: Mode) -> Color32 {
        match mode {
            Mode::Incognito => self.incognito,
            Mode::Normal => self.normal,
            Mode::Unknown => self.unknown,
        }
    }

    /// The faint colour of a mode (timeline lane bands).
    pub fn mode_band(&self, mode: Mode) -> Color32 {
        match mode {
            Mode::Incognito => self.incognito_band,
            Mode::Normal => self.normal_band,
            Mode::Unknown => self.unknown_band,
        }
    }

    pub fn severity(&self, severity: Severity) -> Color32 {
        match severity {
            Severity::Info => self.severity_info,
            Severity::Notable => self.severity_notable,
            Severity::Finding => self.severity_finding,
        }
    }

    /// The colour of a tracker's marks, bars and legend entry.
    pub fn tracker(&self, tracker: &str) -> Color32 {
        TRACKER_HUES
            .iter()
            .find(|(name, _)| *name == tracker)
            .or(TRACKER_HUES.last())
            .map_or(self.unknown, |(_, colour)| *colour)
    }
}

/// A mode as users read it on a badge.
pub fn mode_label(mode: Mode) -> &'static str {
    match mode {
        Mode::Incognito => "INCOGNITO",
        Mode::Normal => "normal",
        Mode::Unknown => "unknown mode",
    }
}

/// Fonts, spacing and rounding for both themes.
pub fn apply(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| {
        style.spacing.item_spacing = egui::vec2(GAP, GAP_SMALL + 2.0);
        style.spacing.button_padding = egui::vec2(GAP, GAP_SMALL);
        style.spacing.window_margin = Margin::same(12);
        style
            .text_styles
            .insert(TextStyle::Body, FontId::new(14.0, FontFamily::Proportional));
        style
            .text_styles
            .insert(TextStyle::Button, FontId::new(14.0, FontFamily::Proportional));
        style
            .text_styles
            .insert(TextStyle::Small, FontId::new(11.5, FontFamily::Proportional));
        style
            .text_styles
            .insert(TextStyle::Heading, FontId::new(19.0, FontFamily::Proportional));
        style
            .text_styles
            .insert(TextStyle::Monospace, FontId::new(12.5, FontFamily::Monospace));
    });
    for theme in [Theme::Light, Theme::Dark] {
        let palette = Palette::of(theme);
        ctx.style_mut_of(theme, |style| tune_visuals(&mut style.visuals, &palette));
    }
}

fn tune_visuals(visuals: &mut Visuals, palette: &Palette) {
    visuals.selection.stroke = Stroke::new(1.0, palette.text_strong);
    visuals.window_corner_radius = CornerRadius::same(8);
    visuals.menu_corner_radius = CornerRadius::same(6);
    visuals.warn_fg_color = palette.warning;
    visuals.error_fg_color = palette.error;
    if !palette.dark {
        visuals.panel_fill = Color32::from_rgb(250, 250, 251);
        visuals.faint_bg_color = Color32::from_rgb(243, 244, 246);
        visuals.extreme_bg_color = Color32::WHITE;
    }
}

/// A filled, rounded badge (mode, severity), drawn as one label.
pub fn badge_ui(ui: &mut egui::Ui, text: &str, fill: Color32, palette: &Palette) -> egui::Response {
    let text = egui::RichText::new(text).small().strong().color(palette.badge_text);
    egui::Frame::new()
        .fill(fill)
        .corner_radius(CornerRadius::same(BADGE_ROUNDING))
        .inner_margin(Margin::symmetric(6, 1))
        .show(ui, |ui| ui.label(text))
        .inner
}

/// A small filled dot of `colour` (legends, tracker cells); painted, so it
/// needs no symbol font.
pub fn swatch_ui(ui: &mut egui::Ui, colour: Color32) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
    ui.painter().circle_filled(rect.center(), 4.5, colour);
    response
}

/// The badge of a mode; incognito shouts, normal whispers.
pub fn mode_badge_ui(ui: &mut egui::Ui, mode: Mode) -> egui::Response {
    let palette = Palette::for_ui(ui);
    badge_ui(ui, mode_label(mode), palette.mode(mode), &palette)
}
