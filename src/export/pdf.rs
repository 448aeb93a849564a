//! Rendering the report with Typst as a library (typst-as-lib).
//!
//! The template (`assets/report/report.typ`) is fixed and embedded at build
//! time; the report's content reaches it only as JSON bytes in
//! `sys.inputs.data`, which the template parses with `json(...)`. Nothing
//! captured is ever concatenated into Typst source, so it cannot inject code.
//!
//! Fonts: DejaVu Sans and DejaVu Sans Mono are bundled (`assets/fonts/`), so
//! Latin, Greek and Cyrillic never depend on the system. Only when the
//! report holds characters DejaVu lacks (Chinese, Japanese …) are a few
//! known system fallback fonts loaded (Noto CJK, WenQuanYi, Droid Sans
//! Fallback, …); if none covers them, a warning says so.
//!
//! Reproducible output: the template never reads the clock, and with
//! `reproducible` the PDF's creation timestamp is the report date at
//! midnight UTC and its document id is derived from the case and title.

use super::ExportError;
use super::report::{Report, all_text};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use typst::diag::SourceDiagnostic;
use typst::foundations::{Bytes, Datetime, Dict, IntoValue, Smart};
use typst::text::Font;
use typst_as_lib::TypstEngine;
use typst_pdf::{PdfOptions, Timestamp};

static TEMPLATE: &str = include_str!("../../assets/report/report.typ");

static BUNDLED_FONTS: [&[u8]; 4] = [
    include_bytes!("../../assets/fonts/DejaVuSans.ttf"),
    include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf"),
    include_bytes!("../../assets/fonts/DejaVuSans-Oblique.ttf"),
    include_bytes!("../../assets/fonts/DejaVuSansMono.ttf"),
];

/// Where operating systems keep fonts.
const FONT_DIRS: &[&str] = &[
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "/System/Library/Fonts",
    "/Library/Fonts",
    "C:\\Windows\\Fonts",
];

/// File-name fragments (lower case) of fallback fonts for scripts DejaVu
/// lacks, in order of preference.
const FALLBACK_FONT_NAMES: &[&str] = &[
    "notosanscjk-regular",
    "notosanscjksc-regular",
    "wqy-microhei",
    "wqy-zenhei",
    "droidsansfallback",
    "sourcehansans-regular",
    "notosanscjk",
    "msyh",
    "simsun",
    "pingfang",
    "hiragino sans gb",
    "notoserifcjk-regular",
];

/// How deep to look below a font directory.
const FONT_DIR_DEPTH: usize = 5;

/// A rendered report.
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub pages: usize,
    pub warnings: Vec<String>,
}

/// Lays out `report` and writes it as PDF bytes.
pub fn render(report: &Report, reproducible: bool) -> Result<Rendered, ExportError> {
    let mut warnings = Vec::new();
    let fonts = fonts_for(&all_text(report), &mut warnings);
    let engine = TypstEngine::builder()
        .main_file(("report.typ", TEMPLATE))
        .fonts(fonts)
        .build();
    let data = serde_json::to_vec(report)?;
    let mut inputs = Dict::new();
    inputs.insert("data".into(), Bytes::new(data).into_value());
    let compiled = engine.compile_with_input(inputs);
    warnings.extend(
        compiled
            .warnings
            .iter()
            .map(|w| format!("report layout: {}", w.message)),
    );
    let document = compiled
        .output
        .map_err(|e| ExportError::Typst(describe_typst_error(&e)))?;
    let options = pdf_options(report, reproducible);
    let bytes = typst_pdf::pdf(&document, &options).map_err(|e| ExportError::Typst(messages(&e)))?;
    Ok(Rendered {
        bytes,
        pages: document.pages().len(),
        warnings,
    })
}

fn pdf_options(report: &Report, reproducible: bool) -> PdfOptions {
    if !reproducible {
        return PdfOptions {
            timestamp: now_timestamp(),
            ..PdfOptions::default()
        };
    }
    PdfOptions {
        ident: Smart::Custom(format!("telltale-report\n{}\n{}", report.meta.case, report.meta.title)),
        timestamp: date_timestamp(&report.meta.date),
        ..PdfOptions::default()
    }
}

/// Midnight UTC of `YYYY-MM-DD`.
fn date_timestamp(date: &str) -> Option<Timestamp> {
    let date = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    datetime(date.and_hms_opt(0, 0, 0)?)
}

