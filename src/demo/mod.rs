//! The built-in demo case: two synthetic captures of a made-up Android
//! browser, `com.example.browser`, modelled on the published description of
//! the 2020 case (a preinstalled browser reporting visited URLs, searches,
//! folder and settings opens to Sensors-Analytics-style endpoints, in
//! incognito mode too).
//!
//! Everything here is made up and labelled so: hosts are under `.example`
//! style names, server addresses are chosen from networks that the bundled
//! geo database places in Singapore, Russia and the United States, as in the
//! story. The generator is deterministic (a fixed-seed PRNG, fixed start
//! times), so `cargo run --example gen_demo` rewrites `assets/demo/` byte
//! for byte, and a test checks the committed files are current.

mod har_writer;
mod story;

pub use story::{DEMO_APP, DEMO_DEVICE, DemoCapture, demo_captures};

/// The committed demo captures, as embedded in the binary.
pub const NORMAL_HAR: &[u8] = include_bytes!("../../assets/demo/normal.har");
/// The committed incognito capture.
pub const INCOGNITO_HAR: &[u8] = include_bytes!("../../assets/demo/incognito.har");

/// Canary phrases planted in the demo sessions (typed into the browser).
pub const DEMO_CANARIES: &[&str] = &["purple giraffe 7391", "隐私测试 canary"];
