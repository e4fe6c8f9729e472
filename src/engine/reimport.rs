//! A newer export of the same library, merged into its session (see
//! `store::reimport` for how films are matched): the rows, the counters and
//! an `imported` event in one transaction, published as the committer
//! publishes. Films to look up again reopen the session and the engine
//! takes them; otherwise a new `completed` ends the log again.

use std::sync::Arc;

use super::commit::log_and_publish;
use super::intake::new_movie;
use crate::domain::{ImportDiff, SessionStatus};
use crate::events::hub::Hub;
use crate::events::{CompletedEvent, Event, ImportedEvent, Published};
use crate::import::Import;
use crate::model::Session;
use crate::store::entities::session;
use crate::store::{Db, StoreError, reimport, sessions};

/// What became of a re-import.
#[derive(Debug)]
pub enum Reimport {
    /// Merged (or found identical, with an empty diff and nothing written).
    Merged {
        /// The session after the merge.
        session: Box<session::Model>,
        /// What changed.
        diff: ImportDiff,
    },
    /// The session is still enriching its films: a merge waits until it is done.
    Busy,
    /// There is no such session (any more).
    Missing,
}

/// Merges `import` into session `session_id`.
pub async fn reimport(
    db: &Db,
    hub: &Hub,
    session_id: &str,
    import: Import,
) -> Result<Reimport, StoreError> {
    let txn = db.begin_write().await?;
    let Some(mut session) = sessions::session_in(&txn, session_id).await? else {
        return Ok(Reimport::Missing);
    };
    // Films being looked up are leased by the engine: merging under it
    // could delete or rewrite a row it is about to commit.
    if session.status == SessionStatus::Enriching {
        return Ok(Reimport::Busy);
    }
    let films = import
        .movies
        .into_iter()
        .enumerate()
        .map(new_movie)
        .collect();
    let diff = reimport::merge(&txn, &mut session, films).await?;
    if diff.is_empty() {
        // The same export again: nothing to write, nothing to announce.
        return Ok(Reimport::Merged {
            session: Box::new(session),
            diff,
        });
    }
    session.source_format = import.format.as_str().to_owned();
    session.encoding = import.encoding.label().to_string();
    session.warnings = serde_json::to_string(&import.warnings).unwrap_or_else(|_| "[]".into());
    session.warnings_total = i64::try_from(import.warnings_total).unwrap_or(i64::MAX);
    session.last_seq += 1;
    let mut emitted = vec![Arc::new(Published::new(&Event::Imported(ImportedEvent {
        seq: session.last_seq,
        session: Session::from(session.clone()),
        diff: diff.clone(),
    })))];
    // Nothing to look up: the log ends on a `completed` again, with the new counters.
    if session.status == SessionStatus::Completed {
        session.last_seq += 1;
        emitted.push(Arc::new(Published::new(&Event::Completed(
            CompletedEvent {
                seq: session.last_seq,
                session: Session::from(session.clone()),
            },
        ))));
    }
    reimport::save(&txn, &session).await?;
    log_and_publish(db, hub, txn, session_id, emitted).await?;
    Ok(Reimport::Merged {
        session: Box::new(session),
        diff,
    })
}
