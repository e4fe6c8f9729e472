//! The initial schema: sessions, their movies, the per-session event log and
//! the cross-session TMDB cache.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("sessions")
                    .if_not_exists()
                    .col(string_len("id", 36).primary_key())
                    .col(string_len("status", 16))
                    .col(string_len("source_format", 32))
                    .col(integer("total_movies"))
                    .col(integer("processed_count").default(0))
                    .col(integer("enriched_count").default(0))
                    .col(integer("unmatched_count").default(0))
                    .col(integer("failed_count").default(0))
                    // The last event seq handed out: events are numbered densely per session.
                    .col(big_integer("last_seq").default(0))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("completed_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_status")
                    .table("sessions")
                    .col("status")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("movies")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(string_len("session_id", 36))
                    .col(integer("row"))
                    .col(text("title"))
                    .col(integer_null("year"))
                    .col(text_null("letterboxd_uri"))
                    .col(string_len_null("watched_date", 10))
                    .col(double_null("rating"))
                    .col(integer("rewatch").default(0))
                    // Identity of the film for lookups: rows sharing it share one lookup.
                    .col(text("lookup_key"))
                    .col(string_len("status", 16))
                    .col(big_integer_null("tmdb_id"))
                    .col(string_len_null("imdb_id", 16))
                    .col(string_len_null("media_type", 8))
                    .col(text_null("matched_title"))
                    .col(text_null("original_title"))
                    .col(string_len_null("release_date", 10))
                    .col(integer_null("runtime"))
                    .col(text_null("genres"))
                    .col(text_null("directors"))
                    .col(text_null("cast"))
                    .col(text_null("countries"))
                    .col(string_len_null("original_language", 8))
                    .col(text_null("poster_url"))
                    .col(double_null("vote_average"))
                    .col(double_null("match_confidence"))
                    .col(text_null("candidates"))
                    .col(text_null("error"))
                    .col(integer("attempts").default(0))
                    // Work leases, so several replicas never enrich one film twice.
                    .col(string_len_null("lease_owner", 64))
                    .col(timestamp_with_time_zone_null("lease_expires_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_movies_session")
                            .from("movies", "session_id")
                            .to("sessions", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_movies_session_row", &["session_id", "row"][..]),
            ("idx_movies_session_status", &["session_id", "status"][..]),
            ("idx_movies_status_key", &["status", "lookup_key"][..]),
        ] {
            let mut index = Index::create();
            index.name(name).table("movies");
            for col in cols {
                index.col(*col);
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table("events")
                    .if_not_exists()
                    .col(string_len("session_id", 36))
                    .col(big_integer("seq"))
                    .col(string_len("kind", 16))
                    .col(text("payload"))
                    .col(timestamp_with_time_zone("created_at"))
                    .primary_key(Index::create().col("session_id").col("seq"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_events_session")
                            .from("events", "session_id")
                            .to("sessions", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("tmdb_cache")
                    .if_not_exists()
                    .col(text("key").primary_key())
                    .col(text("body"))
                    .col(timestamp_with_time_zone("fetched_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["tmdb_cache", "events", "movies", "sessions"] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
