//! Telltale's colours as plain sRGB values, without egui, so that the
//! window (`ui::theme`) and the PDF report (`export`) draw the same thing:
//! one colour per mode, per severity and per tracker, in a light and a dark
//! theme.
//!
//! What it promises:
//! - **Incognito is one violet everywhere** (badges, lanes, table cells,
//!   report); normal is teal, unknown grey. No tracker hue is near them.
//! - **Every colour used for text is readable**: at least 4.5 : 1 (WCAG AA
//!   for normal text) against every background of its theme — panel, table
//!   stripe, text field, window, selected row — and badge text against its
//!   badge. Tracker colours are made so by [`readable`], which darkens (light
//!   theme) or lightens (dark theme) a base hue until it passes; the tests
//!   check every known tracker and a spread of unknown names.
//! - A tracker's colour depends only on its name (unknown trackers are
//!   hashed onto the same ring of hues), so it is the same in every view,
//!   run and report.

use crate::model::{Mode, Severity};

/// One sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#RRGGBB`, for the report's markup and CSS-like consumers.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// WCAG 2 relative luminance (0 = black, 1 = white).
    pub fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }

    /// `self` moved `amount` (0–1) of the way to `other`.
    pub fn mix(self, other: Rgb, amount: f64) -> Rgb {
        let lerp = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * amount).round() as u8;
        Rgb(lerp(self.0, other.0), lerp(self.1, other.1), lerp(self.2, other.2))
    }
}

/// WCAG 2 contrast ratio of two colours (1 to 21).
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    let (light, dark) = if la > lb { (la, lb) } else { (lb, la) };
    (light + 0.05) / (dark + 0.05)
}

/// Contrast text needs against its background (WCAG AA, normal text).
pub const MIN_TEXT_CONTRAST: f64 = 4.5;

/// The colours of one theme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Colours {
    pub dark: bool,
    /// Panels (the window's main background).
    pub panel: Rgb,
    /// Every other row of a table.
    pub stripe: Rgb,
    /// Text fields, code blocks' surroundings.
    pub field: Rgb,
    /// Floating windows (dialogs).
    pub window: Rgb,
    /// Background of a selected row or item.
    pub selection: Rgb,
    pub text: Rgb,
    pub text_strong: Rgb,
    pub text_muted: Rgb,
    pub incognito: Rgb,
    pub normal: Rgb,
    pub unknown: Rgb,
    /// Text on a filled badge (mode, severity, tracker).
    pub badge_text: Rgb,
    pub severity_info: Rgb,
    pub severity_notable: Rgb,
    pub severity_finding: Rgb,
    /// Background of a canary hit (text on it is `text_strong`).
    pub canary: Rgb,
    pub warning: Rgb,
    pub error: Rgb,
    /// Filter chips and data-type chips (text on them is `text`).
    pub chip: Rgb,
    pub code: Rgb,
    pub placeholder: Rgb,
    /// Marks what differs between two sessions or modes.
    pub difference: Rgb,
}

/// The light theme.
pub const LIGHT: Colours = Colours {
    dark: false,
    panel: Rgb(250, 250, 251),
    stripe: Rgb(240, 241, 244),
    field: Rgb(255, 255, 255),
    window: Rgb(250, 250, 251),
    selection: Rgb(214, 226, 246),
    text: Rgb(40, 44, 52),
    text_strong: Rgb(16, 20, 28),
    text_muted: Rgb(88, 94, 104),
    incognito: Rgb(112, 56, 190),
    normal: Rgb(14, 110, 108),
    unknown: Rgb(98, 98, 106),
    badge_text: Rgb(255, 255, 255),
    severity_info: Rgb(52, 92, 158),
    severity_notable: Rgb(136, 76, 0),
    severity_finding: Rgb(184, 32, 32),
    canary: Rgb(255, 226, 120),
    warning: Rgb(136, 76, 0),
    error: Rgb(184, 30, 30),
    chip: Rgb(224, 230, 242),
    code: Rgb(243, 244, 246),
    placeholder: Rgb(224, 226, 230),
    difference: Rgb(176, 58, 0),
};

