//! The contract every layer decoder follows (mitmproxy contentview style):
//! a name, a cheap infallible [`LayerDecoder::claims`] check and a
//! [`LayerDecoder::decode`] step that yields child layers and, for
//! structured formats, a parsed value attached to the decoded layer itself.
//!
//! `claims` must never fail and must stay linear in the input; `decode`
//! returns `Err(reason)` instead of panicking, and the runner turns the
//! reason into a "failed as X" note.

use super::limits::Budget;
use super::tree::Structure;

/// How strongly a decoder claims an input. Higher wins; ties keep
/// registration order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Priority(u8);

impl Priority {
    /// Not this decoder's input.
    pub const NO: Priority = Priority(0);
    /// Could be; tried last and dropped silently when it fails (base64 guess).
    pub const FALLBACK: Priority = Priority(1);
    /// The content looks like it (magic bytes, JSON braces, `k=v&k=v`).
    pub const SNIFFED: Priority = Priority(2);
    /// A header or the container says so (Content-Type, Content-Encoding).
    pub const DECLARED: Priority = Priority(3);
}

/// Where an input came from; some decoders only apply to one origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The whole request URL (only the query decoder takes it).
    Url,
    /// A request or response body.
    Body,
    /// A request header value.
    Header,
    /// A part of a container (form field, JSON string, line) or the output
    /// of a transform (base64, gzip).
    Inner,
}

/// What a decoder looks at.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    pub bytes: &'a [u8],
    /// `bytes` as text when they are valid UTF-8.
    pub text: Option<&'a str>,
    pub origin: Origin,
    /// The declared `Content-Type` (full header value, parameters included).
    pub content_type: Option<&'a str>,
    /// A `Content-Encoding` still to be undone (the importer failed to).
    pub content_encoding: Option<&'a str>,
}

impl<'a> Input<'a> {
    pub fn new(bytes: &'a [u8], origin: Origin) -> Self {
        Input {
            bytes,
            text: std::str::from_utf8(bytes).ok(),
            origin,
            content_type: None,
            content_encoding: None,
        }
    }

    /// The declared media type, lower-cased, without parameters.
    pub fn media_type(&self) -> Option<String> {
        let declared = self.content_type?;
        let essence = declared.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        (!essence.is_empty()).then_some(essence)
    }
}

/// Whether a child layer survives when nothing below it decodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// Always kept (transform output, multipart part, array element).
    Always,
    /// Kept only when a decoder succeeds on it (JSON string values).
    IfDecoded,
    /// Kept when decoded or when at least [`LONG_VALUE_BYTES`] long (form
    /// fields and query parameters: a long opaque value is evidence).
    IfDecodedOrLong,
}

/// Length from which an undecodable field value still gets its own layer.
pub const LONG_VALUE_BYTES: usize = 64;

/// A child layer proposed by a decoder.
#[derive(Debug)]
pub struct Child {
    pub decoder: &'static str,
    pub step: String,
    pub content: Vec<u8>,
    pub summary: String,
    pub note: Option<String>,
    /// Declared type of the child (a multipart part's `Content-Type`).
    pub content_type: Option<String>,
    pub keep: Keep,
    /// Run the decoders on the child's content (false when `structure`
    /// already holds its parsed form).
    pub expand: bool,
    pub structure: Option<Structure>,
    pub children: Vec<Child>,
}

impl Child {
    /// A child whose content the runner decodes further.
    pub fn new(decoder: &'static str, step: impl Into<String>, content: Vec<u8>, summary: String, keep: Keep) -> Self {
        Child {
            decoder,
            step: step.into(),
            content,
            summary,
            note: None,
            content_type: None,
            keep,
            expand: true,
            structure: None,
            children: Vec::new(),
        }
    }
}

/// What one successful decode step produced.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Appended to the decoded layer's summary ("JSON array of 50 objects").
    pub summary: String,
    pub note: Option<String>,
    /// The parsed form of the decoded layer itself (form pairs, JSON).
    pub structure: Option<Structure>,
    pub children: Vec<Child>,
}

/// One layer decoder.
pub trait LayerDecoder: Sync {
    /// Name stored in [`crate::model::Layer::decoder`] for what it produces.
    fn name(&self) -> &'static str;
    /// Cheap, infallible "is this mine?".
    fn claims(&self, input: &Input<'_>) -> Priority;
    /// Decodes a claimed input; `Err` says why it is not what it looked like.
    fn decode(&self, input: &Input<'_>, budget: &mut Budget) -> Result<Outcome, String>;
}
