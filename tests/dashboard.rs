//! The dashboard: its files are served as a browser needs them, and the
//! browser tests in `tests/e2e/` (node's test runner driving a real headless
//! browser through puppeteer-core) pass against a real server, in Chromium
//! (over CDP) and in Firefox ESR (over WebDriver BiDi) alike.
//!
//! The browser tests need node ≥ 20, `npm ci` in `tests/e2e/`, Chromium at
//! `/usr/bin/chromium` (or `REELSTREAM_CHROMIUM`) and Firefox ESR at
//! `/usr/bin/firefox-esr` (or `REELSTREAM_FIREFOX`); `.ci/run` installs them.
//! Without them the browser test says why and passes, except when `CI` is
//! set: then a missing prerequisite fails it, so CI never skips silently.

mod common;

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::{TestApp, fixture};
use reelstream::tmdb::sim::{SimConfig, Simulator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How long the whole browser suite may take in one browser before it counts as hung.
const SUITE_TIMEOUT: Duration = Duration::from_secs(300);

/// The browsers the suite runs in (`REELSTREAM_BROWSER`), one after the other.
const BROWSERS: [&str; 2] = ["chromium", "firefox"];

#[tokio::test]
async fn dashboard_files_are_served_as_a_browser_needs_them() {
    let app = TestApp::spawn().await;
    for (path, content_type, needle) in [
        ("/", "text/html", "id=\"file-input\""),
        ("/app.css", "text/css", "--accent"),
        ("/js/app.js", "javascript", "LiveSession"),
        ("/js/live.js", "javascript", "EventSource"),
        ("/js/review-view.js", "javascript", "ReviewPanel"),
        ("/favicon.svg", "image/svg+xml", "<svg"),
    ] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let etag = response.headers()["etag"].to_str().unwrap().to_owned();
        let ct = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(ct.contains(content_type), "{path} served as {ct}");
        assert!(response.text().await.unwrap().contains(needle), "{path}");

        // A browser revalidating its cached copy gets a 304, not an error.
        let response = app
            .client
            .get(app.url(path))
            .header("if-none-match", etag)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 304, "{path} revalidated");
    }
    // HEAD is answered as GET is, headers alone (tests/connections.rs checks
    // every header).
    let response = app.client.head(app.url("/app.css")).send().await.unwrap();
    assert_eq!(response.status(), 200, "HEAD where GET is served");

    // "Try a sample" uploads the Letterboxd fixture.
    let sample = app
        .client
        .get(app.url("/sample/watched.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(sample.status(), 200);
    assert_eq!(
        sample.bytes().await.unwrap().as_ref(),
        fixture("letterboxd/watched.csv").as_slice(),
        "static/sample/watched.csv is a copy of tests/fixtures/letterboxd/watched.csv"
    );
}

/// Runs the browser suite in each of [`BROWSERS`], each against servers of
/// its own, and fails if it failed in any.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_tests_pass_in_headless_chromium_and_firefox() {
    let Some(prerequisites) = Prerequisites::find() else {
        return;
    };
    // One browser after the other: side by side they would share two cores
    // and slow each other past the suite's timings. Every browser runs even
    // when one fails, so a failure says which browsers it is in.
    let mut failures = Vec::new();
    for browser in BROWSERS {
        if let Err(failure) = run_browser_suite(&prerequisites, browser).await {
            failures.push(failure);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs `node --test tests/e2e/` in `browser` against two new servers: a
/// clean one (TMDB simulated with 30 ms of latency, so progress is visible)
/// and one whose TMDB is down until the browser test switches it on, to
/// retry failed films. New servers for each browser, as the suite expects a
/// cold TMDB cache (the films it uploads are looked up for the first time).
async fn run_browser_suite(prerequisites: &Prerequisites, browser: &str) -> Result<(), String> {
    let app = TestApp::spawn_with_sim(
        SimConfig {
            latency: Duration::from_millis(30),
            ..SimConfig::default()
        },
        |_| {},
    )
    .await;
    let gate = Gate::start().await;
    let faulty = TestApp::spawn_with(|c| {
        c.tmdb_base_url = gate.base_url.clone();
        c.tmdb_max_retries = 1;
        c.tmdb_timeout_secs = 1;
    })
    .await;

    let root = &common::repo_root();
    let started = Instant::now();
    let mut command = tokio::process::Command::new(&prerequisites.node);
    command
        .args(["--test", "--test-reporter=spec", "tests/e2e/"])
        .current_dir(root)
        .env("REELSTREAM_URL", app.server.url())
        .env("REELSTREAM_FAULTY_URL", faulty.server.url())
        .env("REELSTREAM_TMDB_SWITCH", &gate.switch_url)
        .env("REELSTREAM_BROWSER", browser)
        .env("REELSTREAM_CHROMIUM", &prerequisites.chromium)
        .env("REELSTREAM_FIREFOX", &prerequisites.firefox)
        .stdin(Stdio::null())
        .kill_on_drop(true);
    let output = tokio::time::timeout(SUITE_TIMEOUT, command.output())
        .await
        .unwrap_or_else(|_| {
            panic!("the browser tests did not finish in {SUITE_TIMEOUT:?} in {browser}")
        })
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    println!("browser tests took {:.1?} in {browser}", started.elapsed());
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "node --test tests/e2e/ failed in {browser} ({}):\n{stdout}\n{stderr}",
            output.status
        ))
    }
}

