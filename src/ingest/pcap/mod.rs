//! pcap and pcapng importer: packets → link layer → IP → TCP reassembly →
//! TLS (decrypted with the capture's own Decryption Secrets Blocks and/or
//! the key log given at import) → HTTP/1.x, HTTP/2, WebSocket exchanges
//! (see [`application`]).
//!
//! Two importers share one pipeline: [`PcapImporter`] claims classic pcap
//! (both byte orders, µs and ns timestamps) and [`PcapngImporter`] claims
//! pcapng; either reads both, since the pipeline sniffs the content again.
//!
//! Streaming: a connection's exchanges go to the sink as soon as the
//! connection closes (FIN both ways or RST); connections still open at the
//! end of the file follow in order of first appearance. Memory is bounded
//! by the open connections (64 MiB per direction at most, see `tcp`).
//! Problems that do not stop the import — a cut-off last packet, link types
//! Telltale cannot read, oversized streams — become sink warnings; a corrupt
//! file header is [`ImportError::Invalid`].

mod application;
mod capture;
mod connections;
mod http;
mod ip;
mod link;
mod pcapdroid;
mod tcp;
mod tls;

use super::keylog::KeyLog;
use super::{Claim, ExchangeSink, Flow, ImportError, ImportInput, ImportSummary, Importer};
use capture::{Container, Frame, Next, Reader};
use connections::{Connection, Table};
use ip::{IpLayer, Parsed};
use link::Network;
use std::collections::BTreeMap;

/// Frames between two progress reports.
const PROGRESS_EVERY_FRAMES: u64 = 4096;

/// Classic libpcap files (`.pcap`); also reads pcapng.
pub struct PcapImporter;

/// pcapng files (`.pcapng`, PCAPdroid, Wireshark); also reads classic pcap.
pub struct PcapngImporter;

impl Importer for PcapImporter {
    fn format(&self) -> &'static str {
        "pcap"
    }

    fn name(&self) -> &'static str {
        "pcap"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["pcap", "cap", "dmp"]
    }

    fn claims(&self, head: &[u8]) -> Claim {
        claim_if(capture::sniff(head) == Some(Container::Pcap))
    }

    fn import(&self, input: &ImportInput<'_>, sink: &mut dyn ExchangeSink) -> Result<ImportSummary, ImportError> {
        import_capture(self.format(), input, sink)
    }
}

impl Importer for PcapngImporter {
    fn format(&self) -> &'static str {
        "pcapng"
    }

    fn name(&self) -> &'static str {
        "pcapng"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["pcapng", "ntar"]
    }

    fn claims(&self, head: &[u8]) -> Claim {
        claim_if(capture::sniff(head) == Some(Container::Pcapng))
    }

    fn import(&self, input: &ImportInput<'_>, sink: &mut dyn ExchangeSink) -> Result<ImportSummary, ImportError> {
        import_capture(self.format(), input, sink)
    }
}

fn claim_if(matched: bool) -> Claim {
    if matched { Claim::Certain } else { Claim::No }
}

fn import_capture(
    format: &'static str,
    input: &ImportInput<'_>,
    sink: &mut dyn ExchangeSink,
) -> Result<ImportSummary, ImportError> {
    let mut reader = Reader::open(input.bytes).map_err(|reason| ImportError::Invalid { format, reason })?;
    let mut pipeline = Pipeline::default();
    for secrets in capture::decryption_secrets(input.bytes) {
        pipeline.keys.add_text(secrets);
    }
    if let Some(given) = input.keylog {
        pipeline.keys.merge(given);
    }
    let mut frames = 0u64;
    loop {
        match reader.next_frame() {
            Next::Frame(frame) => {
                if let Some(connection) = pipeline.frame(&frame)
                    && pipeline.emit(connection, sink)? == Flow::Stop
                {
                    return Ok(pipeline.summary);
                }
                frames += 1;
                if frames.is_multiple_of(PROGRESS_EVERY_FRAMES) {
                    sink.progress(reader.bytes_done());
                }
            }
            Next::Skip => {}
            Next::End => break,
            Next::Truncated(what) => {
                sink.warning(format!("{what}; the packets before it were imported"));
                break;
            }
        }
    }
    for connection in pipeline.table.drain() {
        if pipeline.emit(connection, sink)? == Flow::Stop {
            return Ok(pipeline.summary);
        }
    }
    pipeline.warn_unknown_links(sink);
    sink.progress(input.bytes.len() as u64);
    Ok(pipeline.summary)
}

/// Everything between the file reader and the sink.
#[derive(Default)]
struct Pipeline {
    ip: IpLayer,
    table: Table,
    summary: ImportSummary,
    /// Packets skipped per unreadable link type.
    unknown_links: BTreeMap<u32, u64>,
    /// TLS secrets from the capture's DSBs and the key log given at import.
    keys: KeyLog,
}

impl Pipeline {
    /// Feeds one frame; returns a connection that just completed.
    fn frame(&mut self, frame: &Frame<'_>) -> Option<Connection> {
        // PCAPdroid writes records too big for its snap length as bare IP
        // inside its Ethernet files.
        let bare_ip = frame.link_type == link::ETHERNET && pcapdroid::bare_ip(frame.data);
        let network = if bare_ip {
            Network::Ip(frame.data)
        } else {
            link::network_layer(frame.link_type, frame.data)
        };
        let packet = match network {
            Network::Ip(packet) => packet,
            Network::NotIp => {
                self.summary.skip("packets that are not IP", 1);
                return None;
            }
            Network::UnknownLink => {
                *self.unknown_links.entry(frame.link_type).or_default() += 1;
                return None;
            }
        };
        match self.ip.parse(packet) {
            Parsed::Tcp(segment) => {
                let app = pcapdroid::trailer_app(frame.data).or_else(|| frame.app.clone());
                self.table.add(&segment, frame.time_micros, app.as_deref())
            }
            Parsed::FragmentPending => None,
            Parsed::Other(what) => {
                self.summary.skip(what.unwrap_or("packets that are not TCP"), 1);
                None
            }
        }
    }

    /// Parses a finished connection and hands its exchanges to the sink.
    fn emit(&mut self, mut connection: Connection, sink: &mut dyn ExchangeSink) -> Result<Flow, ImportError> {
        connection.flush();
        if connection.capped() {
            sink.warning(format!(
                "a TCP connection between {:?} and {:?} is larger than {} MiB in one direction; its end was not imported",
                connection.first,
                connection.second,
                tcp::MAX_STREAM_BYTES >> 20
            ));
        }
        let Some(exchanges) = application::exchanges(&connection, &self.keys, &mut self.summary) else {
            if !connection.from_first.is_empty() || !connection.from_second.is_empty() {
                self.summary.skip("TCP connections without HTTP or TLS", 1);
            }
            return Ok(Flow::Continue);
        };
        for exchange in exchanges {
            if sink.exchange(exchange)? == Flow::Stop {
                return Ok(Flow::Stop);
            }
        }
        Ok(Flow::Continue)
    }

    fn warn_unknown_links(&self, sink: &mut dyn ExchangeSink) {
        for (link_type, packets) in &self.unknown_links {
            sink.warning(format!(
                "skipped {packets} packets captured on {}, a link layer Telltale cannot read",
                link::link_type_name(*link_type)
            ));
        }
    }
}
