//! The bad-input corpus: every case is generated here, by code, from a
//! seed or a public fixture, so it needs no binary files in the repository
//! and reproduces exactly. `hostile_inputs.rs` runs each case through the
//! real binary; `cargo test -- --ignored hostile` adds the slow ones.
//!
//! Each case writes its input (and any files beside it) into a folder and
//! says what must happen: a bounded import, a refusal (exit 1, one line
//! naming the file), or either; an optional check looks inside the case.

use crate::capture_builder::{Pcap, Rng, base64, gzip, har, har_entry, http_over_tcp, mitm_flow, tnet, tnet_dict};
use crate::common::fixture;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// What a case must end in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// Exit 0; the new session holds what could be read.
    Imported,
    /// Exit 1 with one line on stderr naming the file.
    Refused,
    /// Either, as long as it is one of the two.
    Either,
}

/// Looks at the case after an import of the input (a raw SQLite connection,
/// read-only, to see what was stored).
pub type Check = fn(&rusqlite::Connection);

pub struct HostileCase {
    pub name: String,
    pub expect: Expect,
    /// Too slow for every `cargo test` (run with `--ignored`).
    pub slow: bool,
    /// Writes the input into the folder and returns the path to import.
    pub write: Box<dyn Fn(&Path) -> PathBuf>,
    pub check: Option<Check>,
}

fn case(name: &str, expect: Expect, write: impl Fn(&Path) -> PathBuf + 'static) -> HostileCase {
    HostileCase {
        name: name.to_string(),
        expect,
        slow: false,
        write: Box::new(write),
        check: None,
    }
}

fn with_check(mut case: HostileCase, check: Check) -> HostileCase {
    case.check = Some(check);
    case
}

fn slow(mut case: HostileCase) -> HostileCase {
    case.slow = true;
    case
}

/// Writes `bytes` as `name` in `dir`.
fn file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write hostile input");
    path
}

fn fixture_bytes(relative: &str) -> Vec<u8> {
    std::fs::read(fixture(relative)).expect("read fixture")
}

/// Fixtures each format's truncation cases start from.
const TRUNCATED: &[(&str, &str)] = &[
    ("har", "har/mitmproxy__firefox.har"),
    ("mitm", "mitm/mitmproxy__dumpfile-7.mitm"),
    ("xml", "burp/prologwebscanner__burp1.7.36_base64.xml"),
    ("pcap", "pcap/zeek__get.pcap"),
    ("pcapng", "pcap/zeek__cooper-grill-dvwa.pcapng"),
];

/// A request body layered `form:data › base64 › … › json`, `depth` base64 deep.
fn nested_base64(depth: usize) -> String {
    let mut text = r#"{"event":"$pageview","time":1588248000000}"#.to_string();
    for _ in 0..depth {
        text = base64(text.as_bytes());
    }
    text
}

/// `copies` gzip members of 1 MiB of zeros each: one gzip stream of `copies` MiB.
fn gzip_zeros_mib(copies: usize) -> Vec<u8> {
    let member = gzip(&vec![0u8; 1024 * 1024]);
    member.repeat(copies)
}

/// A zstd frame of RLE blocks: `blocks` × 128 KiB of zeros from 4 bytes each.
fn zstd_rle_bomb(blocks: usize) -> Vec<u8> {
    // Magic, frame header descriptor (no content size, not single-segment),
    // window descriptor 2^17.
    let mut out = vec![0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38];
    for index in 0..blocks {
        let last = u32::from(index + 1 == blocks);
        let header = ((128 * 1024u32) << 3) | (1 << 1) | last;
        out.extend_from_slice(&header.to_le_bytes()[..3]);
        out.push(0);
    }
    out
}

/// Brotli of `mib` MiB of zeros.
fn brotli_zeros_mib(mib: usize) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 1 << 16, 1, 22);
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..mib {
            writer.write_all(&zeros).expect("brotli into memory");
        }
    }
    out
}

/// `text` percent-encoded for a form value (base64's `+`, `/`, `=` included).
fn form_encoded(text: &str) -> String {
    text.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D")
}

