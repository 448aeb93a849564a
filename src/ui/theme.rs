//! Telltale's design tokens: every colour, size and spacing the panels use
//! comes from here, so the window looks like one thing and the light and
//! dark themes stay in step. Panels never write colour literals.
//!
//! The colours themselves are in [`crate::palette`] (no egui there), shared
//! with the PDF report: **incognito is one violet everywhere**, normal a
//! calm teal, unknown grey; trackers get hues far from both, darkened or
//! lightened until they read on every background of their theme. This file
//! turns them into egui colours and adds the translucent variants.

use crate::model::{Mode, Severity};
use crate::palette::{Colours, Rgb};
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
pub const LEFT_PANEL_WIDTH: f32 = 250.0;
/// Default width of the inspector.
pub const RIGHT_PANEL_WIDTH: f32 = 400.0;
/// Windows narrower than this get narrower side panels by default.
pub const SMALL_SCREEN_WIDTH: f32 = 1400.0;
/// Default height of the timeline.
pub const TIMELINE_HEIGHT: f32 = 280.0;
/// Radius of an event mark on the timeline, in points.
pub const MARK_RADIUS: f32 = 4.5;
/// Rounding of badges and chips.
pub const BADGE_ROUNDING: u8 = 6;
/// Bytes of a body shown in the inspector before "… (N more bytes)".
pub const BODY_PREVIEW_BYTES: usize = 64 * 1024;

/// The colours of one theme, as egui colours.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Palette {
    pub dark: bool,
    pub colours: Colours,
    pub text: Color32,
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
    /// What differs between two sessions or modes (text and outlines).
    pub difference: Color32,
    /// Background of a row or cell that differs.
    pub difference_fill: Color32,
    pub chip_fill: Color32,
    pub code_background: Color32,
}

/// An egui colour of a palette colour.
pub fn color(rgb: Rgb) -> Color32 {
    Color32::from_rgb(rgb.0, rgb.1, rgb.2)
}

fn translucent(rgb: Rgb, alpha: u8) -> Color32 {
    Color32::from_rgba_unmultiplied(rgb.0, rgb.1, rgb.2, alpha)
}

impl Palette {
    /// The palette of `theme`.
    pub fn of(theme: Theme) -> Palette {
        let c = Colours::of(theme == Theme::Dark);
        let (band, range) = if c.dark { (48, 48) } else { (26, 30) };
        Palette {
            dark: c.dark,
            colours: c,
            text: color(c.text),
            text_muted: color(c.text_muted),
            text_strong: color(c.text_strong),
            incognito: color(c.incognito),
            incognito_band: translucent(c.incognito, band),
            normal: color(c.normal),
            normal_band: translucent(c.normal, band / 2),
            unknown: color(c.unknown),
            unknown_band: translucent(c.unknown, band / 2),
            badge_text: color(c.badge_text),
            severity_info: color(c.severity_info),
            severity_notable: color(c.severity_notable),
            severity_finding: color(c.severity_finding),
            canary: color(c.canary),
            warning: color(c.warning),
            error: color(c.error),
            placeholder: color(c.placeholder),
            range_fill: translucent(c.severity_info, range),
            range_border: color(c.severity_info),
            selection: color(c.text_strong),
            difference: color(c.difference),
            difference_fill: translucent(c.difference, if c.dark { 40 } else { 28 }),
            chip_fill: color(c.chip),
            code_background: color(c.code),
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

    /// The strong colour of a mode (badges, text).
    pub fn mode(&self, mode: Mode) -> Color32 {
        color(self.colours.mode(mode))
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
        color(self.colours.severity(severity))
    }

    /// The colour of a tracker's marks, bars, legend entry and name.
    pub fn tracker(&self, tracker: &str) -> Color32 {
        color(self.colours.tracker(tracker))
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
    let c = &palette.colours;
    visuals.selection.stroke = Stroke::new(1.0, palette.text_strong);
    visuals.selection.bg_fill = color(c.selection);
    visuals.window_corner_radius = CornerRadius::same(8);
    visuals.menu_corner_radius = CornerRadius::same(6);
    visuals.warn_fg_color = palette.warning;
    visuals.error_fg_color = palette.error;
    visuals.panel_fill = color(c.panel);
    visuals.window_fill = color(c.window);
    visuals.faint_bg_color = color(c.stripe);
    visuals.extreme_bg_color = color(c.field);
    visuals.code_bg_color = color(c.code);
    visuals.hyperlink_color = palette.severity_info;
    // Ordinary text in the theme's text colour (egui's dark default is a
    // dim grey that fails contrast on the stripes).
    visuals.widgets.noninteractive.fg_stroke = Stroke::new(1.0, palette.text);
    visuals.widgets.noninteractive.bg_fill = color(c.panel);
}

/// A filled, rounded badge (mode, severity), drawn as one label.
pub fn badge_ui(ui: &mut egui::Ui, text: &str, fill: Color32, palette: &Palette) -> egui::Response {
    let text = egui::RichText::new(text).small().strong().color(palette.badge_text);
    egui::Frame::new()
        .fill(fill)
        .corner_radius(CornerRadius::same(BADGE_ROUNDING))
        .inner_margin(Margin::symmetric(6, 1))
        .show(ui, |ui| {
            ui.add(egui::Label::new(text).wrap_mode(egui::TextWrapMode::Extend))
        })
        .inner
}

/// A small filled dot of `colour` (legends, tracker cells); painted, so it
/// needs no symbol font.
pub fn swatch_ui(ui: &mut egui::Ui, colour: Color32) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
    ui.painter().circle_filled(rect.center(), 4.5, colour);
    response
}

/// A small hollow diamond (the timeline's mark of a request without events).
pub fn diamond_swatch_ui(ui: &mut egui::Ui, colour: Color32) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
    let (c, r) = (rect.center(), 5.0);
    let points = vec![
        c + egui::vec2(0.0, -r),
        c + egui::vec2(r, 0.0),
        c + egui::vec2(0.0, r),
        c + egui::vec2(-r, 0.0),
    ];
    ui.painter()
        .add(egui::Shape::closed_line(points, Stroke::new(1.5, colour)));
    response
}

/// The badge of a mode; incognito shouts, normal whispers.
pub fn mode_badge_ui(ui: &mut egui::Ui, mode: Mode) -> egui::Response {
    let palette = Palette::for_ui(ui);
    badge_ui(ui, mode_label(mode), palette.mode(mode), &palette)
}
