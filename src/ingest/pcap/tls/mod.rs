//! TLS inside a reassembled TCP connection: finds the handshake, looks the
//! connection's secrets up in the key log by its ClientHello random, and
//! decrypts the application data of both directions into plaintext streams
//! the HTTP layers read as if they had been sent in the clear.
//!
//! Records are cut from the TCP streams (so a record spread over several
//! segments, or several records in one segment, are the same thing); the
//! handshake messages are parsed with `tls-parser` (extensions are walked
//! by hand, so one it does not know cannot hide the others); keys and record protection are in
//! [`crypto`]. TLS 1.2 switches to encrypted records at ChangeCipherSpec in
//! each direction; TLS 1.3 records are tried with each traffic key in turn
//! (early data, handshake, application, then each `KeyUpdate`), which AEAD
//! authentication makes unambiguous and which also covers 0-RTT data that a
//! server accepted or refused. Every plaintext byte keeps the capture time
//! of the record that carried it.
//!
//! Promises: nothing that fails authentication becomes plaintext; a
//! connection without a key, with a key that does not fit or with a cipher
//! suite Telltale does not decrypt is reported as such ([`Decryption`]), with
//! its server name, so the user still sees who the app talked to.

mod crypto;

use super::tcp::Stream;
use crate::ingest::keylog::{KeyLog, Secrets};
use crypto::{RecordDecryptor, Suite, SuiteLookup};
use tls_parser::{TlsMessage, TlsMessageHandshake};

const HANDSHAKE: u8 = 22;
const CHANGE_CIPHER_SPEC: u8 = 20;
const ALERT: u8 = 21;
const APPLICATION_DATA: u8 = 23;
/// Largest TLSCiphertext fragment (2^14 + 2048, RFC 5246 §6.2.3).
const MAX_FRAGMENT_BYTES: usize = 18_432;
/// ServerHello.random of a HelloRetryRequest (RFC 8446 §4.1.3).
const HELLO_RETRY_RANDOM: [u8; 32] = [
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91, 0xC2, 0xA2, 0x11,
    0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
];

/// One TLS record as cut from a TCP stream.
struct Record<'s> {
    content_type: u8,
    version: u16,
    /// Stream offset of the record header.
    offset: usize,
    fragment: &'s [u8],
}

/// What the handshake said.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct TlsInfo {
    /// `tls1.0` … `tls1.3`, from the ServerHello (or the ClientHello alone).
    pub version: String,
    /// Cipher suite id and IANA name, from the ServerHello.
    pub suite_id: Option<u16>,
    pub suite_name: Option<String>,
    /// Short suite name when Telltale decrypts it, e.g. `aes-128-gcm`.
    pub suite_short: Option<String>,
    /// Server name (SNI) from the ClientHello.
    pub server_name: Option<String>,
    /// ALPN the server chose (ServerHello or, in TLS 1.3, EncryptedExtensions).
    pub alpn: Option<String>,
}

impl TlsInfo {
    /// `tls1.3 aes-128-gcm`: the transport step of a decode path.
    pub fn label(&self) -> String {
        match &self.suite_short {
            Some(short) => format!("{} {short}", self.version),
            None => self.version.clone(),
        }
    }
}

/// How far decryption got.
pub(super) enum Decryption {
    /// Both directions as plaintext streams (client → server, server → client).
    Decrypted { client: Box<Stream>, server: Box<Stream> },
    /// No secrets for this connection's client random.
    NoKey,
    /// Secrets were found but no record authenticated with them.
    KeyMismatch,
    /// A cipher suite Telltale does not decrypt (its IANA name).
    Unsupported(String),
    /// No ServerHello was captured.
    Incomplete,
}

/// A TLS connection and what became of it.
pub(super) struct TlsConnection {
    /// True when the client is the connection's `first` endpoint.
    pub client_is_first: bool,
    pub info: TlsInfo,
    pub decryption: Decryption,
    /// Problems worth a note on every exchange of the connection.
    pub notes: Vec<String>,
}

