//! The report's first page: "Key findings" as sentences an editor can check,
//! each naming the app, the mode, the data, the SDK or company, the host,
//! the server IP with its country and network owner, and pointing at the
//! evidence block that backs it.
//!
//! Two sources: the case summary (`Case::summary`: per session × mode ×
//! company, the kinds of personal data and how often they were sent), and
//! the researcher's annotated findings. A summary sentence points at an
//! annotated finding in its group when there is one, else at an example
//! request whose evidence block the report adds.
//!
//! Everything captured (app, hosts, values, notes) passes the redactor;
//! sentences are plain text spans, never markup.

use super::Redactor;
use super::evidence::Finding;
use super::receiver::{Company, company, describe_servers, first_sdk, group_company, join_words};
use super::wording::{KindCount, clip, count_parts, is_headline, pick_for_sentence};
use crate::model::{ExchangeId, Mode, SessionId, Severity, Target, format_rfc3339_micros};
use crate::store::{ExportRow, HostCount, SummaryGroup};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// Summary sentences on page 1.
const SUMMARY_SENTENCES: usize = 6;
/// Annotated findings retold on page 1; the table has them all.
const FINDING_SENTENCES: usize = 5;
/// Hosts named per sentence.
const HOSTS_NAMED: usize = 3;
/// Characters of a researcher's note quoted in a sentence.
const NOTE_CHARS: usize = 160;

/// One sentence, as styled spans.
#[derive(Clone, Debug, Serialize)]
pub struct Sentence {
    pub spans: Vec<Span>,
    pub evidence: Option<EvidenceRef>,
}

impl Sentence {
    /// The sentence as plain text.
    #[cfg(test)]
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }
}

/// A run of text: `style` is empty, `strong`, `host` (bold, never broken
/// across lines), `value` (a quoted value, bold, kept on one line when
/// short) or a mode name (drawn in its colour).
#[derive(Clone, Debug, Serialize)]
pub struct Span {
    pub text: String,
    pub style: &'static str,
}

/// The evidence block a sentence rests on.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct EvidenceRef {
    /// `Finding 2`, `Example A`.
    pub label: String,
    /// The block's label in the document (`finding-2`).
    pub anchor: String,
}

/// A request the report shows as evidence for a summary sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExampleRequest {
    pub letter: char,
    pub exchange_id: ExchangeId,
    /// The kind of data the sentence names first; its event is shown.
    pub kind: String,
}

/// Page 1's sentences and the example requests they point at.
#[derive(Clone, Debug, Default)]
pub struct Headlines {
    pub key_findings: Vec<Sentence>,
    /// Groups with personal data left out of `key_findings` for space.
    pub more_groups: usize,
    pub findings: Vec<Sentence>,
    pub more_findings: usize,
    pub examples: Vec<ExampleRequest>,
}

/// What the sentences are made from.
pub struct Sources<'a> {
    pub groups: &'a [SummaryGroup],
    /// Annotated findings, numbered from 1 in this order.
    pub findings: &'a [Finding],
    /// Hosts and their server addresses, per session.
    pub hosts: &'a HashMap<SessionId, Vec<HostCount>>,
    pub redactor: &'a Redactor,
}

/// Builds page 1's sentences.
pub fn headlines(sources: &Sources<'_>) -> Headlines {
    let mut out = Headlines::default();
    let mut ranked: Vec<&SummaryGroup> = sources
        .groups
        .iter()
        .filter(|g| g.data_types.iter().any(|d| is_headline(&d.kind)))
        .collect();
    ranked.sort_by_key(|g| {
        let headline = g.data_types.iter().filter(|d| is_headline(&d.kind)).count();
        (
            mode_rank(g.mode),
            std::cmp::Reverse(headline),
            std::cmp::Reverse(g.requests),
        )
    });
    out.more_groups = ranked.len().saturating_sub(SUMMARY_SENTENCES);
    for group in ranked.into_iter().take(SUMMARY_SENTENCES) {
        let evidence = match finding_in_group(sources.findings, group) {
            Some(number) => finding_ref(number),
            None => example_ref(group, &mut out.examples),
        };
        let mut sentence = group_sentence(group, sources);
        sentence.evidence = Some(evidence);
        out.key_findings.push(sentence);
    }
    let mut marked: Vec<(usize, &Finding)> = sources
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| (i + 1, f))
        .filter(|(_, f)| f.annotation.severity != Severity::Info)
        .collect();
    marked.sort_by_key(|(number, f)| (std::cmp::Reverse(f.annotation.severity), *number));
    out.more_findings = marked.len().saturating_sub(FINDING_SENTENCES);
    marked.truncate(FINDING_SENTENCES);
    marked.sort_by_key(|(number, _)| *number);
    out.findings = marked
        .into_iter()
        .map(|(number, finding)| finding_sentence(number, finding, sources))
        .collect();
    out
}

