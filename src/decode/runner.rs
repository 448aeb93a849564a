//! Applies the layer decoders recursively (Wireshark style: each layer hands
//! its payload to the next) and records every layer in a [`Tree`].
//!
//! Per layer, decoders are tried from the strongest claim down; the first
//! that succeeds wins. Failures of claims at [`Priority::SNIFFED`] or above
//! become "failed as X" notes; fallback guesses fail silently. Nothing here
//! panics or aborts: depth, layer count and output are bounded by
//! [`super::limits`].

use super::layer_decoder::{Child, Input, Keep, LONG_VALUE_BYTES, LayerDecoder, Origin, Outcome, Priority};
use super::limits::{Budget, MAX_DEPTH, MAX_LAYERS, MAX_STORED_LAYER_BYTES, describe_bytes};
#[cfg(test)]
use super::tree::Structure;
use super::tree::Tree;
use crate::model::Layer;

/// Where a root layer's content came from and what its headers declare.
pub struct Root<'a> {
    pub decoder: &'static str,
    pub step: String,
    pub summary: String,
    pub content: &'a [u8],
    pub origin: Origin,
    pub content_type: Option<&'a str>,
    pub content_encoding: Option<&'a str>,
    /// Drop the root when nothing decodes from it (header values).
    pub keep_only_if_decoded: bool,
    /// Run the decoders on it (false for media files).
    pub expand: bool,
}

/// One exchange's decoding run.
pub struct Runner<'d> {
    decoders: &'d [&'d dyn LayerDecoder],
    tree: Tree,
    budget: Budget,
    layer_limit_noted: bool,
}

impl<'d> Runner<'d> {
    pub fn new(decoders: &'d [&'d dyn LayerDecoder]) -> Self {
        Runner {
            decoders,
            tree: Tree::default(),
            budget: Budget::new(),
            layer_limit_noted: false,
        }
    }

    pub fn into_tree(self) -> Tree {
        self.tree
    }

    /// Adds a root layer and decodes everything below it.
    pub fn add_root(&mut self, root: Root<'_>) {
        let layer = new_layer(None, root.decoder, root.step, root.summary, root.content);
        let index = self.tree.push(layer, None);
        let mut input = Input::new(root.content, root.origin);
        input.content_type = root.content_type;
        input.content_encoding = root.content_encoding;
        let decoded = root.expand && self.expand(index, &input, 0);
        if root.keep_only_if_decoded && !decoded {
            self.tree.truncate(index);
        }
    }

    /// Decodes layer `index` whose content is `input`; true when a decoder succeeded.
    fn expand(&mut self, index: usize, input: &Input<'_>, depth: usize) -> bool {
        let mut candidates: Vec<(Priority, &dyn LayerDecoder)> = self
            .decoders
            .iter()
            .map(|decoder| (decoder.claims(input), *decoder))
            .filter(|(priority, _)| *priority > Priority::NO)
            .collect();
        if candidates.is_empty() {
            return false;
        }
        if depth >= MAX_DEPTH {
            self.tree.add_note(
                index,
                &format!("not decoded further: depth limit of {MAX_DEPTH} layers reached"),
            );
            return false;
        }
        candidates.sort_by_key(|candidate| std::cmp::Reverse(candidate.0));
        let mut failures: Vec<String> = Vec::new();
        for (priority, decoder) in candidates {
            match decoder.decode(input, &mut self.budget) {
                Ok(outcome) => {
                    for failure in &failures {
                        self.tree.add_note(index, failure);
                    }
                    self.attach(index, outcome, depth);
                    return true;
                }
                Err(reason) if priority >= Priority::SNIFFED => {
                    failures.push(format!("failed as {}: {reason}", decoder.name()));
                }
                Err(_) => {}
            }
        }
        for failure in &failures {
            self.tree.add_note(index, failure);
        }
        false
    }

    fn attach(&mut self, index: usize, outcome: Outcome, depth: usize) {
        self.tree.append_summary(index, &outcome.summary);
        if let Some(note) = &outcome.note {
            self.tree.add_note(index, note);
        }
        self.tree.set_structure(index, outcome.structure);
        for child in outcome.children {
            self.push_child(index, child, depth + 1);
        }
    }

    /// Pushes a proposed child and its subtree; returns whether it was kept.
    fn push_child(&mut self, parent: usize, child: Child, depth: usize) -> bool {
        if self.tree.len() >= MAX_LAYERS {
            if !self.layer_limit_noted {
                self.layer_limit_noted = true;
                self.tree.add_note(
                    parent,
                    &format!("more layers not kept: limit of {MAX_LAYERS} per exchange reached"),
                );
            }
            return false;
        }
        // Most JSON strings decode to nothing: skip them before copying.
        if child.keep == Keep::IfDecoded && child.children.is_empty() && !self.anyone_claims(&child) {
            return false;
        }
        let mut layer = new_layer(Some(parent), child.decoder, child.step, child.summary, &child.content);
        if let Some(note) = child.note {
            layer.note = Some(match layer.note.take() {
                Some(stored) => format!("{note}; {stored}"),
                None => note,
            });
        }
        let index = self.tree.push(layer, child.structure);
        let mut decoded = false;
        if child.expand {
            let mut input = Input::new(&child.content, Origin::Inner);
            input.content_type = child.content_type.as_deref();
            decoded = self.expand(index, &input, depth);
        }
        for grandchild in child.children {
            decoded |= self.push_child(index, grandchild, depth + 1);
        }
        let keep = match child.keep {
            Keep::Always => true,
            Keep::IfDecoded => decoded,
            Keep::IfDecodedOrLong => decoded || child.content.len() >= LONG_VALUE_BYTES,
        };
        if !keep {
            self.tree.truncate(index);
        }
        keep
    }
}

