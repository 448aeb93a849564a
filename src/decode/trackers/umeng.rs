//! Umeng (友盟, Alibaba) analytics SDK, `com.umeng.commonsdk` 9.x.
//!
//! Format (decompiled `com/umeng/commonsdk/statistics/idtracking/Envelope`
//! of umeng-common 9.3.8 in github.com/kisence-mian/SDKLibrary,
//! `Umeng/.smaliCache/umeng-common-9.3.8.jar/…/Envelope.smali`): uploads
//! to `ulogs.umeng.com/unify_logs` (older SDKs `alog.umeng.com/app_logs`)
//! are a binary *envelope*: version, address, signature, serial number,
//! timestamp, length, GUID, checksum and the entity; the entity is the
//! compressed event data, and with `setEncryptEnabled(true)` (`codex` 1,
//! `CODEX_ENCRYPT`) it is encrypted with a key derived from the app key and
//! a seed in the SDK. The envelope layout is not documented publicly, so
//! Telltale marks the body encrypted and does not decode it; a plain JSON
//! body on these paths is left to the generic decoder.

use super::TrackerDecoder;
use super::event::host;
use super::sdk::{body_is_text, has_request_json, host_is, mark_body_encrypted};
use crate::decode::tree::Tree;
use crate::model::{DecodedEvent, Exchange};

const ID: &str = "umeng";
const HOSTS: &[&str] = &["umeng.com", "umengcloud.com"];
const PATHS: &[&str] = &["/unify_logs", "/app_logs", "/ulogs", "/uapp_logs"];
const NOTE: &str = "Umeng envelope (binary: signature, serial, timestamp, GUID, checksum around the event entity, \
    which is compressed and, when the app enables encryption, encrypted with a key derived from its app key); not decoded";

pub struct Umeng;

impl TrackerDecoder for Umeng {
    fn id(&self) -> &'static str {
        ID
    }

    fn events(&self, exchange: &Exchange, tree: &mut Tree) -> Option<Vec<DecodedEvent>> {
        let on_upload = host_is(&host(exchange), HOSTS) && PATHS.iter().any(|path| exchange.path().starts_with(path));
        let declared = exchange
            .request_header("content-type")
            .is_some_and(|kind| kind.trim().eq_ignore_ascii_case("envelope/json"));
        if !(on_upload || declared)
            || exchange.request_body.is_empty()
            || has_request_json(tree)
            || body_is_text(exchange)
        {
            return None;
        }
        mark_body_encrypted(tree, NOTE);
        Some(Vec::new())
    }
}
