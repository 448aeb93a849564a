//! Record protection for the cipher suites Telltale decrypts, built from
//! RustCrypto primitives (no cryptography is written here, only the TLS
//! glue: which bytes go into the nonce, the additional data and the MAC).
//!
//! - TLS 1.2 and older: keys from the master secret by the RFC 5246 PRF
//!   (RFC 2246 MD5 ⊕ SHA-1 PRF before TLS 1.2); AES-GCM (RFC 5288, explicit
//!   8-byte nonce), ChaCha20-Poly1305 (RFC 7905, implicit nonce), AES-CBC
//!   with HMAC-SHA1/SHA256/SHA384 (explicit IV from TLS 1.1, chained before),
//!   MAC-then-encrypt or, when the ServerHello agreed on it, encrypt-then-MAC
//!   (RFC 7366, which OpenSSL negotiates for CBC suites). The older CBC
//!   ciphers (Camellia, 3DES, DES, IDEA) and RC4 with HMAC-SHA1 are read
//!   the same way, so captures from old apps and servers decrypt too.
//! - TLS 1.3: traffic keys by HKDF-Expand-Label (RFC 8446 §7.1, §7.3),
//!   AES-128/256-GCM and ChaCha20-Poly1305, inner content type after the
//!   zero padding; `KeyUpdate` secrets by "traffic upd".
//!
//! A record that fails authentication (wrong key, flipped byte, cut-off
//! record) yields `None` and leaves the sequence number where it was, so
//! the caller can try the next key or note the failure; never garbage.

use aes::cipher::{BlockDecryptMut, KeyIvInit, block_padding::NoPadding};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes128Gcm, Aes256Gcm, Nonce};
use chacha20poly1305::ChaCha20Poly1305;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Sha256, Sha384};
use tls_parser::{TlsCipherEnc, TlsCipherEncMode, TlsCipherMac, TlsCipherSuite};

const AEAD_TAG_BYTES: usize = 16;

/// The hash of a suite's PRF or key schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum HashAlg {
    Sha256,
    Sha384,
}

impl HashAlg {
    pub fn len(self) -> usize {
        match self {
            HashAlg::Sha256 => 32,
            HashAlg::Sha384 => 48,
        }
    }
}

/// The MAC of a CBC suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum MacAlg {
    Sha1,
    Sha256,
    Sha384,
}

impl MacAlg {
    fn len(self) -> usize {
        match self {
            MacAlg::Sha1 => 20,
            MacAlg::Sha256 => 32,
            MacAlg::Sha384 => 48,
        }
    }
}

/// The block cipher of a CBC suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum BlockAlg {
    Aes,
    Camellia,
    TripleDes,
    Des,
    Idea,
    /// KISA SEED (RFC 4162 suites), from the `kisaseed` crate.
    Seed,
}

impl BlockAlg {
    fn block_bytes(self) -> usize {
        match self {
            BlockAlg::Aes | BlockAlg::Camellia | BlockAlg::Seed => 16,
            BlockAlg::TripleDes | BlockAlg::Des | BlockAlg::Idea => 8,
        }
    }
}

/// How records of a suite are protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Protection {
    AesGcm,
    ChaCha20Poly1305,
    Cbc(BlockAlg, MacAlg),
    Rc4(MacAlg),
}

/// A cipher suite Telltale can decrypt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Suite {
    /// IANA name, e.g. `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`.
    pub name: &'static str,
    /// Short name for decode paths: `aes-128-gcm`, `chacha20-poly1305`, `aes-256-cbc-sha`.
    pub short: String,
    pub protection: Protection,
    pub key_bytes: usize,
    pub hash: HashAlg,
    /// Export suites (RFC 2246 §6.3): the key block holds only `key_bytes`
    /// (5) of secret key material per direction and no IVs; the write key
    /// is PRF-expanded from it to this many bytes, the IVs come from a PRF
    /// over the randoms alone.
    pub export_key_bytes: Option<usize>,
}

/// What a cipher suite id means to Telltale.
pub(super) enum SuiteLookup {
    Supported(Suite),
    /// Known suite whose cipher Telltale does not decrypt (RC4, 3DES, Camellia …).
    Unsupported(String),
    Unknown,
}

