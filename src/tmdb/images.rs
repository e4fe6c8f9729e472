//! TMDB's image host: which image paths exist (so the poster endpoint is no
//! open proxy), how a poster is linked to (through reelstream or straight to
//! TMDB), and fetching one image.

use std::time::Duration;

use bytes::Bytes;

use super::types::IMAGE_BASE_URL;

/// The image sizes TMDB serves posters in.
pub const SIZES: [&str; 7] = ["w92", "w154", "w185", "w342", "w500", "w780", "original"];

/// Most bytes of one image; TMDB's largest posters are a few MB.
pub const MAX_IMAGE_BYTES: usize = 8 * 1024 * 1024;

/// The path under reelstream's server that serves TMDB's images.
pub const PROXY_PREFIX: &str = "/api/poster";

/// A TMDB image path, validated: one of [`SIZES`] and a file name of
/// letters and digits with an image extension, as TMDB names them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ImagePath {
    size: &'static str,
    file: String,
}

impl ImagePath {
    /// The path of `size` and `file`, or `None` when TMDB has no such image path.
    pub fn parse(size: &str, file: &str) -> Option<Self> {
        let size = SIZES.into_iter().find(|s| *s == size)?;
        let (stem, extension) = file.rsplit_once('.')?;
        let stem_ok = (1..=64).contains(&stem.len())
            && stem.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        let extension_ok = matches!(extension, "jpg" | "jpeg" | "png" | "svg" | "webp");
        (stem_ok && extension_ok).then(|| Self {
            size,
            file: file.to_owned(),
        })
    }

    /// The path below the image host's base, `w342/abc.jpg`.
    pub fn relative(&self) -> String {
        format!("{}/{}", self.size, self.file)
    }

    /// A file name for it: `w342-abc.jpg`.
    pub fn file_name(&self) -> String {
        format!("{}-{}", self.size, self.file)
    }
}

/// Where the API's poster links point.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum PosterLinks {
    /// To reelstream's `/api/poster/…`, which caches TMDB's images: a
    /// viewer's browser never asks TMDB, and posters seen once load offline.
    #[default]
    Proxy,
    /// Straight to TMDB's image host.
    Tmdb,
}

impl PosterLinks {
    /// The link to give for a TMDB image URL (left alone when it is not one).
    pub fn link(self, url: Option<String>) -> Option<String> {
        let url = url?;
        if self == Self::Tmdb {
            return Some(url);
        }
        let path = url
            .strip_prefix(IMAGE_BASE_URL)
            .and_then(|rest| rest.strip_prefix('/'))
            .and_then(|rest| rest.split_once('/'))
            .and_then(|(size, file)| ImagePath::parse(size, file));
        Some(match path {
            Some(path) => format!("{PROXY_PREFIX}/{}", path.relative()),
            None => url,
        })
    }
}

/// Why an image could not be fetched.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// The image host has no such image.
    #[error("TMDB has no such image")]
    NotFound,
    /// The image host failed or answered something that is no image.
    #[error("TMDB's image host failed: {0}")]
    Upstream(String),
}

/// Fetches images from the image host at `base` (TMDB's, or the simulator's).
#[derive(Clone, Debug)]
pub struct ImageClient {
    http: reqwest::Client,
    base: String,
}

impl ImageClient {
    /// A client of the image host at `base` (e.g. `https://image.tmdb.org/t/p`).
    pub fn new(base: &str, timeout: Duration) -> reqwest::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .user_agent(concat!("reelstream/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    /// The image at `path`, checked to be one (by its first bytes).
    pub async fn fetch(&self, path: &ImagePath) -> Result<(Bytes, ImageKind), ImageError> {
        let url = format!("{}/{}", self.base, path.relative());
        let upstream = |err: reqwest::Error| ImageError::Upstream(err.without_url().to_string());
        let response = self.http.get(url).send().await.map_err(upstream)?;
        match response.status() {
            status if status.is_success() => {}
            reqwest::StatusCode::NOT_FOUND => return Err(ImageError::NotFound),
            status => return Err(ImageError::Upstream(format!("status {status}"))),
        }
        if response
            .content_length()
            .is_some_and(|n| n > MAX_IMAGE_BYTES as u64)
        {
            return Err(ImageError::Upstream("the image is too large".into()));
        }
        let bytes = response.bytes().await.map_err(upstream)?;
        if bytes.len() > MAX_IMAGE_BYTES {
            return Err(ImageError::Upstream("the image is too large".into()));
        }
        let kind = ImageKind::sniff(&bytes)
            .ok_or_else(|| ImageError::Upstream("the answer is no image".into()))?;
        Ok((bytes, kind))
    }
}

/// The image formats served, told apart by their first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageKind {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
    /// WebP.
    Webp,
    /// SVG (the simulator's generated posters; TMDB's logos).
    Svg,
}

impl ImageKind {
    /// The kind of image `bytes` hold, if any.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else {
            let head = String::from_utf8_lossy(&bytes[..bytes.len().min(256)]);
            let head = head.trim_start();
            (head.starts_with("<svg") || (head.starts_with("<?xml") && head.contains("<svg")))
                .then_some(Self::Svg)
        }
    }

    /// Its MIME type.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Svg => "image/svg+xml",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tmdb_image_paths_are_accepted() {
        let ok = ImagePath::parse("w342", "8OKmBV5BUFzmozIC3pPWKHy17kx.jpg").unwrap();
        assert_eq!(ok.relative(), "w342/8OKmBV5BUFzmozIC3pPWKHy17kx.jpg");
        assert_eq!(ok.file_name(), "w342-8OKmBV5BUFzmozIC3pPWKHy17kx.jpg");
        for (size, file) in [
            ("w343", "a.jpg"),
            ("w342", "../etc/passwd"),
            ("w342", "a.exe"),
            ("w342", ".jpg"),
            ("w342", "a b.jpg"),
            ("w342", "a.jpg?x=1"),
            ("w342", "évian.jpg"),
            ("w342", &format!("{}.jpg", "a".repeat(65))),
            ("", "a.jpg"),
        ] {
            assert_eq!(ImagePath::parse(size, file), None, "{size}/{file}");
        }
    }

    #[test]
    fn poster_links_go_through_reelstream_unless_told_otherwise() {
        let tmdb = || Some(format!("{IMAGE_BASE_URL}/w342/abc.jpg"));
        assert_eq!(
            PosterLinks::Proxy.link(tmdb()).as_deref(),
            Some("/api/poster/w342/abc.jpg")
        );
        assert_eq!(PosterLinks::Tmdb.link(tmdb()), tmdb());
        let other = Some("https://example.org/a.jpg".to_owned());
        assert_eq!(PosterLinks::Proxy.link(other.clone()), other);
        assert_eq!(PosterLinks::Proxy.link(None), None);
    }

    #[test]
    fn images_are_told_by_their_first_bytes() {
        assert_eq!(
            ImageKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(ImageKind::Jpeg)
        );
        assert_eq!(
            ImageKind::sniff(b"\x89PNG\r\n\x1a\n...."),
            Some(ImageKind::Png)
        );
        assert_eq!(
            ImageKind::sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(ImageKind::Webp)
        );
        assert_eq!(ImageKind::sniff(b"  <svg xmlns=''/>"), Some(ImageKind::Svg));
        assert_eq!(ImageKind::sniff(b"<html>oops</html>"), None);
        assert_eq!(ImageKind::sniff(b""), None);
    }
}
