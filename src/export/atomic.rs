//! Writing an export file all at once or not at all.
//!
//! On Linux the content goes to an unnamed file in the destination's folder
//! (`O_TMPFILE`): it has no name while it is written, so a crash or
//! `kill -9` at any moment leaves nothing behind. Once complete and flushed
//! to disk it is linked under a temporary name and renamed over `out` (the
//! rename is atomic on one file system), so `out` is either the old file or
//! the whole new one. Where unnamed files are not supported (other systems,
//! some file systems) a named temporary file is used instead; an error
//! removes it, and `out` is untouched either way.

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
    if let Some(unnamed) = unnamed_file(out) {
        let result = fill(unnamed, write).and_then(|file| {
            let size_bytes = file.metadata()?.len();
            give_name(&file, &temp)?;
            Ok(size_bytes)
        });
        return finish(result, &temp, out);
    }
    let result = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .map_err(ExportError::from)
        .and_then(|file| fill(file, write))
        .and_then(|file| Ok(file.metadata()?.len()));
    finish(result, &temp, out)
}

/// Writes everything through a buffer and flushes it to disk.
fn fill(file: File, write: impl FnOnce(&mut BufWriter<File>) -> Result<(), ExportError>) -> Result<File, ExportError> {
    let mut writer = BufWriter::new(file);
    write(&mut writer)?;
    writer.flush()?;
    let file = writer.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    Ok(file)
}

/// Renames the finished temporary file over `out`, or removes it on error.
fn finish(result: Result<u64, ExportError>, temp: &Path, out: &Path) -> Result<u64, ExportError> {
    let renamed = result.and_then(|size_bytes| {
        std::fs::rename(temp, out)?;
        Ok(size_bytes)
    });
    if renamed.is_err() {
        // The temporary file may not exist (it was never named); nothing to report then.
        let _ = std::fs::remove_file(temp);
    }
    renamed
}

/// An unnamed, writable file in `out`'s folder, when the system has them.
#[cfg(target_os = "linux")]
fn unnamed_file(out: &Path) -> Option<File> {
    use rustix::fs::{CWD, Mode, OFlags, openat};
    let folder = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mode = Mode::RUSR | Mode::WUSR | Mode::RGRP | Mode::ROTH;
    openat(CWD, folder, OFlags::WRONLY | OFlags::TMPFILE | OFlags::CLOEXEC, mode)
        .ok()
        .map(File::from)
}

#[cfg(not(target_os = "linux"))]
fn unnamed_file(_out: &Path) -> Option<File> {
    None
}

/// Links the complete unnamed `file` into its folder as `temp`.
#[cfg(target_os = "linux")]
fn give_name(file: &File, temp: &Path) -> Result<(), ExportError> {
    use rustix::fs::{AtFlags, CWD, linkat};
    use std::os::fd::AsRawFd;
    let handle = format!("/proc/self/fd/{}", file.as_raw_fd());
    linkat(CWD, handle.as_str(), CWD, temp, AtFlags::SYMLINK_FOLLOW).map_err(std::io::Error::from)?;
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn give_name(_file: &File, _temp: &Path) -> Result<(), ExportError> {
    Err(std::io::Error::other("unnamed files are not supported here").into())
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
        std::fs::write(&out, "old").expect("write old");
        let size = write_atomically(&out, |file| Ok(file.write_all(b"a,b\n")?)).expect("write");
        assert_eq!(size, 4);
        assert_eq!(std::fs::read_to_string(&out).expect("read"), "a,b\n");
        let names: Vec<_> = std::fs::read_dir(dir.path()).expect("list").collect();
        assert_eq!(names.len(), 1, "only the export is left");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_file_being_written_has_no_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("report.csv");
        write_atomically(&out, |file| {
            file.write_all(b"partial")?;
            file.flush()?;
            let visible: Vec<_> = std::fs::read_dir(dir.path()).expect("list").collect();
            assert!(visible.is_empty(), "a half-written file is visible: {visible:?}");
            Ok(())
        })
        .expect("write");
        assert!(out.exists());
    }
}
