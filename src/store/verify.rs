//! Re-checking a case: every stored evidence file against its SHA-256, the
//! decoded rows of each file against the digest its import recorded, the
//! annotation history's hash chain (see `integrity.rs`), and SQLite's own
//! integrity check. Verify only reads.

use super::{Case, StoreError, integrity};
use sha2::{Digest, Sha256};

/// One thing `verify` found wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyProblem {
    /// The evidence file concerned, or `None` for the database itself.
    pub file_name: Option<String>,
    pub problem: String,
}

/// What `verify` checked and found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VerifyReport {
    pub sources_checked: u64,
    pub bytes_checked: u64,
    /// Annotation history entries whose chain was checked.
    pub history_entries: u64,
    /// The newest link of the annotation history chain (`None` when empty):
    /// write it down to tell later whether history was rewritten.
    pub history_head: Option<String>,
    /// Host label history entries (`telltale hosts --set`) whose chain was checked.
    pub host_history_entries: u64,
    pub problems: Vec<VerifyProblem>,
}

impl Case {
    /// Re-hashes every stored source and its decoded rows, checks the
    /// annotation history chain and runs `PRAGMA integrity_check`.
    pub fn verify(&self) -> Result<VerifyReport, StoreError> {
        let mut report = VerifyReport::default();
        let mut sources = self
            .conn
            // A running import's source is still being written (see `store::import`).
            .prepare(
                "SELECT source_id, file_name, size_bytes, sha256, decoded_sha256 FROM sources
                 WHERE session_id NOT IN (SELECT session_id FROM sessions WHERE import_token IS NOT NULL)
                 ORDER BY source_id",
            )?;
        type Listed = (i64, String, i64, String, Option<String>);
        let listed: Vec<Listed> = sources
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
            .collect::<Result<_, _>>()?;
        let mut chunks = self
            .conn
            .prepare("SELECT seq, bytes, compression FROM source_chunks WHERE source_id = ?1 ORDER BY seq")?;
        for (source_id, file_name, size_bytes, sha256, decoded_sha256) in listed {
            let mut hasher = Sha256::new();
            let mut size = 0i64;
            let mut unreadable = None;
            let mut rows = chunks.query([source_id])?;
            while let Some(row) = rows.next()? {
                let (seq, bytes, compression): (i64, Vec<u8>, Option<String>) = (row.get(0)?, row.get(1)?, row.get(2)?);
                match super::source_chunks::unpack(bytes, compression.as_deref()) {
                    Ok(bytes) => {
                        size += bytes.len() as i64;
                        hasher.update(&bytes);
                    }
                    Err(why) => {
                        unreadable.get_or_insert(format!("piece {seq} {why}"));
                    }
                }
            }
            let actual = hex::encode(hasher.finalize());
            report.sources_checked += 1;
            report.bytes_checked += size.max(0) as u64;
            if let Some(why) = unreadable {
                report.problems.push(VerifyProblem {
                    file_name: Some(file_name.clone()),
                    problem: format!("stored bytes do not match: {why}"),
                });
            } else if actual != sha256 || size != size_bytes {
                report.problems.push(VerifyProblem {
                    file_name: Some(file_name.clone()),
                    problem: format!("stored bytes do not match: SHA-256 is {actual} ({size} bytes), recorded {sha256} ({size_bytes} bytes)"),
                });
            }
            let digest = integrity::decoded_digest(&self.conn, source_id)?;
            let problem = match decoded_sha256 {
                None => Some("no digest of its decoded rows was recorded (removed outside Telltale)".to_string()),
                Some(recorded) if recorded != digest => {
                    Some("decoded rows (exchanges, layers or events) were changed after the import".to_string())
                }
                Some(_) => None,
            };
            if let Some(problem) = problem {
                report.problems.push(VerifyProblem {
                    file_name: Some(file_name),
                    problem,
                });
            }
        }
        report.host_history_entries = self
            .conn
            .query_row("SELECT count(*) FROM host_label_history", [], |r| r.get::<_, i64>(0))?
            .max(0) as u64;
        for problem in integrity::check_host_history(&self.conn)? {
            report.problems.push(VerifyProblem {
                file_name: None,
                problem,
            });
        }
        let history = integrity::check_history(&self.conn)?;
        report.history_entries = history.entries;
        report.history_head = history.head;
        report
            .problems
            .extend(history.problems.into_iter().map(|problem| VerifyProblem {
                file_name: None,
                problem,
            }));
        let mut check = self.conn.prepare("PRAGMA integrity_check")?;
        let messages: Vec<String> = check.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        for message in messages.into_iter().filter(|m| m != "ok") {
            report.problems.push(VerifyProblem {
                file_name: None,
                problem: format!("database integrity: {message}"),
            });
        }
        Ok(report)
    }
}
