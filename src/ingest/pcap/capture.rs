//! Reads the packet records of a classic pcap or a pcapng file, one frame at
//! a time, borrowing from the file bytes.
//!
//! Framing comes from `pcap-file`; the packet blocks themselves are decoded
//! here because `pcap-file` assumes nanosecond pcapng timestamps and rejects
//! pcap records whose original length exceeds the snap length (normal for
//! truncated captures). A record cut off by the end of the file ends the
//! reader with [`Next::Truncated`]; everything before it stays usable.

use pcap_file::pcap::{PcapHeader, PcapParser};
use pcap_file::pcapng::PcapNgParser;
use pcap_file::pcapng::blocks::interface_description::InterfaceDescriptionOption;
use pcap_file::{Endianness, PcapError, TsResolution};

/// Classic pcap magic numbers (µs and ns, both byte orders), as read big-endian.
const PCAP_MAGICS: [u32; 4] = [0xA1B2_C3D4, 0xD4C3_B2A1, 0xA1B2_3C4D, 0x4D3C_B2A1];
/// pcapng Section Header Block type.
const PCAPNG_SHB: u32 = 0x0A0D_0D0A;
const EPB: u32 = 6;
const SPB: u32 = 3;
const OBSOLETE_PB: u32 = 2;

/// Which container the bytes are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Container {
    Pcap,
    Pcapng,
}

/// Recognises the container from its magic number.
pub(super) fn sniff(head: &[u8]) -> Option<Container> {
    let word = |at: usize| {
        head.get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    match word(0)? {
        magic if PCAP_MAGICS.contains(&magic) => Some(Container::Pcap),
        PCAPNG_SHB if matches!(word(8), Some(0x1A2B_3C4D | 0x4D3C_2B1A)) => Some(Container::Pcapng),
        _ => None,
    }
}

/// pcapng Decryption Secrets Block type and its TLS key log secrets type.
const DSB: u32 = 0x0000_000A;
const SECRETS_TLS_KEY_LOG: u32 = 0x544C_534B;

/// The TLS key log texts of every Decryption Secrets Block in a pcapng
/// file, wherever they sit (before the first interface, between packets).
/// Read in one pass over the block headers before the packets, so a DSB
/// written after a connection's packets still decrypts it.
pub(super) fn decryption_secrets(bytes: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut at = 0usize;
    let mut big = false;
    while let Some(header) = bytes.get(at..at + 12) {
        let raw_type = [header[0], header[1], header[2], header[3]];
        if u32::from_be_bytes(raw_type) == PCAPNG_SHB {
            // The byte-order magic decides how this section is read.
            big = header[8..12] == [0x1A, 0x2B, 0x3C, 0x4D];
        }
        let read = |b: &[u8]| {
            let b = [b[0], b[1], b[2], b[3]];
            if big {
                u32::from_be_bytes(b)
            } else {
                u32::from_le_bytes(b)
            }
        };
        let (block_type, length) = (read(&header[0..4]), read(&header[4..8]) as usize);
        if length < 12 || !length.is_multiple_of(4) {
            break;
        }
        let Some(block) = bytes.get(at..at + length) else {
            break;
        };
        if block_type == DSB && block.len() >= 16 && read(&block[8..12]) == SECRETS_TLS_KEY_LOG {
            let secrets_len = read(&block[12..16]) as usize;
            if let Some(secrets) = block.get(16..16 + secrets_len) {
                out.push(secrets);
            }
        }
        at += length;
    }
    out
}

/// One captured frame.
pub(super) struct Frame<'a> {
    pub time_micros: i64,
    /// The LINKTYPE_ value of the interface that captured it.
    pub link_type: u32,
    pub data: &'a [u8],
    /// The app PCAPdroid recorded for the packet (pcapng uid comment + mapping).
    pub app: Option<String>,
}

/// What the reader found next.
pub(super) enum Next<'a> {
    Frame(Frame<'a>),
    /// A block that carries no packet (statistics, name resolution…).
    Skip,
    End,
    /// The file stops in the middle of a record; the reason says where.
    Truncated(String),
}

/// A reader over either container.
pub(super) enum Reader<'a> {
    Pcap(PcapReader<'a>),
    Pcapng(PcapngReader<'a>),
}

impl<'a> Reader<'a> {
    /// Parses the file header; a corrupt header is the reason string.
    pub fn open(bytes: &'a [u8]) -> Result<Self, String> {
        match sniff(bytes) {
            Some(Container::Pcap) => PcapReader::open(bytes).map(Reader::Pcap),
            Some(Container::Pcapng) => PcapngReader::open(bytes).map(Reader::Pcapng),
            None => Err("no pcap or pcapng magic number at the start".to_string()),
        }
    }

    pub fn next_frame(&mut self) -> Next<'a> {
        match self {
            Reader::Pcap(r) => r.next_frame(),
            Reader::Pcapng(r) => r.next_frame(),
        }
    }

    /// Bytes of the file consumed so far.
    pub fn bytes_done(&self) -> u64 {
        match self {
            Reader::Pcap(r) => r.total - r.rest.len() as u64,
            Reader::Pcapng(r) => r.total - r.rest.len() as u64,
        }
    }
}

