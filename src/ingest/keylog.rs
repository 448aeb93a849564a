//! TLS key logs in the NSS format (`SSLKEYLOGFILE`), as browsers, curl,
//! OpenSSL's `-keylogfile`, PCAPdroid and Wireshark's Decryption Secrets
//! Blocks write them.
//!
//! One line per secret: `LABEL <client random, 64 hex> <secret, hex>`.
//! `CLIENT_RANDOM` carries a TLS 1.2 (and older) master secret; TLS 1.3
//! writes `CLIENT_EARLY_TRAFFIC_SECRET`, `CLIENT/SERVER_HANDSHAKE_TRAFFIC_SECRET`
//! and `CLIENT/SERVER_TRAFFIC_SECRET_0`. `#` comments, blank lines, labels
//! Telltale does not use (`EXPORTER_SECRET`, `RSA`) and malformed lines are
//! skipped; hex may be upper or lower case. Secrets are looked up by the
//! ClientHello's random, which is what ties a line to a connection.

use std::collections::HashMap;

/// The secrets known for one TLS connection (one client random).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Secrets {
    /// TLS ≤ 1.2 master secret (48 bytes).
    pub master: Option<Vec<u8>>,
    pub client_early: Option<Vec<u8>>,
    pub client_handshake: Option<Vec<u8>>,
    pub server_handshake: Option<Vec<u8>>,
    pub client_traffic: Option<Vec<u8>>,
    pub server_traffic: Option<Vec<u8>>,
}

/// Every secret of one or more key logs, by client random.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyLog {
    by_client_random: HashMap<[u8; 32], Secrets>,
}

impl KeyLog {
    /// Reads every usable line of `text`; never fails (see [`KeyLog::from_file`]).
    pub fn parse(text: &[u8]) -> KeyLog {
        let mut log = KeyLog::default();
        log.add_text(text);
        log
    }

    /// Reads a key log file the user gave; a file with no usable line is
    /// not a key log, and the reason says so.
    pub fn from_file(bytes: &[u8]) -> Result<KeyLog, String> {
        let log = KeyLog::parse(bytes);
        if log.is_empty() {
            return Err(
                "not a TLS key log: no CLIENT_RANDOM or TLS 1.3 traffic secret line (NSS key log format)".to_string(),
            );
        }
        Ok(log)
    }

    /// Adds the lines of another key log text (e.g. a Decryption Secrets Block).
    pub fn add_text(&mut self, text: &[u8]) {
        for line in text.split(|b| *b == b'\n' || *b == b'\r') {
            let Ok(line) = std::str::from_utf8(line) else {
                continue;
            };
            self.add_line(line.trim());
        }
    }

    /// Adds every entry of `other`; its secrets win where both know one.
    pub fn merge(&mut self, other: &KeyLog) {
        for (random, secrets) in &other.by_client_random {
            let entry = self.by_client_random.entry(*random).or_default();
            for (mine, theirs) in entry.slots_mut().into_iter().zip(secrets.slots()) {
                if theirs.is_some() {
                    mine.clone_from(theirs);
                }
            }
        }
    }

    /// The secrets for the connection whose ClientHello carried `client_random`.
    pub fn get(&self, client_random: &[u8]) -> Option<&Secrets> {
        let random: [u8; 32] = client_random.try_into().ok()?;
        self.by_client_random.get(&random)
    }

    /// Connections the log has secrets for.
    pub fn len(&self) -> usize {
        self.by_client_random.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_client_random.is_empty()
    }

    fn add_line(&mut self, line: &str) {
        if line.starts_with('#') {
            return;
        }
        let mut words = line.split_ascii_whitespace();
        let (Some(label), Some(random), Some(secret), None) = (words.next(), words.next(), words.next(), words.next())
        else {
            return;
        };
        let (Ok(random), Ok(secret)) = (hex::decode(random), hex::decode(secret)) else {
            return;
        };
        let Ok(random) = <[u8; 32]>::try_from(random.as_slice()) else {
            return;
        };
        if secret.is_empty() {
            return;
        }
        let index = match label {
            "CLIENT_RANDOM" => 0,
            "CLIENT_EARLY_TRAFFIC_SECRET" => 1,
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET" => 2,
            "SERVER_HANDSHAKE_TRAFFIC_SECRET" => 3,
            "CLIENT_TRAFFIC_SECRET_0" => 4,
            "SERVER_TRAFFIC_SECRET_0" => 5,
            _ => return, // EXPORTER_SECRET, RSA …: not needed to decrypt
        };
        let entry = self.by_client_random.entry(random).or_default();
        let slots = entry.slots_mut();
        *slots[index] = Some(secret);
    }
}

impl Secrets {
    fn slots(&self) -> [&Option<Vec<u8>>; 6] {
        [
            &self.master,
            &self.client_early,
            &self.client_handshake,
            &self.server_handshake,
            &self.client_traffic,
            &self.server_traffic,
        ]
    }

    fn slots_mut(&mut self) -> [&mut Option<Vec<u8>>; 6] {
        [
            &mut self.master,
            &mut self.client_early,
            &mut self.client_handshake,
            &mut self.server_handshake,
            &mut self.client_traffic,
            &mut self.server_traffic,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tls12_and_tls13_lines_and_skips_the_rest() {
        let random = "AB".repeat(32);
        let text = format!(
            "# SSL/TLS secrets log file\n\nCLIENT_RANDOM {random} {}\r\nSERVER_TRAFFIC_SECRET_0 {} {}\nEXPORTER_SECRET {} 00\nCLIENT_RANDOM short 00\ngarbage\n",
            "0F".repeat(48),
            random.to_lowercase(),
            "11".repeat(32),
            "cd".repeat(32)
        );
        let log = KeyLog::parse(text.as_bytes());
        assert_eq!(log.len(), 1);
        let secrets = log.get(&[0xAB; 32]).expect("entry");
        assert_eq!(secrets.master.as_deref(), Some(&[0x0F; 48][..]));
        assert_eq!(secrets.server_traffic.as_deref(), Some(&[0x11; 32][..]));
        assert_eq!(secrets.client_traffic, None);
        assert!(log.get(&[0xCD; 32]).is_none());
    }

    #[test]
    fn a_file_without_secrets_is_refused() {
        assert!(KeyLog::from_file(b"# only a comment\nhello world\n").is_err());
    }

    #[test]
    fn merge_fills_in_secrets() {
        let random = "01".repeat(32);
        let mut a = KeyLog::parse(format!("CLIENT_HANDSHAKE_TRAFFIC_SECRET {random} aa").as_bytes());
        let b = KeyLog::parse(format!("CLIENT_TRAFFIC_SECRET_0 {random} bb").as_bytes());
        a.merge(&b);
        let secrets = a.get(&[1; 32]).expect("entry");
        assert_eq!(secrets.client_handshake.as_deref(), Some(&[0xAA][..]));
        assert_eq!(secrets.client_traffic.as_deref(), Some(&[0xBB][..]));
    }
}
