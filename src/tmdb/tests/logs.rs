//! The client's logs (every level) never hold the API key or the query.

use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

use super::{KEY, client, sim};
use crate::tmdb::sim::SimConfig;

/// A subscriber that writes every event and span field into one string.
#[derive(Clone, Default)]
struct Capture {
    text: Arc<Mutex<String>>,
    next_id: Arc<AtomicU64>,
}

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        span.record(&mut Fields(&mut self.text.lock().unwrap()));
        Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed) + 1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        values.record(&mut Fields(&mut self.text.lock().unwrap()));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut text = self.text.lock().unwrap();
        text.push('\n');
        event.record(&mut Fields(&mut text));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

// current_thread runtime (the default): the thread-local subscriber sees every task.
#[tokio::test]
async fn debug_logs_name_paths_but_never_the_key() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let sim = sim(SimConfig {
        error_rate: 1.0,
        ..SimConfig::default()
    })
    .await;
    let tmdb = client(&sim, |c| {
        c.timeout = Duration::from_secs(2);
        c.max_retries = 1;
    });
    for id in [841, 346, 438631] {
        let _ = tmdb.movie_details(id).await;
    }
    let _ = tmdb.search_movie("Dune", Some(2021)).await;

    let text = capture.text.lock().unwrap().clone();
    assert!(
        text.contains("/3/movie/841"),
        "attempts are logged by path: {text}"
    );
    assert!(text.contains("will retry"), "retries are logged: {text}");
    assert!(!text.contains(KEY), "key leaked into logs: {text}");
    assert!(!text.contains("api_key"), "query leaked into logs: {text}");
}