pub(super) struct PcapReader<'a> {
    parser: PcapParser,
    header: PcapHeader,
    rest: &'a [u8],
    total: u64,
}

impl<'a> PcapReader<'a> {
    fn open(bytes: &'a [u8]) -> Result<Self, String> {
        let (rest, parser) = PcapParser::new(bytes).map_err(|e| format!("corrupt pcap file header: {e}"))?;
        let header = parser.header();
        Ok(Self {
            parser,
            header,
            rest,
            total: bytes.len() as u64,
        })
    }

    fn next_frame(&mut self) -> Next<'a> {
        if self.rest.is_empty() {
            return Next::End;
        }
        let offset = self.total - self.rest.len() as u64;
        let (rest, raw) = match self.parser.next_raw_packet(self.rest) {
            Ok(ok) => ok,
            Err(e) => return Next::Truncated(format!("packet record at byte {offset} is cut off or corrupt ({e})")),
        };
        self.rest = rest;
        let frac_micros = match self.header.ts_resolution {
            TsResolution::MicroSecond => i64::from(raw.ts_frac),
            TsResolution::NanoSecond => i64::from(raw.ts_frac) / 1000,
        };
        let data = match raw.data {
            std::borrow::Cow::Borrowed(data) => data,
            // pcap-file borrows when parsing a slice; an owned copy would be a library change.
            std::borrow::Cow::Owned(_) => return Next::Skip,
        };
        Next::Frame(Frame {
            time_micros: i64::from(raw.ts_sec) * 1_000_000 + frac_micros,
            // The upper bits may carry FCS information (pcap spec §"LinkType").
            link_type: u32::from(self.header.datalink) & 0x0FFF_FFFF,
            data,
            app: None,
        })
    }
}

/// Per-interface facts needed to read its packets.
#[derive(Clone, Copy)]
struct Interface {
    link_type: u32,
    units_per_second: u64,
    offset_seconds: i64,
}

pub(super) struct PcapngReader<'a> {
    parser: PcapNgParser,
    rest: &'a [u8],
    total: u64,
    last_time_micros: i64,
    /// PCAPdroid's uid → app mappings seen so far in the file.
    uid_apps: std::collections::HashMap<i32, String>,
}

impl<'a> PcapngReader<'a> {
    fn open(bytes: &'a [u8]) -> Result<Self, String> {
        let (rest, parser) = PcapNgParser::new(bytes).map_err(|e| format!("corrupt pcapng section header: {e}"))?;
        Ok(Self {
            parser,
            rest,
            total: bytes.len() as u64,
            last_time_micros: 0,
            uid_apps: std::collections::HashMap::new(),
        })
    }

