//! The window's model, below both the app shell (`app/`) and the panels
//! (`ui/`): the [`Command`](command::Command)s panels send, the state they
//! read, and the models behind the table, timeline, compare and "what
//! left" views, the import dialog, the welcome, the file picker and the
//! field tree. Nothing here draws or blocks; the shell applies commands
//! and worker replies to the state between frames.

pub mod command;
pub mod compare;
pub mod fields;
pub mod file_picker;
pub mod import;
pub mod state;
pub mod table;
pub mod timeline;
pub mod welcome;
pub mod what_left;
