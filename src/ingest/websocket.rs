//! WebSocket frames (RFC 6455) after an HTTP/1.1 Upgrade, read from one
//! direction of a reassembled connection, turned into whole messages.
//!
//! Frames are unmasked (client frames carry a 4-byte mask), fragments
//! (opcode 0 continuations) are joined into their message, control frames
//! (close, ping, pong) are counted but are not messages, and a message with
//! RSV1 set is inflated when the handshake agreed on `permessage-deflate`
//! (RFC 7692: raw deflate with `00 00 ff ff` appended, one inflater per
//! direction so context takeover works). A frame cut off by the end of the
//! capture ends the reading with a note. Inflated output is capped at
//! [`MAX_MESSAGE_BYTES`]; beyond that the message keeps its compressed bytes
//! and a note.

use crate::model::WebSocketMessage;

/// Largest message kept (after inflating).
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// What one direction held.
#[derive(Debug, Default)]
pub struct Frames {
    pub messages: Vec<WebSocketMessage>,
    /// Every frame, data and control.
    pub frame_count: usize,
    pub control_count: usize,
    /// Problems (a cut-off frame, an undecodable deflate stream).
    pub notes: Vec<String>,
}

/// The messages in `data`; `time_at` gives the capture time of a byte offset.
pub fn read_messages(data: &[u8], from_client: bool, deflate: bool, time_at: &dyn Fn(usize) -> Option<i64>) -> Frames {
    let mut out = Frames::default();
    let mut inflater = deflate.then(|| flate2::Decompress::new(false));
    let mut pending: Option<(bool, bool, usize, Vec<u8>)> = None; // (text, compressed, start, bytes)
    let mut at = 0;
    while at < data.len() {
        let Some(frame) = Frame::parse(&data[at..]) else {
            out.notes.push(format!(
                "WebSocket frame cut off at byte {at} of the stream (capture ends inside it)"
            ));
            break;
        };
        out.frame_count += 1;
        let start = at;
        at += frame.total_len;
        match frame.opcode {
            0x8..=0xF => out.control_count += 1,
            0x1 | 0x2 => {
                if pending.is_some() {
                    out.notes
                        .push("a WebSocket message started before the previous one ended".to_string());
                }
                pending = Some((frame.opcode == 1, frame.rsv1, start, frame.payload));
            }
            0x0 => match pending.as_mut() {
                Some((_, _, _, bytes)) => bytes.extend_from_slice(&frame.payload),
                None => out
                    .notes
                    .push("a WebSocket continuation frame without a message".to_string()),
            },
            other => out.notes.push(format!("WebSocket frame with reserved opcode {other}")),
        }
        if frame.fin
            && frame.opcode <= 2
            && let Some((text, compressed, start, bytes)) = pending.take()
        {
            let mut message = WebSocketMessage {
                from_client,
                time_micros: time_at(start),
                text,
                payload: bytes,
                note: None,
            };
            if compressed {
                inflate_message(&mut message, inflater.as_mut());
            }
            out.messages.push(message);
        }
    }
    out
}

fn inflate_message(message: &mut WebSocketMessage, inflater: Option<&mut flate2::Decompress>) {
    let Some(inflater) = inflater else {
        message.note = Some("compressed (RSV1) but the handshake agreed on no permessage-deflate".to_string());
        return;
    };
    let mut input = std::mem::take(&mut message.payload);
    input.extend_from_slice(&[0, 0, 0xFF, 0xFF]);
    let mut output = Vec::with_capacity(input.len() * 4);
    let mut consumed = 0usize;
    loop {
        if output.len() >= MAX_MESSAGE_BYTES {
            message.note = Some(format!(
                "inflated message larger than {} MiB; kept compressed",
                MAX_MESSAGE_BYTES >> 20
            ));
            input.truncate(input.len() - 4);
            message.payload = input;
            return;
        }
        output.reserve(64 * 1024);
        let before_in = inflater.total_in();
        let before_out = inflater.total_out();
        let result = inflater.decompress_vec(&input[consumed..], &mut output, flate2::FlushDecompress::Sync);
        consumed += usize::try_from(inflater.total_in() - before_in).unwrap_or(0);
        let produced = inflater.total_out() - before_out;
        match result {
            Ok(_) if consumed >= input.len() && produced == 0 => break,
            Ok(_) if consumed >= input.len() && output.len() < output.capacity() => break,
            Ok(flate2::Status::StreamEnd) => break,
            Ok(_) => {}
            Err(e) => {
                message.note = Some(format!("not valid permessage-deflate ({e}); kept as captured"));
                input.truncate(input.len() - 4);
                message.payload = input;
                return;
            }
        }
    }
    message.payload = output;
}

