//! Limits that keep decoding of hostile captures bounded in memory and time.
//!
//! Promises: no layer is decoded deeper than [`MAX_DEPTH`]; no single
//! decompression or base64 step produces more than [`MAX_LAYER_OUTPUT_BYTES`];
//! one exchange never produces more than [`MAX_EXCHANGE_OUTPUT_BYTES`] in
//! total; beyond [`RATIO_FREE_OUTPUT_BYTES`] a step may expand its input at
//! most [`MAX_EXPANSION_RATIO`] times. Hitting a limit becomes a note on the
//! layer, never an error.

const MIB: usize = 1024 * 1024;

/// Deepest layer that is still decoded further (roots are depth 0).
pub const MAX_DEPTH: usize = 16;
/// Most bytes one decoding step may produce.
pub const MAX_LAYER_OUTPUT_BYTES: usize = 64 * MIB;
/// Most bytes all decoding steps of one exchange may produce together.
pub const MAX_EXCHANGE_OUTPUT_BYTES: usize = 256 * MIB;
/// Output/input ratio allowed once the output exceeds [`RATIO_FREE_OUTPUT_BYTES`].
pub const MAX_EXPANSION_RATIO: usize = 1000;
/// Output size every step may reach whatever its ratio (small payloads
/// legitimately compress very well).
pub const RATIO_FREE_OUTPUT_BYTES: usize = MIB;
/// Most content bytes stored per layer in [`crate::model::Layer`].
pub const MAX_STORED_LAYER_BYTES: usize = MIB;
/// Most layers kept for one exchange.
pub const MAX_LAYERS: usize = 10_000;
/// Most parts (fields, lines, array elements) one container turns into layers.
pub const MAX_PART_LAYERS: usize = 1_000;

/// Which limit bound a step's output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    Layer,
    Exchange,
    Ratio,
}

/// The output allowance left for one exchange.
#[derive(Debug, Default)]
pub struct Budget {
    used_output_bytes: usize,
}

impl Budget {
    pub fn new() -> Self {
        Self::default()
    }

    /// Bytes produced so far by this exchange's decoding steps.
    pub fn used_output_bytes(&self) -> usize {
        self.used_output_bytes
    }

    /// How many bytes a step may produce from `input_len` bytes, and which
    /// limit sets that number.
    pub fn output_limit(&self, input_len: usize) -> (usize, Bound) {
        let remaining = MAX_EXCHANGE_OUTPUT_BYTES.saturating_sub(self.used_output_bytes);
        let by_ratio = input_len
            .saturating_mul(MAX_EXPANSION_RATIO)
            .max(RATIO_FREE_OUTPUT_BYTES);
        let mut limit = (MAX_LAYER_OUTPUT_BYTES, Bound::Layer);
        if by_ratio < limit.0 {
            limit = (by_ratio, Bound::Ratio);
        }
        if remaining < limit.0 {
            limit = (remaining, Bound::Exchange);
        }
        limit
    }

    /// Records `bytes` produced by a step (also when the step was cut off:
    /// the work was done).
    pub fn spend(&mut self, bytes: usize) {
        self.used_output_bytes = self.used_output_bytes.saturating_add(bytes);
    }
}

/// The note written on a layer whose output hit `bound` at `limit_bytes`.
pub fn limit_note(decoder: &str, bound: Bound, limit_bytes: usize) -> String {
    let which = match bound {
        Bound::Layer => format!("the per-layer limit of {}", describe_bytes(limit_bytes)),
        Bound::Exchange => format!(
            "what is left of the per-exchange limit of {} ({})",
            describe_bytes(MAX_EXCHANGE_OUTPUT_BYTES),
            describe_bytes(limit_bytes)
        ),
        Bound::Ratio => format!(
            "the expansion limit of {MAX_EXPANSION_RATIO}:1 ({})",
            describe_bytes(limit_bytes)
        ),
    };
    format!("{decoder} output exceeds {which}; stopped (possible decompression bomb)")
}

/// Whether a layer or exchange note says that a limit stopped the work (every
/// such note names its limit), so the import can show it to the user.
pub fn is_limit_note(note: &str) -> bool {
    note.contains("limit")
}

/// "64 MiB" for whole mebibytes, otherwise "812 bytes".
pub fn describe_bytes(bytes: usize) -> String {
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_inputs_may_reach_the_ratio_free_size() {
        let budget = Budget::new();
        assert_eq!(budget.output_limit(10), (RATIO_FREE_OUTPUT_BYTES, Bound::Ratio));
    }

    #[test]
    fn ratio_bounds_mid_sized_inputs() {
        let budget = Budget::new();
        assert_eq!(budget.output_limit(4096), (4096 * MAX_EXPANSION_RATIO, Bound::Ratio));
    }

    #[test]
    fn layer_limit_bounds_large_inputs() {
        let budget = Budget::new();
        assert_eq!(budget.output_limit(10 * MIB), (MAX_LAYER_OUTPUT_BYTES, Bound::Layer));
    }

    #[test]
    fn exchange_limit_shrinks_as_output_is_spent() {
        let mut budget = Budget::new();
        budget.spend(MAX_EXCHANGE_OUTPUT_BYTES - 5 * MIB);
        assert_eq!(budget.output_limit(10 * MIB), (5 * MIB, Bound::Exchange));
        budget.spend(10 * MIB);
        assert_eq!(budget.output_limit(10 * MIB), (0, Bound::Exchange));
    }

    #[test]
    fn depth_and_sizes_are_the_documented_values() {
        assert_eq!(MAX_DEPTH, 16);
        assert_eq!(MAX_LAYER_OUTPUT_BYTES, 64 * MIB);
        assert_eq!(MAX_EXCHANGE_OUTPUT_BYTES, 256 * MIB);
        assert_eq!(describe_bytes(MAX_LAYER_OUTPUT_BYTES), "64 MiB");
        assert_eq!(describe_bytes(812), "812 bytes");
    }
}
