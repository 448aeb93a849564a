//! `telltale export CASE --parquet DIR`: the case's requests, events and
//! data types as three Parquet files (zstd), so DuckDB, Spark or Polars can
//! query hundreds of cases at once without Telltale.
//!
//! Promises:
//! - **Stable schema** (README lists it; add columns at the end, never
//!   rename or retype one). Every file starts with a `case` column (the
//!   case file's name) so files of many cases can be read together.
//!   Times are `TIMESTAMP(MICROS, UTC)`.
//! - **Streamed**: rows go from the query into row groups of
//!   [`ROW_GROUP_ROWS`] rows; memory stays flat whatever the case's size.
//! - **All or nothing** per file: each is written under a temporary name and
//!   renamed into place.
//! - Written with the `parquet` crate's own column writers (no Arrow, which
//!   would double the build).

use super::ExportError;
use crate::store::{Case, EventFilter, RequestRow};
use parquet::basic::{Compression, ZstdLevel};
use parquet::data_type::{ByteArray, ByteArrayType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rows buffered per row group.
pub const ROW_GROUP_ROWS: usize = 65_536;

/// `requests.parquet`: one row per HTTP exchange.
pub const REQUESTS_SCHEMA: &str = "message requests {
    REQUIRED BYTE_ARRAY case (UTF8);
    REQUIRED INT64 exchange_id;
    REQUIRED BYTE_ARRAY session (UTF8);
    REQUIRED BYTE_ARRAY session_mode (UTF8);
    REQUIRED INT64 time (TIMESTAMP(MICROS, true));
    REQUIRED BYTE_ARRAY method (UTF8);
    REQUIRED BYTE_ARRAY url (UTF8);
    REQUIRED BYTE_ARRAY host (UTF8);
    OPTIONAL INT32 status;
    OPTIONAL BYTE_ARRAY server_ip (UTF8);
    OPTIONAL BYTE_ARRAY app (UTF8);
    OPTIONAL BYTE_ARRAY tracker (UTF8);
    OPTIONAL BYTE_ARRAY company (UTF8);
    REQUIRED INT64 event_count;
    OPTIONAL BYTE_ARRAY company_source (UTF8);
    REQUIRED BYTE_ARRAY party (UTF8);
    OPTIONAL BYTE_ARRAY client (UTF8);
}";

/// `events.parquet`: one row per decoded event; `fields` is a JSON object.
pub const EVENTS_SCHEMA: &str = "message events {
    REQUIRED BYTE_ARRAY case (UTF8);
    REQUIRED INT64 event_id;
    REQUIRED INT64 exchange_id;
    REQUIRED BYTE_ARRAY session (UTF8);
    REQUIRED INT64 time (TIMESTAMP(MICROS, true));
    OPTIONAL BYTE_ARRAY app (UTF8);
    REQUIRED BYTE_ARRAY mode (UTF8);
    REQUIRED BYTE_ARRAY tracker (UTF8);
    OPTIONAL BYTE_ARRAY company (UTF8);
    REQUIRED BYTE_ARRAY event (UTF8);
    OPTIONAL BYTE_ARRAY key_field (UTF8);
    REQUIRED BYTE_ARRAY decode_path (UTF8);
    REQUIRED BYTE_ARRAY host (UTF8);
    OPTIONAL BYTE_ARRAY server_ip (UTF8);
    REQUIRED BYTE_ARRAY fields (UTF8);
}";

/// `data_types.parquet`: one row per personal-data item a request carried
/// (`type` from the documented vocabulary; `event_id` null when the request
/// carried it beside its events; `mode` is the request's).
pub const DATA_TYPES_SCHEMA: &str = "message data_types {
    REQUIRED BYTE_ARRAY case (UTF8);
    REQUIRED INT64 exchange_id;
    OPTIONAL INT64 event_id;
    REQUIRED BYTE_ARRAY session (UTF8);
    REQUIRED BYTE_ARRAY mode (UTF8);
    OPTIONAL BYTE_ARRAY company (UTF8);
    REQUIRED BYTE_ARRAY type (UTF8);
    REQUIRED BYTE_ARRAY field (UTF8);
    REQUIRED BYTE_ARRAY value (UTF8);
}";

/// What the Parquet export wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParquetSummary {
    pub requests: u64,
    pub events: u64,
    pub data_types: u64,
    pub files: Vec<PathBuf>,
}

/// One column's values of the row group being filled.
enum Column {
    Int64(Vec<i64>),
    OptionalInt64(Vec<i64>, Vec<i16>),
    OptionalInt32(Vec<i32>, Vec<i16>),
    Text(Vec<ByteArray>),
    OptionalText(Vec<ByteArray>, Vec<i16>),
}