fn form_body_har(field_value: &str) -> Vec<u8> {
    let field_value = form_encoded(field_value);
    har(vec![har_entry(
        "https://t.sensorsdata.cn/sa?project=default",
        "POST",
        Some((
            "application/x-www-form-urlencoded",
            &format!("gzip=1&data_list={field_value}"),
        )),
        &[("Content-Type", "application/x-www-form-urlencoded")],
    )])
}

fn encoded_body_har(encoding: &str, body: &[u8]) -> Vec<u8> {
    // HAR bodies are text; a compressed body travels as base64 with the
    // Content-Encoding still to undo.
    let mut entry = har_entry(
        "https://collector.example.net/log",
        "POST",
        None,
        &[("Content-Type", "application/json"), ("Content-Encoding", encoding)],
    );
    entry["request"]["postData"] =
        serde_json::json!({"mimeType": "application/json", "text": base64(body), "encoding": "base64"});
    har(vec![entry])
}

fn query_all(conn: &rusqlite::Connection, sql: &str) -> Vec<String> {
    let mut statement = conn.prepare(sql).expect("prepare check query");
    statement
        .query_map([], |r| r.get::<_, Option<String>>(0))
        .expect("run check query")
        .map(|r| r.expect("row").unwrap_or_default())
        .collect()
}

/// Notes on the layers and exchanges of the newest source.
fn notes(conn: &rusqlite::Connection) -> String {
    let mut all = query_all(
        conn,
        "SELECT note FROM layers WHERE exchange_id IN (SELECT exchange_id FROM exchanges WHERE source_id = (SELECT max(source_id) FROM sources))",
    );
    all.extend(query_all(
        conn,
        "SELECT notes FROM exchanges WHERE source_id = (SELECT max(source_id) FROM sources)",
    ));
    all.extend(query_all(
        conn,
        "SELECT warnings FROM sources WHERE source_id = (SELECT max(source_id) FROM sources)",
    ));
    all.join("\n")
}

fn newest_urls(conn: &rusqlite::Connection) -> Vec<String> {
    query_all(
        conn,
        "SELECT url FROM exchanges WHERE source_id = (SELECT max(source_id) FROM sources) ORDER BY exchange_id",
    )
}

/// Everything stored for the newest source, as text (bodies lossily).
fn newest_content(conn: &rusqlite::Connection) -> String {
    let mut all = query_all(
        conn,
        "SELECT coalesce(url, '') || request_headers || response_headers || CAST(request_body AS TEXT) || CAST(response_body AS TEXT)
         FROM exchanges WHERE source_id = (SELECT max(source_id) FROM sources)",
    );
    all.extend(query_all(
        conn,
        "SELECT coalesce(text, '') FROM layers WHERE exchange_id IN (SELECT exchange_id FROM exchanges WHERE source_id = (SELECT max(source_id) FROM sources))",
    ));
    all.join("\n")
}

