//! The run: read FILE, store it as a session, enrich it with a scoped engine
//! while following its events, then write the library and the summary.

use std::future::Future;
use std::pin::pin;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use tokio::sync::broadcast::error::RecvError;
use tokio_util::sync::CancellationToken;

use super::output::Output;
use super::progress::Reporter;
use super::summary::{self, Counts};
use super::{CliError, EXIT_FAILED, EXIT_INTERRUPTED, EnrichArgs, input};
use crate::config::Config;
use crate::domain::SessionStatus;
use crate::engine::intake;
use crate::events::{Event, Progress, Published};
use crate::export;
use crate::model::{Movie, MovieDetail, Session};
use crate::state::AppState;
use crate::store::entities::session;
use crate::store::{Db, movies, sessions};

/// How often the session row is read besides the live events: catches up
/// after a lagging channel, and sees films committed by another process
/// (a server sharing the database).
const POLL: Duration = Duration::from_millis(500);

/// Page size when reading the finished films back.
const PAGE: u64 = 1000;

/// How a run that got as far as enriching ended.
enum Ended {
    /// Every film is final and the output is written.
    Written(Counts),
    /// Ctrl-C or SIGTERM: nothing written.
    Interrupted,
}

/// Runs `reelstream enrich` and returns the process exit status.
pub async fn run(args: EnrichArgs) -> ExitCode {
    match execute(args).await {
        Ok(Ended::Written(counts)) if counts.failed > 0 => ExitCode::from(EXIT_FAILED),
        Ok(Ended::Written(_)) => ExitCode::SUCCESS,
        Ok(Ended::Interrupted) => ExitCode::from(EXIT_INTERRUPTED),
        Err(err) => {
            eprintln!("error: {err}");
            err.exit_code()
        }
    }
}

async fn execute(args: EnrichArgs) -> Result<Ended, CliError> {
    let started = Instant::now();
    // Listening from the start makes Ctrl-C graceful at every stage: once
    // the session exists, it is always cleaned up.
    let interrupted = CancellationToken::new();
    tokio::spawn({
        let interrupted = interrupted.clone();
        async move {
            crate::app::shutdown_signal().await;
            interrupted.cancel();
            // A second Ctrl-C while cleaning up ends the process at once.
            let _ = tokio::signal::ctrl_c().await;
            std::process::exit(EXIT_INTERRUPTED.into());
        }
    });
    let output = Output::resolve(&args.file, args.output.as_deref(), args.format);
    let import = input::load(&args.file, args.config.limits()).await?;
    output.check(&args.file)?;
    check_tmdb(&args.config)?;

    let mut config = args.config.clone();
    // A file leaves the server: its posters link to TMDB, not to a server
    // that is not running.
    config.posters.links = crate::tmdb::images::PosterLinks::Tmdb;
    let state = AppState::build(config)
        .await
        .map_err(|err| CliError::runtime("cannot start", format!("{err:#}")))?;
    if interrupted.is_cancelled() {
        // Stopped while reading or connecting: no session to clean up yet.
        eprintln!("Interrupted; nothing written.");
        return Ok(Ended::Interrupted);
    }
    let format = import.format;
    let (session, owner) = intake::create_session(&state.db, import, None)
        .await
        .map_err(|err| CliError::runtime("cannot store the films", err))?;
    if !args.quiet {
        let total = session.total_movies;
        let films = if total == 1 { "film" } else { "films" };
        // Only an encoding other than UTF-8 is worth a mention.
        let encoding = match session.encoding.as_str() {
            "utf-8" => String::new(),
            other => format!(", {other}"),
        };
        eprintln!(
            "Enriching {total} {films} from {} ({format}{encoding})",
            args.file.display()
        );
    }

    let ended = enrich(&state, &session, &args, &output, started, &interrupted).await;

    if args.keep_session {
        // Printed even when quiet: the token is shown once, and without it
        // the kept session can be read but never changed.
        eprintln!(
            "Session {} kept in the database; `reelstream serve` on it shows \
             /api/session/{}\nOwner token (shown once; send it as `Authorization: Bearer …` \
             to change the session): {}",
            session.id,
            session.id,
            owner.expose()
        );
    } else if let Err(err) = sessions::delete(&state.db, &session.id).await {
        eprintln!("warning: could not delete session {}: {err}", session.id);
    }
    ended
}