/// What the browser tests need, found on this machine.
struct Prerequisites {
    node: PathBuf,
    chromium: PathBuf,
    firefox: PathBuf,
}

impl Prerequisites {
    /// Finds node, the e2e packages, Chromium and Firefox. When one is
    /// missing it says why and answers None, or fails the test when `CI` is
    /// set.
    fn find() -> Option<Self> {
        match Self::check() {
            Ok(found) => Some(found),
            Err(why) => {
                let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
                assert!(
                    !ci,
                    "CI is set, so the browser tests must run, but {why} (.ci/run installs it)"
                );
                eprintln!(
                    "skipping the browser tests: {why}; `bash .ci/run` installs what they need"
                );
                None
            }
        }
    }

    fn check() -> Result<Self, String> {
        let root = &common::repo_root();
        let node =
            PathBuf::from(std::env::var_os("REELSTREAM_NODE").unwrap_or_else(|| "node".into()));
        let version = std::process::Command::new(&node)
            .arg("--version")
            .output()
            .map_err(|e| format!("node cannot be run ({e})"))?;
        let version = String::from_utf8_lossy(&version.stdout).trim().to_owned();
        let major: u32 = version
            .trim_start_matches('v')
            .split('.')
            .next()
            .and_then(|m| m.parse().ok())
            .ok_or_else(|| format!("node answers its version as '{version}'"))?;
        if major < 20 {
            return Err(format!("node {version} is too old (20 or later is needed)"));
        }
        let puppeteer = root.join("tests/e2e/node_modules/puppeteer-core/package.json");
        if !puppeteer.is_file() {
            return Err("tests/e2e/node_modules is missing (run `npm ci` in tests/e2e)".into());
        }
        let chromium = PathBuf::from(
            std::env::var_os("REELSTREAM_CHROMIUM").unwrap_or_else(|| "/usr/bin/chromium".into()),
        );
        if !chromium.is_file() {
            return Err(format!(
                "Chromium is not at {} (apt-get install chromium)",
                chromium.display()
            ));
        }
        let firefox = PathBuf::from(
            std::env::var_os("REELSTREAM_FIREFOX").unwrap_or_else(|| "/usr/bin/firefox-esr".into()),
        );
        if !firefox.is_file() {
            return Err(format!(
                "Firefox is not at {} (apt-get install firefox-esr)",
                firefox.display()
            ));
        }
        Ok(Self {
            node,
            chromium,
            firefox,
        })
    }
}

/// A TCP gate in front of a TMDB simulator: while shut, every connection is
/// closed at once (TMDB unreachable, so films fail); `POST {switch_url}/up`
/// opens it.
struct Gate {
    base_url: String,
    switch_url: String,
}

impl Gate {
    async fn start() -> Self {
        let sim = Simulator::new(SimConfig::default())
            .spawn("127.0.0.1:0")
            .await
            .expect("simulator starts");
        let target = sim.addr;
        let open = Arc::new(AtomicBool::new(false));

        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}/3", listener.local_addr().unwrap());
        let gate_open = open.clone();
        tokio::spawn(async move {
            let _sim = sim; // lives as long as the gate
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !gate_open.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });

        let switch = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let switch_url = format!("http://{}", switch.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = switch.accept().await {
                let open = open.clone();
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    let line = String::from_utf8_lossy(&request);
                    let line = line.lines().next().unwrap_or_default();
                    if line.contains(" /up ") {
                        open.store(true, Ordering::SeqCst);
                    } else if line.contains(" /down ") {
                        open.store(false, Ordering::SeqCst);
                    }
                    let _ = stream
                        .write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        .await;
                });
            }
        });
        Self {
            base_url,
            switch_url,
        }
    }
}