/// Looks a cipher suite up in `tls-parser`'s IANA table.
pub(super) fn suite(id: u16) -> SuiteLookup {
    let Some(info) = TlsCipherSuite::from_id(id) else {
        return SuiteLookup::Unknown;
    };
    let hash = if info.name.ends_with("_SHA384") {
        HashAlg::Sha384
    } else {
        HashAlg::Sha256
    };
    // Key material on the wire: tls-parser's table counts effective bits
    // (ChaCha20 as 128, DES as 56, 3DES as 168); the key block holds 32, 8, 24.
    let key_bytes = match info.enc {
        TlsCipherEnc::Chacha20_Poly1305 => 32,
        TlsCipherEnc::Des => 8,
        TlsCipherEnc::TripleDes => 24,
        TlsCipherEnc::Idea => 16,
        _ => info.enc_key_size(),
    };
    let unsupported = || SuiteLookup::Unsupported(info.name.to_string());
    let mac = match info.mac {
        TlsCipherMac::HmacSha1 => Some(MacAlg::Sha1),
        TlsCipherMac::HmacSha256 => Some(MacAlg::Sha256),
        TlsCipherMac::HmacSha384 => Some(MacAlg::Sha384),
        _ => None,
    };
    // Export suites: only DES40 (40 bits of secret in an 8-byte DES key) is
    // read; RC2 and the RC4_40 suites carry an MD5 MAC Telltale does not check.
    let (key_bytes, export_key_bytes) = if info.name.contains("_EXPORT") {
        match (info.enc, info.enc_mode, mac) {
            (TlsCipherEnc::Des, TlsCipherEncMode::Cbc, Some(_)) if info.name.contains("DES40") => (5, Some(8)),
            _ => return unsupported(),
        }
    } else {
        (key_bytes, None)
    };
    let protection = match (info.enc, info.enc_mode, mac) {
        (TlsCipherEnc::Aes, TlsCipherEncMode::Gcm, _) if matches!(key_bytes, 16 | 32) => Protection::AesGcm,
        (TlsCipherEnc::Chacha20_Poly1305, _, _) => Protection::ChaCha20Poly1305,
        (TlsCipherEnc::Aes, TlsCipherEncMode::Cbc, Some(mac)) if matches!(key_bytes, 16 | 32) => {
            Protection::Cbc(BlockAlg::Aes, mac)
        }
        (TlsCipherEnc::Camellia, TlsCipherEncMode::Cbc, Some(mac)) if matches!(key_bytes, 16 | 32) => {
            Protection::Cbc(BlockAlg::Camellia, mac)
        }
        (TlsCipherEnc::TripleDes, TlsCipherEncMode::Cbc, Some(mac)) => Protection::Cbc(BlockAlg::TripleDes, mac),
        (TlsCipherEnc::Des, TlsCipherEncMode::Cbc, Some(mac)) => Protection::Cbc(BlockAlg::Des, mac),
        (TlsCipherEnc::Idea, TlsCipherEncMode::Cbc, Some(mac)) => Protection::Cbc(BlockAlg::Idea, mac),
        (TlsCipherEnc::Seed, TlsCipherEncMode::Cbc, Some(mac)) if key_bytes == 16 => {
            Protection::Cbc(BlockAlg::Seed, mac)
        }
        (TlsCipherEnc::Rc4, _, Some(mac)) if key_bytes == 16 => Protection::Rc4(mac),
        _ => return unsupported(),
    };
    let mac_name = |mac: MacAlg| match mac {
        MacAlg::Sha1 => "sha",
        MacAlg::Sha256 => "sha256",
        MacAlg::Sha384 => "sha384",
    };
    let short = match protection {
        Protection::AesGcm => format!("aes-{}-gcm", key_bytes * 8),
        Protection::ChaCha20Poly1305 => "chacha20-poly1305".to_string(),
        Protection::Cbc(BlockAlg::Aes, mac) => format!("aes-{}-cbc-{}", key_bytes * 8, mac_name(mac)),
        Protection::Cbc(BlockAlg::Camellia, mac) => format!("camellia-{}-cbc-{}", key_bytes * 8, mac_name(mac)),
        Protection::Cbc(BlockAlg::TripleDes, mac) => format!("3des-ede-cbc-{}", mac_name(mac)),
        Protection::Cbc(BlockAlg::Des, mac) if export_key_bytes.is_some() => format!("des40-cbc-{}", mac_name(mac)),
        Protection::Cbc(BlockAlg::Des, mac) => format!("des-cbc-{}", mac_name(mac)),
        Protection::Cbc(BlockAlg::Seed, mac) => format!("seed-cbc-{}", mac_name(mac)),
        Protection::Cbc(BlockAlg::Idea, mac) => format!("idea-cbc-{}", mac_name(mac)),
        Protection::Rc4(mac) => format!("rc4-128-{}", mac_name(mac)),
    };
    SuiteLookup::Supported(Suite {
        name: info.name,
        short,
        protection,
        key_bytes,
        hash,
        export_key_bytes,
    })
}