/// Decodes `content` that an SDK decoder unwrapped itself (an XOR key
/// from the URL, a framing no layer decoder can sniff) as a new child of
/// layer `parent` of an existing tree, running every layer decoder below it
/// like any other layer; returns the child's index (`None` when the layer
/// limit is reached). The child is kept even when nothing decodes from it,
/// so the unwrapped bytes can be read.
pub fn decode_child(
    tree: &mut Tree,
    parent: usize,
    decoder: &'static str,
    step: String,
    summary: String,
    content: &[u8],
) -> Option<usize> {
    let mut runner = Runner::new(super::DECODERS);
    runner.tree = std::mem::take(tree);
    let mut child = Child::new(decoder, step, content.to_vec(), summary, Keep::Always);
    child.expand = true;
    let depth = depth_of(&runner.tree, parent) + 1;
    // Layers are pushed depth-first: the child takes the next index.
    let child_index = runner.tree.len();
    let kept = runner.push_child(parent, child, depth);
    *tree = runner.into_tree();
    kept.then_some(child_index)
}

fn depth_of(tree: &Tree, mut index: usize) -> usize {
    let mut depth = 0;
    while let Some(parent) = tree.parent(index) {
        depth += 1;
        index = parent;
    }
    depth
}

impl Runner<'_> {
    fn anyone_claims(&self, child: &Child) -> bool {
        let mut input = Input::new(&child.content, Origin::Inner);
        input.content_type = child.content_type.as_deref();
        child.expand
            && self
                .decoders
                .iter()
                .any(|decoder| decoder.claims(&input) > Priority::NO)
    }
}

/// A layer with its content stored as text or bytes, capped at
/// [`MAX_STORED_LAYER_BYTES`] with a note when cut.
fn new_layer(parent: Option<usize>, decoder: &str, step: String, summary: String, content: &[u8]) -> Layer {
    let stored = &content[..content.len().min(MAX_STORED_LAYER_BYTES)];
    let (text, bytes) = match std::str::from_utf8(stored) {
        Ok(text) => (Some(text.to_string()), None),
        // A cap that cut a character in half still leaves valid text.
        Err(error) if error.error_len().is_none() && stored.len() < content.len() => (
            Some(String::from_utf8_lossy(&stored[..error.valid_up_to()]).into_owned()),
            None,
        ),
        Err(_) => (None, Some(stored.to_vec())),
    };
    let (text, bytes) = if content.is_empty() {
        (None, None)
    } else {
        (text, bytes)
    };
    let note = (stored.len() < content.len()).then(|| {
        format!(
            "stored the first {} of {} bytes",
            describe_bytes(MAX_STORED_LAYER_BYTES),
            content.len()
        )
    });
    Layer {
        parent,
        decoder: decoder.to_string(),
        step,
        summary,
        text,
        bytes,
        note,
        encrypted: false,
    }
}

