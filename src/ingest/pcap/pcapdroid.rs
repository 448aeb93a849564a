//! PCAPdroid app metadata, in its two forms:
//!
//! - **pcap with "PCAPdroid trailer"**: 32 bytes appended to every frame
//!   naming the Android app that owned the connection (layout below).
//! - **pcapng with extensions**: a Custom Block (type `0x00000BAD`, PEN
//!   62652) per uid mapping it to a package and app name, written lazily
//!   just before that uid's first packet, and on every Enhanced Packet Block
//!   an `opt_comment` `u-<uid>` (`u--1` when the uid is unknown). Block
//!   fields (host order, little-endian on Android): PEN u32, version u16
//!   (= 1), type u8 (1 = uid map), padding u8, uid i32, package-name length
//!   u8, app-name length u8, the two names, zero padding to 4 bytes. Blocks
//!   with another PEN, type or a version above 1 are ignored; the byte order
//!   is taken from the version field, as PCAPdroid's Wireshark dissector does.
//! - **records too big for the snap length**: PCAPdroid then writes neither
//!   the trailer nor the fake Ethernet header, so the record is a bare IP
//!   packet inside an Ethernet file ([`bare_ip`] recognises it).
//!
//! Trailer layout (last 32 bytes of the frame, after 0–3 bytes of padding
//! that align it to 4): magic `0x01072021` (u32 big-endian), uid (i32
//! big-endian), app name (20 bytes, NUL-padded), FCS (u32 little-endian).
//! The IP length field excludes the padding and trailer, so the IP layer
//! treats them as link padding. See `../shared/PCAPDROID.md` for the source.

const MAGIC: [u8; 4] = 0x0107_2021u32.to_be_bytes();
const TRAILER_BYTES: usize = 32;
const NAME_BYTES: usize = 20;

/// The app named by a PCAPdroid trailer, if `frame` ends with one.
pub(super) fn trailer_app(frame: &[u8]) -> Option<String> {
    // PCAPdroid's reader wants more than a fake Ethernet header and the trailer.
    if frame.len() <= 14 + TRAILER_BYTES {
        return None;
    }
    let start = frame.len() - TRAILER_BYTES;
    let trailer = &frame[start..];
    if trailer[..4] != MAGIC {
        return None;
    }
    let uid = i32::from_be_bytes([trailer[4], trailer[5], trailer[6], trailer[7]]);
    let name = &trailer[8..8 + NAME_BYTES];
    let name_len = name.iter().position(|b| *b == 0).unwrap_or(NAME_BYTES);
    let name = String::from_utf8_lossy(&name[..name_len]).trim().to_string();
    // Some system traffic has no package name, only a uid; -1 is "unknown".
    match (name.is_empty(), uid) {
        (false, _) => Some(name),
        (true, -1) => None,
        (true, uid) => Some(format!("uid {uid}")),
    }
}

/// Custom Block type (pcapng draft, section 4.8) that PCAPdroid writes.
pub(super) const CUSTOM_BLOCK: u32 = 0x0000_0BAD;

/// PCAPdroid's IANA Private Enterprise Number.
const PEN: u32 = 62_652;
const UID_MAP: u8 = 1;

/// Reads a PCAPdroid uid-mapping Custom Block body (after type and length):
/// returns the uid and the package name (or the app name when the package
/// is empty). `None` for other vendors' blocks, other block types, newer
/// versions and damaged blocks.
pub(super) fn uid_map_block(body: &[u8], _section_big_endian: bool) -> Option<(i32, String)> {
    let version_bytes = [*body.get(4)?, *body.get(5)?];
    // Byte order: the one in which the version reads as 1.
    let big = match (u16::from_le_bytes(version_bytes), u16::from_be_bytes(version_bytes)) {
        (1, _) => false,
        (_, 1) => true,
        _ => return None,
    };
    let word = |at: usize| -> Option<[u8; 4]> { body.get(at..at + 4)?.try_into().ok() };
    let pen = if big {
        u32::from_be_bytes(word(0)?)
    } else {
        u32::from_le_bytes(word(0)?)
    };
    if pen != PEN || *body.get(6)? != UID_MAP {
        return None;
    }
    let uid = if big {
        i32::from_be_bytes(word(8)?)
    } else {
        i32::from_le_bytes(word(8)?)
    };
    let (package_len, app_len) = (usize::from(*body.get(12)?), usize::from(*body.get(13)?));
    let package = std::str::from_utf8(body.get(14..14 + package_len)?).ok()?;
    let app = std::str::from_utf8(body.get(14 + package_len..14 + package_len + app_len)?).ok()?;
    let name = if package.is_empty() { app } else { package };
    (!name.is_empty() && name.chars().all(|c| !c.is_control())).then(|| (uid, name.to_string()))
}

