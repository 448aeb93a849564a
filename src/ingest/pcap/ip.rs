//! Turns an IP packet into a TCP segment: IPv4 and IPv6 (extension headers,
//! including atomic fragments, are skipped by `etherparse`), with IPv4
//! fragments reassembled.
//!
//! Limits: at most [`MAX_PENDING_DATAGRAMS`] IPv4 datagrams wait for their
//! fragments at once; beyond that the oldest half-built ones are dropped.
//! Fragmented IPv6 payloads are not reassembled (rare for TCP) and count as
//! skipped.

use etherparse::{IpNumber, LaxIpSlice, TcpSlice};
use std::borrow::Cow;
use std::collections::HashMap;
use std::net::IpAddr;

const MAX_PENDING_DATAGRAMS: usize = 1024;
/// An IPv4 datagram cannot be longer than this.
const MAX_DATAGRAM_BYTES: usize = 65_535;

/// The parts of a TCP segment reassembly needs.
#[derive(Clone, Debug)]
pub(super) struct Segment<'a> {
    pub src: (IpAddr, u16),
    pub dst: (IpAddr, u16),
    pub seq: u32,
    pub syn: bool,
    pub ack: bool,
    pub fin: bool,
    pub rst: bool,
    pub payload: Cow<'a, [u8]>,
}

/// Summary wording for QUIC: HTTP/3 is out of scope, and the user is told so.
pub(super) const QUIC_PACKETS: &str =
    "QUIC packets (HTTP/3 over UDP 443 is not read by Telltale; the app's HTTP/3 traffic is missing)";

/// A UDP datagram to or from port 443 that starts with a QUIC long header
/// (RFC 9000 §17.2: header form and fixed bit set, non-zero version).
fn is_quic(udp: &[u8]) -> bool {
    let (Some(ports), Some(quic)) = (udp.get(..4), udp.get(8..)) else {
        return false;
    };
    let (src, dst) = (
        u16::from_be_bytes([ports[0], ports[1]]),
        u16::from_be_bytes([ports[2], ports[3]]),
    );
    (src == 443 || dst == 443) && quic.len() >= 5 && quic[0] & 0xC0 == 0xC0 && quic[1..5] != [0, 0, 0, 0]
}

/// What an IP packet turned out to be.
pub(super) enum Parsed<'a> {
    Tcp(Segment<'a>),
    /// A fragment is buffered; its datagram is not complete yet.
    FragmentPending,
    /// Not TCP, or not parseable; the str says what, for the summary.
    Other(Option<&'static str>),
}

type FragmentKey = (IpAddr, IpAddr, u16, u8);

/// Fragments of one IPv4 datagram: (byte offset, bytes) and the total length once known.
#[derive(Default)]
struct Datagram {
    pieces: Vec<(usize, Vec<u8>)>,
    total_len: Option<usize>,
    arrival: u64,
}

/// IPv4 fragment reassembly across packets.
#[derive(Default)]
pub(super) struct IpLayer {
    pending: HashMap<FragmentKey, Datagram>,
    arrivals: u64,
}

impl IpLayer {
    /// Parses one IP packet (trailing link padding is cut by the IP length).
    pub fn parse<'a>(&mut self, packet: &'a [u8]) -> Parsed<'a> {
        let Ok((ip, _ext_error)) = LaxIpSlice::from_slice(packet) else {
            return Parsed::Other(Some("malformed IP packets"));
        };
        let (src, dst) = (ip.source_addr(), ip.destination_addr());
        let payload = ip.payload();
        if payload.ip_number == IpNumber::UDP && is_quic(payload.payload) {
            return Parsed::Other(Some(QUIC_PACKETS));
        }
        if payload.ip_number != IpNumber::TCP {
            return Parsed::Other(None);
        }
        match &ip {
            LaxIpSlice::Ipv4(v4) if v4.is_payload_fragmented() => {
                let header = v4.header();
                let key = (src, dst, header.identification(), header.protocol().0);
                let offset = usize::from(u16::from(header.fragments_offset())) * 8;
                self.add_fragment(key, offset, header.more_fragments(), payload.payload)
            }
            LaxIpSlice::Ipv6(v6) if v6.is_payload_fragmented() => Parsed::Other(Some("fragmented IPv6 packets")),
            _ => tcp_segment(src, dst, Cow::Borrowed(payload.payload)),
        }
    }

    fn add_fragment<'a>(&mut self, key: FragmentKey, offset: usize, more: bool, bytes: &[u8]) -> Parsed<'a> {
        if offset + bytes.len() > MAX_DATAGRAM_BYTES {
            return Parsed::Other(Some("malformed IP fragments"));
        }
        if self.pending.len() >= MAX_PENDING_DATAGRAMS && !self.pending.contains_key(&key) {
            self.drop_oldest();
        }
        self.arrivals += 1;
        let arrival = self.arrivals;
        let datagram = self.pending.entry(key).or_insert_with(|| Datagram {
            arrival,
            ..Datagram::default()
        });
        datagram.pieces.push((offset, bytes.to_vec()));
        if !more {
            datagram.total_len = Some(offset + bytes.len());
        }
        let Some(whole) = assemble(datagram) else {
            return Parsed::FragmentPending;
        };
        self.pending.remove(&key);
        tcp_segment(key.0, key.1, Cow::Owned(whole))
    }

    fn drop_oldest(&mut self) {
        if let Some(oldest) = self.pending.iter().min_by_key(|(_, d)| d.arrival).map(|(k, _)| *k) {
            self.pending.remove(&oldest);
        }
    }
}

