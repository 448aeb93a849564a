//! TCP reassembly: turns segments into one ordered byte stream per
//! connection direction.
//!
//! Promises: bytes come out in sequence order whatever the capture order;
//! retransmitted and overlapping bytes appear once (the first copy wins);
//! a stream seen without its SYN starts at the first sequence number seen;
//! a hole that never fills (packets the capture dropped) is filled with
//! zero bytes when the stream is flushed, and recorded as a [`Gap`] so the
//! HTTP layer can note it; a segment larger than the MTU (TSO) is just a
//! long segment. Each direction keeps at most [`MAX_STREAM_BYTES`] of
//! stream plus [`MAX_PENDING_BYTES`] of out-of-order data; past that the
//! stream is cut and [`Stream::capped`] says so.

use std::collections::BTreeMap;

/// Largest stream kept per direction.
pub(super) const MAX_STREAM_BYTES: usize = 64 * 1024 * 1024;
/// Out-of-order bytes held before the oldest hole is given up as a gap.
const MAX_PENDING_BYTES: usize = 8 * 1024 * 1024;

/// Bytes the capture never saw, at a stream offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Gap {
    pub offset: usize,
    pub len: usize,
}

/// One direction of a TCP connection.
#[derive(Debug, Default)]
pub(super) struct Stream {
    /// The in-order stream (gaps zero-filled).
    pub data: Vec<u8>,
    /// (stream offset, capture time) of each in-order chunk, ascending.
    pub marks: Vec<(usize, i64)>,
    pub gaps: Vec<Gap>,
    /// True when the stream hit [`MAX_STREAM_BYTES`] and lost its tail.
    pub capped: bool,
    /// Sequence number of `data.len()`; `None` until the first segment.
    next_seq: Option<u32>,
    /// Out-of-order bytes by stream offset, with their capture time.
    pending: BTreeMap<usize, (Vec<u8>, i64)>,
    pending_bytes: usize,
    /// Stream offset of the FIN, once seen.
    fin_offset: Option<usize>,
    saw_syn: bool,
}

impl Stream {
    /// Takes one segment of this direction.
    pub fn add(&mut self, seq: u32, syn: bool, fin: bool, payload: &[u8], time_micros: i64) {
        if syn {
            self.on_syn(seq);
        }
        // SYN occupies one sequence number before the data.
        let data_seq = if syn { seq.wrapping_add(1) } else { seq };
        let next_seq = *self.next_seq.get_or_insert(data_seq);
        // Signed distance handles sequence wrap-around.
        let delta = i64::from(data_seq.wrapping_sub(next_seq).cast_signed());
        let start = i64::try_from(self.data.len()).unwrap_or(i64::MAX) + delta;
        // Bytes before the stream start are old retransmissions; keep the rest.
        let skip = usize::try_from(-start).unwrap_or(0);
        let Some(payload) = payload.get(skip..) else {
            return;
        };
        let offset = usize::try_from(start).unwrap_or(0);
        if fin {
            self.fin_offset = Some(offset + payload.len());
        }
        self.insert(offset, payload, time_micros);
        self.drain_pending();
        if self.pending_bytes > MAX_PENDING_BYTES {
            self.skip_gap();
        }
    }

    fn on_syn(&mut self, seq: u32) {
        if !self.saw_syn && self.data.is_empty() && self.pending.is_empty() {
            self.next_seq = Some(seq.wrapping_add(1));
        }
        self.saw_syn = true;
    }

    /// True when the FIN arrived and every byte before it too.
    pub fn finished(&self) -> bool {
        self.fin_offset.is_some_and(|fin| self.data.len() >= fin) && self.pending.is_empty()
    }

