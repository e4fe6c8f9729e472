//! One viewing of a film: a diary or review entry, a line of a viewing
//! history. Keyed by its film's (session, row), in file order by `position`.

use sea_orm::entity::prelude::*;

/// One row of `viewings`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "viewings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub session_id: String,
    pub movie_row: i32,
    pub position: i32,
    pub watched_date: Option<String>,
    #[sea_orm(column_type = "Double", nullable)]
    pub rating: Option<f64>,
    pub rewatch: bool,
    pub tags: Option<String>,
    pub reviewed: bool,
}

/// Viewings are read per film or per page of films with plain filters.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
