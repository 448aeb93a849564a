//! Writing an export file all at once or not at all: the content goes to a
//! temporary file in the destination's directory (so the final rename stays
//! on one file system and is atomic), is flushed to disk, then renamed over
//! `out`. On any error the temporary file is removed and `out` is untouched.

use super::ExportError;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Distinguishes temporary files of exports running at the same time.
static SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// Runs `write` into a temporary file and renames it to `out`; returns the size written.
pub fn write_atomically(
    out: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<(), ExportError>,
) -> Result<u64, ExportError> {
    let temp = temp_path(out);
    let result = write_then_rename(&temp, out, write);
    if result.is_err() {
        // The temporary file may not exist (creating it failed); nothing to report then.
        let _ = std::fs::remove_file(&temp);
    }
    result
}

fn write_then_rename(
    temp: &Path,
    out: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<(), ExportError>,
) -> Result<u64, ExportError> {
    let file = OpenOptions::new().write(true).create_new(true).open(temp)?;
    let mut writer = BufWriter::new(file);
    write(&mut writer)?;
    writer.flush()?;
    let file = writer.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    let size_bytes = file.metadata()?.len();
    drop(file);
    std::fs::rename(temp, out)?;
    Ok(size_bytes)
}

/// `.NAME.PID-N.tmp` next to `out`.
fn temp_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "export".into(), |n| n.to_string_lossy().into_owned());
    let sequence = SEQUENCE.fetch_add(1, Ordering::Relaxed);
    let temp_name = format!(".{name}.{}-{sequence}.tmp", std::process::id());
    match out.parent() {
        Some(parent) => parent.join(temp_name),
        None => PathBuf::from(temp_name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_write_leaves_no_file_and_keeps_the_old_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("report.csv");
        std::fs::write(&out, "old").expect("write old");
        let result = write_atomically(&out, |file| {
            file.write_all(b"half a fi")?;
            Err(ExportError::InvalidDate("boom".into()))
        });
        assert!(result.is_err());
        assert_eq!(std::fs::read_to_string(&out).expect("read"), "old");
        let names: Vec<_> = std::fs::read_dir(dir.path()).expect("list").collect();
        assert_eq!(names.len(), 1, "temporary file was left behind");
    }

    #[test]
    fn successful_write_replaces_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("report.csv");
        let size = write_atomically(&out, |file| Ok(file.write_all(b"a,b\n")?)).expect("write");
        assert_eq!(size, 4);
        assert_eq!(std::fs::read_to_string(&out).expect("read"), "a,b\n");
    }
}
