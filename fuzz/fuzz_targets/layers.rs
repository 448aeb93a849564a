//! Fuzzes the layer-decoder chain: the first byte picks where the payload
//! goes (URL query and header, request and response body, request body) and
//! the declared Content-Type and Content-Encoding.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let exchange = telltale_fuzz::shapes::layer_exchange(data);
    telltale_fuzz::shapes::run_layers(&exchange);
});
