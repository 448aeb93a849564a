//! A small, strict tnetstring parser for mitmproxy flow files.
//!
//! A tnetstring is `<length>:<payload><type>`, where the type byte is `,`
//! (bytes), `;` (UTF-8 string), `#` (integer), `^` (float), `!` (boolean),
//! `~` (null), `]` (list) or `}` (dictionary). mitmproxy writes a flow file as
//! one dictionary after another, so [`parse_at`] reads one value at a time and
//! says where the next one starts.
//!
//! Values borrow their bytes from the input: a 100 MB capture is not copied
//! while it is parsed. The input is hostile: lengths are checked against the
//! bytes that are really there, a length prefix may have at most
//! [`MAX_LENGTH_DIGITS`] digits and containers may nest at most [`MAX_DEPTH`]
//! deep, so a crafted file fails with an error naming the byte offset instead
//! of exhausting memory or the stack.

use std::borrow::Cow;
use std::fmt;

/// Deepest nesting of lists and dictionaries accepted (flows nest about 6 deep).
pub const MAX_DEPTH: usize = 64;

/// Longest length prefix accepted; 12 digits already allow a terabyte.
pub const MAX_LENGTH_DIGITS: usize = 12;

/// One parsed tnetstring value, borrowing from the input.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    Bytes(&'a [u8]),
    String(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
    List(Vec<Value<'a>>),
    /// Entries in file order. Keys are byte strings in files written by
    /// Python 2 era mitmproxy and unicode strings in newer ones.
    Dict(Vec<(Value<'a>, Value<'a>)>),
}

impl<'a> Value<'a> {
    /// The value stored under `key` in a dictionary, whether the key was
    /// written as bytes or as a string; `None` for other values.
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        let Value::Dict(entries) = self else {
            return None;
        };
        entries
            .iter()
            .find(|(k, _)| k.as_bytes() == Some(key.as_bytes()))
            .map(|(_, v)| v)
    }

    /// The raw bytes of a byte string or string.
    pub fn as_bytes(&self) -> Option<&'a [u8]> {
        match self {
            Value::Bytes(bytes) => Some(bytes),
            Value::String(text) => Some(text.as_bytes()),
            _ => None,
        }
    }

    /// A byte string or string as text; invalid UTF-8 is replaced.
    pub fn as_text(&self) -> Option<Cow<'a, str>> {
        self.as_bytes().map(String::from_utf8_lossy)
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// A float, or an integer read as a float (timestamps can be either).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Float(x) => Some(*x),
            #[allow(clippy::cast_precision_loss)] // timestamps are far below 2^53
            Value::Int(n) => Some(*n as f64),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Value<'a>]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_dict(&self) -> Option<&[(Value<'a>, Value<'a>)]> {
        match self {
            Value::Dict(entries) => Some(entries),
            _ => None,
        }
    }
}

/// What is wrong with the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The input ends before the value does (an incomplete file).
    Truncated,
    /// A length prefix is missing, not decimal, or has more than 12 digits.
    BadLength,
    /// A length runs past the end of the input or the enclosing value.
    LengthTooLong { length_bytes: u64, available_bytes: usize },
    /// The byte after the payload is not one of the nine type bytes.
    UnknownType(u8),
    /// The payload does not fit its type (e.g. `abc#`).
    BadPayload(&'static str),
    /// Lists and dictionaries nest deeper than [`MAX_DEPTH`].
    TooDeep,
    /// A dictionary ends after a key, without its value.
    MissingDictValue,
}

/// A parse failure and the byte offset (from the start of the input) where
/// the offending value begins.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct Error {
    pub offset: usize,
    pub problem: Problem,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let offset = self.offset;
        match &self.problem {
            Problem::Truncated => write!(f, "data ends in the middle of a value at byte {offset}"),
            Problem::BadLength => write!(
                f,
                "expected a length of at most {MAX_LENGTH_DIGITS} digits followed by `:` at byte {offset}"
            ),
            Problem::LengthTooLong {
                length_bytes,
                available_bytes,
            } => write!(
                f,
                "value of {length_bytes} bytes runs past the end of the data ({available_bytes} bytes left) at byte {offset}"
            ),
            Problem::UnknownType(byte) => {
                write!(f, "unknown type marker {:?} at byte {offset}", char::from(*byte))
            }
            Problem::BadPayload(what) => write!(f, "{what} at byte {offset}"),
            Problem::TooDeep => write!(f, "values nest deeper than {MAX_DEPTH} levels at byte {offset}"),
            Problem::MissingDictValue => {
                write!(f, "dictionary key without a value at byte {offset}")
            }
        }
    }
}