/// The TLS connection in `first`/`second`, or `None` when neither side
/// starts with a ClientHello.
pub(super) fn inspect(first: &Stream, second: &Stream, keys: &KeyLog) -> Option<TlsConnection> {
    let client_is_first = if starts_with_client_hello(&first.data) {
        true
    } else if starts_with_client_hello(&second.data) {
        false
    } else {
        return None;
    };
    let (client, server) = if client_is_first {
        (first, second)
    } else {
        (second, first)
    };
    let client_records = records(client);
    let server_records = records(server);
    let mut connection = TlsConnection {
        client_is_first,
        info: TlsInfo::default(),
        decryption: Decryption::Incomplete,
        notes: Vec::new(),
    };
    let hello = client_hello(&client_records.records)?;
    connection.info.server_name.clone_from(&hello.server_name);
    connection.info.version = version_name(hello.legacy_version).to_string();
    for cut in [client_records.cut_off, server_records.cut_off].into_iter().flatten() {
        connection.notes.push(format!(
            "TLS record cut off at stream byte {cut} (capture ends inside it)"
        ));
    }
    let Some(server_hello) = server_hello(&server_records.records) else {
        return Some(connection);
    };
    connection.info.version = version_name(server_hello.version).to_string();
    connection.info.suite_id = Some(server_hello.suite);
    connection.info.alpn.clone_from(&server_hello.alpn);
    let suite = match crypto::suite(server_hello.suite) {
        SuiteLookup::Supported(suite) => suite,
        SuiteLookup::Unsupported(name) => {
            connection.info.suite_name = Some(name.clone());
            connection.decryption = Decryption::Unsupported(name);
            return Some(connection);
        }
        SuiteLookup::Unknown => {
            let name = format!("0x{:04x}", server_hello.suite);
            connection.info.suite_name = Some(name.clone());
            connection.decryption = Decryption::Unsupported(name);
            return Some(connection);
        }
    };
    connection.info.suite_name = Some(suite.name.to_string());
    connection.info.suite_short = Some(suite.short.clone());
    let Some(secrets) = keys.get(&hello.random) else {
        connection.decryption = Decryption::NoKey;
        return Some(connection);
    };
    let decrypted = if server_hello.version == 0x0304 {
        decrypt_tls13(
            &suite,
            secrets,
            &client_records.records,
            &server_records.records,
            client,
            server,
        )
    } else {
        decrypt_tls12(
            &suite,
            (
                server_hello.version,
                server_hello.encrypt_then_mac,
                server_hello.deflate,
            ),
            secrets,
            (&hello.random, &server_hello.random),
            (&client_records.records, &server_records.records),
            (client, server),
        )
    };
    match decrypted {
        Some(mut outcome) => {
            if connection.info.alpn.is_none() {
                connection.info.alpn = outcome.alpn.take();
            }
            if outcome.failed > 0 {
                connection.notes.push(format!(
                    "{} TLS records failed authentication and were left out (damaged or cut off)",
                    outcome.failed
                ));
            }
            connection.decryption = Decryption::Decrypted {
                client: Box::new(outcome.client),
                server: Box::new(outcome.server),
            };
        }
        None => connection.decryption = Decryption::KeyMismatch,
    }
    Some(connection)
}

fn starts_with_client_hello(data: &[u8]) -> bool {
    data.len() >= 6 && data[0] == HANDSHAKE && data[1] == 3 && data[2] <= 4 && data[5] == 1
}

/// A stream cut into records.
struct Records<'s> {
    records: Vec<Record<'s>>,
    /// Offset of a record the stream ends inside.
    cut_off: Option<usize>,
}

fn records(stream: &Stream) -> Records<'_> {
    let data = &stream.data;
    let mut out = Vec::new();
    let mut at = 0;
    let mut cut_off = None;
    while at + 5 <= data.len() {
        let content_type = data[at];
        let version = u16::from_be_bytes([data[at + 1], data[at + 2]]);
        let length = usize::from(u16::from_be_bytes([data[at + 3], data[at + 4]]));
        if !(20..=24).contains(&content_type) || data[at + 1] != 3 || length > MAX_FRAGMENT_BYTES {
            break; // not TLS any more (or a capture gap): stop here
        }
        let Some(fragment) = data.get(at + 5..at + 5 + length) else {
            cut_off = Some(at);
            break;
        };
        out.push(Record {
            content_type,
            version,
            offset: at,
            fragment,
        });
        at += 5 + length;
    }
    if cut_off.is_none() && at < data.len() && data.len() - at < 5 {
        cut_off = Some(at);
    }
    Records { records: out, cut_off }
}

