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
//! Promises: no false negatives. Every window of three bytes and every
//! window of six bytes of every indexed text (folded to lower case) sets
//! one bit of its block's filter; a block whose filter lacks one of a
//! pattern's trigrams or six-grams cannot hold the pattern,
//! case-insensitively. Blocks that pass are scanned exactly by the caller.
//! Patterns shorter than three bytes pass every block.
//!
//! Why six-grams too: trigrams alone say little about a pattern whose
//! trigrams are all common. A canary such as `canary-000123` among its
//! siblings `canary-000124`, … and the digits of timestamps has every
//! trigram in a fifth of the blocks of a generated 400 000-event case (349
//! of 1 819 blocks passed, each then scanned); its six-grams (`000123`,
//! `-00012` …) occur only where it does. Filters are as large as before
//! (about one bit per byte of text): measured there, they were 2.6 % full.
//!
//! Stored format: the bit set (a power of two of bytes), then one byte
//! [`GRAMS_3_AND_6`]. Filters written before it are a bare bit set of
//! trigrams and are probed with trigrams only; an older binary reading a
//! new filter sees a length that is not a power of two and scans the
//! block, so neither side can miss a hit.

/// A block is closed once its texts reach this many bytes.
pub const BLOCK_TEXT_BYTES: usize = 256 * 1024;
/// Filter size while a block fills (bits); folded down when it closes.
/// One bit per byte even though each byte adds two grams: on random
/// base64 that fills about 63 % of the bits, and a 13-byte needle must
/// find all of its 19 grams' bits set (0.63^19 ≈ 1.5 × 10⁻⁴ per block).
const MAX_BITS: usize = BLOCK_TEXT_BYTES;
/// The trailing byte of a filter of trigrams and six-grams.
const GRAMS_3_AND_6: u8 = 6;
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

fn six_gram_hash(window: &[u8]) -> u32 {
    let packed = window.iter().rev().fold(0u64, |acc, &b| acc << 8 | u64::from(b));
    // A different odd multiplier, so a six-gram and a trigram rarely share a bit.
    (packed.wrapping_mul(0xC2B2_AE3D_27D4_EB4F) >> 32) as u32
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
        let grams = bytes
            .windows(3)
            .map(trigram_hash)
            .chain(bytes.windows(6).map(six_gram_hash));
        for hash in grams {
            let bit = (hash & mask) as usize;
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
    /// text (at least [`MIN_BITS`]), as stored bytes with the format byte.
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
        let mut stored: Vec<u8> = bits.iter().flat_map(|word| word.to_le_bytes()).collect();
        stored.push(GRAMS_3_AND_6);
        stored
    }
}

/// A pattern's trigram and six-gram hashes, ready to test against stored
/// filters of either format.
pub struct Probe {
    trigrams: Vec<u32>,
    six_grams: Vec<u32>,
}

impl Probe {
    pub fn new(pattern: &str) -> Probe {
        let folded = fold_case(pattern);
        let hashes = |size: usize, hash: fn(&[u8]) -> u32| {
            let mut hashes: Vec<u32> = folded.as_bytes().windows(size).map(hash).collect();
            hashes.sort_unstable();
            hashes.dedup();
            hashes
        };
        Probe {
            trigrams: hashes(3, trigram_hash),
            six_grams: hashes(6, six_gram_hash),
        }
    }

    /// Whether a block with this stored filter may hold the pattern.
    pub fn may_match(&self, filter: &[u8]) -> bool {
        let (bits, grams): (&[u8], &[&[u32]]) = match filter.split_last() {
            Some((&GRAMS_3_AND_6, bits)) if bits.len().is_power_of_two() => (bits, &[&self.trigrams, &self.six_grams]),
            // Written before six-grams: trigrams only.
            _ if filter.len().is_power_of_two() => (filter, &[&self.trigrams]),
            _ => return true,
        };
        let mask = (bits.len() * 8 - 1) as u32;
        grams.iter().flat_map(|hashes| hashes.iter()).all(|hash| {
            let bit = (hash & mask) as usize;
            bits[bit / 8] & (1 << (bit % 8)) != 0
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
        assert_eq!(filter.last(), Some(&GRAMS_3_AND_6));
        let bits = (filter.len() - 1) * 8;
        assert!(
            (MIN_BITS..=MAX_BITS).contains(&bits) && bits.is_power_of_two(),
            "{bits}"
        );
        for needle in ["page 1999 zür", "PAGE 42 ZÜRICH", "IiRwYWdl", "ab"] {
            assert!(Probe::new(needle).may_match(&filter), "{needle}");
        }
        let misses = (0..200)
            .filter(|i| Probe::new(&format!("canary-{i:06}-not-there")).may_match(&filter))
            .count();
        assert!(misses < 5, "{misses} false positives of 200");
    }

    /// A trigram-only filter, as blocks were stored before six-grams.
    fn legacy_filter(texts: &[&str]) -> Vec<u8> {
        let mut bits = vec![0u8; MIN_BITS / 8];
        for text in texts {
            for window in fold_case(text).as_bytes().windows(3) {
                let bit = (trigram_hash(window) as usize) & (MIN_BITS - 1);
                bits[bit / 8] |= 1 << (bit % 8);
            }
        }
        bits
    }

    #[test]
    fn six_grams_tell_a_canary_from_its_siblings() {
        // Every trigram of `canary-000123` is here, spread over its
        // siblings and a timestamp; the canary itself is not.
        let texts = ["q=canary-000124", "q=canary-000301", "ts=1712345"];
        let mut builder = BlockBuilder::default();
        for text in texts {
            builder.add(text);
        }
        let filter = builder.finish();
        assert!(Probe::new("canary-000124").may_match(&filter));
        assert!(Probe::new("CANARY-000301").may_match(&filter));
        assert!(!Probe::new("canary-000123").may_match(&filter));
        // Trigrams alone let it through: what a filter of before six-grams says.
        assert!(Probe::new("canary-000123").may_match(&legacy_filter(&texts)));
    }

    #[test]
    fn filters_of_before_six_grams_and_unknown_ones_miss_nothing() {
        let legacy = legacy_filter(&["first block text"]);
        assert!(Probe::new("block t").may_match(&legacy));
        assert!(!Probe::new("second").may_match(&legacy));
        // An unknown format scans the block rather than risk a miss.
        let mut unknown = legacy.clone();
        unknown.push(7);
        assert!(Probe::new("second").may_match(&unknown));
        assert!(Probe::new("anything").may_match(&[]));
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