impl Error {
    fn at(offset: usize, problem: Problem) -> Self {
        Error { offset, problem }
    }

    /// True when more input could have made the value parse.
    pub fn is_truncation(&self) -> bool {
        matches!(self.problem, Problem::Truncated | Problem::LengthTooLong { .. })
    }
}

/// Parses the value at the start of `input`; returns it and the number of
/// bytes it took.
pub fn parse_prefix(input: &[u8]) -> Result<(Value<'_>, usize), Error> {
    parse_at(input, 0)
}

/// Parses the value that begins at `start`; returns it and the offset just
/// after it. Error offsets count from the start of `input`.
pub fn parse_at(input: &[u8], start: usize) -> Result<(Value<'_>, usize), Error> {
    parse_within(input, start, input.len(), 1)
}

/// Parses the value at `start` that must end by `limit` (the end of the
/// enclosing payload, or of the input). `depth` counts this value's level.
pub(crate) fn parse_within(
    input: &[u8],
    start: usize,
    limit: usize,
    depth: usize,
) -> Result<(Value<'_>, usize), Error> {
    let (length, payload_start) = read_length(input, start, limit)?;
    let available = limit - payload_start;
    // The type byte needs one byte after the payload.
    let payload_end = match usize::try_from(length) {
        Ok(n) if n < available => payload_start + n,
        _ => {
            let problem = Problem::LengthTooLong {
                length_bytes: length,
                available_bytes: available,
            };
            return Err(Error::at(start, problem));
        }
    };
    let payload = &input[payload_start..payload_end];
    let value = match input[payload_end] {
        b',' => Value::Bytes(payload),
        b';' => Value::String(text_payload(payload, start)?),
        b'#' => Value::Int(number_payload(payload, start, "integer")?),
        b'^' => Value::Float(number_payload(payload, start, "float")?),
        b'!' => Value::Bool(bool_payload(payload, start)?),
        b'~' if payload.is_empty() => Value::Null,
        b'~' => return Err(Error::at(start, Problem::BadPayload("null with a payload"))),
        b']' => Value::List(parse_list(input, payload_start, payload_end, deeper(depth, start)?)?),
        b'}' => Value::Dict(parse_dict(input, payload_start, payload_end, deeper(depth, start)?)?),
        other => return Err(Error::at(payload_end, Problem::UnknownType(other))),
    };
    Ok((value, payload_end + 1))
}

/// The keys at the start of the dictionary that `head` begins with, as far
/// as `head` holds them (a sniffing aid: `head` is usually a cut-off prefix of
/// the file). `None` when `head` does not begin with a dictionary.
pub fn leading_dict_keys(head: &[u8]) -> Option<Vec<&[u8]>> {
    let (length, payload_start) = read_length(head, 0, head.len()).ok()?;
    let payload_end = payload_start.checked_add(usize::try_from(length).ok()?)?;
    if payload_end < head.len() {
        let (value, _) = parse_prefix(head).ok()?;
        return value.as_dict()?.iter().map(|(key, _)| key.as_bytes()).collect();
    }
    let mut keys = Vec::new();
    let mut pos = payload_start;
    while pos < head.len() {
        let (key, after_key) = match parse_within(head, pos, head.len(), 2) {
            Ok(parsed) => parsed,
            Err(e) if e.is_truncation() => break,
            Err(_) => return None,
        };
        keys.push(key.as_bytes()?);
        match parse_within(head, after_key, head.len(), 2) {
            Ok((_, next)) => pos = next,
            Err(e) if e.is_truncation() => break,
            Err(_) => return None,
        }
    }
    Some(keys)
}

