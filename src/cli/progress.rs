//! Progress on stderr: an indicatif bar on a terminal; plain periodic lines
//! when stderr is a file or a pipe (CI logs, `2> log`), where a redrawn bar
//! would be noise.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use crate::events::Progress;

/// The bar's layout: counts, rate and ETA.
const TEMPLATE: &str = "{spinner:.green} {elapsed_precise} [{bar:30.cyan/blue}] {pos}/{len} films \
                        · {msg} · {rate} · ETA {eta}";

/// Shows a run's progress.
pub enum Reporter {
    /// A live bar on a terminal.
    Bar(ProgressBar),
    /// Plain lines, at most one per interval.
    Lines(Lines),
    /// Nothing (`--quiet`).
    Quiet,
}

impl Reporter {
    /// The bar when stderr is a terminal, plain lines every `interval` otherwise.
    pub fn new(total: u64, quiet: bool, interval: Duration) -> Self {
        if quiet {
            Self::Quiet
        } else if std::io::stderr().is_terminal() {
            Self::bar(total, ProgressDrawTarget::stderr())
        } else {
            Self::Lines(Lines::new(interval))
        }
    }

    fn bar(total: u64, target: ProgressDrawTarget) -> Self {
        let style = ProgressStyle::with_template(TEMPLATE)
            .expect("the template is valid")
            .with_key(
                "rate",
                |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.1} films/s", state.per_sec());
                },
            )
            // indicatif shows 0s before the first film; "?" says what is known.
            .with_key(
                "eta",
                |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = match state.pos() {
                        0 => w.write_str("?"),
                        _ => w.write_str(&human(state.eta())),
                    };
                },
            )
            .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(Some(total), target).with_style(style);
        bar.set_message(counts(&not_started(total)));
        // Keeps the spinner and elapsed time moving while TMDB is slow.
        bar.enable_steady_tick(Duration::from_millis(120));
        Self::Bar(bar)
    }

    /// Shows new counters; older ones (a poll racing an event) are ignored.
    pub fn update(&mut self, progress: &Progress) {
        match self {
            Self::Bar(bar) => {
                let done = progress.processed_count.max(0) as u64;
                if done >= bar.position() {
                    bar.set_position(done);
                    bar.set_message(counts(progress));
                }
            }
            Self::Lines(lines) => lines.update(progress),
            Self::Quiet => {}
        }
    }

    /// Called regularly: prints a line when one is due.
    pub fn tick(&mut self) {
        if let Self::Lines(lines) = self {
            lines.tick(Instant::now());
        }
    }

    /// The run completed: clears the bar, or prints the last line.
    pub fn finish(&mut self) {
        match self {
            Self::Bar(bar) => bar.finish_and_clear(),
            Self::Lines(lines) => lines.print(Instant::now()),
            Self::Quiet => {}
        }
    }

    /// The run was interrupted: clears the bar (the caller says where it stood).
    pub fn abandon(&mut self) {
        if let Self::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

/// Plain progress lines on stderr.
pub struct Lines {
    started: Instant,
    interval: Duration,
    last_line: Instant,
    latest: Option<Progress>,
}

impl Lines {
    fn new(interval: Duration) -> Self {
        let now = Instant::now();
        Self {
            started: now,
            interval,
            last_line: now,
            latest: None,
        }
    }

    /// How often a line is printed.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    fn update(&mut self, progress: &Progress) {
        let newer = self
            .latest
            .as_ref()
            .is_none_or(|seen| progress.processed_count >= seen.processed_count);
        if newer {
            self.latest = Some(progress.clone());
        }
        self.tick(Instant::now());
    }

    fn tick(&mut self, now: Instant) {
        if now.duration_since(self.last_line) >= self.interval {
            self.print(now);
        }
    }

    fn print(&mut self, now: Instant) {
        if let Some(progress) = &self.latest {
            eprintln!("{}", line(progress, now.duration_since(self.started)));
        }
        self.last_line = now;
    }
}

