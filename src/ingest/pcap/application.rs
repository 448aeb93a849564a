//! What rides on one reassembled TCP connection, layer by layer: TLS
//! (decrypted with the key log when it can be), then HTTP/2 (ALPN `h2`, the
//! client preface, or `Upgrade: h2c`) or HTTP/1.x, then WebSocket after an
//! `Upgrade: websocket`.
//!
//! Every exchange built here carries its transport steps
//! (`tls1.3 aes-128-gcm › http2 stream 3`) for the decode path. A TLS
//! connection that cannot be decrypted still becomes one exchange — method
//! `TLS`, the server name (SNI) as host, a note saying why — and a summary
//! line per server name and reason, so the user sees whom the app talked
//! to and what to do about it.

use super::connections::{Connection, Endpoint};
use super::http::{self, Context, Http1, Sides};
use super::tcp::Stream;
use super::tls::{self, Decryption, TlsConnection};
use crate::ingest::ImportSummary;
use crate::ingest::http2;
use crate::ingest::keylog::KeyLog;
use crate::ingest::websocket;
use crate::model::{Exchange, exchange_header};
use std::net::IpAddr;

/// The exchanges on `connection`, or `None` when it carries neither TLS
/// nor HTTP.
pub(super) fn exchanges(connection: &Connection, keys: &KeyLog, summary: &mut ImportSummary) -> Option<Vec<Exchange>> {
    if let Some(tls) = tls::inspect(&connection.from_first, &connection.from_second, keys) {
        return Some(tls_exchanges(connection, tls, summary));
    }
    let preface_first = http2::starts_with_preface(&connection.from_first.data);
    if preface_first || http2::starts_with_preface(&connection.from_second.data) {
        let (client, server, requests, responses) = if preface_first {
            (
                connection.first,
                connection.second,
                &connection.from_first,
                &connection.from_second,
            )
        } else {
            (
                connection.second,
                connection.first,
                &connection.from_second,
                &connection.from_first,
            )
        };
        let sides = Sides {
            client,
            server,
            requests,
            responses,
        };
        let context = Context {
            app_hint: connection.app_hint.clone(),
            capped: connection.capped(),
            scheme: "http",
            ..Context::default()
        };
        return Some(http2_exchanges(&sides, &context, None));
    }
    let http1 = http::exchanges(connection)?;
    let (client, server, requests, responses) = http1_sides(connection, &http1);
    let sides = Sides {
        client,
        server,
        requests,
        responses,
    };
    let context = Context {
        app_hint: connection.app_hint.clone(),
        capped: connection.capped(),
        scheme: "http",
        ..Context::default()
    };
    Some(after_upgrade(http1, &sides, &context))
}

/// The orientation `http::exchanges` chose.
fn http1_sides<'c>(connection: &'c Connection, http1: &Http1) -> (Endpoint, Endpoint, &'c Stream, &'c Stream) {
    if http1.client_is_first {
        (
            connection.first,
            connection.second,
            &connection.from_first,
            &connection.from_second,
        )
    } else {
        (
            connection.second,
            connection.first,
            &connection.from_second,
            &connection.from_first,
        )
    }
}

