//! reelstream turns a movie watch-history export into an enriched, explorable
//! library, live. See `README.md` and `../shared/SPEC.md`.

pub mod api;
pub mod app;
pub mod cli;
pub mod config;
pub mod domain;
pub mod engine;
pub mod events;
pub mod export;
pub mod import;
pub mod logging;
pub(crate) mod model;
pub mod posters;
pub mod server;
pub mod state;
pub mod store;
pub mod tmdb;
