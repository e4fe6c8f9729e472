//! Catalog entries rendered as TMDB's response types, fields TMDB sends
//! included (with the values TMDB uses when it has none).

use super::catalog::{CatalogCast, CatalogMovie, CatalogTv};
use crate::tmdb::types::{
    CastMember, Creator, Credits, CrewMember, ExternalIds, MovieDetails, MovieResult, TvDetails,
    TvResult,
};

/// A movie as a search or find result; `media_type` is set in find results only.
pub(super) fn movie_result(m: &CatalogMovie, media_type: Option<&str>) -> MovieResult {
    MovieResult {
        id: m.id,
        title: m.title.clone(),
        original_title: m.original_title().to_owned(),
        original_language: m.original_language.clone(),
        release_date: m.release_date.clone(),
        popularity: m.popularity,
        vote_average: m.vote_average,
        vote_count: m.vote_count,
        poster_path: m.poster_path.clone(),
        backdrop_path: None,
        genre_ids: m.genres.iter().map(|g| g.id).collect(),
        overview: m.overview.clone(),
        adult: false,
        video: false,
        media_type: media_type.map(str::to_owned),
    }
}

/// `GET /movie/{id}`; `credits` only when appended, as TMDB does.
pub(super) fn movie_details(m: &CatalogMovie, with_credits: bool) -> MovieDetails {
    let credits = with_credits.then(|| Credits {
        cast: cast(m.id, &m.cast),
        crew: m
            .directors
            .iter()
            .enumerate()
            .map(|(i, d)| CrewMember {
                id: d.id,
                name: d.name.clone(),
                original_name: Some(d.name.clone()),
                job: "Director".into(),
                department: "Directing".into(),
                known_for_department: Some("Directing".into()),
                profile_path: None,
                credit_id: Some(credit_id(m.id, d.id, 1000 + i)),
            })
            .collect(),
    });
    MovieDetails {
        id: m.id,
        imdb_id: m.imdb_id.clone(),
        title: m.title.clone(),
        original_title: m.original_title().to_owned(),
        original_language: m.original_language.clone(),
        release_date: m.release_date.clone(),
        runtime: m.runtime,
        genres: m.genres.clone(),
        production_countries: m.production_countries.clone(),
        origin_country: m
            .production_countries
            .iter()
            .map(|c| c.iso_3166_1.clone())
            .collect(),
        spoken_languages: m.spoken_languages.clone(),
        poster_path: m.poster_path.clone(),
        backdrop_path: None,
        overview: m.overview.clone(),
        tagline: Some(String::new()),
        status: Some("Released".into()),
        popularity: m.popularity,
        vote_average: m.vote_average,
        vote_count: m.vote_count,
        adult: false,
        video: false,
        credits: credits.unwrap_or_default(),
    }
}

/// `GET /movie/{id}` as TMDB answers it with `append_to_response`:
/// `credits` and `external_ids` only when appended.
#[derive(serde::Serialize)]
pub(super) struct MovieDetailsAppended {
    #[serde(flatten)]
    details: MovieDetails,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_ids: Option<MovieExternalIds>,
}

/// A movie's `external_ids`, with TMDB's fields (null when it has none).
#[derive(serde::Serialize)]
struct MovieExternalIds {
    id: i64,
    imdb_id: Option<String>,
    wikidata_id: Option<String>,
    facebook_id: Option<String>,
    instagram_id: Option<String>,
    twitter_id: Option<String>,
}

/// [`movie_details`] plus `external_ids` when appended.
pub(super) fn movie_details_appended(
    m: &CatalogMovie,
    with_credits: bool,
    with_ids: bool,
) -> MovieDetailsAppended {
    MovieDetailsAppended {
        details: movie_details(m, with_credits),
        external_ids: with_ids.then(|| MovieExternalIds {
            id: m.id,
            imdb_id: m.imdb_id.clone(),
            wikidata_id: None,
            facebook_id: None,
            instagram_id: None,
            twitter_id: None,
        }),
    }
}