/// Plaintext handshake messages from the leading handshake records
/// (a message may span records).
fn leading_handshake_bytes(records: &[Record<'_>]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for record in records {
        match record.content_type {
            HANDSHAKE => bytes.extend_from_slice(record.fragment),
            // A TLS 1.3 server may send ChangeCipherSpec between a
            // HelloRetryRequest and its real ServerHello (RFC 8446 §D.4).
            ALERT | CHANGE_CIPHER_SPEC => {}
            _ => break,
        }
    }
    bytes
}

/// Splits handshake bytes into whole messages (type, body).
fn handshake_messages(bytes: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 4 <= bytes.len() {
        let len = usize::from(bytes[at + 1]) << 16 | usize::from(bytes[at + 2]) << 8 | usize::from(bytes[at + 3]);
        let Some(message) = bytes.get(at..at + 4 + len) else {
            break;
        };
        out.push(message);
        at += 4 + len;
    }
    out
}

struct ClientHello {
    random: Vec<u8>,
    legacy_version: u16,
    server_name: Option<String>,
}

fn client_hello(records: &[Record<'_>]) -> Option<ClientHello> {
    let bytes = leading_handshake_bytes(records);
    let message = handshake_messages(&bytes).into_iter().next()?;
    let Ok((_, TlsMessage::Handshake(TlsMessageHandshake::ClientHello(hello)))) =
        tls_parser::parse_tls_message_handshake(message)
    else {
        return None;
    };
    let server_name = extensions(hello.ext.unwrap_or_default())
        .find(|(kind, _)| *kind == EXT_SERVER_NAME)
        .and_then(|(_, data)| sni_name(data));
    Some(ClientHello {
        random: hello.random.to_vec(),
        legacy_version: hello.version.0,
        server_name,
    })
}

struct ServerHello {
    random: Vec<u8>,
    /// The negotiated version (`supported_versions` wins over the legacy field).
    version: u16,
    suite: u16,
    alpn: Option<String>,
    /// RFC 7366 encrypt-then-MAC was agreed (CBC suites).
    encrypt_then_mac: bool,
    /// RFC 3749 DEFLATE record compression (OpenSSL before 1.1 offered it).
    deflate: bool,
}

fn server_hello(records: &[Record<'_>]) -> Option<ServerHello> {
    let bytes = leading_handshake_bytes(records);
    for message in handshake_messages(&bytes) {
        let Ok((_, TlsMessage::Handshake(TlsMessageHandshake::ServerHello(hello)))) =
            tls_parser::parse_tls_message_handshake(message)
        else {
            continue;
        };
        if hello.random == HELLO_RETRY_RANDOM {
            continue;
        }
        let mut version = hello.version.0;
        let mut alpn = None;
        let mut encrypt_then_mac = false;
        for (kind, data) in extensions(hello.ext.unwrap_or_default()) {
            match kind {
                EXT_ENCRYPT_THEN_MAC => encrypt_then_mac = true,
                EXT_SUPPORTED_VERSIONS if data.len() == 2 => version = u16::from_be_bytes([data[0], data[1]]),
                EXT_ALPN => alpn = alpn_protocol(data),
                _ => {}
            }
        }
        return Some(ServerHello {
            random: hello.random.to_vec(),
            version,
            suite: hello.cipher.0,
            alpn,
            encrypt_then_mac,
            deflate: hello.compression.0 == 1,
        });
    }
    None
}

const EXT_SERVER_NAME: u16 = 0;
const EXT_ALPN: u16 = 16;
const EXT_ENCRYPT_THEN_MAC: u16 = 22;
const EXT_SUPPORTED_VERSIONS: u16 = 43;

/// (type, data) of each extension in a hello's extension block. Walked by
/// hand so one extension `tls-parser` does not know cannot hide the others.
fn extensions(mut block: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let kind = u16::from_be_bytes([*block.first()?, *block.get(1)?]);
        let len = usize::from(u16::from_be_bytes([*block.get(2)?, *block.get(3)?]));
        let data = block.get(4..4 + len)?;
        block = &block[4 + len..];
        Some((kind, data))
    })
}

