//! The colours a case is shown in, shared by the window's theme and the PDF
//! report, so incognito is the same violet on screen and on paper.
//!
//! Plain RGB values with no GUI types: the core (`--no-default-features`)
//! uses them for the report, the window turns them into its own colour
//! type. Change a colour here and both follow. The one idea the palette
//! carries: **incognito is violet** everywhere; normal is a calm teal,
//! unknown a neutral grey; severities run blue → amber → red.

use crate::model::{Mode, Severity};

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb`, as Typst's `rgb()` and CSS read it.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// The colours of one theme (light for paper and the light window, dark for the dark window).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Palette {
    pub normal: Rgb,
    pub incognito: Rgb,
    pub unknown: Rgb,
    pub severity_info: Rgb,
    pub severity_notable: Rgb,
    pub severity_finding: Rgb,
    /// Background of a canary hit.
    pub canary: Rgb,
}

impl Palette {
    /// The colour of `mode`.
    pub fn mode(&self, mode: Mode) -> Rgb {
        match mode {
            Mode::Normal => self.normal,
            Mode::Incognito => self.incognito,
            Mode::Unknown => self.unknown,
        }
    }

    /// The colour of `severity`.
    pub fn severity(&self, severity: Severity) -> Rgb {
        match severity {
            Severity::Info => self.severity_info,
            Severity::Notable => self.severity_notable,
            Severity::Finding => self.severity_finding,
        }
    }
}

/// The light theme; the report is printed in it.
pub const LIGHT: Palette = Palette {
    normal: Rgb(20, 122, 120),
    incognito: Rgb(118, 62, 196),
    unknown: Rgb(110, 110, 118),
    severity_info: Rgb(70, 110, 170),
    severity_notable: Rgb(190, 120, 0),
    severity_finding: Rgb(196, 40, 40),
    canary: Rgb(255, 226, 120),
};

/// The dark theme.
pub const DARK: Palette = Palette {
    normal: Rgb(72, 196, 186),
    incognito: Rgb(176, 132, 255),
    unknown: Rgb(150, 150, 158),
    severity_info: Rgb(120, 160, 230),
    severity_notable: Rgb(240, 176, 60),
    severity_finding: Rgb(255, 96, 96),
    canary: Rgb(120, 96, 0),
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incognito_is_violet_in_both_themes() {
        for palette in [LIGHT, DARK] {
            let Rgb(r, g, b) = palette.mode(Mode::Incognito);
            assert!(b > r && r > g, "violet: blue strongest, then red: {r} {g} {b}");
        }
        assert_eq!(LIGHT.incognito.hex(), "#763ec4");
    }
}
