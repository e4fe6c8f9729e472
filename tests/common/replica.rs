//! A `reelstream serve` child process, for the tests that need a real
//! process to kill (SIGKILL: nothing flushed, no lease given back).

use std::process::Stdio;
use std::time::Duration;

use reelstream::tmdb::sim::SimHandle;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};

/// A `reelstream serve` child process, killed when dropped.
pub struct Replica {
    child: tokio::process::Child,
    /// Its base URL.
    pub url: String,
}

impl Replica {
    /// Starts the binary on `database_url` against `sim`, and waits until it
    /// listens.
    pub async fn start(database_url: &str, sim: &SimHandle, env: &[(&str, &str)]) -> Self {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_reelstream"));
        command
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("TMDB_BASE_URL", &sim.base_url)
            .env("TMDB_API_KEY", "test-key")
            .env_remove("TMDB_READ_TOKEN")
            .env("REELSTREAM_BIND", "127.0.0.1:0")
            .env("REELSTREAM_LOG_FORMAT", "json")
            .env("RUST_LOG", "info,sqlx=warn,sea_orm=warn")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("the reelstream binary starts");
        // Logs go to stderr.
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let (tx, rx) = tokio::sync::oneshot::channel();
        // Keep reading, so the child never blocks on a full pipe.
        tokio::spawn(async move {
            let mut tx = Some(tx);
            while let Ok(Some(line)) = lines.next_line().await {
                let Ok(log) = serde_json::from_str::<Value>(&line) else {
                    continue;
                };
                if log["fields"]["message"] == "reelstream listening"
                    && let (Some(tx), Some(addr)) = (tx.take(), log["fields"]["addr"].as_str())
                {
                    let _ = tx.send(addr.to_owned());
                }
            }
        });
        let addr = tokio::time::timeout(Duration::from_secs(60), rx)
            .await
            .expect("the replica listens within 60 s")
            .expect("the replica logs its address");
        Self {
            child,
            url: format!("http://{addr}"),
        }
    }

    /// SIGKILL: no shutdown, no lease released, nothing flushed.
    pub async fn kill_9(mut self) {
        self.child.start_kill().expect("SIGKILL");
        self.child.wait().await.expect("reaped");
    }
}
