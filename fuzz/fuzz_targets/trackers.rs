//! Fuzzes each tracker decoder alone: byte 0 picks the tracker
//! (`shapes::TRACKERS`), byte 1 how the payload is wrapped (raw, base64,
//! gzip, base64 of gzip), the rest is the payload, placed where that SDK
//! puts its events; the real layer chain builds the tree it reads.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (selector, how, payload) = match data {
        [selector, how, payload @ ..] => (*selector, *how, payload),
        _ => return,
    };
    let (id, exchange) = telltale_fuzz::shapes::tracker_exchange(selector, how, payload);
    telltale_fuzz::shapes::run_tracker(id, &exchange);
});