/// The dark theme.
pub const DARK: Colours = Colours {
    dark: true,
    panel: Rgb(30, 31, 34),
    stripe: Rgb(38, 39, 43),
    field: Rgb(20, 21, 24),
    window: Rgb(34, 35, 39),
    selection: Rgb(44, 56, 82),
    text: Rgb(212, 214, 220),
    text_strong: Rgb(240, 242, 246),
    text_muted: Rgb(158, 164, 174),
    incognito: Rgb(184, 146, 255),
    normal: Rgb(86, 206, 196),
    unknown: Rgb(166, 166, 174),
    badge_text: Rgb(16, 16, 20),
    severity_info: Rgb(132, 172, 240),
    severity_notable: Rgb(240, 180, 70),
    severity_finding: Rgb(255, 120, 120),
    canary: Rgb(112, 88, 0),
    warning: Rgb(240, 180, 70),
    error: Rgb(255, 120, 120),
    chip: Rgb(50, 58, 78),
    code: Rgb(24, 25, 28),
    placeholder: Rgb(52, 54, 60),
    difference: Rgb(255, 150, 90),
};

impl Colours {
    /// The theme's colours.
    pub fn of(dark: bool) -> Colours {
        if dark { DARK } else { LIGHT }
    }

    /// Every background text can sit on in this theme.
    pub fn backgrounds(&self) -> [Rgb; 5] {
        [self.panel, self.stripe, self.field, self.window, self.selection]
    }

    /// The strong colour of a mode.
    pub fn mode(&self, mode: Mode) -> Rgb {
        match mode {
            Mode::Incognito => self.incognito,
            Mode::Normal => self.normal,
            Mode::Unknown => self.unknown,
        }
    }

    pub fn severity(&self, severity: Severity) -> Rgb {
        match severity {
            Severity::Info => self.severity_info,
            Severity::Notable => self.severity_notable,
            Severity::Finding => self.severity_finding,
        }
    }

    /// A tracker's colour (marks, legend, text), readable on every background.
    pub fn tracker(&self, tracker: &str) -> Rgb {
        readable(tracker_base(tracker), self)
    }
}

/// Base hues (Okabe–Ito and a few more), none violet or teal, so no tracker
/// can be mistaken for a mode.
const HUES: [Rgb; 12] = [
    Rgb(213, 94, 0),    // vermilion
    Rgb(0, 114, 178),   // blue
    Rgb(86, 180, 233),  // sky
    Rgb(204, 121, 167), // reddish purple
    Rgb(0, 158, 115),   // bluish green
    Rgb(230, 159, 0),   // orange
    Rgb(160, 120, 60),  // brown
    Rgb(240, 200, 40),  // yellow
    Rgb(120, 160, 30),  // olive
    Rgb(200, 50, 90),   // raspberry
    Rgb(100, 130, 170), // slate
    Rgb(140, 140, 140), // grey: `generic`
];

/// Trackers with a fixed hue (the first decoders, so they keep the hues the
/// screenshots and earlier reports show).
const FIXED: [(&str, usize); 9] = [
    ("sensorsdata", 0),
    ("ga", 1),
    ("ga4", 2),
    ("mixpanel", 3),
    ("segment", 4),
    ("amplitude", 5),
    ("adjust", 6),
    ("firebase", 7),
    ("generic", 11),
];

/// The base hue of a tracker: fixed for the first decoders, hashed (FNV-1a)
/// onto the ring for the rest.
fn tracker_base(tracker: &str) -> Rgb {
    if let Some((_, index)) = FIXED.iter().find(|(name, _)| *name == tracker) {
        return HUES[*index];
    }
    let mut hash: u32 = 0x811c_9dc5;
    for byte in tracker.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    // The grey stays `generic`'s.
    HUES[(hash % (HUES.len() as u32 - 1)) as usize]
}

