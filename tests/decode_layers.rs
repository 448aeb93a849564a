//! The layer chain over whole exchanges: nesting, steps, notes and limits.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use std::io::Write;
use telltale::decode::{MAX_DEPTH, decode_exchange};
use telltale::model::{Decoded, Exchange};

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).expect("write to Vec");
    encoder.finish().expect("finish gzip")
}

/// Gzip of `total` zero bytes, written in chunks so the input never sits in memory.
fn gzip_of_zeros(total: u64) -> Vec<u8> {
    const CHUNK: usize = 1 << 20;
    let zeros = vec![0u8; CHUNK];
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut written = 0u64;
    while written < total {
        encoder.write_all(&zeros).expect("write to Vec");
        written += CHUNK as u64;
    }
    encoder.finish().expect("finish gzip")
}

/// Percent-encodes base64's `+`, `/` and `=` as a form encoder would.
fn form_escape(text: &str) -> String {
    text.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D")
}

fn post(url: &str, content_type: &str, body: Vec<u8>) -> Exchange {
    Exchange {
        method: "POST".into(),
        url: url.into(),
        request_headers: vec![("Content-Type".into(), content_type.into())],
        request_body: body,
        ..Default::default()
    }
}

fn steps(decoded: &Decoded) -> Vec<&str> {
    decoded.layers.iter().map(|layer| layer.step.as_str()).collect()
}

fn find<'a>(decoded: &'a Decoded, step: &str) -> &'a telltale::model::Layer {
    decoded
        .layers
        .iter()
        .find(|layer| layer.step == step)
        .unwrap_or_else(|| panic!("no layer {step} in {:?}", steps(decoded)))
}

#[test]
fn form_base64_gzip_json_chain_has_every_layer() {
    let json = br#"[{"event":"a"},{"event":"b"},{"event":"c"}]"#;
    let packed = gzip(json);
    let encoded = STANDARD.encode(&packed);
    let body = format!("crc=1&gzip=1&data_list={}", form_escape(&encoded));
    let decoded = decode_exchange(&post(
        "https://sa.example.net/sa",
        "application/x-www-form-urlencoded",
        body.into_bytes(),
    ));
    assert_eq!(
        steps(&decoded),
        [
            "request-body",
            "form:data_list",
            "base64",
            "gzip",
            "json[0]",
            "json[1]",
            "json[2]"
        ]
    );
    let parents: Vec<Option<usize>> = decoded.layers.iter().map(|layer| layer.parent).collect();
    assert_eq!(parents, [None, Some(0), Some(1), Some(2), Some(3), Some(3), Some(3)]);
    assert_eq!(
        decoded.layers[0].summary,
        format!(
            "request body, {} bytes · form, 3 fields",
            decoded.layers[0].text.as_ref().expect("present in this test").len()
        )
    );
    assert_eq!(
        decoded.layers[3].summary,
        format!("gzip {} → {} bytes · JSON array of 3 objects", packed.len(), json.len())
    );
    assert_eq!(
        decoded.layers[3].text.as_deref(),
        Some(std::str::from_utf8(json).expect("present in this test"))
    );
    assert_eq!(decoded.layers[2].bytes.as_deref(), Some(packed.as_slice()));
    assert_eq!(decoded.layers[5].text.as_deref(), Some(r#"{"event":"b"}"#));
    assert_eq!(decoded.layers[1].decoder, "form");
    assert_eq!(decoded.layers[4].decoder, "json");
}

#[test]
fn gzip_bomb_of_2_gib_in_a_form_field_becomes_a_note() {
    let packed = gzip_of_zeros(2 << 30);
    assert!(
        packed.len() < 4 << 20,
        "2 GiB of zeros compress to about 2 MiB, got {}",
        packed.len()
    );
    let body = format!("data_list={}", form_escape(&STANDARD.encode(&packed)));
    let decoded = decode_exchange(&post(
        "https://sa.example.net/sa",
        "application/x-www-form-urlencoded",
        body.into_bytes(),
    ));
    let bomb = find(&decoded, "gzip");
    assert!(
        bomb.text.is_none() && bomb.bytes.is_none(),
        "bomb output must not be kept"
    );
    let note = bomb.note.as_deref().expect("present in this test");
    assert!(
        note.contains("per-layer limit of 64 MiB") && note.contains("decompression bomb"),
        "{note}"
    );
    assert_eq!(steps(&decoded), ["request-body", "form:data_list", "base64", "gzip"]);
}

#[test]
fn exchange_output_limit_stops_later_fields() {
    // 80 MiB of zeros: each field hits the 64 MiB layer limit; four of them
    // spend the 256 MiB exchange allowance, so the fifth gets nothing.
    let field = form_escape(&STANDARD.encode(gzip_of_zeros(80 << 20)));
    let body: Vec<String> = (0..5).map(|i| format!("f{i}={field}")).collect();
    let decoded = decode_exchange(&post(
        "https://h.example/",
        "application/x-www-form-urlencoded",
        body.join("&").into_bytes(),
    ));
    let gzip_notes: Vec<&str> = decoded
        .layers
        .iter()
        .filter(|l| l.step == "gzip")
        .filter_map(|l| l.note.as_deref())
        .collect();
    assert_eq!(gzip_notes.len(), 4, "{:?}", steps(&decoded));
    assert!(
        gzip_notes[..3]
            .iter()
            .all(|note| note.contains("per-layer limit of 64 MiB")),
        "{gzip_notes:?}"
    );
    let last = decoded.layers.last().expect("present in this test");
    assert_eq!(
        decoded.layers[last.parent.expect("present in this test")].step,
        "form:f4"
    );
    assert!(
        last.note
            .as_deref()
            .expect("present in this test")
            .contains("per-exchange limit of 256 MiB"),
        "{:?}",
        last.note
    );
}

#[test]
fn nesting_stops_at_the_depth_limit() {
    let mut text = r#"{"canary":"deep"}"#.to_string();
    for _ in 0..MAX_DEPTH + 4 {
        text = STANDARD.encode(text.as_bytes());
    }
    let decoded = decode_exchange(&post("https://h.example/", "text/plain", text.into_bytes()));
    // The root is depth 0; layers down to depth 16 exist, the last is not decoded further.
    assert_eq!(decoded.layers.len(), MAX_DEPTH + 1);
    let last = decoded.layers.last().expect("present in this test");
    assert!(
        last.note
            .as_deref()
            .expect("present in this test")
            .contains("depth limit of 16"),
        "{:?}",
        last.note
    );
}

#[test]
fn random_values_are_not_layers_but_long_fields_are_kept() {
    let mut state = 0x1234_5678_9abc_def0_u64;
    let random: Vec<u8> = (0..96)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 40) as u8
        })
        .collect();
    let body = format!(
        "id=5f2b8c9d0e1a3b4c&word=documents&blob={}",
        form_escape(&STANDARD.encode(&random))
    );
    let decoded = decode_exchange(&post(
        "https://h.example/",
        "application/x-www-form-urlencoded",
        body.into_bytes(),
    ));
    assert_eq!(steps(&decoded), ["request-body", "form:blob"]);
    assert!(decoded.events.is_empty());
    let binary = decode_exchange(&post("https://h.example/", "application/octet-stream", random));
    assert_eq!(steps(&binary), ["request-body"]);
}