/// The keyed cipher of one direction.
enum Keyed {
    Gcm128(Box<Aes128Gcm>),
    Gcm256(Box<Aes256Gcm>),
    ChaCha(Box<ChaCha20Poly1305>),
    Cbc {
        cipher: BlockAlg,
        key: Vec<u8>,
        mac_key: Vec<u8>,
        mac: MacAlg,
    },
    /// RC4 keeps one keystream per direction; `position` bytes of it are used.
    Rc4 {
        key: Vec<u8>,
        stream: Box<rc4::Rc4<rc4::consts::U16>>,
        position: usize,
        mac_key: Vec<u8>,
        mac: MacAlg,
    },
}

/// Decrypts the records of one direction in order.
pub(super) struct RecordDecryptor {
    keyed: Keyed,
    /// GCM salt (4 bytes), ChaCha/TLS 1.3 IV (12), or the CBC IV before TLS 1.1.
    iv: Vec<u8>,
    seq: u64,
    tls13: bool,
    /// Protocol version from the ServerHello (`0x0301` … `0x0303`).
    version: u16,
    /// RFC 7366: the MAC covers the ciphertext and follows it.
    encrypt_then_mac: bool,
}

/// Keys of both directions of a TLS ≤ 1.2 connection.
pub(super) struct Tls12Keys {
    pub client: RecordDecryptor,
    pub server: RecordDecryptor,
}

/// Derives both directions' keys from a TLS ≤ 1.2 master secret.
pub(super) fn tls12_keys(
    suite: &Suite,
    version: u16,
    encrypt_then_mac: bool,
    master: &[u8],
    client_random: &[u8],
    server_random: &[u8],
) -> Option<Tls12Keys> {
    let (mac_bytes, mut iv_bytes) = match suite.protection {
        Protection::AesGcm => (0, 4),
        Protection::ChaCha20Poly1305 => (0, 12),
        Protection::Cbc(cipher, mac) => (mac.len(), cipher.block_bytes()),
        Protection::Rc4(mac) => (mac.len(), 0),
    };
    let prf = |secret: &[u8], label: &[u8], seed: &[u8], len: usize| {
        if version >= 0x0303 {
            prf_tls12(suite.hash, secret, label, seed, len)
        } else {
            prf_tls10(secret, label, seed, len)
        }
    };
    let block_iv_bytes = iv_bytes;
    if suite.export_key_bytes.is_some() {
        iv_bytes = 0;
    }
    let total = 2 * (mac_bytes + suite.key_bytes + iv_bytes);
    let block = prf(
        master,
        b"key expansion",
        &[server_random, client_random].concat(),
        total,
    )?;
    let mut rest = block.as_slice();
    let mut take = |n: usize| -> Vec<u8> {
        let (head, tail) = rest.split_at(n.min(rest.len()));
        rest = tail;
        head.to_vec()
    };
    let client_mac = take(mac_bytes);
    let server_mac = take(mac_bytes);
    let mut client_key = take(suite.key_bytes);
    let mut server_key = take(suite.key_bytes);
    let mut client_iv = take(iv_bytes);
    let mut server_iv = take(iv_bytes);
    if let Some(final_bytes) = suite.export_key_bytes {
        // RFC 2246 §6.3: the randoms in client-then-server order here.
        let randoms = [client_random, server_random].concat();
        client_key = prf(&client_key, b"client write key", &randoms, final_bytes)?;
        server_key = prf(&server_key, b"server write key", &randoms, final_bytes)?;
        let ivs = prf(&[], b"IV block", &randoms, 2 * block_iv_bytes)?;
        (client_iv, server_iv) = (ivs[..block_iv_bytes].to_vec(), ivs[block_iv_bytes..].to_vec());
    }
    let mut client = RecordDecryptor::new(suite, &client_key, client_iv, client_mac, false, version)?;
    let mut server = RecordDecryptor::new(suite, &server_key, server_iv, server_mac, false, version)?;
    client.encrypt_then_mac = encrypt_then_mac;
    server.encrypt_then_mac = encrypt_then_mac;
    Some(Tls12Keys { client, server })
}