fn tls_exchanges(connection: &Connection, mut tls: TlsConnection, summary: &mut ImportSummary) -> Vec<Exchange> {
    let (client, server) = if tls.client_is_first {
        (connection.first, connection.second)
    } else {
        (connection.second, connection.first)
    };
    let label = tls.info.label();
    let server_name = tls.info.server_name.clone().unwrap_or_else(|| authority(server));
    let (client_plain, server_plain) = match std::mem::replace(&mut tls.decryption, Decryption::Incomplete) {
        Decryption::Decrypted { client, server } => (*client, *server),
        other => {
            let reason = match &other {
                Decryption::NoKey => "no key: give the key log with --keylog".to_string(),
                Decryption::KeyMismatch => "the key log entry does not fit (records fail authentication)".to_string(),
                Decryption::Unsupported(suite) => format!("cipher suite {suite} is not one Telltale decrypts"),
                Decryption::Incomplete | Decryption::Decrypted { .. } => "no ServerHello captured".to_string(),
            };
            summary.skip(&format!("TLS connections to {server_name}, {reason}"), 1);
            let mut record = record_exchange(connection, client, server, &tls, &label);
            record.notes.push(format!("TLS connection not decrypted: {reason}"));
            return vec![record];
        }
    };
    let context = Context {
        app_hint: connection.app_hint.clone(),
        capped: connection.capped(),
        scheme: "https",
        transport: Some(label.clone()),
        notes: tls.notes.clone(),
    };
    let sides = Sides {
        client,
        server,
        requests: &client_plain,
        responses: &server_plain,
    };
    let alpn_h2 = tls
        .info
        .alpn
        .as_deref()
        .is_some_and(|p| p == "h2" || p.starts_with("h2-"));
    if alpn_h2 || http2::starts_with_preface(&client_plain.data) {
        return http2_exchanges(&sides, &context, tls.info.server_name.as_deref());
    }
    match http::exchanges_on(&sides, &context) {
        Some(http1) => after_upgrade(http1, &sides, &context),
        None => {
            // Decrypted, but not HTTP: keep the plaintext so decoders and
            // the canary search still see what the app sent.
            summary.skip("TLS connections decrypted but not carrying HTTP", 1);
            let mut record = record_exchange(connection, client, server, &tls, &label);
            record.notes.push(format!(
                "decrypted TLS that does not carry HTTP ({} bytes sent, {} received)",
                client_plain.data.len(),
                server_plain.data.len()
            ));
            record.request_body = client_plain.data;
            record.response_body = server_plain.data;
            vec![record]
        }
    }
}

/// The request-level record of a TLS connection whose content is not HTTP
/// or could not be decrypted.
fn record_exchange(
    connection: &Connection,
    client: Endpoint,
    server: Endpoint,
    tls: &TlsConnection,
    label: &str,
) -> Exchange {
    let stream = if tls.client_is_first {
        &connection.from_first
    } else {
        &connection.from_second
    };
    let host = tls.info.server_name.clone().unwrap_or_else(|| server.0.to_string());
    let url = if server.1 == 443 {
        format!("https://{}/", bracketed(&host))
    } else {
        format!("https://{}:{}/", bracketed(&host), server.1)
    };
    let mut exchange = Exchange {
        time_micros: stream.time_at(0).unwrap_or(0),
        method: "TLS".to_string(),
        url,
        host,
        port: Some(server.1),
        http_version: tls.info.version.clone(),
        server_ip: Some(server.0.to_string()),
        server_port: Some(server.1),
        client_ip: Some(client.0.to_string()),
        app_hint: connection.app_hint.clone(),
        transport: Some(label.to_string()),
        notes: tls.notes.clone(),
        ..Exchange::default()
    };
    if let Some(name) = &tls.info.suite_name {
        exchange.notes.push(format!("cipher suite {name}"));
    }
    if let Some(alpn) = &tls.info.alpn {
        exchange.notes.push(format!("ALPN {alpn}"));
    }
    exchange
}

fn bracketed(host: &str) -> String {
    if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_string()
    }
}

/// HTTP/2 from the first byte of both streams (TLS `h2`, or h2c with prior
/// knowledge).
fn http2_exchanges(sides: &Sides<'_>, context: &Context, server_name: Option<&str>) -> Vec<Exchange> {
    let template = template(sides, context, server_name);
    let client_time = |at: usize| sides.requests.time_at(at);
    let server_time = |at: usize| sides.responses.time_at(at);
    let read = http2::read(
        &http2::Side {
            data: &sides.requests.data,
            time_at: &client_time,
        },
        &http2::Side {
            data: &sides.responses.data,
            time_at: &server_time,
        },
        &template,
    );
    let notes = read.notes;
    read.exchanges
        .into_iter()
        .map(|(_, mut exchange)| {
            exchange.notes.extend(notes.iter().cloned());
            exchange
        })
        .collect()
}

