//! Data types in words: which kinds of personal data make a headline, in
//! which order, and how a count of them reads in a sentence ("39 visited
//! URLs (8 different)", "the device advertising ID (GAID/IDFA) “38400000-…”").
//!
//! Names and labels come from the vocabulary (`decode::datatypes::VOCABULARY`),
//! so the report says what `summary` and the window say; this module only
//! ranks them and turns a label into a noun phrase.

use crate::decode::datatypes::{Group, VOCABULARY, kind};

/// Kinds that make a sentence on page 1, most telling first: what the
/// person typed, read and where they are before the identifiers that tie it
/// to them. Every name is in the vocabulary (a test checks).
pub const HEADLINE_KINDS: &[&str] = &[
    "email",
    "phoneNumber",
    "searchTerm",
    "visitedUrl",
    "viewedPage",
    "screenName",
    "referer",
    "websiteUrl",
    "userAction",
    "interactedElement",
    "userInterests",
    "userGender",
    "viewedPageKeywords",
    "viewedPageCategory",
    "latitude",
    "longitude",
    "publicIp",
    "advertisingId",
    "hashedAdvertisingId",
    "imei",
    "macAddress",
    "deviceId",
    "developerScopedId",
    "installationId",
    "userId",
    "browserId",
    "pushNotificationToken",
    "sessionId",
    "otherIdentifiers",
    "localIp",
];

/// Kinds named in one sentence; the rest are counted.
const KINDS_PER_SENTENCE: usize = 3;
/// Identifiers (or other kinds) named in one sentence at most, so what was
/// done and what ties it to the person both get a place.
const PER_CLASS: usize = 2;
/// Characters of a value quoted in a sentence.
const QUOTED_CHARS: usize = 60;

/// Rank of `kind` among [`HEADLINE_KINDS`] (lower is more telling).
pub fn headline_rank(kind_name: &str) -> Option<usize> {
    HEADLINE_KINDS.iter().position(|k| *k == kind_name)
}

/// Whether `kind` makes a headline.
pub fn is_headline(kind_name: &str) -> bool {
    headline_rank(kind_name).is_some()
}

fn is_identifier(kind_name: &str) -> bool {
    kind(kind_name).is_some_and(|k| k.group == Group::Identifier)
}

/// Sort key for kinds in tables: headline kinds first in their order, then
/// the rest in vocabulary order, unknown names last.
pub fn table_rank(kind_name: &str) -> (usize, usize) {
    match headline_rank(kind_name) {
        Some(rank) => (0, rank),
        None => (
            1,
            VOCABULARY
                .iter()
                .position(|k| k.name == kind_name)
                .unwrap_or(usize::MAX),
        ),
    }
}

/// The vocabulary's label for `kind` ("Visited URL"), or the name itself.
pub fn label(kind_name: &str) -> String {
    kind(kind_name).map_or_else(|| kind_name.to_string(), |k| k.label.to_string())
}

/// How often one kind was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KindCount {
    pub kind: String,
    /// Values sent (one per event or request and distinct value).
    pub values: u64,
    pub distinct: u64,
    /// One of the values, quoted when it is the only one.
    pub example: String,
}

/// The headline kinds of `counts` that one sentence names, in order:
/// at most [`KINDS_PER_SENTENCE`], at most [`PER_CLASS`] identifiers and
/// [`PER_CLASS`] others.
pub fn pick_for_sentence(counts: &[KindCount]) -> Vec<&KindCount> {
    let mut ranked: Vec<&KindCount> = counts.iter().filter(|c| is_headline(&c.kind)).collect();
    ranked.sort_by_key(|c| headline_rank(&c.kind));
    let mut picked: Vec<&KindCount> = Vec::new();
    let (mut identifiers, mut others) = (0, 0);
    for count in ranked {
        let slot = if is_identifier(&count.kind) {
            &mut identifiers
        } else {
            &mut others
        };
        if *slot < PER_CLASS && picked.len() < KINDS_PER_SENTENCE {
            *slot += 1;
            picked.push(count);
        }
    }
    // Keep the order of the headline list, not of the two classes.
    picked.sort_by_key(|c| headline_rank(&c.kind));
    picked
}

/// "39 visited URLs (8 different)", "2 search terms", or for a single value
/// "the search term “purple giraffe 7391”".
#[cfg(test)]
pub fn count_phrase(count: &KindCount) -> String {
    let (words, value) = count_parts(count);
    match value {
        Some(value) => format!("{words}{value}"),
        None => words,
    }
}

/// [`count_phrase`] in two parts: the words, and the quoted value when
/// there is a single one (`("the search term ", Some("“purple giraffe”"))`),
/// so a report can keep the value on one line.
pub fn count_parts(count: &KindCount) -> (String, Option<String>) {
    let label = label(&count.kind);
    if count.distinct <= 1 {
        return (
            format!("the {} ", noun(&label, false)),
            Some(format!("“{}”", clip(&count.example, QUOTED_CHARS))),
        );
    }
    let plural = noun(&label, true);
    let words = if count.values == count.distinct {
        format!("{} {plural}", count.values)
    } else {
        format!("{} {plural} ({} different)", count.values, count.distinct)
    };
    (words, None)
}

