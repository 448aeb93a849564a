//! The canary-search index: one small Bloom filter of trigrams per *block*
//! of consecutive exchanges (about [`BLOCK_TEXT_BYTES`] of their layer
//! texts and event fields).
//!
//! Why not FTS5 trigrams: captured payloads are mostly base64 and other
//! high-entropy text, where nearly every trigram is distinct; the FTS
//! index grew to a third of the case and its segment merges made import
//! twenty times slower than parsing. A canary search asks "which of these
//! few needles occur anywhere", so a coarse filter that rules out almost
//! every block, followed by an exact scan of the few blocks left, answers
//! it with an index of about one bit per byte of text.
//!
//! Promises: no false negatives. Every window of three bytes of every
//! indexed text (folded to lower case) sets one bit of its block's filter;
//! a block whose filter lacks one of a pattern's trigrams cannot hold the
//! pattern, case-insensitively. Blocks that pass are scanned exactly by
//! the caller. Patterns shorter than three bytes pass every block.

/// A block is closed once its texts reach this many bytes.
pub const BLOCK_TEXT_BYTES: usize = 256 * 1024;
/// Filter size while a block fills (bits); folded down when it closes.
const MAX_BITS: usize = BLOCK_TEXT_BYTES;
/// Smallest stored filter (bits).
const MIN_BITS: usize = 4096;

/// Lower-cases text the way both sides of the filter agree on: ASCII fast,
/// full Unicode lower case when the text has other letters.
pub fn fold_case(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() {
        if text.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(text.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(text)
        }
    } else {
        std::borrow::Cow::Owned(text.to_lowercase())
    }
}

fn trigram_hash(window: &[u8]) -> u32 {
    let packed = u64::from(window[0]) | u64::from(window[1]) << 8 | u64::from(window[2]) << 16;
    (packed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as u32
}

/// The filter of the block being filled.
pub struct BlockBuilder {
    bits: Vec<u64>,
    text_bytes: usize,
}

impl Default for BlockBuilder {
    fn default() -> Self {
        BlockBuilder {
            bits: vec![0; MAX_BITS / 64],
            text_bytes: 0,
        }
    }
}

impl BlockBuilder {
    /// Adds one text's trigrams.
    pub fn add(&mut self, text: &str) {
        let folded = fold_case(text);
        let bytes = folded.as_bytes();
        self.text_bytes += bytes.len();
        let mask = (MAX_BITS - 1) as u32;
        for window in bytes.windows(3) {
            let bit = (trigram_hash(window) & mask) as usize;
            self.bits[bit / 64] |= 1 << (bit % 64);
        }
    }

    pub fn is_full(&self) -> bool {
        self.text_bytes >= BLOCK_TEXT_BYTES
    }

    pub fn is_empty(&self) -> bool {
        self.text_bytes == 0
    }

    /// Closes the block: the filter folded to about one bit per byte of
    /// text (at least [`MIN_BITS`]), as stored bytes.
    pub fn finish(&mut self) -> Vec<u8> {
        let mut bits = std::mem::replace(&mut self.bits, vec![0; MAX_BITS / 64]);
        let mut len = MAX_BITS;
        while len / 2 >= MIN_BITS.max(self.text_bytes) {
            let half = len / 2 / 64;
            let (low, high) = bits.split_at_mut(half);
            for (word, folded) in low.iter_mut().zip(high.iter()) {
                *word |= folded;
            }
            len /= 2;
            bits.truncate(half);
        }
        self.text_bytes = 0;
        bits.iter().flat_map(|word| word.to_le_bytes()).collect()
    }
}

/// A pattern's trigram hashes, ready to test against stored filters.
pub struct Probe {
    hashes: Vec<u32>,
}

impl Probe {
    pub fn new(pattern: &str) -> Probe {
        let folded = fold_case(pattern);
        let mut hashes: Vec<u32> = folded.as_bytes().windows(3).map(trigram_hash).collect();
        hashes.sort_unstable();
        hashes.dedup();
        Probe { hashes }
    }

    /// Whether a block with this stored filter may hold the pattern.
    pub fn may_match(&self, filter: &[u8]) -> bool {
        let bits = filter.len() * 8;
        if bits == 0 || !bits.is_power_of_two() {
            return true;
        }
        let mask = (bits - 1) as u32;
        self.hashes.iter().all(|hash| {
            let bit = (hash & mask) as usize;
            filter[bit / 8] & (1 << (bit % 8)) != 0
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_indexed_substring_passes_and_most_others_do_not() {
        let mut builder = BlockBuilder::default();
        let texts: Vec<String> = (0..2000)
            .map(|i| format!("eyJldmVudCI6IiRwYWdldmlldyIs{i:05}Zm9vYmFy/Page {i} Zürich"))
            .collect();
        for text in &texts {
            builder.add(text);
        }
        let filter = builder.finish();
        assert!(filter.len() * 8 >= MIN_BITS && filter.len() * 8 <= MAX_BITS);
        for needle in ["page 1999 zür", "PAGE 42 ZÜRICH", "IiRwYWdl", "ab"] {
            assert!(Probe::new(needle).may_match(&filter), "{needle}");
        }
        let misses = (0..200)
            .filter(|i| Probe::new(&format!("canary-{i:06}-not-there")).may_match(&filter))
            .count();
        assert!(misses < 5, "{misses} false positives of 200");
    }

    #[test]
    fn a_fresh_builder_follows_a_finished_block() {
        let mut builder = BlockBuilder::default();
        builder.add("first block text");
        let first = builder.finish();
        assert!(builder.is_empty());
        builder.add("second");
        let second = builder.finish();
        assert!(Probe::new("block").may_match(&first));
        assert!(!Probe::new("block").may_match(&second));
    }
}
