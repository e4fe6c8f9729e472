//! TMDB (The Movie Database, API v3): response types, the HTTP client that
//! enrichment uses, and an offline simulator for demos, tests and benchmarks.

pub mod client;
pub mod images;
pub mod sim;
pub mod types;

#[cfg(test)]
mod tests;

pub use client::{
    ClientMetrics, MAX_BODY_BYTES, Scrubbed, TmdbAuth, TmdbClient, TmdbConfig, TmdbError, in_share,
};