/// Reads `<digits>:` at `start`; returns the length and where the payload begins.
fn read_length(input: &[u8], start: usize, limit: usize) -> Result<(u64, usize), Error> {
    let window_end = limit.min(start + MAX_LENGTH_DIGITS + 1);
    let window = &input[start.min(window_end)..window_end];
    let digits = window.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == window.len() {
        // Ran out of input (or of the 13-byte window) before `:`.
        let problem = if window_end == limit && digits <= MAX_LENGTH_DIGITS {
            Problem::Truncated
        } else {
            Problem::BadLength
        };
        return Err(Error::at(start, problem));
    }
    if digits == 0 || window[digits] != b':' {
        return Err(Error::at(start, Problem::BadLength));
    }
    // At most 12 digits always fit in a u64.
    let length = window[..digits].iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
    Ok((length, start + digits + 1))
}

fn deeper(depth: usize, offset: usize) -> Result<usize, Error> {
    if depth > MAX_DEPTH {
        return Err(Error::at(offset, Problem::TooDeep));
    }
    Ok(depth + 1)
}

fn parse_list(input: &[u8], mut pos: usize, end: usize, depth: usize) -> Result<Vec<Value<'_>>, Error> {
    let mut items = Vec::new();
    while pos < end {
        let (item, next) = parse_within(input, pos, end, depth)?;
        items.push(item);
        pos = next;
    }
    Ok(items)
}

fn parse_dict(input: &[u8], mut pos: usize, end: usize, depth: usize) -> Result<Vec<(Value<'_>, Value<'_>)>, Error> {
    let mut entries = Vec::new();
    while pos < end {
        let (key, after_key) = parse_within(input, pos, end, depth)?;
        if after_key >= end {
            return Err(Error::at(pos, Problem::MissingDictValue));
        }
        let (value, next) = parse_within(input, after_key, end, depth)?;
        entries.push((key, value));
        pos = next;
    }
    Ok(entries)
}

fn text_payload(payload: &[u8], offset: usize) -> Result<&str, Error> {
    std::str::from_utf8(payload).map_err(|_| Error::at(offset, Problem::BadPayload("string is not valid UTF-8")))
}

fn number_payload<T: std::str::FromStr>(payload: &[u8], offset: usize, kind: &'static str) -> Result<T, Error> {
    let problem = Problem::BadPayload(if kind == "integer" {
        "not an integer"
    } else {
        "not a float"
    });
    std::str::from_utf8(payload)
        .ok()
        .and_then(|text| text.parse().ok())
        .ok_or(Error::at(offset, problem))
}