/// A show as a search or find result.
pub(super) fn tv_result(t: &CatalogTv, media_type: Option<&str>) -> TvResult {
    TvResult {
        id: t.id,
        name: t.name.clone(),
        original_name: t.original_name().to_owned(),
        original_language: t.original_language.clone(),
        first_air_date: t.first_air_date.clone(),
        origin_country: t.origin_country.clone(),
        popularity: t.popularity,
        vote_average: t.vote_average,
        vote_count: t.vote_count,
        poster_path: t.poster_path.clone(),
        backdrop_path: None,
        genre_ids: t.genres.iter().map(|g| g.id).collect(),
        overview: t.overview.clone(),
        adult: false,
        media_type: media_type.map(str::to_owned),
    }
}

/// `GET /tv/{id}`; `credits` only when appended.
pub(super) fn tv_details(t: &CatalogTv, with_credits: bool, with_ids: bool) -> TvDetails {
    let seasons = t.number_of_seasons.unwrap_or(1);
    TvDetails {
        id: t.id,
        name: t.name.clone(),
        original_name: t.original_name().to_owned(),
        original_language: t.original_language.clone(),
        first_air_date: t.first_air_date.clone(),
        last_air_date: None,
        episode_run_time: t.episode_run_time.clone(),
        number_of_episodes: t.number_of_episodes,
        number_of_seasons: Some(seasons),
        genres: t.genres.clone(),
        origin_country: t.origin_country.clone(),
        production_countries: t.production_countries.clone(),
        spoken_languages: t.spoken_languages.clone(),
        poster_path: t.poster_path.clone(),
        backdrop_path: None,
        overview: t.overview.clone(),
        status: Some("Ended".into()),
        // The catalog's shows are the miniseries Letterboxd lists as films.
        kind: Some(
            if seasons == 1 {
                "Miniseries"
            } else {
                "Scripted"
            }
            .into(),
        ),
        popularity: t.popularity,
        vote_average: t.vote_average,
        vote_count: t.vote_count,
        created_by: t
            .created_by
            .iter()
            .enumerate()
            .map(|(i, c)| Creator {
                id: c.id,
                name: c.name.clone(),
                original_name: Some(c.name.clone()),
                credit_id: Some(credit_id(t.id, c.id, 2000 + i)),
                profile_path: None,
            })
            .collect(),
        credits: if with_credits {
            Credits {
                cast: cast(t.id, &t.cast),
                crew: Vec::new(),
            }
        } else {
            Credits::default()
        },
        external_ids: with_ids.then(|| ExternalIds {
            imdb_id: t.imdb_id.clone(),
        }),
    }
}

fn cast(media_id: i64, cast: &[CatalogCast]) -> Vec<CastMember> {
    cast.iter()
        .enumerate()
        .map(|(i, c)| CastMember {
            id: c.id,
            name: c.name.clone(),
            original_name: Some(c.name.clone()),
            character: c.character.clone(),
            order: u32::try_from(i).unwrap_or(u32::MAX),
            known_for_department: Some("Acting".into()),
            profile_path: None,
            credit_id: Some(credit_id(media_id, c.id, i)),
        })
        .collect()
}

/// A stable 24-hex-digit credit id, shaped like TMDB's.
fn credit_id(media_id: i64, person_id: i64, slot: usize) -> String {
    format!(
        "{:08x}{:08x}{:08x}",
        media_id as u32, person_id as u32, slot as u32
    )
}

/// A poster the simulator draws for a film: a colour of its own and its
/// title, so the offline demo shows posters that tell films apart.
pub(super) fn poster_svg(id: i64, title: &str) -> String {
    let hue = id.rem_euclid(360);
    let mut words = String::new();
    // Up to four lines of about twelve characters.
    let mut line = String::new();
    let mut lines = Vec::new();
    for word in title.split_whitespace() {
        if !line.is_empty() && line.chars().count() + word.chars().count() > 12 {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    for (i, line) in lines.iter().take(4).enumerate() {
        let escaped = line
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        words.push_str(&format!(
            "<text x=\"171\" y=\"{}\" text-anchor=\"middle\">{escaped}</text>",
            200 + 52 * i
        ));
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"342\" height=\"513\" viewBox=\"0 0 342 513\">\
         <rect width=\"342\" height=\"513\" fill=\"hsl({hue},45%,32%)\"/>\
         <rect x=\"16\" y=\"16\" width=\"310\" height=\"481\" fill=\"none\" stroke=\"hsl({hue},60%,70%)\" stroke-width=\"4\"/>\
         <g font-family=\"sans-serif\" font-size=\"40\" font-weight=\"bold\" fill=\"#fff\">{words}</g></svg>"
    )
}
