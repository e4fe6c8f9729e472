//! sea-orm entities: one file per table.

pub mod event;
pub mod movie;
pub mod session;
pub mod tmdb_cache;
pub mod viewing;
