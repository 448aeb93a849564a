//! Newline-separated records: NDJSON, and batches of form-encoded hits
//! (Google Analytics `/batch`, GA4 POST bodies). Claimed when there are at
//! least two non-empty lines and every one looks like a JSON value or a
//! form; each line becomes a `line[i]` layer (at most [`MAX_PART_LAYERS`]),
//! decoded on its own.

use super::form::looks_like_form;
use super::json::looks_like_json;
use super::layer_decoder::{Child, Input, Keep, LayerDecoder, Outcome, Priority};
use super::limits::{Budget, MAX_PART_LAYERS};

/// Fewest lines that make a batch (one line is just the payload).
const MIN_LINES: usize = 2;

pub struct LinesDecoder;

impl LayerDecoder for LinesDecoder {
    fn name(&self) -> &'static str {
        "ndjson"
    }

    fn claims(&self, input: &Input<'_>) -> Priority {
        if input
            .media_type()
            .is_some_and(|media| media.contains("ndjson") || media.contains("jsonl"))
        {
            return Priority::DECLARED;
        }
        let Some(text) = input.text else {
            return Priority::NO;
        };
        let mut count = 0;
        for line in records(text) {
            if !(looks_like_json(line) || looks_like_form(line)) {
                return Priority::NO;
            }
            count += 1;
        }
        if count >= MIN_LINES {
            Priority::SNIFFED
        } else {
            Priority::NO
        }
    }

    fn decode(&self, input: &Input<'_>, _budget: &mut Budget) -> Result<Outcome, String> {
        let text = input.text.ok_or("not text")?;
        let lines: Vec<&str> = records(text).collect();
        if lines.is_empty() {
            return Err("no lines".to_string());
        }
        let children = lines
            .iter()
            .take(MAX_PART_LAYERS)
            .enumerate()
            .map(|(index, line)| {
                let summary = format!("line {}, {} bytes", index + 1, line.len());
                Child::new(
                    "ndjson",
                    format!("line[{index}]"),
                    line.as_bytes().to_vec(),
                    summary,
                    Keep::Always,
                )
            })
            .collect();
        Ok(Outcome {
            summary: format!("{} lines", lines.len()),
            children,
            ..Outcome::default()
        })
    }
}

/// Non-empty lines without their `\r`.
fn records(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n')
        .map(|line| line.trim_end_matches('\r'))
        .filter(|line| !line.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::layer_decoder::Origin;

    #[test]
    fn claims_json_and_form_lines_only() {
        assert_eq!(
            LinesDecoder.claims(&Input::new(b"{\"a\":1}\n{\"a\":2}\n", Origin::Body)),
            Priority::SNIFFED
        );
        assert_eq!(
            LinesDecoder.claims(&Input::new(b"v=1&t=pageview\r\nv=1&t=event\r\n", Origin::Body)),
            Priority::SNIFFED
        );
        for refused in ["{\"a\":1}", "{\n  \"a\": 1\n}", "hello\nworld", "v=1&t=x\nplain words"] {
            assert_eq!(
                LinesDecoder.claims(&Input::new(refused.as_bytes(), Origin::Body)),
                Priority::NO,
                "{refused:?}"
            );
        }
    }

    #[test]
    fn splits_into_indexed_lines() {
        let input = Input::new(b"en=a&_et=1\n\nen=b\n", Origin::Body);
        let outcome = LinesDecoder
            .decode(&input, &mut Budget::new())
            .expect("present in this test");
        let steps: Vec<(&str, &[u8])> = outcome
            .children
            .iter()
            .map(|c| (c.step.as_str(), c.content.as_slice()))
            .collect();
        assert_eq!(steps, [("line[0]", &b"en=a&_et=1"[..]), ("line[1]", &b"en=b"[..])]);
        assert_eq!(outcome.summary, "2 lines");
    }
}