fn bool_payload(payload: &[u8], offset: usize) -> Result<bool, Error> {
    match payload {
        b"true" => Ok(true),
        b"false" => Ok(false),
        _ => Err(Error::at(
            offset,
            Problem::BadPayload("boolean is neither true nor false"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(input: &[u8]) -> Result<Value<'_>, Error> {
        let (value, used) = parse_prefix(input)?;
        assert_eq!(used, input.len(), "whole input consumed");
        Ok(value)
    }

    #[test]
    fn every_scalar_type() {
        assert_eq!(parse(b"5:hello,"), Ok(Value::Bytes(b"hello")));
        assert_eq!(parse("6:h\u{e9}llo;".as_bytes()), Ok(Value::String("h\u{e9}llo")));
        assert_eq!(parse(b"3:-42#"), Ok(Value::Int(-42)));
        assert_eq!(parse(b"4:1.25^"), Ok(Value::Float(1.25)));
        assert_eq!(parse(b"4:true!"), Ok(Value::Bool(true)));
        assert_eq!(parse(b"5:false!"), Ok(Value::Bool(false)));
        assert_eq!(parse(b"0:~"), Ok(Value::Null));
        assert_eq!(parse(b"0:,"), Ok(Value::Bytes(b"")));
    }

    #[test]
    fn nested_containers() {
        let value = parse(b"28:1:a;13:1:1#3:1.5^0:~]1:b,0:]}").expect("parses");
        let list = value.get("a").and_then(Value::as_list).expect("list under a");
        assert_eq!(list, [Value::Int(1), Value::Float(1.5), Value::Null]);
        assert_eq!(value.get("b"), Some(&Value::List(vec![])));
        assert_eq!(value.get("c"), None);
    }

    #[test]
    fn byte_and_unicode_keys_both_match() {
        let value = parse(b"28:7:version,1:7#4:type;4:http;}").expect("parses");
        assert_eq!(value.get("version").and_then(Value::as_i64), Some(7));
        assert_eq!(value.get("type").and_then(Value::as_text).as_deref(), Some("http"));
    }

    #[test]
    fn stream_of_values() {
        let input = b"1:1#1:2#";
        let (first, end) = parse_prefix(input).expect("first");
        let (second, end2) = parse_at(input, end).expect("second");
        assert_eq!((first, end, second, end2), (Value::Int(1), 4, Value::Int(2), 8));
    }

    #[test]
    fn truncated_input_names_the_offset() {
        let err = parse_at(b"1:1#10:abc", 4).expect_err("truncated");
        assert_eq!(err.offset, 4);
        assert!(err.is_truncation(), "{err}");
        assert!(err.to_string().contains("at byte 4"), "{err}");
        assert_eq!(parse_prefix(b"12").map_err(|e| e.problem), Err(Problem::Truncated));
        assert_eq!(parse_prefix(b"").map_err(|e| e.problem), Err(Problem::Truncated));
    }

    #[test]
    fn child_cannot_run_past_its_parent() {
        // The inner string claims 5 bytes but the list payload only has 3.
        let err = parse_prefix(b"6:5:abc,]").expect_err("overrun");
        assert_eq!(err.offset, 2);
        assert!(matches!(err.problem, Problem::LengthTooLong { length_bytes: 5, .. }));
    }

    #[test]
    fn absurd_lengths_are_refused() {
        let err = parse_prefix(b"9999999999999:x,").expect_err("13 digits");
        assert_eq!(err.problem, Problem::BadLength);
        let err = parse_prefix(b"999999999999:x,").expect_err("12 digits, no data");
        assert!(matches!(
            err.problem,
            Problem::LengthTooLong {
                length_bytes: 999_999_999_999,
                ..
            }
        ));
        assert_eq!(parse_prefix(b":x,").map_err(|e| e.problem), Err(Problem::BadLength));
        assert_eq!(parse_prefix(b"<html>").map_err(|e| e.problem), Err(Problem::BadLength));
    }

    #[test]
    fn depth_bomb_is_refused() {
        let mut bomb = b"0:~".to_vec();
        for _ in 0..100 {
            bomb = [format!("{}:", bomb.len()).into_bytes(), bomb, b"]".to_vec()].concat();
        }
        let err = parse_prefix(&bomb).expect_err("too deep");
        assert_eq!(err.problem, Problem::TooDeep);
        assert!(err.to_string().contains("64 levels"), "{err}");

        let mut fine = b"0:~".to_vec();
        for _ in 0..MAX_DEPTH {
            fine = [format!("{}:", fine.len()).into_bytes(), fine, b"]".to_vec()].concat();
        }
        assert!(parse_prefix(&fine).is_ok());
    }

    #[test]
    fn leading_keys_of_a_cut_off_dict() {
        let whole = b"28:7:version,1:7#4:type;4:http;}";
        assert_eq!(leading_dict_keys(whole), Some(vec![&b"version"[..], b"type"]));
        assert_eq!(leading_dict_keys(&whole[..26]), Some(vec![&b"version"[..], b"type"]));
        assert_eq!(leading_dict_keys(&whole[..14]), Some(vec![&b"version"[..]]));
        assert_eq!(leading_dict_keys(b"3:1:a]"), None);
        assert_eq!(leading_dict_keys(b"{\"log\": {}}"), None);
    }

    #[test]
    fn bad_payloads_and_types() {
        assert_eq!(
            parse_prefix(b"3:abc#").map_err(|e| e.problem),
            Err(Problem::BadPayload("not an integer"))
        );
        assert_eq!(parse_prefix(b"3:yes!").map(|_| ()).map_err(|e| e.offset), Err(0));
        assert_eq!(parse_prefix(b"1:x~").map(|_| ()).map_err(|e| e.offset), Err(0));
        assert_eq!(
            parse_prefix(b"1:xZ").map_err(|e| e.problem),
            Err(Problem::UnknownType(b'Z'))
        );
        assert_eq!(parse_prefix(b"2:\xff\xfe;").map(|_| ()).map_err(|e| e.offset), Err(0));
        assert_eq!(
            parse_prefix(b"4:1:a,}").map_err(|e| e.problem),
            Err(Problem::MissingDictValue)
        );
    }
}
