//! The demo story: what a made-up preinstalled browser sends while someone
//! browses for ten minutes, once in normal and once in incognito mode.

use super::har_writer::{HarEntry, write_har};
use crate::model::Mode;
use base64::Engine as _;

/// The made-up app of the demo case.
pub const DEMO_APP: &str = "com.example.browser";
/// The made-up device of the demo case.
pub const DEMO_DEVICE: &str = "Redmi Note 8 (synthetic)";

/// One generated capture file.
pub struct DemoCapture {
    pub file_name: &'static str,
    pub session: &'static str,
    pub mode: Mode,
    pub bytes: Vec<u8>,
}

/// 2020-04-20T10:00:00Z and 11:00:00Z: the two recordings, an hour apart.
const NORMAL_START_MICROS: i64 = 1_587_376_800_000_000;
const INCOGNITO_START_MICROS: i64 = NORMAL_START_MICROS + 3_600_000_000;
const SESSION_LENGTH_MICROS: i64 = 600_000_000;
/// Sensors-style SDKs flush their queue about every 15 seconds.
const FLUSH_INTERVAL_MICROS: i64 = 15_000_000;

/// Analytics endpoints. Hosts are invented; the addresses are in networks the
/// bundled geo database places in Singapore and Russia, as in the 2020 story.
const SA_HOST_SG: (&str, &str) = ("sa.example-browser-analytics.com", "161.117.96.161");
const SA_HOST_RU: (&str, &str) = ("stat.example-browser-analytics.ru", "95.163.36.1");
const GA_IP: &str = "142.250.185.78";
const MIXPANEL_IP: &str = "35.190.25.25";
const SITE_IP: &str = "93.184.216.34";

const BROWSER_UA: &str = "Mozilla/5.0 (Linux; U; Android 10; en-us; Redmi Note 8 Build/QKQ1.200114.002) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/79.0.3945.147 Mobile Safari/537.36 ExampleBrowser/12.1.3";
const SDK_UA: &str = "Dalvik/2.1.0 (Linux; U; Android 10; Redmi Note 8 Build/QKQ1.200114.002)";

/// What the person does in the browser.
enum Action {
    Visit(&'static str, &'static str),
    Search(&'static str, &'static str),
    Folder(&'static str),
    Settings(&'static str),
}

const NORMAL_SCRIPT: &[Action] = &[
    Action::Visit(
        "https://news.example.org/world/2020/04/20/elections",
        "Elections postponed — World News",
    ),
    Action::Search("google", "weather singapore"),
    Action::Visit("https://weather.example.com/sg/singapore", "Singapore weather"),
    Action::Folder("Downloads"),
    Action::Search("duckduckgo", "purple giraffe 7391"),
    Action::Visit("https://shop.example.com/phones/redmi-note-8", "Redmi Note 8 — Shop"),
    Action::Settings("Privacy & security"),
    Action::Visit("https://recipes.example.net/laksa", "Laksa recipe"),
    Action::Search("google", "train times to kuala lumpur"),
    Action::Visit("https://travel.example.com/trains/sg-kl", "Singapore to KL by train"),
    Action::Folder("Bookmarks"),
    Action::Visit("https://video.example.com/watch?v=8d7f1", "Cat video"),
];

const INCOGNITO_SCRIPT: &[Action] = &[
    Action::Search("google", "隐私测试 canary"),
    Action::Visit(
        "https://clinic.example.net/appointments/sexual-health",
        "Book an appointment — Clinic",
    ),
    Action::Search("duckduckgo", "how to delete browsing history"),
    Action::Visit(
        "https://help.example.org/browser/private-mode",
        "What private mode does not hide",
    ),
    Action::Folder("Private files"),
    Action::Search("google", "divorce lawyer near me"),
    Action::Visit("https://lawyers.example.com/family/divorce", "Family lawyers"),
    Action::Settings("Clear browsing data"),
    Action::Visit(
        "https://forum.example.net/t/depression-support",
        "Depression support forum",
    ),
    Action::Search("duckduckgo", "vpn free download"),
    Action::Visit("https://jobs.example.com/search?q=new+job", "Job search"),
    Action::Settings("Incognito settings"),
];

/// Generates both demo captures, deterministically.
pub fn demo_captures() -> Vec<DemoCapture> {
    vec![
        DemoCapture {
            file_name: "normal.har",
            session: "normal",
            mode: Mode::Normal,
            bytes: Session::new(NORMAL_START_MICROS, false, 0x5eed_0001).record(NORMAL_SCRIPT),
        },
        DemoCapture {
            file_name: "incognito.har",
            session: "incognito",
            mode: Mode::Incognito,
            bytes: Session::new(INCOGNITO_START_MICROS, true, 0x5eed_0002).record(INCOGNITO_SCRIPT),
        },
    ]
}

/// A tiny fixed-seed PRNG (SplitMix64): the demo must be byte-identical on
/// every machine, so no `rand` and no clock.
struct Prng(u64);

impl Prng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn between(&mut self, low: i64, high: i64) -> i64 {
        low + (self.next() % (high - low).max(1) as u64) as i64
    }
}

struct Session {
    now: i64,
    end: i64,
    incognito: bool,
    rng: Prng,
    entries: Vec<HarEntry>,
    queue: Vec<serde_json::Value>,
    next_flush: i64,
    track_id: u64,
    batches: u64,
    distinct_id: String,
}

impl Session {
    fn new(start: i64, incognito: bool, seed: u64) -> Self {
        let mut rng = Prng(seed);
        let distinct_id = format!("{:016x}", rng.next());
        Session {
            now: start,
            end: start + SESSION_LENGTH_MICROS,
            incognito,
            rng,
            entries: Vec::new(),
            queue: Vec::new(),
            next_flush: start + FLUSH_INTERVAL_MICROS,
            track_id: 0,
            batches: 0,
            distinct_id,
        }
    }

