//! Printing helpers: aligned text tables and JSON to stdout.

use std::io::Write;

/// Prints rows as an aligned table with a header line. Cells are cut at
/// `max_width` characters so one long URL does not wreck the layout.
pub fn print_table(headers: &[&str], rows: &[Vec<String>], max_width: usize) -> std::io::Result<()> {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|c| clip(c, max_width)).collect())
        .collect();
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = std::io::stdout().lock();
    let line = |cells: Vec<String>| -> String {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    writeln!(out, "{}", line(headers.iter().map(|h| (*h).to_string()).collect()))?;
    for row in rows {
        writeln!(out, "{}", line(row))?;
    }
    Ok(())
}

/// Shortens `text` to `max` characters with an ellipsis; control characters
/// from captured content become spaces so they cannot mess up the terminal.
pub fn clip(text: &str, max: usize) -> String {
    let clean: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if clean.chars().count() <= max {
        return clean;
    }
    let mut cut: String = clean.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// Prints a serializable value as pretty JSON.
pub fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// `2020-04-30 12:34:56` (UTC) for tables.
pub fn short_time(time_micros: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_micros(time_micros)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// Writes a JSON array one element at a time, so a listing of any size
/// prints in constant memory (`[` first, `]` on [`JsonArrayWriter::finish`]).
pub struct JsonArrayWriter<W: Write> {
    out: W,
    count: u64,
}

impl<W: Write> JsonArrayWriter<W> {
    pub fn new(out: W) -> Self {
        JsonArrayWriter { out, count: 0 }
    }

    /// Writes one element, pretty-printed like [`print_json`]'s output.
    pub fn push(&mut self, value: &impl serde::Serialize) -> anyhow::Result<()> {
        self.out.write_all(if self.count == 0 { b"[\n" } else { b",\n" })?;
        let text = serde_json::to_string_pretty(value)?;
        for (index, line) in text.lines().enumerate() {
            if index > 0 {
                self.out.write_all(b"\n")?;
            }
            self.out.write_all(b"  ")?;
            self.out.write_all(line.as_bytes())?;
        }
        self.count += 1;
        Ok(())
    }

    /// Closes the array (`[]` when nothing was written) and flushes.
    pub fn finish(mut self) -> anyhow::Result<()> {
        self.out.write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
        self.out.flush()?;
        Ok(())
    }
}