/// The record decryptor for a TLS 1.3 traffic secret.
pub(super) fn tls13_decryptor(suite: &Suite, secret: &[u8]) -> Option<RecordDecryptor> {
    let key = expand_label(suite.hash, secret, b"key", suite.key_bytes)?;
    let iv = expand_label(suite.hash, secret, b"iv", 12)?;
    RecordDecryptor::new(suite, &key, iv, Vec::new(), true, 0x0304)
}

/// The next TLS 1.3 traffic secret after a `KeyUpdate` (RFC 8446 §7.2).
pub(super) fn next_traffic_secret(suite: &Suite, secret: &[u8]) -> Option<Vec<u8>> {
    expand_label(suite.hash, secret, b"traffic upd", suite.hash.len())
}

impl RecordDecryptor {
    fn new(suite: &Suite, key: &[u8], iv: Vec<u8>, mac_key: Vec<u8>, tls13: bool, version: u16) -> Option<Self> {
        let keyed = match (suite.protection, key.len()) {
            (Protection::AesGcm, 16) => Keyed::Gcm128(Box::new(Aes128Gcm::new_from_slice(key).ok()?)),
            (Protection::AesGcm, 32) => Keyed::Gcm256(Box::new(Aes256Gcm::new_from_slice(key).ok()?)),
            (Protection::ChaCha20Poly1305, 32) => Keyed::ChaCha(Box::new(ChaCha20Poly1305::new_from_slice(key).ok()?)),
            (Protection::Cbc(cipher, mac), _) => Keyed::Cbc {
                cipher,
                key: key.to_vec(),
                mac_key,
                mac,
            },
            (Protection::Rc4(mac), 16) => Keyed::Rc4 {
                key: key.to_vec(),
                stream: Box::new(rc4_at(key, 0)?),
                position: 0,
                mac_key,
                mac,
            },
            _ => return None,
        };
        Some(RecordDecryptor {
            keyed,
            iv,
            seq: 0,
            tls13,
            version,
            encrypt_then_mac: false,
        })
    }

    /// Decrypts one record; returns its (inner) content type and plaintext,
    /// or `None` when it does not authenticate.
    pub fn open(&mut self, content_type: u8, record_version: u16, fragment: &[u8]) -> Option<(u8, Vec<u8>)> {
        let opened = if self.tls13 {
            self.open_tls13(fragment)
        } else {
            match &self.keyed {
                Keyed::Cbc { .. } => self.open_cbc(content_type, record_version, fragment),
                Keyed::Rc4 { .. } => self.open_rc4(content_type, record_version, fragment),
                _ => self.open_aead12(content_type, record_version, fragment),
            }
        }?;
        self.seq += 1;
        Some(opened)
    }

    fn open_tls13(&self, fragment: &[u8]) -> Option<(u8, Vec<u8>)> {
        let length = u16::try_from(fragment.len()).ok()?.to_be_bytes();
        let aad = [23, 3, 3, length[0], length[1]];
        let mut plain = self.aead(&self.xor_nonce(), fragment, &aad)?;
        // Inner plaintext: content, the real type, then zero padding.
        let end = plain.iter().rposition(|b| *b != 0)?;
        let inner_type = plain[end];
        plain.truncate(end);
        Some((inner_type, plain))
    }

    fn open_aead12(&self, content_type: u8, record_version: u16, fragment: &[u8]) -> Option<(u8, Vec<u8>)> {
        let (nonce, ciphertext) = match self.keyed {
            Keyed::ChaCha(_) => (self.xor_nonce(), fragment),
            _ => {
                let explicit = fragment.get(..8)?;
                ([self.iv.as_slice(), explicit].concat(), &fragment[8..])
            }
        };
        let plain_len = ciphertext.len().checked_sub(AEAD_TAG_BYTES)?;
        let aad = self.tls12_aad(content_type, record_version, plain_len)?;
        let plain = self.aead(&nonce, ciphertext, &aad)?;
        Some((content_type, plain))
    }