    fn record(mut self, script: &[Action]) -> Vec<u8> {
        self.track(
            "$AppStart",
            serde_json::json!({"$screen_name": "BrowserActivity", "$resume_from_background": false}),
        );
        let mut step = 0;
        while self.now < self.end - 20_000_000 {
            let action = &script[step % script.len()];
            self.perform(action);
            step += 1;
            let pause = self.rng.between(4_000_000, 11_000_000);
            self.advance(pause);
        }
        self.track(
            "$AppEnd",
            serde_json::json!({"event_duration": SESSION_LENGTH_MICROS / 1_000_000}),
        );
        self.flush();
        let creator = if self.incognito {
            "Telltale demo generator (incognito)"
        } else {
            "Telltale demo generator (normal)"
        };
        write_har(creator, &self.entries)
    }

    fn advance(&mut self, micros: i64) {
        let target = self.now + micros;
        while self.next_flush <= target {
            self.now = self.next_flush;
            self.flush();
            self.next_flush += FLUSH_INTERVAL_MICROS;
        }
        self.now = target;
    }

    fn perform(&mut self, action: &Action) {
        match action {
            Action::Visit(url, title) => self.visit(url, title),
            Action::Search(engine, words) => self.search(engine, words),
            Action::Folder(name) => {
                self.track(
                    "$AppViewScreen",
                    serde_json::json!({"$screen_name": "FileManagerActivity", "$title": "Files"}),
                );
                self.track(
                    "folder_open",
                    serde_json::json!({"folder_name": name, "$screen_name": "FileManagerActivity"}),
                );
            }
            Action::Settings(page) => {
                self.track(
                    "$AppViewScreen",
                    serde_json::json!({"$screen_name": "SettingsActivity", "$title": page}),
                );
                self.track(
                    "settings_open",
                    serde_json::json!({"setting_page": page, "$screen_name": "SettingsActivity"}),
                );
            }
        }
    }

    fn visit(&mut self, url: &str, title: &str) {
        self.page_load(url, title);
        self.track(
            "page_view",
            serde_json::json!({"$url": url, "$title": title, "$screen_name": "BrowserActivity"}),
        );
        self.track("$AppClick", serde_json::json!({"$element_type": "WebView", "$element_content": title, "$screen_name": "BrowserActivity"}));
        self.ga_pageview(url, title);
    }

    fn search(&mut self, engine: &str, words: &str) {
        let encoded = form_encode(words);
        let url = match engine {
            "google" => format!("https://www.google.com/search?q={encoded}"),
            _ => format!("https://duckduckgo.com/?q={encoded}"),
        };
        self.page_load(&url, &format!("{words} - Search"));
        self.track("search", serde_json::json!({"keyword": words, "search_engine": engine, "$url": url, "$screen_name": "SearchActivity"}));
        self.ga_pageview(&url, &format!("{words} - Search"));
        self.mixpanel_search(words, engine);
    }