/// One plain progress line, e.g.
/// `progress: 45/89 films (50%), 40 enriched, 3 unmatched, 2 failed, 12.3 films/s, ETA 4s`.
pub fn line(p: &Progress, elapsed: Duration) -> String {
    let total = p.total_movies.max(0);
    let done = p.processed_count.clamp(0, total);
    let percent = if total == 0 { 100 } else { done * 100 / total };
    let rate = done as f64 / elapsed.as_secs_f64().max(0.001);
    let eta = if done == total {
        "done".to_owned()
    } else if rate > 0.0 {
        format!(
            "ETA {}",
            human(Duration::from_secs_f64((total - done) as f64 / rate))
        )
    } else {
        "ETA unknown".to_owned()
    };
    format!(
        "progress: {done}/{total} films ({percent}%), {}, {rate:.1} films/s, {eta}",
        counts(p).replace(" · ", ", ")
    )
}

/// "40 enriched · 3 unmatched · 2 failed", with "· 4 to review" and
/// "· 5 skipped" when some are.
fn counts(p: &Progress) -> String {
    let mut counts = format!("{} enriched", p.enriched_count);
    if p.review_count > 0 {
        counts += &format!(" · {} to review", p.review_count);
    }
    counts += &format!(
        " · {} unmatched · {} failed",
        p.unmatched_count, p.failed_count
    );
    if p.skipped_count > 0 {
        counts += &format!(" · {} skipped", p.skipped_count);
    }
    counts
}

/// A short duration: `850ms`, `4s`, `2m 05s`, `1h 02m`.
pub fn human(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0 => format!("{}ms", d.as_millis()),
        1..60 => format!("{secs}s"),
        60..3600 => format!("{}m {:02}s", secs / 60, secs % 60),
        _ => format!("{}h {:02}m", secs / 3600, secs % 3600 / 60),
    }
}

/// Counters of a session of `total` films that has not started.
fn not_started(total: u64) -> Progress {
    Progress {
        status: crate::domain::SessionStatus::Enriching,
        total_movies: total as i64,
        processed_count: 0,
        enriched_count: 0,
        unmatched_count: 0,
        failed_count: 0,
        skipped_count: 0,
        review_count: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn progress(total: i64, enriched: i64, unmatched: i64, failed: i64) -> Progress {
        Progress {
            processed_count: enriched + unmatched + failed,
            enriched_count: enriched,
            unmatched_count: unmatched,
            failed_count: failed,
            ..not_started(total as u64)
        }
    }

    #[test]
    fn a_line_has_counts_rate_and_eta() {
        let p = progress(89, 40, 3, 2);
        assert_eq!(
            line(&p, Duration::from_secs(9)),
            "progress: 45/89 films (50%), 40 enriched, 3 unmatched, 2 failed, 5.0 films/s, ETA 8s"
        );
        let done = progress(10, 10, 0, 0);
        assert!(line(&done, Duration::from_secs(2)).ends_with("5.0 films/s, done"));
        let start = progress(10, 0, 0, 0);
        assert!(line(&start, Duration::ZERO).ends_with("ETA unknown"));
    }

    #[test]
    fn human_durations() {
        assert_eq!(human(Duration::from_millis(850)), "850ms");
        assert_eq!(human(Duration::from_secs(4)), "4s");
        assert_eq!(human(Duration::from_secs(125)), "2m 05s");
        assert_eq!(human(Duration::from_secs(3720)), "1h 02m");
    }

    #[test]
    fn the_bar_follows_the_counters_and_never_goes_back() {
        let mut reporter = Reporter::bar(10, ProgressDrawTarget::hidden());
        reporter.update(&progress(10, 4, 1, 0));
        reporter.update(&progress(10, 3, 0, 0));
        let Reporter::Bar(bar) = &reporter else {
            panic!("a bar")
        };
        assert_eq!(bar.position(), 5);
        assert_eq!(bar.message(), "4 enriched · 1 unmatched · 0 failed");
        reporter.finish();
    }
}