    /// RC4: the keystream runs on across records; MAC after the content.
    fn open_rc4(&mut self, content_type: u8, record_version: u16, fragment: &[u8]) -> Option<(u8, Vec<u8>)> {
        use rc4::StreamCipher as _;
        let aad_seq = self.seq;
        let Keyed::Rc4 {
            key,
            stream,
            position,
            mac_key,
            mac,
        } = &mut self.keyed
        else {
            return None;
        };
        let mut plain = fragment.to_vec();
        stream.apply_keystream(&mut plain);
        let content_end = plain.len().checked_sub(mac.len());
        let verified = content_end.is_some_and(|end| {
            let header = tls12_header(aad_seq, content_type, record_version, end);
            header.is_some_and(|h| verify_hmac(*mac, mac_key, &[&h, &plain[..end]], &plain[end..]))
        });
        if !verified {
            // Rewind the keystream: the record is left out, the next one
            // continues where this one began.
            **stream = rc4_at(key, *position)?;
            return None;
        }
        *position += fragment.len();
        plain.truncate(content_end?);
        Some((content_type, plain))
    }

    fn open_cbc(&mut self, content_type: u8, record_version: u16, fragment: &[u8]) -> Option<(u8, Vec<u8>)> {
        let Keyed::Cbc {
            cipher,
            key,
            mac_key,
            mac,
        } = &self.keyed
        else {
            return None;
        };
        let (cipher, block) = (*cipher, cipher.block_bytes());
        let explicit_iv = self.version >= 0x0302;
        if self.encrypt_then_mac {
            let mac_start = fragment.len().checked_sub(mac.len())?;
            let (protected, tag) = fragment.split_at(mac_start);
            let header = self.tls12_aad(content_type, record_version, protected.len())?;
            if !verify_hmac(*mac, mac_key, &[&header, protected], tag) {
                return None;
            }
            let (iv, ciphertext) = if explicit_iv {
                (protected.get(..block)?.to_vec(), &protected[block..])
            } else {
                (self.iv.clone(), protected)
            };
            if ciphertext.is_empty() || !ciphertext.len().is_multiple_of(block) {
                return None;
            }
            let mut plain = cbc_decrypt(cipher, key, &iv, ciphertext)?;
            let padding = usize::from(*plain.last()?);
            let end = plain.len().checked_sub(padding + 1)?;
            plain.truncate(end);
            if !explicit_iv {
                self.iv = ciphertext[ciphertext.len() - block..].to_vec();
            }
            return Some((content_type, plain));
        }
        let (iv, ciphertext) = if explicit_iv {
            (fragment.get(..block)?.to_vec(), &fragment[block..])
        } else {
            (self.iv.clone(), fragment)
        };
        if ciphertext.is_empty() || !ciphertext.len().is_multiple_of(block) {
            return None;
        }
        let mut plain = cbc_decrypt(cipher, key, &iv, ciphertext)?;
        let padding = usize::from(*plain.last()?);
        let content_end = plain.len().checked_sub(padding + 1 + mac.len())?;
        if plain[plain.len() - padding - 1..]
            .iter()
            .any(|b| usize::from(*b) != padding)
        {
            return None;
        }
        let tag = plain[content_end..content_end + mac.len()].to_vec();
        plain.truncate(content_end);
        let header = self.tls12_aad(content_type, record_version, plain.len())?;
        if !verify_hmac(*mac, mac_key, &[&header, &plain], &tag) {
            return None;
        }
        if !explicit_iv {
            self.iv = ciphertext[ciphertext.len() - block..].to_vec();
        }
        Some((content_type, plain))
    }

    /// `seq_num ‖ type ‖ version ‖ length` (RFC 5246 §6.2.3.3).
    fn tls12_aad(&self, content_type: u8, record_version: u16, plain_len: usize) -> Option<Vec<u8>> {
        tls12_header(self.seq, content_type, record_version, plain_len)
    }

