//! PCAPdroid app metadata, in its two forms:
//!
//! - **pcap with "PCAPdroid trailer"**: 32 bytes appended to every frame
//!   naming the Android app that owned the connection (layout below).
//! - **pcapng with extensions**: a Custom Block (type `0x00000BAD`) per uid
//!   mapping it to a package and app name, and on every Enhanced Packet Block
//!   an `opt_comment` `u-<uid>` (PCAPdroid writes the uid as a comment so that
//!   Wireshark shows it). The custom block's fields are, in order: PEN,
//!   version, block type, uid, package-name length, app-name length, the two
//!   names, padding to 4 bytes. The widths of the middle fields are read by
//!   trying the plausible ones and keeping the one whose name lengths fill
//!   the block exactly, so a PCAPdroid update that widens a field still reads.
//!
//! Layout (last 32 bytes of the frame): magic `0x01072021` (u32 big-endian),
//! uid (i32 big-endian), app name (20 bytes, NUL-padded), FCS (u32). The IP
//! length field excludes the trailer, so the IP layer treats it as padding.

const MAGIC: [u8; 4] = 0x0107_2021u32.to_be_bytes();
const TRAILER_BYTES: usize = 32;
const NAME_BYTES: usize = 20;

/// The app named by a PCAPdroid trailer, if `frame` ends with one.
pub(super) fn trailer_app(frame: &[u8]) -> Option<String> {
    let start = frame.len().checked_sub(TRAILER_BYTES)?;
    let trailer = &frame[start..];
    if trailer[..4] != MAGIC {
        return None;
    }
    let uid = i32::from_be_bytes([trailer[4], trailer[5], trailer[6], trailer[7]]);
    let name = &trailer[8..8 + NAME_BYTES];
    let name_len = name.iter().position(|b| *b == 0).unwrap_or(NAME_BYTES);
    let name = String::from_utf8_lossy(&name[..name_len]).trim().to_string();
    // Some system traffic has no package name, only a uid.
    Some(if name.is_empty() { format!("uid {uid}") } else { name })
}

/// Custom Block type (pcapng draft, section 4.8) that PCAPdroid writes.
pub(super) const CUSTOM_BLOCK: u32 = 0x0000_0BAD;

/// Field widths tried for (version + type, each name length).
const UID_MAP_LAYOUTS: [(usize, usize); 6] = [(2, 1), (2, 2), (4, 1), (4, 2), (2, 4), (8, 4)];

/// Reads a PCAPdroid uid-mapping Custom Block body (after type and length):
/// returns the uid and the package name (or app name when the package is empty).
pub(super) fn uid_map_block(body: &[u8], big: bool) -> Option<(i32, String)> {
    const PEN_BYTES: usize = 4;
    const UID_BYTES: usize = 4;
    UID_MAP_LAYOUTS.iter().find_map(|&(header, width)| {
        let uid_at = PEN_BYTES + header;
        let lens_at = uid_at + UID_BYTES;
        let names_at = lens_at + 2 * width;
        let uid = i32::from_le_bytes(body.get(uid_at..lens_at)?.try_into().ok()?);
        let uid = if big {
            i32::from_be_bytes(uid.to_le_bytes())
        } else {
            uid
        };
        let package_len = read_len(body.get(lens_at..lens_at + width)?, big)?;
        let app_len = read_len(body.get(lens_at + width..names_at)?, big)?;
        let names_end = names_at.checked_add(package_len)?.checked_add(app_len)?;
        // The names must fill the block up to its padding (< 4 bytes).
        let padding = body.len().checked_sub(names_end)?;
        if padding >= 4 || body[names_end..].iter().any(|b| *b != 0) {
            return None;
        }
        let package = std::str::from_utf8(&body[names_at..names_at + package_len]).ok()?;
        let app = std::str::from_utf8(&body[names_at + package_len..names_end]).ok()?;
        let name = if package.is_empty() { app } else { package };
        (!name.is_empty() && name.chars().all(|c| !c.is_control())).then(|| (uid, name.to_string()))
    })
}

fn read_len(bytes: &[u8], big: bool) -> Option<usize> {
    let mut value: u64 = 0;
    let ordered: Vec<u8> = if big {
        bytes.to_vec()
    } else {
        bytes.iter().rev().copied().collect()
    };
    for byte in ordered {
        value = (value << 8) | u64::from(byte);
    }
    usize::try_from(value).ok().filter(|len| *len <= 4096)
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
        let mut body = 0x0000_7a69u32.to_le_bytes().to_vec();
        body.extend_from_slice(&[1, 1]);
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
