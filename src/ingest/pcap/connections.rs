//! The table of TCP connections being reassembled.
//!
//! A connection is identified by its two endpoints. It is handed back for
//! HTTP parsing as soon as it completes (FIN both ways, or RST), so memory
//! holds only open connections; a closed connection's key is remembered so
//! late retransmissions and ACKs do not start a phantom connection. A new
//! SYN on a key reopens it (port reuse); anything still open at the end of
//! the file is returned by [`Table::drain`] in order of first appearance.

use super::ip::Segment;
use super::tcp::Stream;
use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

/// An IP address and TCP port.
pub(super) type Endpoint = (IpAddr, u16);
type Key = (Endpoint, Endpoint);

/// Both directions of one TCP connection.
pub(super) struct Connection {
    /// Sender of the first segment seen.
    pub first: Endpoint,
    pub second: Endpoint,
    pub from_first: Stream,
    pub from_second: Stream,
    /// The endpoint that sent a bare SYN (the client), when captured.
    pub syn_sender: Option<Endpoint>,
    /// The capturing app, from PCAPdroid metadata on any packet.
    pub app_hint: Option<String>,
    /// Order of first appearance, to flush in capture order.
    sequence: u64,
    reset: bool,
}

impl Connection {
    fn new(first: Endpoint, second: Endpoint, sequence: u64) -> Self {
        Self {
            first,
            second,
            from_first: Stream::default(),
            from_second: Stream::default(),
            syn_sender: None,
            app_hint: None,
            sequence,
            reset: false,
        }
    }

    fn complete(&self) -> bool {
        self.reset || (self.from_first.finished() && self.from_second.finished())
    }

    /// Gives up on holes in both directions.
    pub fn flush(&mut self) {
        self.from_first.flush();
        self.from_second.flush();
    }

    /// True when a direction hit the per-stream size cap.
    pub fn capped(&self) -> bool {
        self.from_first.capped || self.from_second.capped
    }

    /// True when a hole too large to fill ended a direction.
    pub fn cut_at_hole(&self) -> bool {
        self.from_first.cut_at_hole || self.from_second.cut_at_hole
    }
}

/// Open connections plus the keys of closed ones.
#[derive(Default)]
pub(super) struct Table {
    open: HashMap<Key, Connection>,
    closed: HashSet<Key>,
    sequence: u64,
}

impl Table {
    /// Adds a segment; returns a connection that is now complete (this one,
    /// or an older one on the same ports that a new SYN replaced).
    pub fn add(&mut self, segment: &Segment<'_>, time_micros: i64, app_hint: Option<&str>) -> Option<Connection> {
        let key = key(segment.src, segment.dst);
        let opening = segment.syn && !segment.ack;
        let mut replaced = None;
        if opening {
            self.closed.remove(&key);
            if self
                .open
                .get(&key)
                .is_some_and(|c| !c.from_first.is_empty() || !c.from_second.is_empty())
            {
                replaced = self.open.remove(&key);
            }
        } else if self.closed.contains(&key) || (!self.open.contains_key(&key) && !starts_connection(segment)) {
            return None;
        }
        let sequence = self.sequence;
        let connection = self
            .open
            .entry(key)
            .or_insert_with(|| Connection::new(segment.src, segment.dst, sequence));
        self.sequence += 1;
        add_to_connection(connection, segment, time_micros, app_hint);
        if replaced.is_some() {
            return replaced;
        }
        if connection.complete() {
            self.closed.insert(key);
            return self.open.remove(&key);
        }
        None
    }

    /// Every connection still open, in order of first appearance.
    pub fn drain(&mut self) -> Vec<Connection> {
        let mut rest: Vec<Connection> = self.open.drain().map(|(_, c)| c).collect();
        rest.sort_by_key(|c| c.sequence);
        rest
    }
}

fn add_to_connection(connection: &mut Connection, segment: &Segment<'_>, time_micros: i64, app_hint: Option<&str>) {
    if segment.syn && !segment.ack {
        connection.syn_sender = Some(segment.src);
    }
    if connection.app_hint.is_none() {
        connection.app_hint = app_hint.map(str::to_string);
    }
    connection.reset |= segment.rst;
    let stream = if segment.src == connection.first {
        &mut connection.from_first
    } else {
        &mut connection.from_second
    };
    stream.add(segment.seq, segment.syn, segment.fin, &segment.payload, time_micros);
}

/// A segment that can open a connection seen mid-way: one carrying data.
fn starts_connection(segment: &Segment<'_>) -> bool {
    segment.syn || (!segment.payload.is_empty() && !segment.rst)
}

fn key(a: Endpoint, b: Endpoint) -> Key {
    if a <= b { (a, b) } else { (b, a) }
}