/// Incognito first: what a private mode still sends is the question.
fn mode_rank(mode: Mode) -> u8 {
    match mode {
        Mode::Incognito => 0,
        Mode::Normal => 1,
        Mode::Unknown => 2,
    }
}

fn finding_ref(number: usize) -> EvidenceRef {
    EvidenceRef {
        label: format!("Finding {number}"),
        anchor: format!("finding-{number}"),
    }
}

/// The first annotated finding (1-based) sent in `group`'s session, mode and hosts.
fn finding_in_group(findings: &[Finding], group: &SummaryGroup) -> Option<usize> {
    findings
        .iter()
        .position(|f| {
            f.rows
                .iter()
                .any(|r| r.session_id == group.session_id && r.mode == group.mode && group.hosts.contains(&r.host))
        })
        .map(|i| i + 1)
}

/// An example request for `group`: the one that first carried the kind the
/// sentence names first.
fn example_ref(group: &SummaryGroup, examples: &mut Vec<ExampleRequest>) -> EvidenceRef {
    let counts = kind_counts(group);
    let first = pick_for_sentence(&counts).first().map(|c| c.kind.clone());
    let data = first
        .as_ref()
        .and_then(|kind| group.data_types.iter().find(|d| &d.kind == kind));
    let exchange_id = data.map_or(group.example_exchange_id, |d| d.example_exchange_id);
    let existing = examples.iter().find(|e| e.exchange_id == exchange_id);
    let letter = match existing {
        Some(example) => example.letter,
        None => {
            let letter = example_letter(examples.len());
            examples.push(ExampleRequest {
                letter,
                exchange_id,
                kind: first.unwrap_or_default(),
            });
            letter
        }
    };
    EvidenceRef {
        label: format!("Example {letter}"),
        anchor: format!("example-{letter}"),
    }
}

/// `A` … `Z`, then `Z` again (more than 26 examples never fit page 1).
fn example_letter(index: usize) -> char {
    char::from(b'A' + u8::try_from(index.min(25)).unwrap_or(25))
}

fn kind_counts(group: &SummaryGroup) -> Vec<KindCount> {
    group
        .data_types
        .iter()
        .map(|d| KindCount {
            kind: d.kind.clone(),
            values: d.values,
            distinct: d.distinct_values,
            example: d.example_value.clone(),
        })
        .collect()
}

/// "In incognito mode, com.example.browser sent … through the Sensors
/// Analytics SDK to host (IP, country, network)." plus how normal mode compares.
fn group_sentence(group: &SummaryGroup, sources: &Sources<'_>) -> Sentence {
    let redactor = sources.redactor;
    let counts = kind_counts(group);
    let picked = pick_for_sentence(&counts);
    let mut spans = vec![
        plain("In "),
        Span {
            text: format!("{} mode", group.mode),
            style: group.mode.as_str(),
        },
        plain(format!(", {} sent ", redactor.text(&app_name(group, sources.groups)))),
    ];
    spans.extend(data_spans(&picked, redactor));
    let trackers: Vec<&str> = group.trackers.iter().map(String::as_str).collect();
    let company = group_company(group);
    spans.extend(receiver_spans(
        first_sdk(trackers.iter().copied()),
        company.as_ref(),
        &hosts_with_servers(group, sources),
        redactor,
    ));
    spans.push(plain("."));
    let mut after = Vec::new();
    if group.data_types.len() > picked.len() {
        after.push(format!("{} kinds of data in all", group.data_types.len()));
    }
    after.extend(compare_with_normal(group, sources.groups, &picked));
    if let Some((first, rest)) = after.split_first() {
        let mut text = format!(
            " {}{}",
            capitalise(first),
            rest.iter().map(|r| format!("; {r}")).collect::<String>()
        );
        text.push('.');
        spans.push(plain(text));
    }
    Sentence { spans, evidence: None }
}

/// "18 search terms (4 different), 39 visited URLs (8 different) and the
/// unique user ID “8c44…”" as spans, the quoted values apart.
fn data_spans(picked: &[&KindCount], redactor: &Redactor) -> Vec<Span> {
    let mut spans = Vec::new();
    for (i, count) in picked.iter().enumerate() {
        if i > 0 {
            spans.push(plain(if i + 1 == picked.len() { " and " } else { ", " }));
        }
        let (words, value) = count_parts(count);
        spans.push(strong(redactor.text(words.trim_end())));
        if let Some(value) = value {
            spans.push(strong(" "));
            spans.push(Span {
                text: redactor.text(&value),
                style: "value",
            });
        }
    }
    spans
}

