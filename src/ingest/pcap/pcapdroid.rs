//! PCAPdroid app metadata: with "PCAPdroid trailer" enabled, PCAPdroid
//! appends 32 bytes to every frame naming the Android app that owned the
//! connection.
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

#[cfg(test)]
mod tests {
    use super::*;

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
