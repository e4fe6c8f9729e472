//! `GET /api/session/{id}/card.png?year=` and `card.svg`: the share card of
//! a year (or all time), drawn on the server from the session's statistics.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::{
    ApiResponse, OpenApi, ResponseContent,
    param::{Path, Query},
    payload::Binary,
};

use super::ApiTags;
use super::error::ApiError;
use super::session::find;
use super::stats::{LibraryStatistics, statistics};
use crate::export::card::{self, Card};
use crate::state::AppState;

/// Names each list of the card draws from.
const LISTED: u64 = 4;

/// Seconds a client refused while too many cards and exports run is asked to wait.
const RETRY_AFTER_SECS: u64 = 5;

/// The card, as an image.
#[derive(ResponseContent)]
pub enum CardImage {
    /// A 1200×630 PNG.
    #[oai(content_type = "image/png")]
    Png(Binary<Vec<u8>>),
    /// The SVG the PNG is rendered from.
    #[oai(content_type = "image/svg+xml")]
    Svg(Binary<Vec<u8>>),
}

/// The answer to a card request.
#[derive(ApiResponse)]
pub enum CardResponse {
    /// The card, as the statistics are now (it is not cached).
    #[oai(status = 200)]
    Ok(
        CardImage,
        /// `inline; filename=reelstream-<id>-<year|all>.<png|svg>`.
        #[oai(header = "Content-Disposition")]
        String,
        /// `no-cache`: the card follows the library as it grows.
        #[oai(header = "Cache-Control")]
        String,
    ),
}

/// Share cards.
#[derive(Default)]
pub struct CardApi;

#[OpenApi(tag = "ApiTags::Library")]
impl CardApi {
    /// A share card of a year (or all time): its headline numbers (films,
    /// viewings, hours, rewatches) and top genres, directors and films, as a
    /// 1200×630 PNG drawn on the server with built-in fonts. Cards share the
    /// `REELSTREAM_MAX_EXPORTS` cap with exports (429 with `Retry-After` above it).
    #[oai(
        path = "/session/:id/card.png",
        method = "get",
        operation_id = "getCardPng"
    )]
    async fn png(
        &self,
        state: Data<&AppState>,
        id: Path<String>,
        /// The year in review; all time without it.
        #[oai(validator(minimum(value = "1870"), maximum(value = "2100")))]
        year: Query<Option<i32>>,
    ) -> Result<CardResponse, ApiError> {
        let (name, svg) = card_svg(&state, &id, year.0).await?;
        let permit = Arc::clone(&state.exports)
            .try_acquire_owned()
            .map_err(|_| {
                ApiError::too_many(
                    "too many cards and exports are being made; try again in a few seconds",
                    RETRY_AFTER_SECS,
                )
            })?;
        // Rendering is CPU work: off the async workers.
        let png = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            card::png(&svg)
        })
        .await
        .map_err(|err| {
            tracing::error!(error = %err, "the card renderer stopped");
            ApiError::new(
                poem::http::StatusCode::INTERNAL_SERVER_ERROR,
                "the card could not be drawn",
            )
        })??;
        Ok(answer(CardImage::Png(Binary(png)), &name, "png"))
    }

    /// The same card as SVG: the source the PNG is rendered from, set in
    /// DejaVu Sans.
    #[oai(
        path = "/session/:id/card.svg",
        method = "get",
        operation_id = "getCardSvg"
    )]
    async fn svg(
        &self,
        state: Data<&AppState>,
        id: Path<String>,
        /// The year in review; all time without it.
        #[oai(validator(minimum(value = "1870"), maximum(value = "2100")))]
        year: Query<Option<i32>>,
    ) -> Result<CardResponse, ApiError> {
        let (name, svg) = card_svg(&state, &id, year.0).await?;
        Ok(answer(
            CardImage::Svg(Binary(svg.into_bytes())),
            &name,
            "svg",
        ))
    }
}

fn answer(image: CardImage, name: &str, extension: &str) -> CardResponse {
    CardResponse::Ok(
        image,
        format!("inline; filename={name}.{extension}"),
        "no-cache".to_owned(),
    )
}

/// The file name (without extension) and SVG of a session's card.
async fn card_svg(
    state: &AppState,
    id: &str,
    year: Option<i32>,
) -> Result<(String, String), ApiError> {
    let session = find(state, id).await?;
    let period = year.map_or_else(|| "all".to_owned(), |y| y.to_string());
    let name = format!("reelstream-{}-{period}", session.id);
    let stats = statistics(state, session.id, LISTED, year).await?;
    Ok((name, card::svg(&card_of(&stats, year))))
}

/// What the card shows of the statistics.
fn card_of(stats: &LibraryStatistics, year: Option<i32>) -> Card {
    let names = |list: &[super::stats::NamedCount]| list.iter().map(|n| n.name.clone()).collect();
    let highlights = &stats.highlights;
    let (films_heading, films) = if highlights.top_rated.is_empty() {
        let longest = highlights.longest.iter();
        let films = longest.map(|f| format!("{} · {} min", f.title, f.runtime.unwrap_or_default()));
        ("Longest", films.collect())
    } else {
        let rated = highlights.top_rated.iter();
        let films = rated.map(|f| format!("{} ★{}", f.title, f.rating.unwrap_or_default()));
        ("Rated highest", films.collect())
    };
    let hours = (stats.runtime.total_minutes + 30) / 60;
    Card {
        period: year.map_or_else(|| "All time".to_owned(), |y| y.to_string()),
        figures: vec![
            (
                grouped(stats.total_movies),
                plural(stats.total_movies, "film"),
            ),
            (
                grouped(stats.viewings.viewings),
                plural(stats.viewings.viewings, "viewing"),
            ),
            (grouped(hours), plural(hours, "hour")),
            (
                grouped(stats.viewings.rewatches),
                plural(stats.viewings.rewatches, "rewatch"),
            ),
        ],
        genres: names(&stats.genres),
        directors: names(&stats.directors),
        films_heading: films_heading.to_owned(),
        films,
    }
}

/// `n` with thousands separated by commas.
fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// `noun` with `s` (or `es`) unless `n` is one.
fn plural(n: i64, noun: &str) -> String {
    match (n, noun.ends_with("ch")) {
        (1, _) => noun.to_owned(),
        (_, true) => format!("{noun}es"),
        _ => format!("{noun}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_and_nouns_agree() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1234567), "1,234,567");
        assert_eq!(plural(1, "film"), "film");
        assert_eq!(plural(2, "film"), "films");
        assert_eq!(plural(0, "rewatch"), "rewatches");
    }
}
