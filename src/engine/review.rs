//! A person accepting the matcher's proposals: the rows, the session's
//! counters and each film's `movie` event in one transaction, then published
//! as the committer publishes. A completed session stays completed, and a
//! new `completed` event with its counters ends its log again.

use std::sync::Arc;

use super::commit::log_and_publish;
use crate::domain::MovieStatus;
use crate::events::hub::Hub;
use crate::events::{CompletedEvent, Event, MovieEvent, Progress, Published};
use crate::model::{Movie, Session};
use crate::store::review::{self, Accepting};
use crate::store::{Db, StoreError, counters, sessions};

/// Accepts the films in review that `which` names; returns them as
/// accepted, or None when the session does not exist (any more).
pub async fn accept(
    db: &Db,
    hub: &Hub,
    session_id: &str,
    which: Accepting,
) -> Result<Option<Vec<Movie>>, StoreError> {
    let txn = db.begin_write().await?;
    let Some(mut session) = sessions::session_in(&txn, session_id).await? else {
        return Ok(None);
    };
    let accepted = review::accept(&txn, session_id, which).await?;
    if accepted.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let mut emitted = Vec::with_capacity(accepted.len());
    let mut movies = Vec::with_capacity(accepted.len());
    for row in accepted {
        counters::uncount_final(&mut session, MovieStatus::Review);
        counters::count_final(&mut session, MovieStatus::Enriched);
        session.last_seq += 1;
        let movie = Movie::from(row);
        let event = Event::Movie(MovieEvent {
            seq: session.last_seq,
            movie: movie.clone(),
            progress: Progress::from(&Session::from(session.clone())),
        });
        emitted.push(Arc::new(Published::new(&event)));
        movies.push(movie);
    }
    // A completed session's log ends on its `completed` (streams end there):
    // one with the new counters follows, and the earlier one is superseded.
    if session.completed_at.is_some() {
        session.last_seq += 1;
        let event = Event::Completed(CompletedEvent {
            seq: session.last_seq,
            session: Session::from(session.clone()),
        });
        emitted.push(Arc::new(Published::new(&event)));
    }
    counters::save_session(&txn, &session).await?;
    log_and_publish(db, hub, txn, session_id, emitted).await?;
    Ok(Some(movies))
}
