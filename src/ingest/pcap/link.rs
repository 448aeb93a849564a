//! Strips link-layer headers and returns the IP packet inside a frame.
//!
//! Supported: Ethernet (any number of 802.1Q / 802.1ad / QinQ tags, PPPoE
//! sessions; padding is left for the IP layer to cut by its length field),
//! Linux cooked capture v1 and v2, BSD loopback (NULL, both byte orders) and
//! OpenBSD LOOP, raw IP (101, 12, 14, 228, 229), NFLOG (payload TLV 9), and
//! unfragmented Linux ARCNET RFC 1201 packets. Everything else is
//! [`Network::UnknownLink`], which the importer reports once per link type.

/// What a frame holds at the network layer.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Network<'a> {
    /// An IPv4 or IPv6 packet (possibly followed by padding).
    Ip(&'a [u8]),
    /// ARP, LLDP, … or a header too short to tell.
    NotIp,
    /// The file's link type is not one Telltale reads.
    UnknownLink,
}

const NULL: u32 = 0;
pub(super) const ETHERNET: u32 = 1;
const ARCNET_BSD: u32 = 7;
const RAW_BSD: u32 = 12;
const RAW_OPENBSD: u32 = 14;
const RAW: u32 = 101;
const LOOP: u32 = 108;
const LINUX_SLL: u32 = 113;
const ARCNET_LINUX: u32 = 129;
const IPV4: u32 = 228;
const IPV6: u32 = 229;
const NFLOG: u32 = 239;
const LINUX_SLL2: u32 = 276;

const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_IPV6: u16 = 0x86DD;
const ETHERTYPE_PPPOE_SESSION: u16 = 0x8864;
const VLAN_TAGS: [u16; 3] = [0x8100, 0x88A8, 0x9100];

/// A name for a link type, for the "skipped" warning.
pub(super) fn link_type_name(link_type: u32) -> String {
    let name = match link_type {
        6 => "Token Ring",
        9 => "PPP",
        105 => "IEEE 802.11 Wi-Fi",
        127 => "IEEE 802.11 radiotap",
        147..=162 => "user-defined",
        _ => return format!("link type {link_type}"),
    };
    format!("{name} (link type {link_type})")
}

/// Finds the IP packet in `frame` captured on `link_type`.
pub(super) fn network_layer(link_type: u32, frame: &[u8]) -> Network<'_> {
    match link_type {
        ETHERNET => ethernet(frame),
        NULL | LOOP => loopback(frame),
        RAW | RAW_BSD | RAW_OPENBSD | IPV4 | IPV6 => ip_by_version(frame),
        LINUX_SLL => ethertype_payload(be16(frame, 14), frame.get(16..)),
        LINUX_SLL2 => ethertype_payload(be16(frame, 0), frame.get(20..)),
        NFLOG => nflog(frame),
        ARCNET_LINUX => arcnet(frame.get(4..)),
        ARCNET_BSD => arcnet(frame.get(2..)),
        _ => Network::UnknownLink,
    }
}

fn ethernet(frame: &[u8]) -> Network<'_> {
    let mut at = 12;
    loop {
        let Some(ethertype) = be16(frame, at) else {
            return Network::NotIp;
        };
        if VLAN_TAGS.contains(&ethertype) {
            at += 4;
            continue;
        }
        if ethertype == ETHERTYPE_PPPOE_SESSION {
            return pppoe(frame.get(at + 2..));
        }
        return ethertype_payload(Some(ethertype), frame.get(at + 2..));
    }
}

/// PPPoE session header (6 bytes) then the 2-byte PPP protocol.
fn pppoe(rest: Option<&[u8]>) -> Network<'_> {
    let Some(rest) = rest else { return Network::NotIp };
    match (be16(rest, 6), rest.get(8..)) {
        (Some(0x0021 | 0x0057), Some(ip)) => ip_by_version(ip),
        _ => Network::NotIp,
    }
}

