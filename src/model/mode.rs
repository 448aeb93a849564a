//! The recording condition of a session and the weight of an annotation.

use serde::{Deserialize, Serialize};

/// The condition a session was recorded under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Normal,
    Incognito,
    #[default]
    Unknown,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Normal, Mode::Incognito, Mode::Unknown];

    /// The stable lower-case name used in the case file, CLI and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Normal => "normal",
            Mode::Incognito => "incognito",
            Mode::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "normal" => Ok(Mode::Normal),
            "incognito" | "private" => Ok(Mode::Incognito),
            "unknown" | "" => Ok(Mode::Unknown),
            other => Err(format!("unknown mode `{other}`: use normal, incognito or unknown")),
        }
    }
}

/// How much an annotation matters to the investigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    #[default]
    Info,
    Notable,
    Finding,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Info, Severity::Notable, Severity::Finding];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Notable => "notable",
            Severity::Finding => "finding",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "notable" => Ok(Severity::Notable),
            "finding" => Ok(Severity::Finding),
            other => Err(format!("unknown severity `{other}`: use info, notable or finding")),
        }
    }
}
