//! Writes the synthetic captures the benchmarks and README figures use:
//!
//! `cargo run --release --example gen_bench -- har ENTRIES OUT.har` (one
//! base64 JSON event per entry; 400000 gives the 262 MB HAR),
//! `… -- har-batched EVENTS OUT.har` (Sensors batches of 50 events),
//! `… -- pcap ENTRIES OUT.pcap` (the same traffic as HTTP/1.1 in a pcap).
//! Deterministic: the same arguments give the same bytes.

#[path = "../benches/support/synthetic.rs"]
mod synthetic;

use std::io::{BufWriter, Write};

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(kind), Some(count), Some(out)) = (args.first(), args.get(1), args.get(2)) else {
        eprintln!("usage: gen_bench (har|har-batched|pcap) COUNT OUT");
        std::process::exit(2);
    };
    let count: usize = count
        .parse()
        .map_err(|_| std::io::Error::other("COUNT is not a number"))?;
    let mut file = BufWriter::with_capacity(1 << 20, std::fs::File::create(out)?);
    match kind.as_str() {
        "har" => synthetic::write_har(synthetic::Shape::single(count), &mut file)?,
        "har-batched" => synthetic::write_har(synthetic::Shape::batched(count, 50), &mut file)?,
        "pcap" => {
            synthetic::write_pcap(synthetic::Shape::single(count), &mut file)?;
        }
        other => return Err(std::io::Error::other(format!("unknown kind `{other}`"))),
    }
    file.flush()?;
    eprintln!("wrote {out}");
    Ok(())
}
