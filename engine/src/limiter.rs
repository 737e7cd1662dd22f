//! Memory quota enforcement that remembers *why* growth failed.
//!
//! A refused `memory.grow` inside CPython surfaces as a generic `unreachable`
//! trap or a `MemoryError`; only the limiter knows it was the quota, so it
//! records the refusal and the outcome is derived from that record.

use wasmtime::ResourceLimiter;

/// Tracks linear memory across all memories of one execution.
#[derive(Debug)]
pub struct MemoryLimiter {
    limit: u64,
    max_table_elements: usize,
    current: u64,
    peak: u64,
    refused: Option<u64>,
}

impl MemoryLimiter {
    pub fn new(limit: u64, max_table_elements: usize) -> Self {
        Self {
            limit,
            max_table_elements,
            current: 0,
            peak: 0,
            refused: None,
        }
    }

    /// Highest total linear memory reached, in bytes.
    pub fn peak(&self) -> u64 {
        self.peak
    }

    /// The total the guest asked for when the quota refused it.
    pub fn refused(&self) -> Option<u64> {
        self.refused
    }
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let requested_total = self.current - current as u64 + desired as u64;
        let within_memory_max = maximum.is_none_or(|max| desired <= max);
        if requested_total > self.limit || !within_memory_max {
            self.refused = Some(requested_total);
            return Ok(false);
        }
        self.current = requested_total;
        self.peak = self.peak.max(self.current);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= self.max_table_elements && maximum.is_none_or(|max| desired <= max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_across_memories_and_records_the_refusal() {
        let mut limiter = MemoryLimiter::new(100, 10);
        assert!(limiter.memory_growing(0, 60, None).unwrap());
        assert!(limiter.memory_growing(0, 30, None).unwrap());
        assert_eq!(limiter.peak(), 90);
        assert_eq!(limiter.refused(), None);
        assert!(!limiter.memory_growing(30, 50, None).unwrap());
        assert_eq!(limiter.refused(), Some(110));
        assert_eq!(limiter.peak(), 90, "a refused growth is not peak usage");
    }

    #[test]
    fn a_memory_own_maximum_is_respected() {
        let mut limiter = MemoryLimiter::new(1_000, 10);
        assert!(!limiter.memory_growing(0, 50, Some(40)).unwrap());
    }

    #[test]
    fn tables_are_capped() {
        let mut limiter = MemoryLimiter::new(1_000, 10);
        assert!(limiter.table_growing(0, 10, None).unwrap());
        assert!(!limiter.table_growing(10, 11, None).unwrap());
    }
}