/// The host name in a `server_name` extension (RFC 6066 §3).
fn sni_name(data: &[u8]) -> Option<String> {
    // list length (2), name type (1, 0 = host name), name length (2), name
    if *data.get(2)? != 0 {
        return None;
    }
    let len = usize::from(u16::from_be_bytes([*data.get(3)?, *data.get(4)?]));
    let name = data.get(5..5 + len)?;
    Some(String::from_utf8_lossy(name).to_ascii_lowercase())
}

/// The (first) protocol of an ALPN extension (RFC 7301 §3.1).
fn alpn_protocol(data: &[u8]) -> Option<String> {
    let len = usize::from(*data.get(2)?);
    data.get(3..3 + len).map(|p| String::from_utf8_lossy(p).into_owned())
}

fn version_name(version: u16) -> &'static str {
    match version {
        0x0304 => "tls1.3",
        0x0303 => "tls1.2",
        0x0302 => "tls1.1",
        0x0301 => "tls1.0",
        _ => "ssl",
    }
}

/// Both plaintext streams and what decrypting them showed.
struct Opened {
    client: Stream,
    server: Stream,
    alpn: Option<String>,
    failed: usize,
}

fn decrypt_tls12(
    suite: &Suite,
    (version, encrypt_then_mac, deflate): (u16, bool, bool),
    secrets: &Secrets,
    (client_random, server_random): (&[u8], &[u8]),
    (client_records, server_records): (&[Record<'_>], &[Record<'_>]),
    (client_stream, server_stream): (&Stream, &Stream),
) -> Option<Opened> {
    let master = secrets.master.as_deref()?;
    let keys = crypto::tls12_keys(suite, version, encrypt_then_mac, master, client_random, server_random)?;
    let (client, client_ok, client_failed) = open_tls12(keys.client, deflate, client_records, client_stream);
    let (server, server_ok, server_failed) = open_tls12(keys.server, deflate, server_records, server_stream);
    if client_ok + server_ok == 0 {
        return None;
    }
    Some(Opened {
        client,
        server,
        alpn: None,
        failed: client_failed + server_failed,
    })
}