    fn page_load(&mut self, url: &str, title: &str) {
        let html = format!(
            "<!doctype html><html><head><title>{title}</title></head><body><h1>{title}</h1><p>Synthetic page for the Telltale demo.</p></body></html>"
        );
        let headers = vec![
            ("User-Agent".to_string(), BROWSER_UA.to_string()),
            ("X-Requested-With".to_string(), super::DEMO_APP.to_string()),
            ("Accept".to_string(), "text/html".to_string()),
            // A top-level navigation, as Chromium WebViews mark it: the
            // page's site is one the user visited (first party).
            ("Sec-Fetch-Mode".to_string(), "navigate".to_string()),
            ("Sec-Fetch-Dest".to_string(), "document".to_string()),
        ];
        let image_headers: Vec<(String, String)> = headers[..2]
            .iter()
            .cloned()
            .chain([
                ("Sec-Fetch-Mode".to_string(), "no-cors".to_string()),
                ("Sec-Fetch-Dest".to_string(), "image".to_string()),
            ])
            .collect();
        let duration = self.rng.between(80, 400) as f64;
        self.entries.push(HarEntry {
            time_micros: self.now,
            duration_ms: duration,
            method: "GET",
            url: url.to_string(),
            request_headers: headers,
            post: None,
            status: 200,
            response_mime: "text/html; charset=utf-8".into(),
            response_text: html,
            server_ip: SITE_IP.into(),
        });
        let origin = url.split('/').take(3).collect::<Vec<_>>().join("/");
        self.entries.push(HarEntry {
            time_micros: self.now + 150_000,
            duration_ms: 35.0,
            method: "GET",
            url: format!("{origin}/static/logo.png"),
            request_headers: image_headers,
            post: None,
            status: 200,
            response_mime: "image/png".into(),
            response_text: String::new(),
            server_ip: SITE_IP.into(),
        });
    }

    /// Queues one Sensors-style event; the SDK sends it with the next batch.
    fn track(&mut self, event: &str, extra: serde_json::Value) {
        self.track_id += 1;
        let mut properties = serde_json::json!({
            "$app_id": super::DEMO_APP,
            "$app_version": "12.1.3",
            "$manufacturer": "Xiaomi",
            "$model": "Redmi Note 8",
            "$os": "Android",
            "$os_version": "10",
            "$network_type": "WIFI",
            "$wifi": true,
            "$is_incognito": self.incognito,
        });
        if let (Some(target), Some(more)) = (properties.as_object_mut(), extra.as_object()) {
            target.extend(more.clone());
        }
        self.queue.push(serde_json::json!({
            "_track_id": self.track_id,
            "time": self.now / 1000,
            "type": "track",
            "distinct_id": self.distinct_id,
            "lib": {"$lib": "Android", "$lib_version": "4.3.2", "$lib_method": "code", "$app_version": "12.1.3"},
            "event": event,
            "properties": properties,
        }));
    }

    /// Sends the queued events as one `crc=…&gzip=1&data_list=…` form POST.
    fn flush(&mut self) {
        if self.queue.is_empty() {
            return;
        }
        let events = std::mem::take(&mut self.queue);
        let json = serde_json::Value::Array(events).to_string();
        let data_list = base64::engine::general_purpose::STANDARD.encode(gzip(json.as_bytes()));
        let body = format!(
            "crc={}&gzip=1&data_list={}",
            java_string_hash(&data_list),
            form_encode(&data_list)
        );
        // Alternate endpoints as the real SDK config did between regions.
        self.batches += 1;
        let (host, ip) = if self.batches.is_multiple_of(3) {
            SA_HOST_RU
        } else {
            SA_HOST_SG
        };
        self.entries.push(HarEntry {
            time_micros: self.now,
            duration_ms: self.rng.between(120, 900) as f64,
            method: "POST",
            url: format!("https://{host}/sa?project=browser"),
            request_headers: vec![
                ("User-Agent".into(), SDK_UA.into()),
                ("Content-Type".into(), "application/x-www-form-urlencoded".into()),
            ],
            post: Some(("application/x-www-form-urlencoded".into(), body)),
            status: 200,
            response_mime: "application/json".into(),
            response_text: "{\"code\":0}".into(),
            server_ip: ip.into(),
        });
    }