/// A label as a noun inside a sentence: first letter in lower case unless
/// it starts an acronym ("Visited URL" → "visited URL", "IMEI …" stays),
/// in the plural when `plural` ("Action performed by the user" → "actions
/// performed by the user", "MAC address" → "MAC addresses").
pub fn noun(label: &str, plural: bool) -> String {
    let (head, tail) = match label.find(" (") {
        Some(at) => label.split_at(at),
        None => (label, ""),
    };
    // "Local IP address(es)": the label says both; a sentence says one.
    let head = match head.strip_suffix("(es)").or_else(|| head.strip_suffix("(s)")) {
        Some(stem) if plural => pluralise_head(stem),
        Some(stem) => stem.to_string(),
        None if plural => pluralise_head(head),
        None => head.to_string(),
    };
    let mut chars = head.chars();
    let lowered = match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            format!("{}{}", first.to_lowercase(), &head[first.len_utf8()..])
        }
        _ => head.clone(),
    };
    format!("{lowered}{tail}")
}

/// Words after which the head noun of a label has ended.
const NOUN_ENDS_BEFORE: &[&str] = &[" of ", " for ", " performed ", " related ", " the ", " to ", " with "];

fn pluralise_head(head: &str) -> String {
    let cut = NOUN_ENDS_BEFORE.iter().filter_map(|w| head.find(w)).min();
    let (noun, rest) = match cut {
        Some(at) => head.split_at(at),
        None => (head, ""),
    };
    format!("{}{rest}", pluralise_word(noun))
}

fn pluralise_word(phrase: &str) -> String {
    let lower = phrase.to_lowercase();
    if lower.ends_with(')') {
        // "address(es)" is already both.
        return phrase.to_string();
    }
    if ["ss", "x", "ch", "sh"].iter().any(|end| lower.ends_with(end)) {
        return format!("{phrase}es");
    }
    if lower.ends_with('s') {
        // Already plural: "User interests", "Keywords".
        return phrase.to_string();
    }
    let mut chars = lower.chars().rev();
    if let (Some('y'), Some(before)) = (chars.next(), chars.next())
        && !"aeiou".contains(before)
    {
        return format!("{}ies", &phrase[..phrase.len() - 1]);
    }
    format!("{phrase}s")
}

/// `text` cut to `max` characters with `…` when longer.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_headline_kind_is_in_the_vocabulary() {
        for name in HEADLINE_KINDS {
            assert!(kind(name).is_some(), "{name} is not in the vocabulary");
        }
    }

    #[test]
    fn labels_read_as_nouns_in_a_sentence() {
        let plural = |name: &str| noun(&label(name), true);
        assert_eq!(plural("visitedUrl"), "visited URLs");
        assert_eq!(plural("searchTerm"), "search terms");
        assert_eq!(plural("advertisingId"), "device advertising IDs (GAID/IDFA)");
        assert_eq!(plural("userId"), "unique user IDs");
        assert_eq!(plural("email"), "e-mail addresses");
        assert_eq!(plural("publicIp"), "public IP addresses");
        assert_eq!(plural("localIp"), "local IP addresses");
        assert_eq!(noun(&label("localIp"), false), "local IP address");
        assert_eq!(plural("userAction"), "actions performed by the user");
        assert_eq!(plural("interactedElement"), "elements the user interacted with");
        assert_eq!(plural("userInterests"), "user interests");
        assert_eq!(plural("viewedPageCategory"), "categories of the viewed page");
        assert_eq!(plural("browserId"), "unique IDs for the browser");
        assert_eq!(plural("screenName"), "screen or page names");
        assert_eq!(noun(&label("imei"), false), "IMEI (hardware serial of the phone)");
        assert_eq!(noun(&label("macAddress"), true), "MAC addresses");
    }

    #[test]
    fn counts_say_how_many_and_how_many_different() {
        let count = |kind: &str, values, distinct| KindCount {
            kind: kind.into(),
            values,
            distinct,
            example: "purple giraffe 7391".into(),
        };
        assert_eq!(
            count_phrase(&count("visitedUrl", 39, 8)),
            "39 visited URLs (8 different)"
        );
        assert_eq!(count_phrase(&count("searchTerm", 2, 2)), "2 search terms");
        assert_eq!(
            count_phrase(&count("searchTerm", 13, 1)),
            "the search term “purple giraffe 7391”"
        );
    }

    #[test]
    fn a_sentence_names_what_was_done_and_what_ties_it_to_the_person() {
        let counts: Vec<KindCount> = ["userId", "model", "viewedPage", "visitedUrl", "searchTerm", "deviceId"]
            .iter()
            .map(|k| KindCount {
                kind: (*k).into(),
                values: 2,
                distinct: 2,
                example: String::new(),
            })
            .collect();
        let picked: Vec<&str> = pick_for_sentence(&counts).iter().map(|c| c.kind.as_str()).collect();
        assert_eq!(picked, ["searchTerm", "visitedUrl", "deviceId"]);
    }
}