/// Decrypts one TLS ≤ 1.2 direction: plaintext until ChangeCipherSpec,
/// then every record with `decryptor` (and, with `deflate`, one zlib
/// stream over all of them). Returns (stream, opened, failed).
fn open_tls12(
    mut decryptor: RecordDecryptor,
    deflate: bool,
    records: &[Record<'_>],
    stream: &Stream,
) -> (Stream, usize, usize) {
    let mut plain = Stream::default();
    let mut inflater = deflate.then(|| flate2::Decompress::new(true));
    let (mut encrypted, mut opened, mut failed) = (false, 0, 0);
    for record in records {
        if record.content_type == CHANGE_CIPHER_SPEC {
            encrypted = true;
            continue;
        }
        if !encrypted {
            continue;
        }
        let result = decryptor.open(record.content_type, record.version, record.fragment);
        let result = match (result, inflater.as_mut()) {
            (Some((kind, bytes)), Some(inflater)) => inflate_record(inflater, &bytes).map(|b| (kind, b)),
            (result, None) => result,
            (None, Some(_)) => None,
        };
        match result {
            Some((APPLICATION_DATA, bytes)) => {
                opened += 1;
                plain.append_plaintext(&bytes, stream.time_at(record.offset).unwrap_or(0));
            }
            Some(_) => opened += 1,
            None => failed += 1,
        }
    }
    (plain, opened, failed)
}

/// Inflates one compressed record (RFC 3749: a zlib stream per direction,
/// each record ending on a sync flush); at most one record's worth of
/// TLSPlaintext (2^14 bytes) plus slack comes out of it.
fn inflate_record(inflater: &mut flate2::Decompress, bytes: &[u8]) -> Option<Vec<u8>> {
    const MAX_RECORD_PLAINTEXT: usize = 16_384 + 1024;
    let mut out = Vec::with_capacity(MAX_RECORD_PLAINTEXT);
    let start_in = inflater.total_in();
    inflater
        .decompress_vec(bytes, &mut out, flate2::FlushDecompress::Sync)
        .ok()?;
    let consumed = usize::try_from(inflater.total_in() - start_in).ok()?;
    (consumed == bytes.len()).then_some(out)
}

fn decrypt_tls13(
    suite: &Suite,
    secrets: &Secrets,
    client_records: &[Record<'_>],
    server_records: &[Record<'_>],
    client_stream: &Stream,
    server_stream: &Stream,
) -> Option<Opened> {
    let client_secrets = [
        &secrets.client_early,
        &secrets.client_handshake,
        &secrets.client_traffic,
    ];
    let server_secrets = [&secrets.server_handshake, &secrets.server_traffic];
    let client = open_tls13(suite, &client_secrets, client_records, client_stream);
    let server = open_tls13(suite, &server_secrets, server_records, server_stream);
    if client.opened + server.opened == 0 {
        return None;
    }
    Some(Opened {
        client: client.plain,
        server: server.plain,
        alpn: server.alpn,
        failed: client.failed + server.failed,
    })
}

struct Direction13 {
    plain: Stream,
    opened: usize,
    failed: usize,
    alpn: Option<String>,
}

/// Decrypts one TLS 1.3 direction, moving through its traffic secrets in
/// order; a record that no remaining key opens is counted as failed.
fn open_tls13(suite: &Suite, secrets: &[&Option<Vec<u8>>], records: &[Record<'_>], stream: &Stream) -> Direction13 {
    let mut keys: Vec<Vec<u8>> = secrets.iter().filter_map(|s| (*s).clone()).collect();
    let mut out = Direction13 {
        plain: Stream::default(),
        opened: 0,
        failed: 0,
        alpn: None,
    };
    let mut current: Option<(usize, RecordDecryptor)> = None;
    for record in records.iter().filter(|r| r.content_type == APPLICATION_DATA) {
        let mut opened = current
            .as_mut()
            .and_then(|(_, decryptor)| decryptor.open(record.content_type, record.version, record.fragment));
        if opened.is_none() {
            let from = current.as_ref().map_or(0, |(index, _)| index + 1);
            for (index, secret) in keys.iter().enumerate().skip(from) {
                let Some(mut decryptor) = crypto::tls13_decryptor(suite, secret) else {
                    continue;
                };
                if let Some(result) = decryptor.open(record.content_type, record.version, record.fragment) {
                    current = Some((index, decryptor));
                    opened = Some(result);
                    break;
                }
            }
        }
        let Some((inner_type, bytes)) = opened else {
            out.failed += 1;
            continue;
        };
        out.opened += 1;
        match inner_type {
            APPLICATION_DATA => out
                .plain
                .append_plaintext(&bytes, stream.time_at(record.offset).unwrap_or(0)),
            HANDSHAKE => {
                for message in handshake_messages(&bytes) {
                    match message[0] {
                        // EncryptedExtensions: the server's ALPN choice.
                        8 => out.alpn = out.alpn.take().or_else(|| encrypted_extensions_alpn(message)),
                        // KeyUpdate: the next secret follows the one in use.
                        24 => {
                            if let Some((index, _)) = &current
                                && let Some(next) = crypto::next_traffic_secret(suite, &keys[*index])
                            {
                                keys.insert(index + 1, next);
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn encrypted_extensions_alpn(message: &[u8]) -> Option<String> {
    let body = message.get(4..)?;
    let len = usize::from(u16::from_be_bytes([*body.first()?, *body.get(1)?]));
    extensions(body.get(2..2 + len)?)
        .find(|(kind, _)| *kind == EXT_ALPN)
        .and_then(|(_, data)| alpn_protocol(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(data: &[u8]) -> Stream {
        let mut s = Stream::default();
        s.add(1, false, false, data, 5);
        s
    }

    #[test]
    fn records_are_cut_across_segments_and_a_cut_off_tail_is_noted() {
        let mut s = Stream::default();
        s.add(1, false, false, &[22, 3, 1, 0, 4, 1, 0], 1);
        s.add(8, false, false, &[0, 0, 23, 3, 3, 0, 9, 1], 2);
        let cut = records(&s);
        assert_eq!(cut.records.len(), 1);
        assert_eq!(cut.records[0].fragment, &[1, 0, 0, 0]);
        assert_eq!(cut.cut_off, Some(9));
    }

    #[test]
    fn not_tls_is_not_claimed() {
        let keys = KeyLog::default();
        assert!(
            inspect(
                &stream(b"GET / HTTP/1.1\r\n\r\n"),
                &stream(b"HTTP/1.1 200 OK\r\n\r\n"),
                &keys
            )
            .is_none()
        );
    }
}
