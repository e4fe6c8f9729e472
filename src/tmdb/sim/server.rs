//! The simulator's HTTP face: routing, the gates every request passes
//! (limits, auth, faults) and the five TMDB endpoints reelstream uses.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use poem::http::{Method, StatusCode, header};
use poem::{Endpoint, Request, Response};
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::catalog::Catalog;
use super::config::SimConfig;
use super::counters::{Counters, EndpointKind, Served, SlidingWindow, lock};
use super::faults::{self, Fault, Faults};
use super::{echo, render};
use crate::tmdb::images::ImagePath;
use crate::tmdb::types::{ErrorBody, FindResponse};
use params::{Params, appends, page_param, paged, query_param, year_param};
use replies::{invalid_page, rate_limited, server_error, shutting_down};

/// TMDB's page size.
const PAGE_SIZE: usize = 20;
/// TMDB serves at most this many pages.
const MAX_PAGE: usize = 500;

/// Everything a request needs; shared by all connections.
#[derive(Debug)]
pub(super) struct SimState {
    pub config: SimConfig,
    pub catalog: Arc<Catalog>,
    pub counters: Arc<Counters>,
    pub shutdown: CancellationToken,
    faults: Faults,
    /// Requests let through in the last second, for `rate_limit`.
    admitted: Mutex<SlidingWindow>,
}

impl SimState {
    pub fn new(config: SimConfig, catalog: Arc<Catalog>) -> Self {
        Self {
            faults: Faults::new(&config),
            config,
            catalog,
            counters: Arc::default(),
            shutdown: CancellationToken::new(),
            admitted: Mutex::default(),
        }
    }
}

/// The simulator as a poem endpoint; paths start with `/3/`.
#[derive(Clone, Debug)]
pub(super) struct SimEndpoint {
    pub state: Arc<SimState>,
}

impl Endpoint for SimEndpoint {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        if let Some(image) = req.uri().path().strip_prefix("/t/p/") {
            return Ok(self.state.image(image));
        }
        let response = self.state.respond(&req).await;
        if self.state.config.echo_request {
            return Ok(echo::errors(&req, response).await);
        }
        Ok(response)
    }
}

/// A TMDB path, parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ApiRoute<'a> {
    SearchMovie,
    SearchTv,
    Movie(&'a str),
    Tv(&'a str),
    Find(&'a str),
    Unknown,
}

impl ApiRoute<'_> {
    fn parse(path: &str) -> ApiRoute<'_> {
        let Some(rest) = path.strip_prefix("/3/") else {
            return ApiRoute::Unknown;
        };
        match rest
            .trim_end_matches('/')
            .split('/')
            .collect::<Vec<_>>()
            .as_slice()
        {
            ["search", "movie"] => ApiRoute::SearchMovie,
            ["search", "tv"] => ApiRoute::SearchTv,
            ["movie", id] => ApiRoute::Movie(id),
            ["tv", id] => ApiRoute::Tv(id),
            ["find", id] => ApiRoute::Find(id),
            _ => ApiRoute::Unknown,
        }
    }

    fn kind(self) -> EndpointKind {
        match self {
            ApiRoute::SearchMovie => EndpointKind::SearchMovie,
            ApiRoute::SearchTv => EndpointKind::SearchTv,
            ApiRoute::Movie(_) => EndpointKind::Movie,
            ApiRoute::Tv(_) => EndpointKind::Tv,
            ApiRoute::Find(_) => EndpointKind::Find,
            ApiRoute::Unknown => EndpointKind::Other,
        }
    }
}

/// A complete answer before any body fault is applied.
struct Reply {
    status: StatusCode,
    body: Bytes,
}

impl Reply {
    fn json(status: StatusCode, value: &impl Serialize) -> Self {
        // Serialising our own plain structs cannot fail.
        let body = serde_json::to_vec(value).expect("simulator responses serialise");
        Self {
            status,
            body: body.into(),
        }
    }

    fn ok(value: &impl Serialize) -> Self {
        Self::json(StatusCode::OK, value)
    }

    fn error(status: StatusCode, code: i32, message: &str) -> Self {
        Self::json(status, &ErrorBody::new(code, message))
    }

    fn not_found() -> Self {
        Self::error(
            StatusCode::NOT_FOUND,
            34,
            "The resource you requested could not be found.",
        )
    }

    fn into_response(self) -> Response {
        faults::json_response(self.status, self.body)
    }
}

