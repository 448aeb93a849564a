//! The window's panels, one file each; their models live below, in
//! `crate::window` (`window/table.rs` / `ui/table_ui.rs`). Functions ending in `_ui` draw: they read
//! the app state and push [`Command`](crate::window::command::Command)s;
//! they never query the case, read files or block. Colours and sizes come
//! from [`theme`] only.

pub mod compare_ui;
pub mod export_ui;
pub mod facets_ui;
pub mod file_picker_ui;
pub mod findings_ui;
pub mod host_label_ui;
pub mod http_ui;
pub mod import_ui;
pub mod inspector_ui;
pub mod layers_ui;
pub mod requests_ui;
pub mod sessions_ui;
pub mod status_ui;
pub mod table_ui;
pub mod theme;
pub mod timeline_ui;
pub mod top_bar_ui;
pub mod welcome_ui;
pub mod what_left_ui;