/// `base` darkened (light theme) or lightened (dark theme) in small steps
/// until it reads at [`MIN_TEXT_CONTRAST`] on every background of `theme`.
pub fn readable(base: Rgb, theme: &Colours) -> Rgb {
    let towards = if theme.dark { Rgb(255, 255, 255) } else { Rgb(0, 0, 0) };
    let worst = |c: Rgb| {
        theme
            .backgrounds()
            .iter()
            .map(|b| contrast(c, *b))
            .fold(f64::INFINITY, f64::min)
    };
    (0..=20)
        .map(|step| base.mix(towards, f64::from(step) * 0.05))
        .find(|c| worst(*c) >= MIN_TEXT_CONTRAST)
        .unwrap_or(towards)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worst_contrast(colour: Rgb, theme: &Colours) -> f64 {
        theme
            .backgrounds()
            .iter()
            .map(|b| contrast(colour, *b))
            .fold(f64::INFINITY, f64::min)
    }

    #[test]
    fn contrast_matches_the_wcag_examples() {
        assert!((contrast(Rgb(0, 0, 0), Rgb(255, 255, 255)) - 21.0).abs() < 1e-9);
        assert!((contrast(Rgb(119, 119, 119), Rgb(255, 255, 255)) - 4.48).abs() < 0.01);
        assert_eq!(Rgb(112, 56, 190).hex(), "#7038be");
    }

    #[test]
    fn every_text_colour_reads_on_every_background_of_both_themes() {
        for theme in [LIGHT, DARK] {
            let text = [
                ("text", theme.text),
                ("strong", theme.text_strong),
                ("muted", theme.text_muted),
                ("incognito", theme.incognito),
                ("normal", theme.normal),
                ("unknown", theme.unknown),
                ("warning", theme.warning),
                ("error", theme.error),
                ("difference", theme.difference),
            ];
            for (name, colour) in text {
                let worst = worst_contrast(colour, &theme);
                assert!(worst >= MIN_TEXT_CONTRAST, "{name} (dark: {}): {worst:.2}", theme.dark);
            }
            for fill in [
                theme.incognito,
                theme.normal,
                theme.unknown,
                theme.severity_info,
                theme.severity_notable,
                theme.severity_finding,
            ] {
                let ratio = contrast(theme.badge_text, fill);
                assert!(
                    ratio >= MIN_TEXT_CONTRAST,
                    "badge {fill:?} (dark: {}): {ratio:.2}",
                    theme.dark
                );
            }
            for (name, background, text) in [
                ("chip", theme.chip, theme.text),
                ("canary", theme.canary, theme.text_strong),
                ("code", theme.code, theme.text),
            ] {
                let ratio = contrast(text, background);
                assert!(ratio >= MIN_TEXT_CONTRAST, "{name} (dark: {}): {ratio:.2}", theme.dark);
            }
        }
    }

    #[test]
    fn every_tracker_colour_reads_in_both_themes_and_on_chips() {
        let mut names: Vec<String> = FIXED.iter().map(|(n, _)| (*n).to_string()).collect();
        names.extend(
            [
                "facebook",
                "branch",
                "bugsnag",
                "appsflyer",
                "umeng",
                "mistat",
                "tencent-beacon",
                "x",
            ]
            .map(String::from),
        );
        names.extend((0..200).map(|i| format!("tracker-{i}")));
        for theme in [LIGHT, DARK] {
            for name in &names {
                let colour = theme.tracker(name);
                let worst = worst_contrast(colour, &theme);
                assert!(worst >= MIN_TEXT_CONTRAST, "{name} (dark: {}): {worst:.2}", theme.dark);
                // Tracker names are also drawn on chips (data-type and filter chips).
                assert!(contrast(colour, theme.chip) >= 3.0, "{name} on a chip");
            }
        }
    }

    #[test]
    fn a_tracker_keeps_its_colour_and_differs_from_the_modes() {
        assert_eq!(LIGHT.tracker("facebook"), LIGHT.tracker("facebook"));
        assert_ne!(LIGHT.tracker("sensorsdata"), LIGHT.tracker("ga"));
        let distance = |a: Rgb, b: Rgb| {
            let d = |x: u8, y: u8| (f64::from(x) - f64::from(y)).powi(2);
            (d(a.0, b.0) + d(a.1, b.1) + d(a.2, b.2)).sqrt()
        };
        for hue in HUES {
            for theme in [LIGHT, DARK] {
                let colour = readable(hue, &theme);
                assert!(distance(colour, theme.incognito) > 60.0, "{hue:?} looks incognito");
            }
        }
    }
}
