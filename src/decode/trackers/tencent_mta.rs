//! Tencent MTA (移动分析, `com.tencent.stat` / `com.tencent.wxop.stat`).
//!
//! Format (decompiled SDK 2.0.4 in github.com/tsuzcx/qq_apk,
//! `com/tencent/wxop/stat/common/StatConstants.java` and the sender class):
//! POST `http://pingma.qq.com:80/mstat/report`, `Content-Type: json`; the
//! body is a JSON array of events, which the SDK always RC4-encrypts with a
//! key built into it. Bodies of 256 characters or more are first gzipped
//! behind a 4-byte big-endian length: `Content-Encoding: rc4,gzip`
//! (`X-Content-Encoding` when sent through a proxy), shorter ones `rc4`.
//! Telltale marks the body encrypted and does not decode it.

use super::TrackerDecoder;
use super::event::host;
use super::sdk::{host_is, mark_body_encrypted};
use crate::decode::tree::Tree;
use crate::model::{DecodedEvent, Exchange};

const ID: &str = "tencent-mta";
const HOSTS: &[&str] = &["pingma.qq.com", "mta.qq.com"];
const REPORT_PATH: &str = "/mstat/report";

pub struct TencentMta;

impl TrackerDecoder for TencentMta {
    fn id(&self) -> &'static str {
        ID
    }

    fn events(&self, exchange: &Exchange, tree: &mut Tree) -> Option<Vec<DecodedEvent>> {
        let encoding = exchange
            .request_header("content-encoding")
            .or_else(|| exchange.request_header("x-content-encoding"))
            .map(|value| value.trim().to_ascii_lowercase());
        let rc4 = encoding
            .as_deref()
            .is_some_and(|value| value.split(',').any(|token| token.trim() == "rc4"));
        let on_endpoint = host_is(&host(exchange), HOSTS) && exchange.path().starts_with(REPORT_PATH);
        if !rc4 && !on_endpoint {
            return None;
        }
        if exchange.request_body.is_empty() {
            return on_endpoint.then(Vec::new);
        }
        let layers = encoding.unwrap_or_else(|| "rc4".to_string());
        let note = format!(
            "encrypted by the Tencent MTA SDK (RC4 with a key built into the SDK; Content-Encoding `{layers}`: \
             a JSON array of events inside); not decoded"
        );
        mark_body_encrypted(tree, &note);
        Some(Vec::new())
    }
}
