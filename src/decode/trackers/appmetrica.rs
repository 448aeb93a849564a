//! Yandex AppMetrica SDK report bodies.
//!
//! Format (github.com/appmetrica/appmetrica-sdk-ios,
//! `AMAReportPayloadEncoderFactory.m`): a report is the protobuf
//! `ReportMessage` (sessions with their events), gzipped, then encrypted by
//! `AMARSAAESCrypter` (AES with a fresh key, the key RSA-encrypted with
//! AppMetrica's public key) and POSTed to `report.appmetrica.yandex.net/report`
//! (`*.appmetrica.yandex.net`, `*.appmetrica.yandex.com`). The device and app
//! fields travel in the query string (`deviceid`, `uuid`, `app_id`,
//! `model`, `manufacturer`, `os_version` …), which the request's data types
//! name; the body is marked encrypted and yields no events.

use super::TrackerDecoder;
use super::event::host;
use super::sdk::{has_request_json, host_is, mark_body_encrypted};
use crate::decode::tree::Tree;
use crate::model::{DecodedEvent, Exchange};

const ID: &str = "appmetrica";
const HOSTS: &[&str] = &["appmetrica.yandex.net", "appmetrica.yandex.com", "appmetrica.yandex.ru"];
const NOTE: &str = "encrypted by the AppMetrica SDK (protobuf ReportMessage, gzip, then AES with an RSA-wrapped key); \
    not decoded — the query string carries the device fields";

pub struct AppMetrica;

impl TrackerDecoder for AppMetrica {
    fn id(&self) -> &'static str {
        ID
    }

    fn events(&self, exchange: &Exchange, tree: &mut Tree) -> Option<Vec<DecodedEvent>> {
        let is_report = host_is(&host(exchange), HOSTS) && exchange.path().trim_end_matches('/').ends_with("/report");
        if !is_report || exchange.request_body.is_empty() || has_request_json(tree) {
            return None;
        }
        mark_body_encrypted(tree, NOTE);
        Some(Vec::new())
    }
}
