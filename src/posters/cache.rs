//! An on-disk cache of images with a size cap: the least recently used go
//! first when a new one would pass it. The index (size and last use of each
//! file) lives in memory, read from the directory on first use (the files'
//! modification times standing in for their last use), so a server that
//! never serves a poster never touches the directory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use bytes::Bytes;

/// Suffix of a file being written; a leftover one is deleted at start.
const PARTIAL: &str = ".partial";

#[derive(Debug, Default)]
struct Index {
    /// File name → (bytes, last use).
    entries: HashMap<String, (u64, u64)>,
    total: u64,
    /// A logical clock: each use takes the next tick.
    clock: u64,
}

impl Index {
    fn touch(&mut self, name: &str) -> bool {
        self.clock += 1;
        match self.entries.get_mut(name) {
            Some(entry) => {
                entry.1 = self.clock;
                true
            }
            None => false,
        }
    }

    fn remove(&mut self, name: &str) {
        if let Some((size, _)) = self.entries.remove(name) {
            self.total -= size;
        }
    }

    /// Names to delete, least recently used first, until `incoming` more bytes fit in `cap`.
    fn victims(&mut self, incoming: u64, cap: u64) -> Vec<String> {
        let mut by_use: Vec<(u64, String)> = self
            .entries
            .iter()
            .map(|(name, (_, used))| (*used, name.clone()))
            .collect();
        by_use.sort_unstable();
        let mut victims = Vec::new();
        for (_, name) in by_use {
            if self.total + incoming <= cap {
                break;
            }
            self.remove(&name);
            victims.push(name);
        }
        victims
    }
}

/// Images on disk under a size cap, least recently used evicted first.
#[derive(Debug)]
pub struct DiskCache {
    dir: PathBuf,
    cap: u64,
    index: tokio::sync::OnceCell<Mutex<Index>>,
}

/// Reads (creating) the directory `dir` into an index; files over `cap`,
/// oldest first, are deleted now, and so are files left half-written.
fn load(dir: &Path, cap: u64) -> std::io::Result<Index> {
    std::fs::create_dir_all(dir)?;
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let meta = entry.metadata()?;
        if !meta.is_file() {
            continue;
        }
        if name.ends_with(PARTIAL) {
            let _ = std::fs::remove_file(entry.path());
            continue;
        }
        let used = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        found.push((used, name, meta.len()));
    }
    found.sort();
    let mut index = Index::default();
    for (_, name, size) in found {
        index.clock += 1;
        index.total += size;
        index.entries.insert(name, (size, index.clock));
    }
    for name in index.victims(0, cap) {
        let _ = std::fs::remove_file(dir.join(name));
    }
    Ok(index)
}

impl DiskCache {
    /// The cache in `dir` (created on first use), holding at most `cap` bytes.
    pub fn new(dir: &Path, cap: u64) -> Self {
        Self {
            dir: dir.to_owned(),
            cap,
            index: tokio::sync::OnceCell::new(),
        }
    }

    /// The index, read from the directory the first time.
    async fn index(&self) -> std::io::Result<&Mutex<Index>> {
        self.index
            .get_or_try_init(|| async {
                let (dir, cap) = (self.dir.clone(), self.cap);
                let index = tokio::task::spawn_blocking(move || load(&dir, cap))
                    .await
                    .map_err(std::io::Error::other)??;
                Ok(Mutex::new(index))
            })
            .await
    }

    async fn lock(&self) -> std::io::Result<std::sync::MutexGuard<'_, Index>> {
        // The index holds plain numbers: one a panicking thread left is still usable.
        Ok(self
            .index()
            .await?
            .lock()
            .unwrap_or_else(|e| e.into_inner()))
    }

    /// The bytes stored under `name`, marked as just used.
    pub async fn get(&self, name: &str) -> std::io::Result<Option<Bytes>> {
        if !self.lock().await?.touch(name) {
            return Ok(None);
        }
        match tokio::fs::read(self.dir.join(name)).await {
            Ok(bytes) => {
                // Kept on disk too, so the order survives a restart.
                let path = self.dir.join(name);
                let _ = tokio::task::spawn_blocking(move || {
                    std::fs::File::options()
                        .append(true)
                        .open(path)
                        .and_then(|f| f.set_modified(SystemTime::now()))
                })
                .await;
                Ok(Some(bytes.into()))
            }
            Err(_) => {
                // Deleted behind our back: forget it.
                self.lock().await?.remove(name);
                Ok(None)
            }
        }
    }

    /// Stores `bytes` under `name`, evicting the least recently used to
    /// stay under the cap; one larger than the whole cap is not stored.
    pub async fn put(&self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        let size = bytes.len() as u64;
        if size > self.cap {
            return Ok(());
        }
        // Reads (and creates) the directory first, were this the first use.
        self.index().await?;
        let partial = self
            .dir
            .join(format!("{name}.{}{PARTIAL}", std::process::id()));
        tokio::fs::write(&partial, bytes).await?;
        tokio::fs::rename(&partial, self.dir.join(name)).await?;
        let victims = {
            let mut index = self.lock().await?;
            index.remove(name);
            let victims = index.victims(size, self.cap);
            index.clock += 1;
            let clock = index.clock;
            index.total += size;
            index.entries.insert(name.to_owned(), (size, clock));
            victims
        };
        for victim in victims {
            let _ = tokio::fs::remove_file(self.dir.join(victim)).await;
        }
        Ok(())
    }

    /// Bytes stored (none before first use).
    pub async fn size(&self) -> u64 {
        match self.lock().await {
            Ok(index) => index.total,
            Err(_) => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_least_recently_used_go_first_at_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(&dir.path().join("posters"), 250);
        let get = async |name: &str| cache.get(name).await.unwrap();
        cache.put("a", &[1; 100]).await.unwrap();
        cache.put("b", &[2; 100]).await.unwrap();
        // `a` is used again, so `b` is now the least recently used.
        assert_eq!(get("a").await.unwrap().len(), 100);
        cache.put("c", &[3; 100]).await.unwrap();
        assert!(get("b").await.is_none(), "b evicted");
        assert!(!dir.path().join("posters/b").exists());
        assert!(get("a").await.is_some() && get("c").await.is_some());
        assert_eq!(cache.size().await, 200);
        // Larger than the whole cap: served by the caller, never stored.
        cache.put("huge", &[0; 300]).await.unwrap();
        assert!(get("huge").await.is_none());
        assert_eq!(cache.size().await, 200);

        // Reopened with a smaller cap, the oldest go, and half-written files.
        drop(cache);
        std::fs::write(dir.path().join("posters/x.1.partial"), b"half").unwrap();
        let cache = DiskCache::new(&dir.path().join("posters"), 150);
        assert_eq!(cache.size().await, 100);
        assert!(!dir.path().join("posters/x.1.partial").exists());
    }
}