impl SimState {
    /// An image of the image host (`/t/p/{size}/{file}`, no key needed, as
    /// on TMDB): a generated poster naming the film whose poster it is.
    fn image(&self, path: &str) -> Response {
        self.counters.image();
        let poster = path
            .split_once('/')
            .and_then(|(size, file)| ImagePath::parse(size, file).map(|_| file))
            .and_then(|file| {
                let wanted = Some(format!("/{file}"));
                let movie = self
                    .catalog
                    .movies()
                    .iter()
                    .find(|m| m.poster_path == wanted);
                let show = || self.catalog.tv().iter().find(|t| t.poster_path == wanted);
                movie
                    .map(|m| (m.id, m.title.as_str()))
                    .or_else(|| show().map(|t| (t.id, t.name.as_str())))
            });
        match poster {
            Some((id, title)) => Response::builder()
                .content_type("image/svg+xml")
                .header(header::CACHE_CONTROL, "public, max-age=31536000")
                .body(render::poster_svg(id, title)),
            None => Response::builder()
                .status(StatusCode::NOT_FOUND)
                .content_type("text/html")
                .body("<html><body>404 Not Found</body></html>"),
        }
    }

    async fn respond(&self, req: &Request) -> Response {
        let arrived = Instant::now();
        let path = req.uri().path();
        let route = ApiRoute::parse(path);
        // Details by IMDb id count as details of the film they name.
        let by_imdb = matches!(route, ApiRoute::Movie(id) if is_imdb_id(id));
        let movie_id = match route {
            ApiRoute::Movie(id) => self.movie(id).map(|m| m.id).or_else(|| id.parse().ok()),
            _ => None,
        };
        // Held to the end of the answer: the request is in flight until then.
        let in_flight = self.counters.arrive(route.kind(), movie_id, arrived);
        if by_imdb {
            self.counters.served(Served::MovieByImdb);
        }
        // Limits are decided on arrival, as TMDB's edge does; the latency is the round trip.
        let limited = self.over_limit(in_flight.now, arrived);
        if !self.wait(self.config.latency + self.faults.jitter()).await {
            return shutting_down();
        }
        if limited {
            self.counters.served(Served::RateLimited);
            return rate_limited();
        }
        let params: Params = req.params().unwrap_or_default();
        if !self.authorized(req, &params) {
            self.counters.served(Served::Unauthorized);
            return Reply::error(
                StatusCode::UNAUTHORIZED,
                7,
                "Invalid API key: You must be granted a valid key.",
            )
            .into_response();
        }
        if req.method() != Method::GET {
            return Reply::error(
                StatusCode::METHOD_NOT_ALLOWED,
                5,
                "Invalid parameters: Your request parameters are incorrect.",
            )
            .into_response();
        }

        let fault = self.faults.draw(&faults::request_key(
            req.method().as_str(),
            path,
            req.uri().query(),
        ));
        match fault {
            Fault::ServerError(status) => {
                self.counters.served(Served::ServerError);
                return server_error(status);
            }
            Fault::Timeout => {
                self.counters.served(Served::Timeout);
                // Hang past the client's timeout; answer late if it is still there.
                if !self.wait(self.config.timeout_delay).await {
                    return shutting_down();
                }
            }
            Fault::Rejected => return replies::invalid_parameters().into_response(),
            Fault::None | Fault::Drop | Fault::Malformed => {}
        }

        let reply = self.handle(route, &params);
        if fault == Fault::Malformed {
            self.counters.served(Served::Malformed);
            if self.config.echo_request {
                return echo::malformed(req);
            }
            return faults::malformed(&reply.body);
        }
        if reply.status == StatusCode::NOT_FOUND {
            self.counters.served(Served::NotFound);
        }
        if fault == Fault::Drop {
            self.counters.served(Served::Drop);
            return faults::dropped(reply.status, &reply.body);
        }
        reply.into_response()
    }

    /// Over `max_connections` in flight, or over `rate_limit` in the last second.
    /// Rejected requests do not use up the window, so a storm subsides.
    fn over_limit(&self, in_flight: u64, now: Instant) -> bool {
        if self
            .config
            .max_connections
            .is_some_and(|max| in_flight > max as u64)
        {
            return true;
        }
        let Some(limit) = self.config.rate_limit else {
            return false;
        };
        let mut admitted = lock(&self.admitted);
        if admitted.count(now) >= limit as usize {
            return true;
        }
        admitted.record(now);
        false
    }