    fn ga_pageview(&mut self, url: &str, title: &str) {
        let hit = format!(
            "https://www.google-analytics.com/collect?v=1&tid=UA-10000001-1&cid={}&t=pageview&dl={}&dt={}",
            self.distinct_id,
            form_encode(url),
            form_encode(title)
        );
        self.entries.push(HarEntry {
            time_micros: self.now + 400_000,
            duration_ms: 30.0,
            method: "GET",
            url: hit,
            request_headers: vec![
                ("User-Agent".into(), BROWSER_UA.into()),
                ("X-Requested-With".into(), super::DEMO_APP.into()),
            ],
            post: None,
            status: 200,
            response_mime: "image/gif".into(),
            response_text: String::new(),
            server_ip: GA_IP.into(),
        });
    }

    fn mixpanel_search(&mut self, words: &str, engine: &str) {
        let event = serde_json::json!([{
            "event": "Search",
            "properties": {
                "token": "demo0000mixpaneltoken",
                "distinct_id": self.distinct_id,
                "time": self.now / 1_000_000,
                "$insert_id": format!("{:x}", self.rng.next()),
                "query": words,
                "engine": engine,
                "incognito": self.incognito,
            }
        }]);
        let data = base64::engine::general_purpose::STANDARD.encode(event.to_string());
        self.entries.push(HarEntry {
            time_micros: self.now + 700_000,
            duration_ms: 60.0,
            method: "POST",
            url: "https://api.mixpanel.com/track".into(),
            request_headers: vec![
                ("User-Agent".into(), SDK_UA.into()),
                ("Content-Type".into(), "application/x-www-form-urlencoded".into()),
            ],
            post: Some((
                "application/x-www-form-urlencoded".into(),
                format!("data={}", form_encode(&data)),
            )),
            status: 200,
            response_mime: "text/plain".into(),
            response_text: "1".into(),
            server_ip: MIXPANEL_IP.into(),
        });
    }
}

/// Java's `String.hashCode` over UTF-16 code units, as the Sensors SDK's crc.
pub fn java_string_hash(text: &str) -> i32 {
    text.encode_utf16()
        .fold(0i32, |h, unit| h.wrapping_mul(31).wrapping_add(i32::from(unit)))
}

/// `application/x-www-form-urlencoded` encoding (space as `+`).
fn form_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => out.push(char::from(byte)),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn gzip(data: &[u8]) -> Vec<u8> {
    // Stored (uncompressed) deflate blocks: the bytes depend on no
    // compressor, so the demo files stay identical whichever flate2 backend
    // the build picked. Real decoders read stored blocks like any other.
    const MAX_STORED_BLOCK: usize = 65_535;
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    let mut blocks = data.chunks(MAX_STORED_BLOCK).peekable();
    if blocks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    while let Some(block) = blocks.next() {
        let is_last = u8::from(blocks.peek().is_none());
        let len = u16::try_from(block.len()).unwrap_or(u16::MAX);
        out.push(is_last);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    let mut crc = flate2::Crc::new();
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&u32::try_from(data.len()).unwrap_or(u32::MAX).to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_hash_matches_known_values() {
        assert_eq!(java_string_hash(""), 0);
        assert_eq!(java_string_hash("hello"), 99_162_322);
        assert_eq!(java_string_hash("Aa"), java_string_hash("BB"));
    }

    #[test]
    fn generation_is_deterministic() {
        let a = demo_captures();
        let b = demo_captures();
        assert_eq!(a[0].bytes, b[0].bytes);
        assert_eq!(a[1].bytes, b[1].bytes);
    }

    #[test]
    fn committed_demo_files_are_current() {
        let fresh = demo_captures();
        assert!(
            fresh[0].bytes == super::super::NORMAL_HAR,
            "assets/demo/normal.har is stale: run `cargo run --example gen_demo`"
        );
        assert!(
            fresh[1].bytes == super::super::INCOGNITO_HAR,
            "assets/demo/incognito.har is stale: run `cargo run --example gen_demo`"
        );
    }
}