/// What every exchange of the connection shares.
fn template(sides: &Sides<'_>, context: &Context, server_name: Option<&str>) -> Exchange {
    let host = server_name.map_or_else(|| authority(sides.server), str::to_string);
    Exchange {
        time_micros: sides.requests.time_at(0).unwrap_or(0),
        url: format!("{}://{host}/", context.scheme),
        host,
        server_ip: Some(sides.server.0.to_string()),
        server_port: Some(sides.server.1),
        client_ip: Some(sides.client.0.to_string()),
        app_hint: context.app_hint.clone(),
        transport: context.transport.clone(),
        notes: context.notes.clone(),
        ..Exchange::default()
    }
}

/// Handles what follows `101 Switching Protocols`: WebSocket messages on
/// the upgrade exchange, or HTTP/2 after `Upgrade: h2c` (whose stream 1
/// answers the upgrade request).
fn after_upgrade(http1: Http1, sides: &Sides<'_>, context: &Context) -> Vec<Exchange> {
    let Http1 {
        mut exchanges, upgrade, ..
    } = http1;
    let Some(upgrade) = upgrade else {
        return exchanges;
    };
    let client_tail = sides.requests.tail_from(upgrade.client_offset);
    let server_tail = sides.responses.tail_from(upgrade.server_offset);
    match upgrade.protocol.as_str() {
        "websocket" => {
            if let Some(handshake) = exchanges.last_mut() {
                attach_websocket(handshake, &client_tail, &server_tail);
            }
        }
        "h2c" => {
            let tails = Sides {
                client: sides.client,
                server: sides.server,
                requests: &client_tail,
                responses: &server_tail,
            };
            let mut streams = http2_exchanges(&tails, context, None);
            if let Some(position) = streams
                .iter()
                .position(|e| e.transport.as_deref().is_some_and(|t| t.ends_with("http2 stream 1")))
            {
                let answer = streams.remove(position);
                if let Some(upgrade_request) = exchanges.last_mut() {
                    upgrade_request.status = answer.status;
                    upgrade_request.response_headers = answer.response_headers;
                    upgrade_request.response_body = answer.response_body;
                    upgrade_request.response_body_original = None;
                    upgrade_request.duration_micros = answer.duration_micros;
                    upgrade_request.notes.retain(|n| n != "no response captured");
                    upgrade_request
                        .notes
                        .push("answered as HTTP/2 stream 1 after Upgrade: h2c".to_string());
                }
            }
            exchanges.extend(streams);
        }
        _ => {}
    }
    exchanges
}

fn attach_websocket(handshake: &mut Exchange, client: &Stream, server: &Stream) {
    let deflate = websocket::deflate_agreed(exchange_header(&handshake.response_headers, "sec-websocket-extensions"));
    let client_time = |at: usize| client.time_at(at);
    let server_time = |at: usize| server.time_at(at);
    let sent = websocket::read_messages(&client.data, true, deflate, &client_time);
    let received = websocket::read_messages(&server.data, false, deflate, &server_time);
    handshake.notes.push(format!(
        "WebSocket: {} messages sent, {} received ({} frames, {} control)",
        sent.messages.len(),
        received.messages.len(),
        sent.frame_count + received.frame_count,
        sent.control_count + received.control_count
    ));
    handshake.notes.extend(sent.notes);
    handshake.notes.extend(received.notes);
    let mut messages: Vec<_> = sent.messages.into_iter().chain(received.messages).collect();
    messages.sort_by_key(|m| m.time_micros.unwrap_or(i64::MAX));
    handshake.websocket_messages = messages;
}

fn authority((ip, port): Endpoint) -> String {
    match ip {
        IpAddr::V4(v4) => format!("{v4}:{port}"),
        IpAddr::V6(v6) => format!("[{v6}]:{port}"),
    }
}