/// One frame's header fields and its unmasked payload.
struct Frame {
    fin: bool,
    rsv1: bool,
    opcode: u8,
    payload: Vec<u8>,
    total_len: usize,
}

impl Frame {
    /// `None` when `data` ends inside the frame.
    fn parse(data: &[u8]) -> Option<Frame> {
        let (&b0, &b1) = (data.first()?, data.get(1)?);
        let masked = b1 & 0x80 != 0;
        let (len, mut at) = match b1 & 0x7F {
            126 => (u64::from(u16::from_be_bytes([*data.get(2)?, *data.get(3)?])), 4),
            127 => (u64::from_be_bytes(data.get(2..10)?.try_into().ok()?), 10),
            short => (u64::from(short), 2),
        };
        let mask = if masked {
            let key: [u8; 4] = data.get(at..at + 4)?.try_into().ok()?;
            at += 4;
            Some(key)
        } else {
            None
        };
        let len = usize::try_from(len).ok()?;
        let payload = data.get(at..at.checked_add(len)?)?;
        let payload = match mask {
            Some(key) => payload.iter().zip(key.iter().cycle()).map(|(b, k)| b ^ k).collect(),
            None => payload.to_vec(),
        };
        Some(Frame {
            fin: b0 & 0x80 != 0,
            rsv1: b0 & 0x40 != 0,
            opcode: b0 & 0x0F,
            payload,
            total_len: at + len,
        })
    }
}

/// True when a handshake's `Sec-WebSocket-Extensions` agreed on permessage-deflate.
pub fn deflate_agreed(extensions: Option<&str>) -> bool {
    extensions.is_some_and(|value| {
        value.split(',').any(|ext| {
            ext.split(';')
                .next()
                .is_some_and(|name| name.trim().eq_ignore_ascii_case("permessage-deflate"))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked_frame(fin: bool, opcode: u8, payload: &[u8]) -> Vec<u8> {
        let key = [0x37, 0xFA, 0x21, 0x3D];
        let mut frame = vec![
            u8::from(fin) << 7 | opcode,
            0x80 | u8::try_from(payload.len()).expect("short"),
        ];
        frame.extend_from_slice(&key);
        frame.extend(payload.iter().zip(key.iter().cycle()).map(|(b, k)| b ^ k));
        frame
    }

    #[test]
    fn rfc6455_examples_masked_and_fragmented() {
        // RFC 6455 §5.7: a masked "Hello", then an unmasked fragmented "Hel" + "lo", then a ping.
        let mut data = vec![0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58];
        data.extend_from_slice(&[0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f]);
        data.extend_from_slice(&[0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]);
        let frames = read_messages(&data, true, false, &|_| Some(7));
        let texts: Vec<&[u8]> = frames.messages.iter().map(|m| m.payload.as_slice()).collect();
        assert_eq!(texts, [b"Hello".as_slice(), b"Hello".as_slice()]);
        assert_eq!((frames.frame_count, frames.control_count), (4, 1));
        assert_eq!(frames.messages[0].time_micros, Some(7));
        assert!(frames.notes.is_empty());
    }

    #[test]
    fn permessage_deflate_with_context_takeover() {
        // RFC 7692 §7.2.3.2: "Hello" compressed twice with a shared window.
        let data = [
            0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0xc1, 0x05, 0xf2, 0x00, 0x11, 0x00, 0x00,
        ];
        let frames = read_messages(&data, false, true, &|_| None);
        let texts: Vec<&[u8]> = frames.messages.iter().map(|m| m.payload.as_slice()).collect();
        assert_eq!(texts, [b"Hello".as_slice(), b"Hello".as_slice()]);
    }

    #[test]
    fn cut_off_frame_is_noted() {
        let mut data = masked_frame(true, 1, b"{\"event\":\"x\"}");
        data.extend_from_slice(&masked_frame(true, 1, b"second")[..5]);
        let frames = read_messages(&data, true, false, &|_| None);
        assert_eq!(frames.messages.len(), 1);
        assert_eq!(frames.notes.len(), 1);
    }

    #[test]
    fn extension_header() {
        assert!(deflate_agreed(Some("permessage-deflate; client_max_window_bits")));
        assert!(!deflate_agreed(Some("x-webkit-deflate-frame")));
        assert!(!deflate_agreed(None));
    }
}