/// True when an "Ethernet" record of a PCAPdroid file is really a bare IP
/// packet (written without fake header and trailer because it exceeded the
/// snap length): IPv4/IPv6 version nibble and an IP length that is exactly
/// the record's.
pub(super) fn bare_ip(frame: &[u8]) -> bool {
    match frame.first().map(|b| b >> 4) {
        Some(4) if frame.len() >= 20 => {
            frame[0] & 0x0F >= 5 && usize::from(u16::from_be_bytes([frame[2], frame[3]])) == frame.len()
        }
        Some(6) if frame.len() >= 40 => usize::from(u16::from_be_bytes([frame[4], frame[5]])) + 40 == frame.len(),
        _ => false,
    }
}

/// The uid in a PCAPdroid packet comment (`u-10123`).
pub(super) fn comment_uid(comment: &[u8]) -> Option<i32> {
    std::str::from_utf8(comment)
        .ok()?
        .trim_end_matches('\0')
        .strip_prefix("u-")?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A uid-mapping block body as PCAPdroid writes it (u8 version and type,
    /// u8 name lengths), padded to 4 bytes.
    fn uid_map_body(uid: i32, package: &str, app: &str) -> Vec<u8> {
        let mut body = PEN.to_le_bytes().to_vec();
        body.extend_from_slice(&1u16.to_le_bytes());
        body.extend_from_slice(&[UID_MAP, 0]);
        body.extend_from_slice(&uid.to_le_bytes());
        body.extend_from_slice(&[package.len() as u8, app.len() as u8]);
        body.extend_from_slice(package.as_bytes());
        body.extend_from_slice(app.as_bytes());
        while !body.len().is_multiple_of(4) {
            body.push(0);
        }
        body
    }

    #[test]
    fn uid_map_block_is_read() {
        let body = uid_map_body(10_123, "com.example.browser", "Example Browser");
        assert_eq!(
            uid_map_block(&body, false),
            Some((10_123, "com.example.browser".to_string()))
        );
        let system = uid_map_body(1000, "", "Android System");
        assert_eq!(
            uid_map_block(&system, false),
            Some((1000, "Android System".to_string()))
        );
        assert_eq!(uid_map_block(b"\x01\x02\x03", false), None);
        assert_eq!(uid_map_block(&[0u8; 64], false), None);
        let mut other_vendor = body.clone();
        other_vendor[..4].copy_from_slice(&32_473u32.to_le_bytes());
        assert_eq!(uid_map_block(&other_vendor, false), None);
        let mut newer = body.clone();
        newer[4..6].copy_from_slice(&2u16.to_le_bytes());
        assert_eq!(uid_map_block(&newer, false), None);
    }

    #[test]
    fn packet_comment_names_the_uid() {
        assert_eq!(comment_uid(b"u-10123"), Some(10_123));
        assert_eq!(comment_uid(b"u--1"), Some(-1));
        assert_eq!(comment_uid(b"hello"), None);
    }

    /// An Ethernet frame carrying a tiny IPv4/TCP packet, then a trailer.
    fn frame_with_trailer(app: &str, uid: i32) -> Vec<u8> {
        let mut frame = vec![0u8; 12];
        frame.extend_from_slice(&[0x08, 0x00]);
        frame.extend_from_slice(&[0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
        frame.extend_from_slice(&[
            0x30, 0x39, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xFF, 0xFF, 0, 0, 0, 0,
        ]);
        frame.extend_from_slice(&MAGIC);
        frame.extend_from_slice(&uid.to_be_bytes());
        let mut name = [0u8; NAME_BYTES];
        name[..app.len()].copy_from_slice(app.as_bytes());
        frame.extend_from_slice(&name);
        frame.extend_from_slice(&[0xDE, 0xAD, 0xBE, 0xEF]);
        frame
    }

    #[test]
    fn reads_app_name_from_trailer() {
        let frame = frame_with_trailer("com.example.app", 10123);
        assert_eq!(trailer_app(&frame).as_deref(), Some("com.example.app"));
    }

    #[test]
    fn uid_when_name_is_empty() {
        assert_eq!(trailer_app(&frame_with_trailer("", 1000)).as_deref(), Some("uid 1000"));
    }

    #[test]
    fn ordinary_frames_have_no_trailer() {
        let frame = frame_with_trailer("x", 1);
        assert_eq!(trailer_app(&frame[..frame.len() - 1]), None);
        assert_eq!(trailer_app(b"short"), None);
    }

    #[test]
    fn trailer_does_not_disturb_ip_parsing() {
        let frame = frame_with_trailer("com.example.app", 10123);
        let super::super::link::Network::Ip(ip) = super::super::link::network_layer(1, &frame) else {
            panic!("expected IP");
        };
        let parsed = super::super::ip::IpLayer::default().parse(ip);
        let super::super::ip::Parsed::Tcp(segment) = parsed else {
            panic!("expected TCP")
        };
        assert!(segment.syn && segment.payload.is_empty());
    }
}