/// The app as the user named it at import, else the app id the group's
/// requests carried, else the app id most requests of the same session
/// carried (an SDK that does not send it is still inside that app), else
/// the session.
pub fn app_name(group: &SummaryGroup, groups: &[SummaryGroup]) -> String {
    if let Some(app) = group.app.as_deref().filter(|a| !a.trim().is_empty()) {
        return app.to_string();
    }
    if let Some(app_id) = group.data_types.iter().find(|d| d.kind == "appId") {
        return app_id.example_value.clone();
    }
    let mut votes: Vec<(&str, u64)> = Vec::new();
    for other in groups.iter().filter(|g| g.session_id == group.session_id) {
        for app_id in other.data_types.iter().filter(|d| d.kind == "appId") {
            match votes.iter_mut().find(|(id, _)| *id == app_id.example_value) {
                Some((_, n)) => *n += app_id.requests,
                None => votes.push((&app_id.example_value, app_id.requests)),
            }
        }
    }
    match votes.iter().max_by_key(|(id, n)| (*n, std::cmp::Reverse(*id))) {
        Some((id, _)) => (*id).to_string(),
        None => format!("the app in session “{}”", group.session),
    }
}

/// ` through the X SDK to host (…)`, ` through the X SDK to Company at host (…)`
/// or ` to Company at host (…)`.
fn receiver_spans(
    sdk: Option<&str>,
    company: Option<&Company>,
    hosts: &[(String, Vec<String>)],
    redactor: &Redactor,
) -> Vec<Span> {
    let mut spans = Vec::new();
    if let Some(sdk) = sdk {
        spans.push(plain(format!(" through the {sdk} SDK")));
    }
    spans.push(plain(" to "));
    // A company that only repeats the SDK's name ("Mixpanel", "Google
    // Analytics (Google)") or that Telltale knows only through the SDK adds nothing.
    let company = company.filter(|c| match sdk {
        None => true,
        Some(sdk) => !c.by_sdk && !c.name.contains(sdk),
    });
    // A guess follows the hosts ("… (…), probably Tremor Video, going by
    // the owner of the server's network") so it never reads as a fact.
    let (company, guess) = match company {
        Some(c) if c.guess => (None, Some(c)),
        other => (other, None),
    };
    if let Some(company) = company {
        spans.push(plain(format!("{} at ", redactor.text(&company.name))));
    }
    let named: Vec<&(String, Vec<String>)> = hosts.iter().take(HOSTS_NAMED).collect();
    for (i, (host, ips)) in named.iter().enumerate() {
        if i > 0 {
            spans.push(plain(if i + 1 == named.len() && hosts.len() <= HOSTS_NAMED {
                " and "
            } else {
                ", "
            }));
        }
        spans.push(Span {
            text: redactor.text(host),
            style: "host",
        });
        let servers = describe_servers(ips);
        spans.push(plain(if servers.is_empty() {
            " (server address not recorded)".to_string()
        } else {
            format!(" ({})", redactor.text(&servers))
        }));
    }
    if hosts.len() > HOSTS_NAMED {
        spans.push(plain(format!(" and {} more hosts", hosts.len() - HOSTS_NAMED)));
    }
    if let Some(guess) = guess {
        spans.push(plain(format!(
            ", {}, going by the owner of the server's network",
            redactor.text(&guess.name)
        )));
    }
    spans
}

/// Each host of `group` with the server addresses it had in the group's session.
fn hosts_with_servers(group: &SummaryGroup, sources: &Sources<'_>) -> Vec<(String, Vec<String>)> {
    let known = sources.hosts.get(&group.session_id);
    group
        .hosts
        .iter()
        .map(|host| {
            let ips = match (group.hosts.len(), known) {
                (1, _) | (_, None) => group.server_ips.clone(),
                (_, Some(counts)) => counts
                    .iter()
                    .filter(|c| &c.host == host)
                    .flat_map(|c| c.server_ips.iter().cloned())
                    .filter(|ip| group.server_ips.contains(ip))
                    .collect(),
            };
            (host.clone(), ips)
        })
        .collect()
}