/// Every case, fast and slow.
pub fn cases() -> Vec<HostileCase> {
    let mut cases = vec![
        case("empty file named .har", Expect::Refused, |d| file(d, "empty.har", b"")),
        case("empty file named .pcap", Expect::Refused, |d| {
            file(d, "empty.pcap", b"")
        }),
        case("only whitespace", Expect::Refused, |d| {
            file(d, "blank.har", b" \n\t\r\n ")
        }),
        case("random bytes named .pcapng", Expect::Refused, |d| {
            file(d, "random.pcapng", &Rng::new(7).bytes(1 << 20))
        }),
        case("random bytes after a pcap magic", Expect::Either, |d| {
            let mut bytes = Pcap::new().bytes;
            bytes.extend(Rng::new(8).bytes(256 * 1024));
            file(d, "noise.pcap", &bytes)
        }),
        case("a PNG named .har", Expect::Refused, |d| {
            file(
                d,
                "picture.har",
                b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89",
            )
        }),
        case("a Telltale case named .har", Expect::Refused, |d| {
            let path = d.join("case-inside.har");
            let mut case = telltale::store::Case::create_or_open(&path).expect("case");
            case.import_demo().expect("demo");
            path
        }),
        case("a HAR named .pcap (content decides)", Expect::Imported, |d| {
            file(d, "actually-har.pcap", &fixture_bytes("har/mitmproxy__chrome.har"))
        }),
        case("XML without Burp's root named .xml", Expect::Refused, |d| {
            file(d, "other.xml", b"<?xml version=\"1.0\"?><rss><channel/></rss>")
        }),
        case("JSON that is not a HAR", Expect::Refused, |d| {
            file(d, "other.har", br#"{"hello": [1, 2, 3]}"#)
        }),
        case("UTF-16 HAR", Expect::Refused, |d| {
            let text = String::from_utf8_lossy(telltale::demo::NORMAL_HAR).into_owned();
            let mut bytes = vec![0xff, 0xfe];
            bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            file(d, "utf16.har", &bytes)
        }),
        case("HAR nested 100k deep", Expect::Refused, |d| {
            let mut text = String::from("{\"log\":{\"entries\":");
            text.push_str(&"[".repeat(100_000));
            text.push_str(&"]".repeat(100_000));
            text.push_str("}}");
            file(d, "deep.har", text.as_bytes())
        }),
        with_check(
            case("JSON body nested 100k deep", Expect::Imported, |d| {
                let body = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
                file(
                    d,
                    "deep-body.har",
                    &har(vec![har_entry(
                        "https://collector.example.net/log",
                        "POST",
                        Some(("application/json", &body)),
                        &[("Content-Type", "application/json")],
                    )]),
                )
            }),
            |conn| assert!(notes(conn).contains("failed as json"), "{}", notes(conn)),
        ),
        with_check(
            case("base64 nested 30 times", Expect::Imported, |d| {
                file(d, "b64x30.har", &form_body_har(&nested_base64(30)))
            }),
            |conn| assert!(notes(conn).contains("depth limit"), "{}", notes(conn)),
        ),
        with_check(
            case("gzip of gzip as Content-Encoding", Expect::Imported, |d| {
                let inner = gzip(br#"{"event":"$AppStart","time":1588248000000}"#);
                file(d, "gzip-gzip.har", &encoded_body_har("gzip, gzip", &gzip(&inner)))
            }),
            |conn| assert!(newest_content(conn).contains("$AppStart"), "both gzip layers undone"),
        ),
        with_check(
            case("2 GiB of zeros as gzip inside a form field", Expect::Imported, |d| {
                file(d, "zeros-2g.har", &form_body_har(&base64(&gzip_zeros_mib(2048))))
            }),
            |conn| assert!(notes(conn).contains("possible decompression bomb"), "{}", notes(conn)),
        ),
        with_check(
            case("2 GiB zstd bomb as Content-Encoding", Expect::Imported, |d| {
                file(d, "zstd-bomb.har", &encoded_body_har("zstd", &zstd_rle_bomb(16_384)))
            }),
            |conn| assert!(notes(conn).contains("exceeds"), "{}", notes(conn)),
        ),
        with_check(
            case("zstd bomb inside a form field", Expect::Imported, |d| {
                file(d, "zstd-field.har", &form_body_har(&base64(&zstd_rle_bomb(16_384))))
            }),
            |conn| assert!(notes(conn).contains("possible decompression bomb"), "{}", notes(conn)),
        ),
        with_check(
            case("256 MiB brotli bomb as Content-Encoding", Expect::Imported, |d| {
                file(d, "brotli-bomb.har", &encoded_body_har("br", &brotli_zeros_mib(256)))
            }),
            |conn| assert!(notes(conn).contains("exceeds"), "{}", notes(conn)),
        ),
        case("truncated gzip body", Expect::Imported, |d| {
            let packed = gzip(&Rng::new(3).bytes(100_000));
            file(
                d,
                "cut-gzip.har",
                &encoded_body_har("gzip", &packed[..packed.len() / 2]),
            )
        }),
        case("unknown Content-Encoding", Expect::Imported, |d| {
            file(d, "odd-encoding.har", &encoded_body_har("x-telltale-unknown", b"abc"))
        }),
        with_check(
            case(
                "HAR _file reaching ../../etc/passwd and /etc/passwd",
                Expect::Imported,
                |d| {
                    let mut entries = Vec::new();
                    for reference in [
                        "../../etc/passwd",
                        "/etc/passwd",
                        "..\\..\\etc\\passwd",
                        "sub/../../../etc/passwd",
                    ] {
                        let mut entry = har_entry("https://h.example/x", "GET", None, &[]);
                        entry["response"]["content"] =
                            serde_json::json!({"mimeType": "text/plain", "_file": reference});
                        entries.push(entry);
                    }
                    file(d, "traversal.har", &har(entries))
                },
            ),
            |conn| {
                assert!(!newest_content(conn).contains("root:"), "/etc/passwd was read");
                assert!(notes(conn).contains("was not read"), "{}", notes(conn));
            },
        ),
        with_check(
            case(
                "HAR _file naming a symlink that leaves the folder",
                Expect::Imported,
                |d| {
                    let link = d.join("body.txt");
                    std::os::unix::fs::symlink("/etc/passwd", &link).expect("symlink");
                    let mut entry = har_entry("https://h.example/x", "GET", None, &[]);
                    entry["response"]["content"] = serde_json::json!({"mimeType": "text/plain", "_file": "body.txt"});
                    file(d, "symlink.har", &har(vec![entry]))
                },
            ),
            |conn| {
                assert!(
                    !newest_content(conn).contains("root:"),
                    "a symlink led outside the folder"
                )
            },
        ),
        with_check(
            case("HAR _file naming a FIFO beside it", Expect::Imported, |d| {
                let fifo = d.join("pipe.bin");
                let status = std::process::Command::new("mkfifo")
                    .arg(&fifo)
                    .status()
                    .expect("mkfifo");
                assert!(status.success());
                let mut entry = har_entry("https://h.example/x", "GET", None, &[]);
                entry["response"]["content"] = serde_json::json!({"mimeType": "text/plain", "_file": "pipe.bin"});
                file(d, "fifo.har", &har(vec![entry]))
            }),
            |conn| assert!(notes(conn).contains("not read"), "{}", notes(conn)),
        ),
        // 256 MiB of bodies get read before the budget stops it: slow in a debug build.
        slow(with_check(
            case(
                "HAR with 400 _file references to one 4 MiB file",
                Expect::Imported,
                |d| {
                    file(d, "big.bin", &vec![b'a'; 4 * 1024 * 1024]);
                    let entries = (0..400)
                        .map(|_| {
                            let mut entry = har_entry("https://h.example/x", "GET", None, &[]);
                            entry["response"]["content"] =
                                serde_json::json!({"mimeType": "text/plain", "_file": "big.bin"});
                            entry
                        })
                        .collect();
                    file(d, "many-files.har", &har(entries))
                },
            ),
            |conn| assert!(notes(conn).contains("external bodies"), "{}", notes(conn)),
        )),
        with_check(
            case(
                "NUL bytes and invalid UTF-8 in HAR header names",
                Expect::Imported,
                |d| {
                    file(
                        d,
                        "nul-headers.har",
                        &har(vec![har_entry(
                            "https://h.example/\u{0}path?q=\u{0}",
                            "GET",
                            None,
                            &[("X-\u{0}Name", "v\u{0}alue"), ("\u{0}", "\u{fffd}\u{0}")],
                        )]),
                    )
                },
            ),
            |conn| assert_eq!(newest_urls(conn).len(), 1),
        ),
        case("HAR with 100k empty entries", Expect::Imported, |d| {
            let mut text = String::from("{\"log\":{\"entries\":[");
            text.push_str(&vec!["{}"; 100_000].join(","));
            text.push_str("]}}");
            file(d, "empty-entries.har", text.as_bytes())
        }),
        case("HAR with odd types everywhere", Expect::Imported, |d| {
            file(
                d,
                "odd-types.har",
                br#"{"log":{"entries":[{"startedDateTime":1e300,"time":"NaN","request":{"method":[],"url":{"a":1},"headers":[{"name":null,"value":7}],"postData":{"text":"AAAA","encoding":"base64"}},"response":{"status":-5,"content":{"text":"%%%","encoding":"base64"}},"_serverPort":"99999"}]}}"#,
            )
        }),
        with_check(
            case("JSON array of 200k tiny events", Expect::Imported, |d| {
                let body = format!("[{}]", vec![r#"{"event":"e","time":1588248000000}"#; 200_000].join(","));
                file(
                    d,
                    "many-events.har",
                    &har(vec![har_entry(
                        "https://logs.example.org/v1/events",
                        "POST",
                        Some(("application/json", &body)),
                        &[("Content-Type", "application/json")],
                    )]),
                )
            }),
            |conn| {
                let layers = query_all(conn, "SELECT CAST(count(*) AS TEXT) FROM layers");
                let count: usize = layers[0].parse().expect("count");
                assert!(count <= 10_000 + 1000, "layers bounded: {count}");
            },
        ),
        case("protobuf nested 5000 deep", Expect::Imported, |d| {
            let mut message = b"\x08\x01".to_vec();
            for _ in 0..5000 {
                let mut outer = vec![0x0a];
                let mut len = message.len();
                while len >= 0x80 {
                    outer.push((len as u8 & 0x7f) | 0x80);
                    len >>= 7;
                }
                outer.push(len as u8);
                outer.extend_from_slice(&message);
                message = outer;
            }
            let mut entry = har_entry(
                "https://app-measurement.com/a",
                "POST",
                None,
                &[("Content-Type", "application/x-protobuf")],
            );
            entry["request"]["postData"] = serde_json::json!({"mimeType": "application/x-protobuf", "text": base64(&message), "encoding": "base64"});
            file(d, "deep-protobuf.har", &har(vec![entry]))
        }),
        case(
            "multipart with 20k parts and no closing boundary",
            Expect::Imported,
            |d| {
                let mut body = String::new();
                for i in 0..20_000 {
                    body.push_str(&format!("--XyZ\r\nContent-Disposition: form-data; name=\"p{i}\"; filename=\"../../etc/p{i}\"\r\n\r\nv{i}\r\n"));
                }
                file(
                    d,
                    "multipart.har",
                    &har(vec![har_entry(
                        "https://h.example/upload",
                        "POST",
                        Some(("multipart/form-data; boundary=XyZ", &body)),
                        &[("Content-Type", "multipart/form-data; boundary=XyZ")],
                    )]),
                )
            },
        ),
        // mitmproxy flow files
        case("mitm length prefix longer than the file", Expect::Refused, |d| {
            file(d, "lying.mitm", b"999999:4:type;4:http;}")
        }),
        case("mitm length prefix with 30 digits", Expect::Refused, |d| {
            file(d, "digits.mitm", format!("{}:x,", "9".repeat(30)).as_bytes())
        }),
        case("mitm negative length prefix", Expect::Refused, |d| {
            file(d, "negative.mitm", b"-5:abcde,")
        }),
        case("mitm inner length lying inside a good flow", Expect::Either, |d| {
            let flow = mitm_flow("lie.example", b"/p", &[(b"Host", b"lie.example")], b"x=1");
            let mut lying = flow.clone();
            // The `content` value claims more bytes than its dictionary holds.
            let at = lying.windows(4).position(|w| w == b"3:x=").expect("content value");
            lying[at] = b'9';
            let mut bytes = flow;
            bytes.extend(lying);
            file(d, "inner-lie.mitm", &bytes)
        }),
        case("mitm list nested 2000 deep", Expect::Refused, |d| {
            let mut value = tnet(b'~', b"");
            for _ in 0..2000 {
                value = tnet(b']', &value);
            }
            let flow = tnet_dict(&[
                ("type", tnet(b';', b"http")),
                ("version", tnet(b'#', b"21")),
                ("request", value),
            ]);
            file(d, "deep.mitm", &flow)
        }),
        with_check(
            case(
                "mitm flow with NUL bytes and invalid UTF-8 in headers and path",
                Expect::Imported,
                |d| {
                    file(
                        d,
                        "nul.mitm",
                        &mitm_flow(
                            "nul.example",
                            b"/\xff\xfe\0path?q=\xc3\x28",
                            &[(b"X-\0Name", b"\xff\xfe"), (b"\0", b"\0"), (b"Host", b"nul.example")],
                            b"a=\xff\0b",
                        ),
                    )
                },
            ),
            |conn| assert_eq!(newest_urls(conn).len(), 1),
        ),
        // Burp XML
        with_check(
            case("Burp XML billion laughs", Expect::Either, |d| {
                let mut doctype = String::from("<!DOCTYPE items [<!ENTITY lol0 \"lol\">");
                for i in 1..10 {
                    let previous = format!("&lol{};", i - 1);
                    doctype.push_str(&format!("<!ENTITY lol{i} \"{}\">", previous.repeat(10)));
                }
                doctype.push_str("]>");
                let xml = format!(
                    "<?xml version=\"1.0\"?>{doctype}<items burpVersion=\"2023.1\"><item><time>&lol9;</time><url><![CDATA[http://laughs.example/&lol9;]]></url><host ip=\"1.2.3.4\">laughs.example</host><port>80</port><protocol>http</protocol><method>GET</method><path>/&lol9;</path><request base64=\"false\"><![CDATA[GET /&lol9; HTTP/1.1\r\nHost: laughs.example\r\n\r\n]]></request><status>200</status><response base64=\"false\"><![CDATA[HTTP/1.1 200 OK\r\n\r\n&lol9;]]></response></item></items>"
                );
                file(d, "laughs.xml", xml.as_bytes())
            }),
            |conn| assert!(!newest_content(conn).contains("lollollollol"), "entities were expanded"),
        ),
        with_check(
            case("Burp XML external entity", Expect::Either, |d| {
                let xml = "<?xml version=\"1.0\"?><!DOCTYPE items [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><items burpVersion=\"2023.1\"><item><time>x</time><url><![CDATA[http://xxe.example/]]></url><host ip=\"1.2.3.4\">xxe.example&xxe;</host><port>80</port><protocol>http</protocol><method>GET</method><path>/&xxe;</path><request base64=\"false\"><![CDATA[GET / HTTP/1.1\r\nHost: xxe.example\r\nX-Leak: &xxe;\r\n\r\n]]></request><status>200</status><response base64=\"false\"><![CDATA[HTTP/1.1 200 OK\r\n\r\n]]></response></item></items>";
                file(d, "xxe.xml", xml.as_bytes())
            }),
            |conn| {
                assert!(
                    !newest_content(conn).contains("root:"),
                    "an external entity was fetched"
                )
            },
        ),
        case(
            "Burp XML with invalid UTF-8 and NUL in every field",
            Expect::Either,
            |d| {
                let mut xml = b"<?xml version=\"1.0\"?><items burpVersion=\"2023.1\"><item><time>\xff\0</time><url><![CDATA[http://u.example/\xff\xfe\0]]></url><host ip=\"1.2.3.4\">u.example</host><port>80</port><protocol>http</protocol><method>GET</method><path>/\xc3\x28</path><request base64=\"false\"><![CDATA[GET /\xff HTTP/1.1\r\nHost: u.example\r\nX-\0Bad\xff: \xfe\r\n\r\n]]></request><status>200</status><response base64=\"false\"><![CDATA[HTTP/1.1 200 OK\r\n\r\n\xff\xfe]]></response></item></items>".to_vec();
                xml.extend_from_slice(b"\n");
                file(d, "utf8.xml", &xml)
            },
        ),
        case("Burp XML 100k elements deep", Expect::Either, |d| {
            let xml = format!(
                "<?xml version=\"1.0\"?><items burpVersion=\"2023.1\">{}{}</items>",
                "<item>".repeat(100_000),
                "</item>".repeat(100_000)
            );
            file(d, "deep.xml", xml.as_bytes())
        }),
        case("Burp base64 body that is not base64", Expect::Either, |d| {
            let xml = "<?xml version=\"1.0\"?><items burpVersion=\"1.7\"><item><time>x</time><url><![CDATA[http://b.example/]]></url><host ip=\"1.2.3.4\">b.example</host><port>80</port><protocol>http</protocol><method>GET</method><path>/</path><request base64=\"true\"><![CDATA[%%%not base64%%%]]></request><status>200</status><response base64=\"true\"><![CDATA[====]]></response></item></items>";
            file(d, "bad-b64.xml", xml.as_bytes())
        }),
        // pcap
        case("pcap record longer than the file", Expect::Either, |d| {
            let mut pcap = Pcap::new();
            pcap.record_with_lengths(b"\0\0\0\0", 1_000_000_000, 1_000_000_000);
            file(d, "long-record.pcap", &pcap.bytes)
        }),
        case(
            "pcap record longer than the file after good packets",
            Expect::Either,
            |d| {
                let mut pcap = Pcap::new();
                http_over_tcp(
                    &mut pcap,
                    1000,
                    &[b"GET /ok HTTP/1.1\r\nHost: a.example\r\n\r\n"],
                    b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
                );
                pcap.record_with_lengths(b"\0\0\0\0", 0xffff_ffff, 0xffff_ffff);
                file(d, "long-tail.pcap", &pcap.bytes)
            },
        ),
        with_check(
            case(
                "TCP segments overlapping with different content",
                Expect::Imported,
                |d| {
                    let mut pcap = Pcap::new();
                    let isn = 5000u32;
                    http_over_tcp(
                        &mut pcap,
                        isn,
                        &[b"GET /first-copy HTTP/1.1\r\nHost: overlap.example\r\n\r\n"],
                        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                    );
                    // A "retransmission" of the same sequence range with other bytes.
                    pcap.tcp(
                        true,
                        isn + 1,
                        0x1000_0001,
                        crate::capture_builder::PSH_ACK,
                        b"GET /other-copy HTTP/1.1\r\nHost: overlap.example\r\n\r\n",
                    );
                    file(d, "overlap.pcap", &pcap.bytes)
                },
            ),
            |conn| {
                let urls = newest_urls(conn);
                assert_eq!(urls, ["http://overlap.example/first-copy"], "the first copy wins");
            },
        ),
        with_check(
            case("TCP stream across the 4 GiB sequence wrap", Expect::Imported, |d| {
                let mut pcap = Pcap::new();
                http_over_tcp(
                    &mut pcap,
                    0xffff_ffe0,
                    &[
                        b"GET /across-the-wrap",
                        b"-of-the-sequence HTTP/1.1\r\nHost: wr",
                        b"ap.example\r\n\r\n",
                    ],
                    b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nwrap!",
                );
                file(d, "wrap.pcap", &pcap.bytes)
            }),
            |conn| {
                assert_eq!(
                    newest_urls(conn),
                    ["http://wrap.example/across-the-wrap-of-the-sequence"]
                );
            },
        ),
        case("5000 TCP connections each with a 60 MB hole", Expect::Either, |d| {
            let mut pcap = Pcap::new();
            for i in 0..5000u32 {
                // A different client port per connection.
                let mut syn = crate::capture_builder::tcp_frame(true, i * 7, 0, crate::capture_builder::SYN, b"");
                syn[34..36].copy_from_slice(&(1024 + (i % 60_000) as u16).to_be_bytes());
                pcap.record(&syn);
                let mut first =
                    crate::capture_builder::tcp_frame(true, i * 7 + 1, 1, crate::capture_builder::PSH_ACK, b"G");
                first[34..36].copy_from_slice(&(1024 + (i % 60_000) as u16).to_be_bytes());
                pcap.record(&first);
                let mut far = crate::capture_builder::tcp_frame(
                    true,
                    i * 7 + 60_000_000,
                    1,
                    crate::capture_builder::PSH_ACK,
                    b"ET / HTTP/1.1\r\n\r\n",
                );
                far[34..36].copy_from_slice(&(1024 + (i % 60_000) as u16).to_be_bytes());
                pcap.record(&far);
            }
            file(d, "holes.pcap", &pcap.bytes)
        }),
        with_check(
            case(
                "HTTP with NUL in header names and invalid UTF-8 over TCP",
                Expect::Imported,
                |d| {
                    let mut pcap = Pcap::new();
                    http_over_tcp(
                    &mut pcap,
                    77,
                    &[b"POST /\xff\xfe?q=\xc3\x28 HTTP/1.1\r\nHost: raw.example\r\nX-\0Nul: \xff\r\nContent-Length: 3\r\n\r\n\0\xff\0"],
                    b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
                );
                    file(d, "nul-http.pcap", &pcap.bytes)
                },
            ),
            |conn| assert!(!newest_urls(conn).is_empty(), "the request is kept"),
        ),
        case(
            "HTTP with a Content-Length of 10^15 and a huge chunk size",
            Expect::Imported,
            |d| {
                let mut pcap = Pcap::new();
                http_over_tcp(
                    &mut pcap,
                    91,
                    &[b"POST /cl HTTP/1.1\r\nHost: cl.example\r\nContent-Length: 1000000000000000\r\n\r\nabc"],
                    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\nabc",
                );
                file(d, "lengths.pcap", &pcap.bytes)
            },
        ),
        case("pcapng block with a lying length", Expect::Either, |d| {
            let mut bytes = fixture_bytes("pcap/zeek__cooper-grill-dvwa.pcapng");
            // The second block's total length (after the 28-byte SHB header…): make it huge.
            let shb_len = u32::from_le_bytes(bytes[4..8].try_into().expect("4 bytes")) as usize;
            bytes[shb_len + 4..shb_len + 8].copy_from_slice(&0x7fff_fff0u32.to_le_bytes());
            file(d, "lying-block.pcapng", &bytes)
        }),
        case("pcapng block length zero", Expect::Either, |d| {
            let mut bytes = fixture_bytes("pcap/zeek__cooper-grill-dvwa.pcapng");
            let shb_len = u32::from_le_bytes(bytes[4..8].try_into().expect("4 bytes")) as usize;
            bytes[shb_len + 4..shb_len + 8].copy_from_slice(&0u32.to_le_bytes());
            file(d, "zero-block.pcapng", &bytes)
        }),
        case("/dev/zero given as a capture", Expect::Refused, |_| {
            PathBuf::from("/dev/zero")
        }),
        case("a FIFO given as a capture", Expect::Refused, |d| {
            let fifo = d.join("capture.har");
            let status = std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .expect("mkfifo");
            assert!(status.success());
            fifo
        }),
        case("a directory given as a capture", Expect::Refused, |d| {
            let sub = d.join("folder.har");
            std::fs::create_dir(&sub).expect("mkdir");
            sub
        }),
        slow(case("64 MB URL", Expect::Imported, |d| {
            let url = format!("https://long.example/p?data={}", "A".repeat(64 * 1024 * 1024));
            file(d, "long-url.har", &har(vec![har_entry(&url, "GET", None, &[])]))
        })),
    ];
    // Each format's fixture cut at many points: refused, or imported up to the cut.
    for (extension, relative) in TRUNCATED {
        let bytes = fixture_bytes(relative);
        let len = bytes.len();
        for cut in [1, 4, 11, 24, 100, len / 3, len / 2, len - 1] {
            let bytes = bytes[..cut.min(len)].to_vec();
            let name = format!("truncated-{cut}.{extension}");
            cases.push(case(
                &format!("{relative} truncated at {cut} bytes"),
                Expect::Either,
                move |d| file(d, &name, &bytes),
            ));
        }
    }
    cases
}
