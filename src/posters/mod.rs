//! Posters served by reelstream: each TMDB image is fetched once (a few at
//! a time, one fetch per image however many ask at once), kept in an
//! on-disk cache with a size cap, and answered from there after.

mod cache;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use dashmap::DashMap;
use sha2::{Digest, Sha256};
use tokio::sync::{Mutex, Semaphore};

use crate::tmdb::images::{ImageClient, ImageError, ImageKind, ImagePath};
pub use cache::DiskCache;

/// Images fetched from TMDB at once: posters are many and small, and
/// TMDB's image host is shared with the API's budget of goodwill.
const FETCHES: usize = 4;

/// How long one image fetch may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(15);

/// A poster as it is served.
#[derive(Clone, Debug)]
pub struct Poster {
    /// The image.
    pub bytes: Bytes,
    /// Its format.
    pub kind: ImageKind,
    /// A strong validator of its content.
    pub etag: String,
}

/// Why a poster cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum PosterError {
    /// TMDB has no such image.
    #[error("no such poster")]
    NotFound,
    /// TMDB's image host failed.
    #[error(transparent)]
    Upstream(ImageError),
}

/// The posters service: cache in front of TMDB's image host.
#[derive(Debug)]
pub struct Posters {
    cache: DiskCache,
    images: ImageClient,
    fetches: Semaphore,
    /// One lock per image being fetched, so concurrent askers wait for one fetch.
    flights: DashMap<String, Arc<Mutex<()>>>,
}

impl Posters {
    /// Posters from the image host at `image_base`, cached in `dir` (created
    /// on first use) up to `cap` bytes.
    pub fn new(image_base: &str, dir: &Path, cap: u64) -> anyhow::Result<Self> {
        Ok(Self {
            cache: DiskCache::new(dir, cap),
            images: ImageClient::new(image_base, FETCH_TIMEOUT)?,
            fetches: Semaphore::new(FETCHES),
            flights: DashMap::new(),
        })
    }

    /// The poster at `path`: from the cache, else fetched once and cached.
    pub async fn get(&self, path: &ImagePath) -> Result<Poster, PosterError> {
        let name = path.file_name();
        if let Some(poster) = self.cached(&name).await {
            return Ok(poster);
        }
        let flight = self.flights.entry(name.clone()).or_default().clone();
        let result = {
            let _one = flight.lock().await;
            match self.cached(&name).await {
                Some(poster) => Ok(poster),
                None => self.fetch(path, &name).await,
            }
        };
        drop(flight);
        self.flights
            .remove_if(&name, |_, flight| Arc::strong_count(flight) == 1);
        result
    }

    async fn cached(&self, name: &str) -> Option<Poster> {
        let bytes = match self.cache.get(name).await {
            Ok(bytes) => bytes?,
            Err(err) => {
                // Served from TMDB all the same, uncached, until the disk is fixed.
                tracing::warn!(error = %err, "cannot read the poster cache");
                return None;
            }
        };
        let kind = ImageKind::sniff(&bytes)?;
        Some(poster(bytes, kind))
    }

    async fn fetch(&self, path: &ImagePath, name: &str) -> Result<Poster, PosterError> {
        let (bytes, kind) = {
            let _permit = self.fetches.acquire().await.expect("never closed");
            self.images.fetch(path).await.map_err(|err| match err {
                ImageError::NotFound => PosterError::NotFound,
                other => PosterError::Upstream(other),
            })?
        };
        if let Err(err) = self.cache.put(name, &bytes).await {
            // Served all the same; the next request fetches it again.
            tracing::warn!(error = %err, "cannot cache a poster");
        }
        Ok(poster(bytes, kind))
    }

    /// Bytes in the cache.
    pub async fn cached_bytes(&self) -> u64 {
        self.cache.size().await
    }
}

fn poster(bytes: Bytes, kind: ImageKind) -> Poster {
    let digest = Sha256::digest(&bytes);
    Poster {
        etag: format!("\"{}\"", crate::domain::hex(&digest[..12])),
        bytes,
        kind,
    }
}
