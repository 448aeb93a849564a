//! The layer tree of one exchange while it is decoded: the stored
//! [`Layer`]s plus what trackers need and the store does not keep (parsed
//! values, child lists).
//!
//! Layers are pushed depth-first, so index order is pre-order and every
//! descendant of a layer has a larger index than the layer.

use super::json_value::{JsonValue, PathSegment};
use super::protobuf::ProtoField;
use crate::model::{Layer, PATH_SEPARATOR};

/// Roots holding what the server sent, not what the app sent.
const RESPONSE_ROOTS: &[&str] = &["response-body", "websocket-received"];

/// The parsed form of a layer.
#[derive(Clone, Debug, PartialEq)]
pub enum Structure {
    /// Query or form parameters, decoded, in order.
    Pairs(Vec<(String, String)>),
    Json(JsonValue),
    /// This layer is the value at `path` inside the parent layer's JSON
    /// (an array element split out so an event can point at it).
    JsonElement(Vec<PathSegment>),
    Protobuf(Vec<ProtoField>),
}

/// Bookkeeping next to each layer.
#[derive(Debug, Default)]
struct Node {
    children: Vec<usize>,
    structure: Option<Structure>,
}

/// Layers of one exchange with their parsed values.
#[derive(Debug, Default)]
pub struct Tree {
    layers: Vec<Layer>,
    nodes: Vec<Node>,
}

impl Tree {
    pub fn len(&self) -> usize {
        self.layers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }

    pub fn layer(&self, index: usize) -> &Layer {
        &self.layers[index]
    }

    pub fn into_layers(self) -> Vec<Layer> {
        self.layers
    }

    /// Appends a layer and links it to its parent; returns its index.
    pub fn push(&mut self, layer: Layer, structure: Option<Structure>) -> usize {
        let index = self.layers.len();
        if let Some(parent) = layer.parent
            && let Some(node) = self.nodes.get_mut(parent)
        {
            node.children.push(index);
        }
        self.layers.push(layer);
        self.nodes.push(Node {
            children: Vec::new(),
            structure,
        });
        index
    }

    /// Removes layer `index` and everything pushed after it (its subtree).
    pub fn truncate(&mut self, index: usize) {
        if let Some(parent) = self.layers.get(index).and_then(|layer| layer.parent)
            && let Some(node) = self.nodes.get_mut(parent)
        {
            node.children.retain(|child| *child < index);
        }
        self.layers.truncate(index);
        self.nodes.truncate(index);
    }

    pub fn set_structure(&mut self, index: usize, structure: Option<Structure>) {
        if let Some(node) = self.nodes.get_mut(index) {
            node.structure = structure;
        }
    }

    pub fn append_summary(&mut self, index: usize, summary: &str) {
        if summary.is_empty() {
            return;
        }
        if let Some(layer) = self.layers.get_mut(index) {
            if layer.summary.is_empty() {
                layer.summary = summary.to_string();
            } else {
                layer.summary = format!("{} · {summary}", layer.summary);
            }
        }
    }

    /// Adds a note to a layer, after any note it already has.
    pub fn add_note(&mut self, index: usize, note: &str) {
        if let Some(layer) = self.layers.get_mut(index) {
            layer.note = Some(match layer.note.take() {
                Some(existing) => format!("{existing}; {note}"),
                None => note.to_string(),
            });
        }
    }

    pub fn mark_encrypted(&mut self, index: usize, note: &str) {
        self.add_note(index, note);
        if let Some(layer) = self.layers.get_mut(index) {
            layer.encrypted = true;
        }
    }

    pub fn children(&self, index: usize) -> &[usize] {
        self.nodes.get(index).map_or(&[], |node| node.children.as_slice())
    }

    pub fn parent(&self, index: usize) -> Option<usize> {
        self.layers.get(index)?.parent
    }

    pub fn structure(&self, index: usize) -> Option<&Structure> {
        self.nodes.get(index)?.structure.as_ref()
    }

    pub fn pairs(&self, index: usize) -> Option<&[(String, String)]> {
        match self.structure(index)? {
            Structure::Pairs(pairs) => Some(pairs),
            _ => None,
        }
    }

    /// The JSON value of a layer, following split-out array elements.
    pub fn json(&self, index: usize) -> Option<&JsonValue> {
        match self.structure(index)? {
            Structure::Json(value) => Some(value),
            Structure::JsonElement(path) => self.json(self.parent(index)?)?.at(path),
            _ => None,
        }
    }

    pub fn protobuf(&self, index: usize) -> Option<&[ProtoField]> {
        match self.structure(index)? {
            Structure::Protobuf(fields) => Some(fields),
            _ => None,
        }
    }

    /// The child layer holding field `key` of a form, query or multipart
    /// layer (step `form:key`, `query:key`, `multipart:key`).
    pub fn field_child(&self, index: usize, key: &str) -> Option<usize> {
        self.children(index).iter().copied().find(|child| {
            let step = &self.layers[*child].step;
            step.split_once(':').is_some_and(|(_, name)| name == key)
        })
    }