/// A value for one column of one row.
pub enum Cell<'a> {
    Int(i64),
    OptionalInt(Option<i64>),
    OptionalInt32(Option<i32>),
    Text(&'a str),
    OptionalText(Option<&'a str>),
}

impl Column {
    fn push(&mut self, cell: Cell<'_>) {
        match (self, cell) {
            (Column::Int64(values), Cell::Int(v)) => values.push(v),
            (Column::OptionalInt64(values, levels), Cell::OptionalInt(v)) => {
                levels.push(i16::from(v.is_some()));
                values.extend(v);
            }
            (Column::OptionalInt32(values, levels), Cell::OptionalInt32(v)) => {
                levels.push(i16::from(v.is_some()));
                values.extend(v);
            }
            (Column::Text(values), Cell::Text(v)) => values.push(ByteArray::from(v)),
            (Column::OptionalText(values, levels), Cell::OptionalText(v)) => {
                levels.push(i16::from(v.is_some()));
                values.extend(v.map(ByteArray::from));
            }
            // The schema and the cells are written side by side below.
            _ => {}
        }
    }

    fn empty_like(&self) -> Column {
        match self {
            Column::Int64(_) => Column::Int64(Vec::new()),
            Column::OptionalInt64(..) => Column::OptionalInt64(Vec::new(), Vec::new()),
            Column::OptionalInt32(..) => Column::OptionalInt32(Vec::new(), Vec::new()),
            Column::Text(_) => Column::Text(Vec::new()),
            Column::OptionalText(..) => Column::OptionalText(Vec::new(), Vec::new()),
        }
    }
}

/// One Parquet file being written, a row group at a time.
struct TableWriter {
    writer: SerializedFileWriter<std::fs::File>,
    columns: Vec<Column>,
    rows_in_group: usize,
    rows: u64,
}

impl TableWriter {
    fn create(path: &Path, schema: &str) -> Result<TableWriter, ExportError> {
        let schema = Arc::new(parse_message_type(schema).map_err(parquet_error)?);
        let columns = schema
            .get_fields()
            .iter()
            .map(|field| {
                let info = field.get_basic_info();
                let optional = info.has_repetition() && info.repetition() == parquet::basic::Repetition::OPTIONAL;
                match (field.get_physical_type(), optional) {
                    (parquet::basic::Type::INT64, false) => Column::Int64(Vec::new()),
                    (parquet::basic::Type::INT64, true) => Column::OptionalInt64(Vec::new(), Vec::new()),
                    (parquet::basic::Type::INT32, _) => Column::OptionalInt32(Vec::new(), Vec::new()),
                    (_, false) => Column::Text(Vec::new()),
                    (_, true) => Column::OptionalText(Vec::new(), Vec::new()),
                }
            })
            .collect();
        let level = ZstdLevel::try_new(3).map_err(parquet_error)?;
        let properties = Arc::new(
            WriterProperties::builder()
                .set_compression(Compression::ZSTD(level))
                .set_created_by(format!("telltale {}", env!("CARGO_PKG_VERSION")))
                .build(),
        );
        let file = std::fs::File::create(path)?;
        let writer = SerializedFileWriter::new(file, schema, properties).map_err(parquet_error)?;
        Ok(TableWriter {
            writer,
            columns,
            rows_in_group: 0,
            rows: 0,
        })
    }

    fn push(&mut self, cells: Vec<Cell<'_>>) -> Result<(), ExportError> {
        for (column, cell) in self.columns.iter_mut().zip(cells) {
            column.push(cell);
        }
        self.rows_in_group += 1;
        self.rows += 1;
        if self.rows_in_group >= ROW_GROUP_ROWS {
            self.flush_group()?;
        }
        Ok(())
    }

    fn flush_group(&mut self) -> Result<(), ExportError> {
        if self.rows_in_group == 0 {
            return Ok(());
        }
        let columns: Vec<Column> = self.columns.iter().map(Column::empty_like).collect();
        let columns = std::mem::replace(&mut self.columns, columns);
        let mut group = self.writer.next_row_group().map_err(parquet_error)?;
        for column in columns {
            let Some(mut writer) = group.next_column().map_err(parquet_error)? else {
                break;
            };
            match &column {
                Column::Int64(values) => writer.typed::<Int64Type>().write_batch(values, None, None),
                Column::OptionalInt64(values, levels) => {
                    writer.typed::<Int64Type>().write_batch(values, Some(levels), None)
                }
                Column::OptionalInt32(values, levels) => {
                    writer.typed::<Int32Type>().write_batch(values, Some(levels), None)
                }
                Column::Text(values) => writer.typed::<ByteArrayType>().write_batch(values, None, None),
                Column::OptionalText(values, levels) => {
                    writer.typed::<ByteArrayType>().write_batch(values, Some(levels), None)
                }
            }
            .map_err(parquet_error)?;
            writer.close().map_err(parquet_error)?;
        }
        group.close().map_err(parquet_error)?;
        self.rows_in_group = 0;
        Ok(())
    }

    fn finish(mut self) -> Result<u64, ExportError> {
        self.flush_group()?;
        self.writer.close().map_err(parquet_error)?;
        Ok(self.rows)
    }
}

fn parquet_error(error: parquet::errors::ParquetError) -> ExportError {
    ExportError::Io(std::io::Error::other(format!("Parquet: {error}")))
}

/// Writes `requests.parquet`, `events.parquet` and `data_types.parquet`
/// into `dir` (created if missing).
pub fn export_parquet(case: &Case, filter: &EventFilter, dir: &Path) -> Result<ParquetSummary, ExportError> {
    std::fs::create_dir_all(dir)?;
    let case_name = case
        .path()
        .and_then(|p| p.file_stem())
        .map_or_else(|| "case".to_string(), |s| s.to_string_lossy().into_owned());
    let mut summary = ParquetSummary::default();
    let mut done = Vec::new();
    let result = write_tables(case, filter, dir, &case_name, &mut summary, &mut done);
    if let Err(error) = result {
        for name in ["requests.parquet", "events.parquet", "data_types.parquet"] {
            let _ = std::fs::remove_file(temp_and_target(dir, name).0);
        }
        return Err(error);
    }
    for (temp, target) in done {
        std::fs::rename(&temp, &target)?;
        summary.files.push(target);
    }
    Ok(summary)
}

/// Writes the three files under temporary names, listing them in `done`.
fn write_tables(
    case: &Case,
    filter: &EventFilter,
    dir: &Path,
    case_name: &str,
    summary: &mut ParquetSummary,
    done: &mut Vec<(PathBuf, PathBuf)>,
) -> Result<(), ExportError> {
    {
        let (temp, target) = temp_and_target(dir, "requests.parquet");
        let mut requests = TableWriter::create(&temp, REQUESTS_SCHEMA)?;
        case.for_each_request(filter, |r: RequestRow| {
            requests.push(vec![
                Cell::Text(case_name),
                Cell::Int(r.exchange_id.0),
                Cell::Text(&r.session),
                Cell::Text(r.session_mode.as_str()),
                Cell::Int(r.time_micros),
                Cell::Text(&r.method),
                Cell::Text(&r.url),
                Cell::Text(&r.host),
                Cell::OptionalInt32(r.status.map(i32::from)),
                Cell::OptionalText(r.server_ip.as_deref()),
                Cell::OptionalText(r.app.as_deref()),
                Cell::OptionalText(r.tracker.as_deref()),
                Cell::OptionalText(r.company.as_deref()),
                Cell::Int(r.event_count),
                Cell::OptionalText(r.company_source.as_deref()),
                Cell::Text(&r.party),
                Cell::OptionalText(r.client.as_deref()),
            ])
        })?;
        summary.requests = requests.finish()?;
        done.push((temp, target));

        let (temp, target) = temp_and_target(dir, "events.parquet");
        let mut events = TableWriter::create(&temp, EVENTS_SCHEMA)?;
        case.for_each_event(filter, |e| {
            let fields = serde_json::Value::Object(e.fields.clone()).to_string();
            events.push(vec![
                Cell::Text(case_name),
                Cell::Int(e.id.0),
                Cell::Int(e.exchange_id.0),
                Cell::Text(&e.session),
                Cell::Int(e.time_micros),
                Cell::OptionalText(e.app.as_deref()),
                Cell::Text(e.mode.as_str()),
                Cell::Text(&e.tracker),
                Cell::OptionalText(e.company.as_deref()),
                Cell::Text(&e.event),
                Cell::OptionalText(e.key_field.as_deref()),
                Cell::Text(&e.decode_path),
                Cell::Text(&e.host),
                Cell::OptionalText(e.server_ip.as_deref()),
                Cell::Text(&fields),
            ])
        })?;
        summary.events = events.finish()?;
        done.push((temp, target));

        let (temp, target) = temp_and_target(dir, "data_types.parquet");
        let mut data_types = TableWriter::create(&temp, DATA_TYPES_SCHEMA)?;
        case.for_each_data_type(filter, |d| {
            data_types.push(vec![
                Cell::Text(case_name),
                Cell::Int(d.exchange_id.0),
                Cell::OptionalInt(d.event_id.map(|id| id.0)),
                Cell::Text(&d.session),
                Cell::Text(d.mode.as_str()),
                Cell::OptionalText(d.company.as_deref()),
                Cell::Text(&d.kind),
                Cell::Text(&d.field),
                Cell::Text(&d.value),
            ])
        })?;
        summary.data_types = data_types.finish()?;
        done.push((temp, target));
        Ok(())
    }
}

fn temp_and_target(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    (dir.join(format!(".{name}.partial")), dir.join(name))
}