/// For an incognito group, how the same app's normal mode compares for
/// the same receiver; `None` when the case has no normal session for the app.
fn compare_with_normal(group: &SummaryGroup, groups: &[SummaryGroup], picked: &[&KindCount]) -> Option<String> {
    if group.mode != Mode::Incognito {
        return None;
    }
    let same_app = |g: &&SummaryGroup| g.mode == Mode::Normal && g.app == group.app;
    if !groups.iter().any(|g| same_app(&g)) {
        return None;
    }
    let counterpart: Vec<&SummaryGroup> = groups
        .iter()
        .filter(same_app)
        .filter(|g| g.party == group.party)
        .filter(|g| match &group.company {
            Some(company) => g.company.as_ref() == Some(company),
            None => g.company.is_none() && g.hosts == group.hosts,
        })
        .collect();
    if counterpart.is_empty() {
        return Some("none of it was seen in normal mode".into());
    }
    let sent_in_normal: BTreeSet<&str> = counterpart
        .iter()
        .flat_map(|g| g.data_types.iter().map(|d| d.kind.as_str()))
        .collect();
    let missing: Vec<String> = picked
        .iter()
        .filter(|c| !sent_in_normal.contains(c.kind.as_str()))
        .map(|c| super::wording::noun(&super::wording::label(&c.kind), true))
        .collect();
    Some(if missing.is_empty() {
        "normal mode sent the same kinds".into()
    } else {
        format!("normal mode did not send the {}", join_words(&missing))
    })
}

/// "In normal mode, app sent the search term “…” (event “search”) through
/// … on 2020-04-20 at 10:00:35 UTC. The researcher noted: “…”."
fn finding_sentence(number: usize, finding: &Finding, sources: &Sources<'_>) -> Sentence {
    let redactor = sources.redactor;
    let first = finding.first();
    let counts = row_kind_counts(&finding.rows);
    let picked = pick_for_sentence(&counts);
    let app = first
        .app
        .clone()
        .or_else(|| {
            first
                .data_types
                .iter()
                .find(|d| d.kind == "appId")
                .map(|d| d.value.clone())
        })
        .or_else(|| {
            sources
                .groups
                .iter()
                .find(|g| g.session_id == first.session_id)
                .map(|g| app_name(g, sources.groups))
        })
        .unwrap_or_else(|| format!("the app in session “{}”", first.session));
    let mut spans = vec![
        plain("In "),
        Span {
            text: format!("{} mode", first.mode),
            style: first.mode.as_str(),
        },
        plain(format!(", {} sent ", redactor.text(&app))),
    ];
    let events: Vec<&ExportRow> = finding.rows.iter().filter(|r| r.event_id.is_some()).collect();
    if picked.is_empty() {
        spans.push(strong(match (finding.annotation.target, events.as_slice()) {
            (_, []) => "a request".to_string(),
            (Target::Event(_), [row, ..]) | (_, [row]) => {
                format!("the event “{}”", redactor.text(row.event.as_deref().unwrap_or("")))
            }
            (_, rows) => format!("{} events in one request", rows.len()),
        }));
    } else {
        spans.extend(data_spans(&picked, redactor));
        match (finding.annotation.target, events.as_slice()) {
            (Target::Event(_), [row, ..]) | (_, [row]) => spans.push(plain(format!(
                " (event “{}”)",
                redactor.text(row.event.as_deref().unwrap_or(""))
            ))),
            (_, []) => {}
            (_, rows) => spans.push(plain(format!(" ({} events in one request)", rows.len()))),
        }
    }
    let trackers: Vec<&str> = first.tracker.as_deref().into_iter().collect();
    let company = company(
        first.company.as_deref(),
        first.company_source.as_deref(),
        &first.host,
        trackers.iter().copied(),
    );
    let ips: Vec<String> = first.server_ip.iter().cloned().collect();
    spans.extend(receiver_spans(
        first_sdk(trackers.iter().copied()),
        company.as_ref(),
        &[(first.host.clone(), ips)],
        redactor,
    ));
    spans.push(plain(format!(" on {} UTC.", day_and_time(first.time_micros))));
    let note = finding.annotation.note.trim();
    if !note.is_empty() {
        spans.push(plain(" The researcher noted: "));
        spans.push(plain(format!("“{}”.", redactor.text(&clip(note, NOTE_CHARS)))));
    }
    Sentence {
        spans,
        evidence: Some(finding_ref(number)),
    }
}

/// Per kind: the (event, value) pairs sent and the different values.
type Seen<'a> = (BTreeSet<(Option<i64>, &'a str)>, BTreeSet<&'a str>);