    /// Index of the root layer above `index`.
    pub fn root_of(&self, mut index: usize) -> usize {
        while let Some(parent) = self.parent(index) {
            index = parent;
        }
        index
    }

    /// Layers under request roots (URL, request body, headers), in pre-order.
    pub fn request_layers(&self) -> Vec<usize> {
        (0..self.len())
            .filter(|index| !RESPONSE_ROOTS.contains(&self.layers[self.root_of(*index)].decoder.as_str()))
            .collect()
    }

    /// `index` and all its descendants, in pre-order.
    pub fn subtree(&self, index: usize) -> Vec<usize> {
        let mut out = vec![index];
        let mut cursor = 0;
        while let Some(current) = out.get(cursor).copied() {
            out.extend_from_slice(self.children(current));
            cursor += 1;
        }
        out.sort_unstable();
        out
    }

    /// Steps from below the root down to `index`, joined with
    /// [`PATH_SEPARATOR`]: `form:data_list › base64 › gzip › json[7]`. The
    /// root's own step is named only when the layer is the root itself.
    pub fn path(&self, index: usize) -> String {
        let mut steps = Vec::new();
        let mut current = Some(index);
        while let Some(at) = current {
            let layer = &self.layers[at];
            if layer.parent.is_some() || steps.is_empty() {
                steps.push(layer.step.as_str());
            }
            current = layer.parent;
        }
        steps.reverse();
        steps.join(PATH_SEPARATOR)
    }

    /// The JSON objects found at or below `index`: from the first layer in
    /// pre-order that holds JSON, either its split-out elements (each with
    /// its own layer), the array's objects (all on that layer), or the
    /// object itself.
    pub fn json_items(&self, index: usize) -> Vec<(usize, &JsonValue)> {
        let Some(holder) = self.subtree(index).into_iter().find(|at| self.json(*at).is_some()) else {
            return Vec::new();
        };
        self.items_of(holder)
    }

    /// The objects a JSON layer stands for (see [`Tree::json_items`]);
    /// elements beyond the split-out ones are read from the layer itself.
    pub fn items_of(&self, holder: usize) -> Vec<(usize, &JsonValue)> {
        match self.json(holder) {
            Some(JsonValue::Array(items)) => {
                let elements: Vec<usize> = self
                    .children(holder)
                    .iter()
                    .copied()
                    .filter(|child| matches!(self.structure(*child), Some(Structure::JsonElement(_))))
                    .collect();
                with_elements(holder, items, &elements)
            }
            Some(value) if value.is_object() => vec![(holder, value)],
            _ => Vec::new(),
        }
    }

    /// The objects of the array under `key` of an object layer, each at its
    /// split-out element layer (`json:key[i]`) when it has one.
    pub fn keyed_items(&self, holder: usize, key: &str) -> Vec<(usize, &JsonValue)> {
        let Some(items) = self
            .json(holder)
            .and_then(|value| value.get(key))
            .and_then(JsonValue::as_array)
        else {
            return Vec::new();
        };
        let prefix = format!("json:{key}[");
        let elements: Vec<usize> = self
            .children(holder)
            .iter()
            .copied()
            .filter(|child| self.layers[*child].step.starts_with(&prefix))
            .collect();
        with_elements(holder, items, &elements)
    }

    /// Every JSON object under request roots that could be an event: JSON
    /// layers' objects, the objects of their arrays, and the objects of
    /// arrays under their top-level keys, each at the layer that shows it.
    pub fn request_json_objects(&self) -> Vec<(usize, &JsonValue)> {
        let mut objects = Vec::new();
        for index in self.request_layers() {
            // Split-out elements are listed with their container.
            if matches!(self.structure(index), Some(Structure::JsonElement(_))) {
                continue;
            }
            match self.json(index) {
                Some(JsonValue::Array(_)) => objects.extend(self.items_of(index)),
                Some(value @ JsonValue::Object(entries)) => {
                    objects.push((index, value));
                    for (key, entry) in entries {
                        if entry
                            .as_array()
                            .is_some_and(|items| items.iter().any(JsonValue::is_object))
                        {
                            objects.extend(self.keyed_items(index, key));
                        }
                    }
                }
                _ => {}
            }
        }
        objects
    }
}

/// Pairs each object of `items` with its element layer (by position), or
/// with `holder` past the split-out ones.
fn with_elements<'a>(holder: usize, items: &'a [JsonValue], elements: &[usize]) -> Vec<(usize, &'a JsonValue)> {
    items
        .iter()
        .enumerate()
        .filter(|(_, item)| item.is_object())
        .map(|(position, item)| (elements.get(position).copied().unwrap_or(holder), item))
        .collect()
}