    /// True when no payload byte was ever seen.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty() && self.pending.is_empty()
    }

    /// Gives up on every remaining hole (end of capture or connection).
    pub fn flush(&mut self) {
        while !self.pending.is_empty() {
            self.skip_gap();
        }
    }

    /// Capture time of the packet that carried stream byte `offset`.
    pub fn time_at(&self, offset: usize) -> Option<i64> {
        let index = self.marks.partition_point(|(start, _)| *start <= offset);
        self.marks.get(index.checked_sub(1)?).map(|(_, time)| *time)
    }

    /// True when a capture gap ends right before stream byte `offset`.
    pub fn gap_ends_at(&self, offset: usize) -> bool {
        self.gaps.binary_search_by_key(&offset, |g| g.offset + g.len).is_ok()
    }

    /// Bytes of gaps inside `start..end`.
    pub fn missing_in(&self, start: usize, end: usize) -> usize {
        self.gaps
            .iter()
            .map(|g| (g.offset.max(start), (g.offset + g.len).min(end)))
            .filter(|(s, e)| s < e)
            .map(|(s, e)| e - s)
            .sum()
    }

    /// Appends bytes decrypted from a TLS record captured at `time_micros`
    /// (a plaintext stream has no sequence numbers and no holes).
    pub fn append_plaintext(&mut self, bytes: &[u8], time_micros: i64) {
        self.append(bytes, time_micros);
    }

    /// A stream of `bytes` from `offset` on, with the capture times kept
    /// (what follows an HTTP/1.1 Upgrade, read by another protocol).
    pub fn tail_from(&self, offset: usize) -> Stream {
        let mut tail = Stream::default();
        let Some(bytes) = self.data.get(offset..) else {
            return tail;
        };
        let mut at = 0;
        while at < bytes.len() {
            let index = self.marks.partition_point(|(start, _)| *start <= offset + at);
            let end = self
                .marks
                .get(index)
                .map_or(bytes.len(), |(start, _)| start - offset)
                .min(bytes.len());
            let time = self.time_at(offset + at).unwrap_or(0);
            tail.append(&bytes[at..end.max(at + 1)], time);
            at = end.max(at + 1);
        }
        tail.gaps = self
            .gaps
            .iter()
            .filter(|g| g.offset >= offset)
            .map(|g| Gap {
                offset: g.offset - offset,
                len: g.len,
            })
            .collect();
        tail
    }

    fn insert(&mut self, offset: usize, payload: &[u8], time_micros: i64) {
        let end = offset + payload.len();
        if payload.is_empty() || end <= self.data.len() {
            return; // empty or entirely retransmitted
        }
        if offset <= self.data.len() {
            let fresh = &payload[self.data.len() - offset..];
            self.append(fresh, time_micros);
            return;
        }
        // Keep the longer copy when two segments start at the same offset.
        let longer = self
            .pending
            .get(&offset)
            .is_none_or(|(held, _)| held.len() < payload.len());
        if longer && self.pending_bytes + payload.len() <= MAX_STREAM_BYTES {
            let old_len = self
                .pending
                .insert(offset, (payload.to_vec(), time_micros))
                .map_or(0, |(b, _)| b.len());
            self.pending_bytes = self.pending_bytes + payload.len() - old_len;
        }
    }

    fn drain_pending(&mut self) {
        while let Some(entry) = self.pending.first_entry() {
            if *entry.key() > self.data.len() {
                return;
            }
            let (offset, (bytes, time)) = entry.remove_entry();
            self.pending_bytes -= bytes.len();
            let end = offset + bytes.len();
            if end > self.data.len() {
                let fresh = &bytes[self.data.len() - offset..];
                self.append(fresh, time);
            }
        }
    }

    /// Zero-fills the hole before the first pending segment.
    fn skip_gap(&mut self) {
        let Some((&offset, (_, time))) = self.pending.first_key_value() else {
            return;
        };
        let time = *time;
        if offset > self.data.len() {
            let len = offset - self.data.len();
            self.gaps.push(Gap {
                offset: self.data.len(),
                len,
            });
            self.append_filler(len, time);
        }
        self.drain_pending();
        if self.capped {
            self.pending.clear();
            self.pending_bytes = 0;
        }
    }

    fn append_filler(&mut self, len: usize, time_micros: i64) {
        let room = MAX_STREAM_BYTES - self.data.len();
        self.mark(time_micros);
        self.data.resize(self.data.len() + len.min(room), 0);
        self.advance_seq(len.min(room));
        self.capped |= len > room;
    }

    fn append(&mut self, bytes: &[u8], time_micros: i64) {
        let room = MAX_STREAM_BYTES - self.data.len();
        let kept = &bytes[..bytes.len().min(room)];
        if kept.is_empty() {
            self.capped = true;
            return;
        }
        self.mark(time_micros);
        self.data.extend_from_slice(kept);
        self.advance_seq(kept.len());
        self.capped |= kept.len() < bytes.len();
    }

    fn mark(&mut self, time_micros: i64) {
        self.marks.push((self.data.len(), time_micros));
    }

    fn advance_seq(&mut self, len: usize) {
        // Stream length is capped far below 4 GiB, so the cast keeps every bit.
        let len = u32::try_from(len).unwrap_or(u32::MAX);
        self.next_seq = self.next_seq.map(|seq| seq.wrapping_add(len));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_order_segments_are_ordered() {
        let mut s = Stream::default();
        s.add(100, true, false, b"", 1);
        s.add(107, false, false, b"world", 3);
        s.add(101, false, false, b"hello ", 2);
        assert_eq!(s.data, b"hello world");
        assert_eq!(s.time_at(0), Some(2));
        assert_eq!(s.time_at(6), Some(3));
        assert!(s.gaps.is_empty());
    }

    #[test]
    fn retransmissions_and_overlaps_appear_once() {
        let mut s = Stream::default();
        s.add(0, true, false, b"", 0);
        s.add(1, false, false, b"abcd", 1);
        s.add(1, false, false, b"abcd", 2);
        s.add(3, false, false, b"cdef", 3);
        s.add(9, false, false, b"ij", 4);
        s.add(7, false, false, b"ghij", 5);
        s.add(2, false, false, b"bc", 6);
        assert_eq!(s.data, b"abcdefghij");
    }

    #[test]
    fn gap_is_zero_filled_and_recorded_on_flush() {
        let mut s = Stream::default();
        s.add(1000, false, false, b"abc", 1);
        s.add(1010, false, true, b"xyz", 2);
        assert!(!s.finished());
        s.flush();
        assert_eq!(s.data, b"abc\0\0\0\0\0\0\0xyz");
        assert_eq!(s.gaps, vec![Gap { offset: 3, len: 7 }]);
        assert_eq!(s.missing_in(0, 13), 7);
        assert_eq!(s.missing_in(0, 5), 2);
        assert!(s.finished());
    }

    #[test]
    fn missing_syn_starts_at_first_sequence_number() {
        let mut s = Stream::default();
        s.add(5_000, false, false, b"GET /", 1);
        s.add(5_005, false, true, b" HTTP/1.1", 2);
        assert_eq!(s.data, b"GET / HTTP/1.1");
        assert!(s.finished());
    }

    #[test]
    fn sequence_numbers_wrap() {
        let mut s = Stream::default();
        s.add(u32::MAX - 1, true, false, b"", 0);
        s.add(u32::MAX, false, false, b"ab", 1);
        s.add(1, false, false, b"cd", 2);
        assert_eq!(s.data, b"abcd");
    }
}