/// The datagram's payload once its fragments cover it without holes.
fn assemble(datagram: &mut Datagram) -> Option<Vec<u8>> {
    let total = datagram.total_len?;
    datagram.pieces.sort_by_key(|(offset, _)| *offset);
    let mut whole = vec![0u8; total];
    let mut covered = 0;
    for (offset, bytes) in &datagram.pieces {
        if *offset > covered {
            return None;
        }
        let end = (offset + bytes.len()).min(total);
        if end > covered {
            whole[covered..end].copy_from_slice(&bytes[covered - offset..end - offset]);
            covered = end;
        }
    }
    (covered == total).then_some(whole)
}

fn tcp_segment(src: IpAddr, dst: IpAddr, payload: Cow<'_, [u8]>) -> Parsed<'_> {
    let Ok(tcp) = TcpSlice::from_slice(&payload) else {
        return Parsed::Other(Some("malformed TCP segments"));
    };
    let header_len = tcp.header_slice().len();
    let (src_port, dst_port, seq) = (tcp.source_port(), tcp.destination_port(), tcp.sequence_number());
    let (syn, ack, fin, rst) = (tcp.syn(), tcp.ack(), tcp.fin(), tcp.rst());
    let data = match payload {
        Cow::Borrowed(bytes) => Cow::Borrowed(&bytes[header_len..]),
        Cow::Owned(mut bytes) => {
            bytes.drain(..header_len);
            Cow::Owned(bytes)
        }
    };
    Parsed::Tcp(Segment {
        src: (src, src_port),
        dst: (dst, dst_port),
        seq,
        syn,
        ack,
        fin,
        rst,
        payload: data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ipv4(id: u16, frag_word: u16, payload: &[u8]) -> Vec<u8> {
        let total = u16::try_from(20 + payload.len()).expect("small");
        let mut p = vec![0x45, 0];
        p.extend_from_slice(&total.to_be_bytes());
        p.extend_from_slice(&id.to_be_bytes());
        p.extend_from_slice(&frag_word.to_be_bytes());
        p.extend_from_slice(&[64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
        p.extend_from_slice(payload);
        p
    }

    fn tcp_header(seq: u32) -> Vec<u8> {
        let mut t = vec![0x30, 0x39, 0, 80];
        t.extend_from_slice(&seq.to_be_bytes());
        t.extend_from_slice(&[0, 0, 0, 0, 0x50, 0x18, 0xFF, 0xFF, 0, 0, 0, 0]);
        t
    }

    #[test]
    fn reassembles_ipv4_fragments_out_of_order() {
        let mut whole = tcp_header(7);
        whole.extend_from_slice(b"GET / HTTP/1.1\r\n\r\n");
        let (first, second) = whole.split_at(16);
        let mut layer = IpLayer::default();
        assert!(matches!(layer.parse(&ipv4(9, 2, second)), Parsed::FragmentPending));
        match layer.parse(&ipv4(9, 0x2000, first)) {
            Parsed::Tcp(segment) => {
                assert_eq!(segment.seq, 7);
                assert_eq!(&segment.payload[..], b"GET / HTTP/1.1\r\n\r\n");
            }
            _ => panic!("expected a reassembled TCP segment"),
        }
    }

    #[test]
    fn padding_after_ip_is_ignored() {
        let mut packet = ipv4(1, 0x4000, &tcp_header(1));
        packet.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        match IpLayer::default().parse(&packet) {
            Parsed::Tcp(segment) => assert!(segment.payload.is_empty()),
            _ => panic!("expected TCP"),
        }
    }
}