/// Looks the session's films up, following progress, then writes the output.
async fn enrich(
    state: &AppState,
    session: &session::Model,
    args: &EnrichArgs,
    output: &Output,
    started: Instant,
    interrupted: &CancellationToken,
) -> Result<Ended, CliError> {
    let interval = Duration::from_millis(args.progress_interval_ms.max(1));
    let mut reporter = Reporter::new(session.total_movies as u64, args.quiet, interval);
    // Subscribed before the engine starts, so that no event can be missed.
    let events = state.hub.subscribe(&session.id);
    let cancel = CancellationToken::new();
    let engine = state
        .start_engine_scoped(cancel.clone(), Some(session.id.clone()))
        .await
        .map_err(|err| CliError::runtime("cannot start the engine", format!("{err:#}")))?;
    let completed = follow(
        &state.db,
        &session.id,
        events,
        &mut reporter,
        interrupted.cancelled(),
    )
    .await;
    // In-flight lookups are dropped; their films simply stay pending.
    cancel.cancel();
    engine.join().await;

    match completed {
        Ok(true) => reporter.finish(),
        Ok(false) => {
            reporter.abandon();
            let done = progress_of(&state.db, &session.id).await.ok();
            let done = done.map_or(0, |p| p.processed_count);
            eprintln!(
                "Interrupted after {done} of {} films; nothing written. TMDB answers \
                 fetched so far are cached, so running again picks up quickly.",
                session.total_movies
            );
            return Ok(Ended::Interrupted);
        }
        Err(err) => return Err(err),
    }

    let library = all_movies(&state.db, &session.id).await?;
    let written = output.write(&export::render(&library, output.format))?;
    let movies: Vec<Movie> = library.into_iter().map(|d| d.movie).collect();
    if !args.quiet {
        let read = crate::model::Session::from(session.clone());
        let notes = summary::ImportNotes {
            warnings: &read.warnings,
            total: u64::try_from(read.warnings_total).unwrap_or_default(),
            encoding: &read.encoding,
        };
        eprintln!("{}", summary::render(&movies, notes, started.elapsed()));
        eprintln!("Wrote {} films to {written}", movies.len());
    }
    Ok(Ended::Written(Counts::of(&movies)))
}

/// Follows the session until it completes (true) or `interrupt` fires (false).
async fn follow(
    db: &Db,
    session_id: &str,
    mut events: tokio::sync::broadcast::Receiver<std::sync::Arc<Published>>,
    reporter: &mut Reporter,
    interrupt: impl Future<Output = ()>,
) -> Result<bool, CliError> {
    let mut interrupt = pin!(interrupt);
    // The first tick is immediate: a session with nothing to do is seen at once.
    let mut poll = tokio::time::interval(POLL.min(progress_tick(reporter)));
    let mut live = true;
    loop {
        tokio::select! {
            _ = &mut interrupt => return Ok(false),
            event = events.recv(), if live => match event {
                Ok(published) => match published.event() {
                    Some(Event::Movie(movie)) => reporter.update(&movie.progress),
                    Some(Event::Completed(completed)) => {
                        reporter.update(&Progress::from(&completed.session));
                        return Ok(true);
                    }
                    _ => {}
                },
                // Fell behind: the next poll catches up from the database.
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => live = false,
            },
            _ = poll.tick() => {
                let progress = progress_of(db, session_id).await?;
                reporter.update(&progress);
                reporter.tick();
                if progress.status == SessionStatus::Completed {
                    return Ok(true);
                }
            }
        }
    }
}

/// Plain progress lines may be due more often than the database poll.
fn progress_tick(reporter: &Reporter) -> Duration {
    match reporter {
        Reporter::Lines(lines) => lines.interval(),
        _ => POLL,
    }
}

/// The session's counters as stored.
async fn progress_of(db: &Db, session_id: &str) -> Result<Progress, CliError> {
    let session = sessions::get(db, session_id)
        .await
        .map_err(|err| CliError::runtime("cannot read the session", err))?
        .ok_or_else(|| CliError::Runtime("the session was deleted while running".into()))?;
    Ok(Progress::from(&Session::from(session)))
}

/// Every film of the session, in upload order.
async fn all_movies(db: &Db, session_id: &str) -> Result<Vec<MovieDetail>, CliError> {
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let page = movies::library_page(db, session_id, cursor, PAGE)
            .await
            .map_err(|err| CliError::runtime("cannot read the films", err))?;
        let last = (page.len() as u64) < PAGE;
        cursor = page.last().map(|(m, _)| (m.row, m.id));
        all.extend(page.into_iter().map(MovieDetail::from));
        if last {
            return Ok(all);
        }
    }
}

/// Refuses TMDB settings that would fail every lookup, before starting:
/// no credentials (TMDB answers 401), or a base URL that is not one.
fn check_tmdb(config: &Config) -> Result<(), CliError> {
    if config.tmdb().auth.is_some() {
        return crate::tmdb::TmdbClient::new(config.tmdb())
            .map(drop)
            .map_err(|err| CliError::Usage(err.to_string()));
    }
    Err(CliError::Usage(
        "no TMDB credentials: set TMDB_API_KEY (--tmdb-api-key) or TMDB_READ_TOKEN \
         (--tmdb-read-token); to try offline, run `reelstream tmdb-sim` and pass its \
         URL as --tmdb-base-url with any key"
            .into(),
    ))
}
