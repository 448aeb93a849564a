//! Printing helpers: aligned text tables and JSON to stdout, all of them
//! streaming: listings write each row as it comes from the case, so a
//! million events print in constant memory, and a closed pipe
//! (`telltale events CASE | head`) ends the listing quietly.

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
    // As an io::Error, a closed pipe stays recognisable (see `main`).
    serde_json::to_writer_pretty(&mut out, value).map_err(std::io::Error::from)?;
    writeln!(out)?;
    Ok(())
}

/// Writes a JSON array one element at a time, pretty-printed like
/// [`print_json`] would print the whole array.
pub struct JsonArrayWriter<W: Write> {
    out: W,
    count: usize,
    element: Vec<u8>,
}

impl<W: Write> JsonArrayWriter<W> {
    pub fn new(out: W) -> Self {
        JsonArrayWriter {
            out,
            count: 0,
            element: Vec::new(),
        }
    }

    pub fn push(&mut self, value: &impl serde::Serialize) -> std::io::Result<()> {
        self.element.clear();
        serde_json::to_writer_pretty(&mut self.element, value).map_err(std::io::Error::from)?;
        self.out.write_all(if self.count == 0 { b"[\n  " } else { b",\n  " })?;
        // Indent the element one level: its line breaks found with memchr
        // (a byte-at-a-time split was a tenth of `events --json`).
        let mut line_start = 0;
        for newline in memchr::memchr_iter(b'\n', &self.element) {
            self.out.write_all(&self.element[line_start..=newline])?;
            self.out.write_all(b"  ")?;
            line_start = newline + 1;
        }
        self.out.write_all(&self.element[line_start..])?;
        self.count += 1;
        Ok(())
    }

    pub fn finish(mut self) -> std::io::Result<()> {
        self.out.write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
        self.out.flush()
    }
}

/// Prints an aligned table while rows stream in: column widths come from
/// the first [`TABLE_WIDTH_ROWS`] rows, later rows use them.
pub struct TableWriter<W: Write> {
    out: W,
    headers: Vec<String>,
    max_width: usize,
    pending: Vec<Vec<String>>,
    widths: Option<Vec<usize>>,
}

/// Rows that set the column widths of a streamed table.
const TABLE_WIDTH_ROWS: usize = 1000;

impl<W: Write> TableWriter<W> {
    pub fn new(out: W, headers: &[&str], max_width: usize) -> Self {
        TableWriter {
            out,
            headers: headers.iter().map(|h| (*h).to_string()).collect(),
            max_width,
            pending: Vec::new(),
            widths: None,
        }
    }

    pub fn push(&mut self, row: Vec<String>) -> std::io::Result<()> {
        let row: Vec<String> = row.iter().map(|c| clip(c, self.max_width)).collect();
        match &self.widths {
            Some(_) => self.write_row(&row),
            None => {
                self.pending.push(row);
                if self.pending.len() >= TABLE_WIDTH_ROWS {
                    self.start()?;
                }
                Ok(())
            }
        }
    }

    fn start(&mut self) -> std::io::Result<()> {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in &self.pending {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        self.widths = Some(widths);
        let headers = self.headers.clone();
        self.write_row(&headers)?;
        for row in std::mem::take(&mut self.pending) {
            self.write_row(&row)?;
        }
        Ok(())
    }

    fn write_row(&mut self, cells: &[String]) -> std::io::Result<()> {
        let widths = self.widths.as_deref().unwrap_or_default();
        let line = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ");
        writeln!(self.out, "{}", line.trim_end())
    }

    pub fn finish(mut self) -> std::io::Result<()> {
        if self.widths.is_none() {
            self.start()?;
        }
        self.out.flush()
    }
}

/// `2020-04-30 12:34:56` (UTC) for tables.
pub fn short_time(time_micros: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_micros(time_micros)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}