    /// The 12-byte IV with the sequence number XORed into its tail.
    fn xor_nonce(&self) -> Vec<u8> {
        let mut nonce = self.iv.clone();
        let seq = self.seq.to_be_bytes();
        let tail = nonce.len().saturating_sub(8);
        for (byte, s) in nonce[tail..].iter_mut().zip(seq) {
            *byte ^= s;
        }
        nonce
    }

    fn aead(&self, nonce: &[u8], ciphertext: &[u8], aad: &[u8]) -> Option<Vec<u8>> {
        if nonce.len() != 12 {
            return None;
        }
        let nonce = Nonce::from_slice(nonce);
        let payload = Payload { msg: ciphertext, aad };
        match &self.keyed {
            Keyed::Gcm128(c) => c.decrypt(nonce, payload).ok(),
            Keyed::Gcm256(c) => c.decrypt(nonce, payload).ok(),
            Keyed::ChaCha(c) => c.decrypt(nonce, payload).ok(),
            Keyed::Cbc { .. } | Keyed::Rc4 { .. } => None,
        }
    }
}

/// The MAC'd record header of TLS ≤ 1.2.
fn tls12_header(seq: u64, content_type: u8, record_version: u16, plain_len: usize) -> Option<Vec<u8>> {
    let mut header = seq.to_be_bytes().to_vec();
    header.push(content_type);
    header.extend_from_slice(&record_version.to_be_bytes());
    header.extend_from_slice(&u16::try_from(plain_len).ok()?.to_be_bytes());
    Some(header)
}

/// An RC4 keystream `position` bytes in.
fn rc4_at(key: &[u8], position: usize) -> Option<rc4::Rc4<rc4::consts::U16>> {
    use rc4::{KeyInit as _, StreamCipher as _};
    let mut stream = rc4::Rc4::<rc4::consts::U16>::new_from_slice(key).ok()?;
    let mut skip = vec![0u8; position];
    stream.apply_keystream(&mut skip);
    Some(stream)
}

fn cbc_decrypt(cipher: BlockAlg, key: &[u8], iv: &[u8], ciphertext: &[u8]) -> Option<Vec<u8>> {
    match (cipher, key.len()) {
        (BlockAlg::Aes, 16) => cbc_with::<aes::Aes128>(key, iv, ciphertext),
        (BlockAlg::Aes, 32) => cbc_with::<aes::Aes256>(key, iv, ciphertext),
        (BlockAlg::Camellia, 16) => cbc_with::<camellia::Camellia128>(key, iv, ciphertext),
        (BlockAlg::Camellia, 32) => cbc_with::<camellia::Camellia256>(key, iv, ciphertext),
        (BlockAlg::TripleDes, 24) => cbc_with::<des::TdesEde3>(key, iv, ciphertext),
        (BlockAlg::Des, 8) => cbc_with::<des::Des>(key, iv, ciphertext),
        (BlockAlg::Idea, 16) => cbc_with::<idea::Idea>(key, iv, ciphertext),
        (BlockAlg::Seed, 16) => cbc_with::<kisaseed::SEED>(key, iv, ciphertext),
        _ => None,
    }
}

fn cbc_with<C>(key: &[u8], iv: &[u8], ciphertext: &[u8]) -> Option<Vec<u8>>
where
    C: BlockDecryptMut + aes::cipher::BlockCipher + aes::cipher::KeyInit,
{
    let mut buffer = ciphertext.to_vec();
    let len = cbc::Decryptor::<C>::new_from_slices(key, iv)
        .ok()?
        .decrypt_padded_mut::<NoPadding>(&mut buffer)
        .ok()?
        .len();
    buffer.truncate(len);
    Some(buffer)
}

fn verify_hmac(alg: MacAlg, key: &[u8], parts: &[&[u8]], tag: &[u8]) -> bool {
    fn check<M: Mac + hmac::digest::KeyInit>(key: &[u8], parts: &[&[u8]], tag: &[u8]) -> bool {
        let Ok(mut mac) = <M as hmac::digest::KeyInit>::new_from_slice(key) else {
            return false;
        };
        for part in parts {
            mac.update(part);
        }
        mac.verify_slice(tag).is_ok()
    }
    match alg {
        MacAlg::Sha1 => check::<Hmac<Sha1>>(key, parts, tag),
        MacAlg::Sha256 => check::<Hmac<Sha256>>(key, parts, tag),
        MacAlg::Sha384 => check::<Hmac<Sha384>>(key, parts, tag),
    }
}