fn ethertype_payload(ethertype: Option<u16>, payload: Option<&[u8]>) -> Network<'_> {
    match (ethertype, payload) {
        (Some(ETHERTYPE_IPV4 | ETHERTYPE_IPV6), Some(ip)) => ip_by_version(ip),
        _ => Network::NotIp,
    }
}

/// BSD loopback: a 4-byte address family in the capturing host's byte
/// order (NULL) or network order (LOOP). AF_INET is 2 everywhere; AF_INET6
/// is 24, 28 or 30 depending on the BSD.
fn loopback(frame: &[u8]) -> Network<'_> {
    let Some(family) = frame.get(..4) else {
        return Network::NotIp;
    };
    let family_be = u32::from_be_bytes([family[0], family[1], family[2], family[3]]);
    let family_le = family_be.swap_bytes();
    let known = |f: u32| matches!(f, 2 | 10 | 24 | 28 | 30);
    if known(family_be) || known(family_le) {
        ip_by_version(&frame[4..])
    } else {
        Network::NotIp
    }
}

fn ip_by_version(packet: &[u8]) -> Network<'_> {
    match packet.first().map(|b| b >> 4) {
        Some(4 | 6) => Network::Ip(packet),
        _ => Network::NotIp,
    }
}

/// NFLOG: family, version, resource id, then TLVs in host byte order
/// (little-endian on every Linux that writes these files). TLV 9 is the
/// packet payload.
fn nflog(frame: &[u8]) -> Network<'_> {
    const NFULA_PAYLOAD: u16 = 9;
    let mut at = 4;
    while let (Some(length), Some(kind)) = (le16(frame, at), le16(frame, at + 2)) {
        let length = usize::from(length);
        if length < 4 {
            return Network::NotIp;
        }
        if kind & 0x7FFF == NFULA_PAYLOAD {
            return frame.get(at + 4..at + length).map_or(Network::NotIp, ip_by_version);
        }
        // TLVs are padded to 4 bytes.
        at += (length + 3) & !3;
    }
    Network::NotIp
}

/// ARCNET RFC 1201 after the source/destination (and Linux offset) bytes:
/// protocol id, split flag, 2-byte sequence, then IP. Split packets
/// (fragmented ARCNET frames) are not reassembled.
fn arcnet(rest: Option<&[u8]>) -> Network<'_> {
    const RFC1201_IP: u8 = 0xD4;
    match rest {
        Some([RFC1201_IP, 0, _, _, ip @ ..]) => ip_by_version(ip),
        _ => Network::NotIp,
    }
}

fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn le16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: [u8; 4] = [0x45, 0, 0, 20];

    #[test]
    fn ethernet_with_qinq() {
        let mut frame = vec![0u8; 12];
        frame.extend_from_slice(&[0x88, 0xA8, 0, 1, 0x81, 0x00, 0, 2, 0x08, 0x00]);
        frame.extend_from_slice(&IP);
        assert_eq!(network_layer(ETHERNET, &frame), Network::Ip(&IP));
    }

    #[test]
    fn loopback_both_byte_orders() {
        for family in [[2, 0, 0, 0], [0, 0, 0, 2], [30, 0, 0, 0]] {
            let mut frame = family.to_vec();
            frame.extend_from_slice(&IP);
            assert_eq!(network_layer(NULL, &frame), Network::Ip(&IP));
        }
    }

    #[test]
    fn nflog_finds_payload_tlv() {
        let mut frame = vec![2, 0, 0, 0];
        frame.extend_from_slice(&[5, 0, 1, 0, 0xAA, 0, 0, 0]); // padded TLV type 1
        frame.extend_from_slice(&[8, 0, 9, 0]);
        frame.extend_from_slice(&IP);
        assert_eq!(network_layer(NFLOG, &frame), Network::Ip(&IP));
    }

    #[test]
    fn unknown_link_type() {
        assert_eq!(network_layer(105, &IP), Network::UnknownLink);
    }
}
