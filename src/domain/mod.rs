//! The film model at the centre of every layer: statuses, media types, the
//! key a film is looked up by, and what TMDB adds to it. Plain types with no
//! I/O; the store persists them, the engine produces them, the API and the
//! exports show them. The derives say how each is spelled in the database
//! (sea-orm), in JSON (serde) and in the OpenAPI document (poem-openapi), so
//! that all three spellings come from one definition.

mod client;
mod enrichment;
mod import_diff;
mod lookup_key;
mod owner;
mod status;
mod viewing;

pub use client::{Client, ClientKey};
pub use enrichment::{Candidate, Enrichment};
pub use import_diff::ImportDiff;
pub use lookup_key::{LookupKey, LookupKeyError};
pub(crate) use owner::hex;
pub use owner::{OwnerToken, OwnerTokenHash};
pub use status::{MediaType, MovieStatus, SessionStatus, SkipReason};
pub use viewing::Viewing;