/// `P_hash` of RFC 5246 §5: HMAC(secret, A(i) ‖ seed) until `len` bytes.
fn p_hash<M: Mac + hmac::digest::KeyInit + Clone>(secret: &[u8], seed: &[u8], len: usize) -> Option<Vec<u8>> {
    let keyed = <M as hmac::digest::KeyInit>::new_from_slice(secret).ok()?;
    let mut out = Vec::with_capacity(len + 64);
    let mut a = seed.to_vec();
    while out.len() < len {
        let mut step = keyed.clone();
        step.update(&a);
        a = step.finalize().into_bytes().to_vec();
        let mut block = keyed.clone();
        block.update(&a);
        block.update(seed);
        out.extend_from_slice(&block.finalize().into_bytes());
    }
    out.truncate(len);
    Some(out)
}

/// The TLS 1.2 PRF with the suite's hash.
pub(super) fn prf_tls12(hash: HashAlg, secret: &[u8], label: &[u8], seed: &[u8], len: usize) -> Option<Vec<u8>> {
    let seed = [label, seed].concat();
    match hash {
        HashAlg::Sha256 => p_hash::<Hmac<Sha256>>(secret, &seed, len),
        HashAlg::Sha384 => p_hash::<Hmac<Sha384>>(secret, &seed, len),
    }
}

/// The TLS 1.0/1.1 PRF: `P_MD5(S1) ⊕ P_SHA-1(S2)` over the two secret halves.
fn prf_tls10(secret: &[u8], label: &[u8], seed: &[u8], len: usize) -> Option<Vec<u8>> {
    let seed = [label, seed].concat();
    let half = secret.len().div_ceil(2);
    let md5 = p_hash::<Hmac<md5::Md5>>(&secret[..half], &seed, len)?;
    let sha = p_hash::<Hmac<Sha1>>(&secret[secret.len() - half..], &seed, len)?;
    Some(md5.iter().zip(sha).map(|(a, b)| a ^ b).collect())
}

