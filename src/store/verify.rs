//! Re-checking a case: every stored evidence file against its SHA-256, and
//! SQLite's own integrity check.

use super::{Case, StoreError};
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
    pub problems: Vec<VerifyProblem>,
}

impl Case {
    /// Re-hashes every stored source and runs `PRAGMA integrity_check`.
    pub fn verify(&self) -> Result<VerifyReport, StoreError> {
        let mut report = VerifyReport::default();
        let mut sources = self
            .conn
            // A running import's source is still being written (see `store::import`).
            .prepare(
                "SELECT source_id, file_name, size_bytes, sha256 FROM sources
                 WHERE session_id NOT IN (SELECT session_id FROM sessions WHERE import_token IS NOT NULL)
                 ORDER BY source_id",
            )?;
        let listed: Vec<(i64, String, i64, String)> = sources
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<_, _>>()?;
        let mut chunks = self
            .conn
            .prepare("SELECT bytes FROM source_chunks WHERE source_id = ?1 ORDER BY seq")?;
        for (source_id, file_name, size_bytes, sha256) in listed {
            let mut hasher = Sha256::new();
            let mut size = 0i64;
            let mut rows = chunks.query([source_id])?;
            while let Some(row) = rows.next()? {
                let bytes: Vec<u8> = row.get(0)?;
                size += bytes.len() as i64;
                hasher.update(&bytes);
            }
            let actual = hex::encode(hasher.finalize());
            report.sources_checked += 1;
            report.bytes_checked += size.max(0) as u64;
            if actual != sha256 || size != size_bytes {
                report.problems.push(VerifyProblem {
                    file_name: Some(file_name),
                    problem: format!("stored bytes do not match: SHA-256 is {actual} ({size} bytes), recorded {sha256} ({size_bytes} bytes)"),
                });
            }
        }
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