#[test]
fn plus_turned_into_space_is_restored_and_noted() {
    let json = r#"{"q":"??>>??"}"#;
    let encoded = STANDARD.encode(json);
    assert!(encoded.contains('+'), "{encoded}");
    let body = format!("data={encoded}");
    let decoded = decode_exchange(&post(
        "https://h.example/",
        "application/x-www-form-urlencoded",
        body.into_bytes(),
    ));
    assert!(
        find(&decoded, "form:data")
            .text
            .as_deref()
            .expect("present in this test")
            .contains(' ')
    );
    let layer = find(&decoded, "base64");
    assert_eq!(layer.text.as_deref(), Some(json));
    assert_eq!(
        layer.note.as_deref(),
        Some("restored `+` that form decoding had turned into spaces")
    );
}

#[test]
fn json_string_values_and_multipart_parts_decode() {
    let inner = r#"{"search":"canary phrase","items":[1,2]}"#;
    let json = serde_json::json!({"event": "x", "properties": {"payload": inner}}).to_string();
    let mut body = b"--b0undary\r\nContent-Disposition: form-data; name=\"meta\"\r\n\r\n".to_vec();
    body.extend_from_slice(json.as_bytes());
    body.extend_from_slice(
        b"\r\n--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.gz\"\r\n\r\n",
    );
    body.extend_from_slice(&gzip(b"{\"k\":1}"));
    body.extend_from_slice(b"\r\n--b0undary--\r\n");
    let decoded = decode_exchange(&post(
        "https://h.example/up",
        "multipart/form-data; boundary=b0undary",
        body,
    ));
    assert_eq!(
        steps(&decoded),
        [
            "request-body",
            "multipart:meta",
            "json:properties.payload",
            "multipart:file",
            "gzip"
        ]
    );
    let payload = find(&decoded, "json:properties.payload");
    assert_eq!(payload.decoder, "json-string");
    assert_eq!(payload.text.as_deref(), Some(inner));
    assert_eq!(find(&decoded, "gzip").text.as_deref(), Some("{\"k\":1}"));
}

#[test]
fn broken_gzip_is_noted_and_protobuf_is_walked() {
    let mut broken = gzip(&[b'x'; 4000]);
    broken.truncate(broken.len() / 2);
    let decoded = decode_exchange(&post("https://h.example/", "application/octet-stream", broken));
    let note = decoded.layers[0].note.as_deref().expect("present in this test");
    assert!(note.starts_with("failed as gzip: not valid gzip after"), "{note}");

    // field 1 { field 2: "screen_view" } field 3: 150
    let message = [&[0x0a, 13, 0x12, 11][..], b"screen_view", &[0x18, 0x96, 0x01]].concat();
    let decoded = decode_exchange(&post("https://h.example/a", "application/octet-stream", gzip(&message)));
    assert_eq!(steps(&decoded), ["request-body", "gzip", "protobuf"]);
    assert_eq!(
        find(&decoded, "protobuf").text.as_deref(),
        Some("1 {\n  2: \"screen_view\"\n}\n3: 150\n")
    );
}

#[test]
fn url_query_and_response_body_are_roots() {
    let data = STANDARD.encode(r#"{"event":"open"}"#);
    let exchange = Exchange {
        method: "GET".into(),
        url: format!("https://h.example/t?data={}&v=1", form_escape(&data)),
        response_headers: vec![("Content-Type".into(), "application/json".into())],
        response_body: br#"[{"event":"server","time":1586000000}]"#.to_vec(),
        ..Default::default()
    };
    let decoded = decode_exchange(&exchange);
    assert_eq!(
        steps(&decoded),
        ["url", "query:data", "base64", "response-body", "json[0]"]
    );
    assert_eq!(decoded.layers[0].summary, "request URL · query, 2 parameters");
    // Responses are not what the app sent: no event comes from them.
    assert!(decoded.events.iter().all(|event| event.name != "server"));
}
