//! Movie queries for the API: paged listing by status, and keyset pages of
//! the whole library for exports.

use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entities::{movie, viewing};
use super::{Db, StoreError};
use crate::domain::MovieStatus;

/// A page of a session's movies in upload order, with the total that match.
pub async fn page(
    db: &Db,
    session_id: &str,
    status: Option<MovieStatus>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<movie::Model>, u64), StoreError> {
    let mut query = movie::Entity::find().filter(movie::Column::SessionId.eq(session_id));
    if let Some(status) = status {
        query = query.filter(movie::Column::Status.eq(status));
    }
    let total = query.clone().count(db.conn()).await?;
    let items = query
        .order_by_asc(movie::Column::Row)
        .order_by_asc(movie::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db.conn())
        .await?;
    Ok((items, total))
}

/// Where a page of a session's films in upload order ends: the last film's
/// row and id.
pub type Cursor = (i32, i64);

/// Up to `limit` of a session's movies in upload order after `cursor` (from
/// the start without one): a keyset page, as cheap at the end of a large
/// library as at its start.
pub async fn after(
    db: &Db,
    session_id: &str,
    cursor: Option<Cursor>,
    limit: u64,
) -> Result<Vec<movie::Model>, StoreError> {
    let mut query = movie::Entity::find().filter(movie::Column::SessionId.eq(session_id));
    if let Some((row, id)) = cursor {
        query = query.filter(
            Condition::any().add(movie::Column::Row.gt(row)).add(
                Condition::all()
                    .add(movie::Column::Row.eq(row))
                    .add(movie::Column::Id.gt(id)),
            ),
        );
    }
    Ok(query
        .order_by_asc(movie::Column::Row)
        .order_by_asc(movie::Column::Id)
        .limit(limit)
        .all(db.conn())
        .await?)
}

/// A film and its viewings.
pub type FilmWithViewings = (movie::Model, Vec<viewing::Model>);

/// A keyset page of the library as [`after`] reads it, each film with its
/// viewings (one more range read over the page's rows).
pub async fn library_page(
    db: &Db,
    session_id: &str,
    cursor: Option<Cursor>,
    limit: u64,
) -> Result<Vec<FilmWithViewings>, StoreError> {
    let films = after(db, session_id, cursor, limit).await?;
    let (Some(first), Some(last)) = (films.first(), films.last()) else {
        return Ok(Vec::new());
    };
    let viewings = viewing::Entity::find()
        .filter(viewing::Column::SessionId.eq(session_id))
        .filter(viewing::Column::MovieRow.between(first.row, last.row))
        .order_by_asc(viewing::Column::MovieRow)
        .order_by_asc(viewing::Column::Position)
        .all(db.conn())
        .await?;
    let mut by_row: std::collections::HashMap<i32, Vec<viewing::Model>> =
        std::collections::HashMap::new();
    for v in viewings {
        by_row.entry(v.movie_row).or_default().push(v);
    }
    Ok(films
        .into_iter()
        .map(|film| {
            let viewings = by_row.remove(&film.row).unwrap_or_default();
            (film, viewings)
        })
        .collect())
}

/// Reads one movie row.
pub async fn movie(db: &Db, id: i64) -> Result<Option<movie::Model>, StoreError> {
    Ok(movie::Entity::find_by_id(id).one(db.conn()).await?)
}

/// A film's viewings, in the export's order.
pub async fn viewings(db: &Db, film: &movie::Model) -> Result<Vec<viewing::Model>, StoreError> {
    Ok(viewing::Entity::find()
        .filter(viewing::Column::SessionId.eq(film.session_id.as_str()))
        .filter(viewing::Column::MovieRow.eq(film.row))
        .order_by_asc(viewing::Column::Position)
        .all(db.conn())
        .await?)
}