/// Whether a structure was attached; used by tests of the runner.
#[cfg(test)]
fn has_structure(tree: &Tree, index: usize) -> bool {
    tree.structure(index)
        .is_some_and(|s| !matches!(s, Structure::JsonElement(_)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::DECODERS;

    fn run(content: &[u8], origin: Origin) -> Tree {
        let mut runner = Runner::new(DECODERS);
        runner.add_root(Root {
            decoder: "request-body",
            step: "request-body".into(),
            summary: "request body".into(),
            content,
            origin,
            content_type: None,
            content_encoding: None,
            keep_only_if_decoded: false,
            expand: true,
        });
        runner.into_tree()
    }

    #[test]
    fn nests_form_base64_json() {
        let tree = run(b"data=eyJldmVudCI6IiRBcHBTdGFydCJ9&v=1", Origin::Body);
        let steps: Vec<String> = (0..tree.len()).map(|i| tree.path(i)).collect();
        assert_eq!(steps, ["request-body", "form:data", "form:data › base64"]);
        assert!(has_structure(&tree, 0));
        assert_eq!(tree.layer(2).text.as_deref(), Some("{\"event\":\"$AppStart\"}"));
        assert_eq!(
            tree.json(2).and_then(|v| v.get("event")).and_then(|v| v.as_str()),
            Some("$AppStart")
        );
    }

    #[test]
    fn failed_sniffed_decoders_leave_notes() {
        let tree = run(b"{\"unterminated\": [1, 2}", Origin::Body);
        assert_eq!(tree.len(), 1);
        assert!(
            tree.layer(0)
                .note
                .as_deref()
                .expect("present in this test")
                .starts_with("failed as json: not valid JSON")
        );
    }

    /// Proposes far more children than an exchange may keep.
    struct Fanout;

    impl LayerDecoder for Fanout {
        fn name(&self) -> &'static str {
            "fanout"
        }
        fn claims(&self, input: &Input<'_>) -> Priority {
            if input.origin == Origin::Body {
                Priority::SNIFFED
            } else {
                Priority::NO
            }
        }
        fn decode(&self, _input: &Input<'_>, _budget: &mut Budget) -> Result<Outcome, String> {
            let children = (0..MAX_LAYERS * 2)
                .map(|i| {
                    Child::new(
                        "fanout",
                        format!("part[{i}]"),
                        b"x".to_vec(),
                        String::new(),
                        Keep::Always,
                    )
                })
                .collect();
            Ok(Outcome {
                children,
                ..Outcome::default()
            })
        }
    }

    #[test]
    fn layer_count_is_capped_with_a_note() {
        let mut runner = Runner::new(&[&Fanout]);
        runner.add_root(Root {
            decoder: "request-body",
            step: "request-body".into(),
            summary: String::new(),
            content: b"anything",
            origin: Origin::Body,
            content_type: None,
            content_encoding: None,
            keep_only_if_decoded: false,
            expand: true,
        });
        let tree = runner.into_tree();
        assert_eq!(tree.len(), MAX_LAYERS);
        assert_eq!(
            tree.layer(0).note.as_deref(),
            Some("more layers not kept: limit of 10000 per exchange reached")
        );
    }

    #[test]
    fn stored_content_is_capped_with_a_note() {
        let big = vec![b'a'; MAX_STORED_LAYER_BYTES + 10];
        let layer = new_layer(None, "request-body", "request-body".into(), String::new(), &big);
        assert_eq!(layer.text.as_ref().map(String::len), Some(MAX_STORED_LAYER_BYTES));
        assert!(
            layer
                .note
                .expect("present in this test")
                .contains("stored the first 1 MiB")
        );
    }
}