fn now_timestamp() -> Option<Timestamp> {
    datetime(chrono::Utc::now().naive_utc())
}

fn datetime(at: chrono::NaiveDateTime) -> Option<Timestamp> {
    use chrono::{Datelike, Timelike};
    let datetime = Datetime::from_ymd_hms(
        at.year(),
        u8::try_from(at.month()).ok()?,
        u8::try_from(at.day()).ok()?,
        u8::try_from(at.hour()).ok()?,
        u8::try_from(at.minute()).ok()?,
        u8::try_from(at.second()).ok()?,
    )?;
    Some(Timestamp::new_utc(datetime))
}

fn describe_typst_error(error: &typst_as_lib::TypstAsLibError) -> String {
    match error {
        typst_as_lib::TypstAsLibError::TypstSource(diagnostics) => messages(diagnostics),
        other => other.to_string(),
    }
}

fn messages(diagnostics: &[SourceDiagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| d.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The bundled fonts, plus system fallbacks when `text` needs them.
fn fonts_for(text: &str, warnings: &mut Vec<String>) -> Vec<Font> {
    let mut fonts: Vec<Font> = BUNDLED_FONTS
        .iter()
        .flat_map(|data| Font::iter(Bytes::new(*data)))
        .collect();
    let mut missing = uncovered(text, &fonts);
    if missing.is_empty() {
        return fonts;
    }
    for path in fallback_font_files() {
        let Ok(data) = std::fs::read(&path) else { continue };
        let added: Vec<Font> = Font::iter(Bytes::new(data)).collect();
        let before = missing.len();
        missing.retain(|c| !added.iter().any(|f| f.info().coverage.contains(u32::from(*c))));
        if missing.len() < before {
            fonts.extend(added);
        }
        if missing.is_empty() {
            return fonts;
        }
    }
    let sample: String = missing.iter().take(8).collect();
    warnings.push(format!(
        "no font for {} characters (e.g. “{sample}”); install a CJK font such as fonts-noto-cjk",
        missing.len()
    ));
    fonts
}

/// Characters of `text` that none of `fonts` can draw (controls aside).
fn uncovered(text: &str, fonts: &[Font]) -> BTreeSet<char> {
    let distinct: BTreeSet<char> = text.chars().filter(|c| !c.is_control() && !c.is_ascii()).collect();
    distinct
        .into_iter()
        .filter(|c| !fonts.iter().any(|f| f.info().coverage.contains(u32::from(*c))))
        .collect()
}

/// System font files that look like fallback fonts, best first.
fn fallback_font_files() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = FONT_DIRS.iter().map(PathBuf::from).collect();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".local/share/fonts"));
        dirs.push(Path::new(&home).join(".fonts"));
    }
    let mut files = Vec::new();
    for dir in dirs {
        collect_font_files(&dir, FONT_DIR_DEPTH, &mut files);
    }
    let rank = |path: &PathBuf| {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        FALLBACK_FONT_NAMES.iter().position(|wanted| name.contains(wanted))
    };
    let mut ranked: Vec<(usize, PathBuf)> = files.into_iter().filter_map(|p| Some((rank(&p)?, p))).collect();
    ranked.sort();
    ranked.into_iter().map(|(_, p)| p).collect()
}

fn collect_font_files(dir: &Path, depth: usize, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if depth > 0 {
                collect_font_files(&path, depth - 1, files);
            }
        } else if path
            .extension()
            .is_some_and(|e| ["ttf", "otf", "ttc", "otc"].contains(&e.to_string_lossy().to_lowercase().as_str()))
        {
            files.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_fonts_cover_latin_greek_and_cyrillic() {
        let fonts: Vec<Font> = BUNDLED_FONTS
            .iter()
            .flat_map(|data| Font::iter(Bytes::new(*data)))
            .collect();
        assert_eq!(fonts.len(), 4);
        assert!(uncovered("Zoë café Ελληνικά Привет › — “”", &fonts).is_empty());
        assert_eq!(uncovered("隐身", &fonts).len(), 2);
    }

    #[test]
    fn reproducible_timestamp_is_midnight_of_the_date() {
        let stamp = date_timestamp("2020-04-30");
        assert!(stamp.is_some());
        assert!(date_timestamp("30/04/2020").is_none());
    }
}