    /// A valid `api_key` parameter or `Authorization: Bearer` token.
    fn authorized(&self, req: &Request, params: &Params) -> bool {
        let accepts = |given: &str, wanted: &Option<String>| match wanted {
            Some(wanted) => given == wanted,
            None => !given.trim().is_empty(),
        };
        let key_ok = params
            .get("api_key")
            .is_some_and(|k| accepts(k, &self.config.api_key));
        let bearer = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            });
        key_ok || bearer.is_some_and(|t| accepts(t.trim(), &self.config.read_token))
    }

    /// Sleeps unless the simulator shuts down first; `false` on shutdown.
    async fn wait(&self, delay: Duration) -> bool {
        if delay.is_zero() {
            return true;
        }
        tokio::select! {
            () = tokio::time::sleep(delay) => true,
            () = self.shutdown.cancelled() => false,
        }
    }

    fn handle(&self, route: ApiRoute<'_>, params: &Params) -> Reply {
        match route {
            ApiRoute::SearchMovie => self.search_movie(params),
            ApiRoute::SearchTv => self.search_tv(params),
            ApiRoute::Movie(id) => match self.movie(id) {
                Some(m) => Reply::ok(&render::movie_details_appended(
                    m,
                    appends(params, "credits"),
                    appends(params, "external_ids"),
                )),
                None => Reply::not_found(),
            },
            ApiRoute::Tv(id) => match id.parse().ok().and_then(|id| self.catalog.tv_show(id)) {
                Some(t) => Reply::ok(&render::tv_details(
                    t,
                    appends(params, "credits"),
                    appends(params, "external_ids"),
                )),
                None => Reply::not_found(),
            },
            ApiRoute::Find(id) => self.find(id, params),
            ApiRoute::Unknown => Reply::not_found(),
        }
    }

    /// The film of a details path: its TMDB id, or an IMDb id (`tt…`), which
    /// TMDB accepts there too (a show's IMDb id is not a movie: none).
    fn movie(&self, id: &str) -> Option<&super::catalog::CatalogMovie> {
        if is_imdb_id(id) {
            return self.catalog.find_imdb(id).0;
        }
        id.parse().ok().and_then(|id| self.catalog.movie(id))
    }

    /// `year` matches any release date and `primary_release_year` the primary
    /// one; the catalog holds one date per film, so both filter on it.
    fn search_movie(&self, params: &Params) -> Reply {
        let Some(page) = page_param(params) else {
            return invalid_page();
        };
        let year = year_param(params, "year");
        let primary = year_param(params, "primary_release_year");
        let hits = match (year, primary) {
            (Some(a), Some(b)) if a != b => Vec::new(),
            _ => self
                .catalog
                .search_movies(query_param(params), primary.or(year)),
        };
        let results = hits
            .into_iter()
            .map(|m| render::movie_result(m, None))
            .collect();
        Reply::ok(&paged(results, page))
    }

    /// `first_air_date_year` filters on the first air date; TMDB's `year`
    /// (any episode's air date) is approximated by it too.
    fn search_tv(&self, params: &Params) -> Reply {
        let Some(page) = page_param(params) else {
            return invalid_page();
        };
        let year = year_param(params, "first_air_date_year").or_else(|| year_param(params, "year"));
        let hits = self.catalog.search_tv(query_param(params), year);
        let results = hits
            .into_iter()
            .map(|t| render::tv_result(t, None))
            .collect();
        Reply::ok(&paged(results, page))
    }

    fn find(&self, external_id: &str, params: &Params) -> Reply {
        const OTHER_SOURCES: [&str; 7] = [
            "facebook_id",
            "instagram_id",
            "tvdb_id",
            "tiktok_id",
            "twitter_id",
            "wikidata_id",
            "youtube_id",
        ];
        let mut found = FindResponse::default();
        match params.get("external_source").map(String::as_str) {
            Some("imdb_id") => {
                let (movie, tv) = self.catalog.find_imdb(external_id);
                found
                    .movie_results
                    .extend(movie.map(|m| render::movie_result(m, Some("movie"))));
                found
                    .tv_results
                    .extend(tv.map(|t| render::tv_result(t, Some("tv"))));
            }
            // Valid sources the catalog has no ids for.
            Some(source) if OTHER_SOURCES.contains(&source) => {}
            _ => {
                return replies::invalid_parameters();
            }
        }
        Reply::ok(&found)
    }
}

/// `tt` and digits: an IMDb title id.
fn is_imdb_id(id: &str) -> bool {
    id.len() > 2
        && id[..2].eq_ignore_ascii_case("tt")
        && id[2..].bytes().all(|b| b.is_ascii_digit())
}

mod params;
mod replies;
#[cfg(test)]
mod tests;