    fn next_frame(&mut self) -> Next<'a> {
        if self.rest.is_empty() {
            return Next::End;
        }
        let offset = self.total - self.rest.len() as u64;
        let (rest, raw) = match self.parser.next_raw_block(self.rest) {
            Ok(ok) => ok,
            Err(PcapError::IncompleteBuffer) => {
                return Next::Truncated(format!("pcapng block at byte {offset} is cut off"));
            }
            Err(e) => return Next::Truncated(format!("pcapng block at byte {offset} is corrupt ({e})")),
        };
        self.rest = rest;
        let std::borrow::Cow::Borrowed(body) = raw.body else {
            return Next::Skip;
        };
        let big = self.parser.section().endianness == Endianness::Big;
        match raw.type_ {
            EPB | OBSOLETE_PB => self.packet_block(raw.type_, body, big),
            SPB => self.simple_packet_block(body, big),
            super::pcapdroid::CUSTOM_BLOCK => {
                if let Some((uid, app)) = super::pcapdroid::uid_map_block(body, big) {
                    self.uid_apps.insert(uid, app);
                }
                Next::Skip
            }
            _ => Next::Skip,
        }
    }

    /// Enhanced (and obsolete) Packet Block: interface, timestamp, data.
    fn packet_block(&mut self, block_type: u32, body: &'a [u8], big: bool) -> Next<'a> {
        let read = |at: usize| read_u32(body, at, big);
        let (Some(id_word), Some(high), Some(low), Some(captured)) = (read(0), read(4), read(8), read(12)) else {
            return Next::Skip;
        };
        // The obsolete Packet Block packs a 16-bit interface id with a drop count.
        let interface_id = if block_type == OBSOLETE_PB {
            if big { id_word >> 16 } else { id_word & 0xFFFF }
        } else {
            id_word
        };
        let Some(interface) = self.interface(interface_id) else {
            return Next::Skip;
        };
        let Some(data) = body.get(20..20usize.saturating_add(captured as usize)) else {
            return Next::Skip;
        };
        let raw_time = (u64::from(high) << 32) | u64::from(low);
        let time_micros = to_micros(raw_time, interface);
        self.last_time_micros = time_micros;
        let options_at = 20 + (captured as usize).next_multiple_of(4);
        let app = body
            .get(options_at..)
            .and_then(|options| self.comment_app(options, big));
        Next::Frame(Frame {
            time_micros,
            link_type: interface.link_type,
            data,
            app,
        })
    }

    /// The app named by a PCAPdroid `u-<uid>` comment among the options.
    fn comment_app(&self, mut options: &[u8], big: bool) -> Option<String> {
        const OPT_END: u16 = 0;
        const OPT_COMMENT: u16 = 1;
        while options.len() >= 4 {
            let read16 = |at: usize| {
                let pair = [options[at], options[at + 1]];
                if big {
                    u16::from_be_bytes(pair)
                } else {
                    u16::from_le_bytes(pair)
                }
            };
            let (code, len) = (read16(0), usize::from(read16(2)));
            if code == OPT_END {
                break;
            }
            let value = options.get(4..4 + len)?;
            if code == OPT_COMMENT
                && let Some(uid) = super::pcapdroid::comment_uid(value)
            {
                // `u--1`: PCAPdroid did not know the app.
                if uid == -1 {
                    return None;
                }
                return Some(self.uid_apps.get(&uid).cloned().unwrap_or_else(|| format!("uid {uid}")));
            }
            options = options.get(4 + len.next_multiple_of(4)..)?;
        }
        None
    }

    /// Simple Packet Block: interface 0, no timestamp (the previous one is reused).
    fn simple_packet_block(&self, body: &'a [u8], big: bool) -> Next<'a> {
        let (Some(interface), Some(original_len)) = (self.interface(0), read_u32(body, 0, big)) else {
            return Next::Skip;
        };
        let available = body.len().saturating_sub(4);
        let data = &body[4..4 + available.min(original_len as usize)];
        Next::Frame(Frame {
            time_micros: self.last_time_micros,
            link_type: interface.link_type,
            data,
            app: None,
        })
    }

    fn interface(&self, id: u32) -> Option<Interface> {
        let idb = self.parser.interfaces().get(id as usize)?;
        let mut interface = Interface {
            link_type: u32::from(idb.linktype),
            units_per_second: 1_000_000,
            offset_seconds: 0,
        };
        for option in &idb.options {
            match option {
                InterfaceDescriptionOption::IfTsResol(resolution) => {
                    interface.units_per_second = units_per_second(*resolution);
                }
                InterfaceDescriptionOption::IfTsOffset(seconds) => {
                    interface.offset_seconds = i64::try_from(*seconds).unwrap_or(0);
                }
                _ => {}
            }
        }
        Some(interface)
    }
}

/// `if_tsresol`: high bit set means a power of two, else a power of ten.
fn units_per_second(resolution: u8) -> u64 {
    let exponent = u32::from(resolution & 0x7F);
    let units = if resolution & 0x80 == 0 {
        10u64.checked_pow(exponent)
    } else {
        2u64.checked_pow(exponent)
    };
    units.unwrap_or(1_000_000).max(1)
}

fn to_micros(raw_time: u64, interface: Interface) -> i64 {
    let micros = u128::from(raw_time) * 1_000_000 / u128::from(interface.units_per_second);
    i64::try_from(micros)
        .unwrap_or(i64::MAX)
        .saturating_add(interface.offset_seconds.saturating_mul(1_000_000))
}

fn read_u32(bytes: &[u8], at: usize, big: bool) -> Option<u32> {
    let b: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
    Some(if big {
        u32::from_be_bytes(b)
    } else {
        u32::from_le_bytes(b)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_all_magics() {
        for magic in PCAP_MAGICS {
            assert_eq!(sniff(&magic.to_be_bytes()), Some(Container::Pcap));
        }
        let mut shb = vec![0x0A, 0x0D, 0x0D, 0x0A, 28, 0, 0, 0];
        shb.extend_from_slice(&0x1A2B_3C4Du32.to_le_bytes());
        assert_eq!(sniff(&shb), Some(Container::Pcapng));
        assert_eq!(sniff(b"{\"log\""), None);
    }

    #[test]
    fn timestamp_resolutions() {
        assert_eq!(units_per_second(6), 1_000_000);
        assert_eq!(units_per_second(9), 1_000_000_000);
        assert_eq!(units_per_second(0x80 | 10), 1024);
    }
}