/// Per kind: values sent (distinct per event and value) and different values.
fn row_kind_counts(rows: &[ExportRow]) -> Vec<KindCount> {
    let mut counts: Vec<KindCount> = Vec::new();
    let mut seen: HashMap<&str, Seen<'_>> = HashMap::new();
    for row in rows {
        for data in &row.data_types {
            let (sent, distinct) = seen.entry(data.kind.as_str()).or_default();
            sent.insert((row.event_id.map(|e| e.0), data.value.as_str()));
            distinct.insert(data.value.as_str());
            if !counts.iter().any(|c| c.kind == data.kind) {
                counts.push(KindCount {
                    kind: data.kind.clone(),
                    values: 0,
                    distinct: 0,
                    example: data.value.clone(),
                });
            }
        }
    }
    for count in &mut counts {
        if let Some((sent, distinct)) = seen.get(count.kind.as_str()) {
            count.values = sent.len() as u64;
            count.distinct = distinct.len() as u64;
        }
    }
    counts
}

/// `2020-04-20 at 10:00:35`.
fn day_and_time(time_micros: i64) -> String {
    let text = format_rfc3339_micros(time_micros);
    let (day, rest) = text.split_once('T').unwrap_or((&text, ""));
    format!("{day} at {}", rest.get(..8).unwrap_or(rest))
}

/// `text` with its first letter in upper case.
fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn plain(text: impl Into<String>) -> Span {
    Span {
        text: text.into(),
        style: "",
    }
}

fn strong(text: impl Into<String>) -> Span {
    Span {
        text: text.into(),
        style: "strong",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SummaryDataType;

    fn sensors_group(mode: Mode, session: i64, kinds: &[(&str, u64, u64, &str)]) -> SummaryGroup {
        SummaryGroup {
            session: mode.as_str().into(),
            session_id: SessionId(session),
            app: Some("com.example.browser".into()),
            mode,
            party: crate::attribution::Party::Third,
            company: None,
            company_sources: Vec::new(),
            category: None,
            trackers: vec!["sensorsdata".into()],
            hosts: vec!["sa.example-browser-analytics.com".into()],
            server_ips: vec!["161.117.96.161".into()],
            requests: 27,
            events: 86,
            first_micros: 0,
            last_micros: 0,
            example_exchange_id: ExchangeId(241),
            example_event_id: None,
            data_types: kinds
                .iter()
                .map(|(kind, values, distinct, example)| SummaryDataType {
                    kind: (*kind).into(),
                    requests: *values,
                    values: *values,
                    distinct_values: *distinct,
                    example_value: (*example).into(),
                    example_exchange_id: ExchangeId(241),
                })
                .collect(),
        }
    }

    #[test]
    fn a_summary_group_reads_as_one_sentence_with_every_part() {
        let groups = [
            sensors_group(
                Mode::Incognito,
                2,
                &[
                    ("visitedUrl", 39, 8, "https://clinic.example.net/"),
                    ("searchTerm", 18, 4, "divorce lawyer near me"),
                    ("userId", 27, 1, "8c44e9ef30ca4931"),
                    ("model", 27, 1, "Redmi Note 8"),
                ],
            ),
            sensors_group(Mode::Normal, 1, &[("visitedUrl", 40, 9, "https://duckduckgo.com/")]),
        ];
        let redactor = Redactor::new(&[]);
        let headlines = headlines(&Sources {
            groups: &groups,
            findings: &[],
            hosts: &HashMap::new(),
            redactor: &redactor,
        });
        assert_eq!(headlines.key_findings.len(), 2);
        let incognito = &headlines.key_findings[0];
        assert_eq!(
            incognito.text(),
            "In incognito mode, com.example.browser sent 18 search terms (4 different), 39 visited URLs \
             (8 different) and the unique user ID “8c44e9ef30ca4931” through the Sensors Analytics SDK to \
             sa.example-browser-analytics.com (161.117.96.161, Singapore, Alibaba (US) Technology Co., Ltd.). \
             4 kinds of data in all; normal mode did not send the search terms and unique user IDs."
        );
        assert_eq!(
            incognito.evidence,
            Some(EvidenceRef {
                label: "Example A".into(),
                anchor: "example-A".into()
            })
        );
        assert_eq!(headlines.examples[0].exchange_id, ExchangeId(241));
        assert_eq!(headlines.examples[0].kind, "searchTerm");
        assert!(headlines.key_findings[1].text().starts_with("In normal mode, "));
    }

    #[test]
    fn times_in_sentences_are_to_the_second() {
        assert_eq!(day_and_time(1_587_376_835_716_000), "2020-04-20 at 10:00:35");
    }

    #[test]
    fn examples_are_lettered_in_order() {
        assert_eq!(example_letter(0), 'A');
        assert_eq!(example_letter(2), 'C');
        assert_eq!(example_letter(40), 'Z');
    }
}