/// HKDF-Expand-Label(secret, label, "", len) of RFC 8446 §7.1.
pub(super) fn expand_label(hash: HashAlg, secret: &[u8], label: &[u8], len: usize) -> Option<Vec<u8>> {
    let mut info = u16::try_from(len).ok()?.to_be_bytes().to_vec();
    info.push(u8::try_from(6 + label.len()).ok()?);
    info.extend_from_slice(b"tls13 ");
    info.extend_from_slice(label);
    info.push(0);
    let mut okm = vec![0; len];
    match hash {
        HashAlg::Sha256 => hkdf::Hkdf::<Sha256>::from_prk(secret)
            .ok()?
            .expand(&info, &mut okm)
            .ok()?,
        HashAlg::Sha384 => hkdf::Hkdf::<Sha384>::from_prk(secret)
            .ok()?
            .expand(&info, &mut okm)
            .ok()?,
    }
    Some(okm)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(text: &str) -> Vec<u8> {
        hex::decode(text.split_whitespace().collect::<String>()).expect("hex")
    }

    /// RFC 8448 §3 (simple 1-RTT handshake): the server handshake traffic
    /// secret and the key and IV derived from it.
    #[test]
    fn rfc8448_handshake_key_and_iv() {
        let secret =
            unhex("b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4 e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38");
        assert_eq!(
            expand_label(HashAlg::Sha256, &secret, b"key", 16).expect("key"),
            unhex("3f ce 51 60 09 c2 17 27 d0 f2 e4 e8 6e e4 03 bc")
        );
        assert_eq!(
            expand_label(HashAlg::Sha256, &secret, b"iv", 12).expect("iv"),
            unhex("5d 31 3e b2 67 12 76 ee 13 00 0b 30")
        );
    }

    /// The TLS 1.2 PRF test vector for SHA-256 published on the IETF TLS
    /// list (the one Go's and OpenSSL's PRF tests use).
    #[test]
    fn tls12_prf_sha256_vector() {
        let secret = unhex("9b be 43 6b a9 40 f0 17 b1 76 52 84 9a 71 db 35");
        let seed = unhex("a0 ba 9f 93 6c da 31 18 27 a6 f7 96 ff d5 19 8c");
        let out = prf_tls12(HashAlg::Sha256, &secret, b"test label", &seed, 100).expect("prf");
        assert_eq!(
            out[..32],
            unhex("e3 f2 29 ba 72 7b e1 7b 8d 12 26 20 55 7c d4 53 c2 aa b2 1d 07 c3 d4 95 32 9b 52 d4 e6 1e db 5a")[..]
        );
    }

    #[test]
    fn suite_names() {
        let SuiteLookup::Supported(gcm) = suite(0x1301) else {
            panic!("TLS_AES_128_GCM_SHA256 is supported");
        };
        assert_eq!((gcm.short.as_str(), gcm.hash), ("aes-128-gcm", HashAlg::Sha256));
        let SuiteLookup::Supported(cbc) = suite(0xc014) else {
            panic!("ECDHE-RSA-AES256-SHA is supported");
        };
        assert_eq!(cbc.short, "aes-256-cbc-sha");
        let SuiteLookup::Supported(rc4) = suite(0x0005) else {
            panic!("RC4-SHA is read");
        };
        assert_eq!(rc4.short, "rc4-128-sha");
        let SuiteLookup::Supported(tdes) = suite(0x000a) else {
            panic!("3DES is read");
        };
        assert_eq!((tdes.short.as_str(), tdes.key_bytes), ("3des-ede-cbc-sha", 24));
        let SuiteLookup::Supported(seed) = suite(0x0096) else {
            panic!("TLS_RSA_WITH_SEED_CBC_SHA is read");
        };
        assert_eq!((seed.short.as_str(), seed.key_bytes), ("seed-cbc-sha", 16));
        let SuiteLookup::Supported(des40) = suite(0x0008) else {
            panic!("TLS_RSA_EXPORT_WITH_DES40_CBC_SHA is read");
        };
        assert_eq!(
            (des40.short.as_str(), des40.key_bytes, des40.export_key_bytes),
            ("des40-cbc-sha", 5, Some(8))
        );
        assert!(
            matches!(suite(0x0003), SuiteLookup::Unsupported(name) if name == "TLS_RSA_EXPORT_WITH_RC4_40_MD5"),
            "MD5-MAC export suites are named, not read"
        );
    }

    /// RFC 4269 appendix B.2: the `kisaseed` cipher the SEED suites use,
    /// decrypting through the same CBC path (one block, zero IV).
    #[test]
    fn seed_decrypts_the_rfc_4269_vector() {
        let key: Vec<u8> = (0u8..16).collect();
        let ciphertext = unhex("c1 1f 22 f2 01 40 50 50 84 48 35 97 e4 37 0f 43");
        let plain = cbc_decrypt(BlockAlg::Seed, &key, &[0u8; 16], &ciphertext).expect("decrypts");
        assert_eq!(plain, vec![0u8; 16]);
    }

    #[test]
    fn flipped_byte_fails_authentication() {
        let SuiteLookup::Supported(suite) = suite(0x1301) else {
            panic!("supported");
        };
        let secret = [7u8; 32];
        let key = expand_label(HashAlg::Sha256, &secret, b"key", 16).expect("key");
        let iv = expand_label(HashAlg::Sha256, &secret, b"iv", 12).expect("iv");
        let cipher = Aes128Gcm::new_from_slice(&key).expect("key");
        let inner = b"GET / HTTP/1.1\r\n\r\n\x17".to_vec();
        let len = u16::try_from(inner.len() + 16).expect("len").to_be_bytes();
        let sealed = cipher
            .encrypt(
                Nonce::from_slice(&iv),
                Payload {
                    msg: &inner,
                    aad: &[23, 3, 3, len[0], len[1]],
                },
            )
            .expect("seal");
        let mut decryptor = tls13_decryptor(&suite, &secret).expect("decryptor");
        let mut flipped = sealed.clone();
        flipped[3] ^= 1;
        assert_eq!(decryptor.open(23, 0x0303, &flipped), None);
        assert_eq!(
            decryptor.open(23, 0x0303, &sealed),
            Some((23, b"GET / HTTP/1.1\r\n\r\n".to_vec()))
        );
    }
}
