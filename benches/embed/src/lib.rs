//! Only the benchmark in `benches/calls.rs`.
