//! The query parameters the simulated endpoints read, and TMDB's paging.

use std::collections::HashMap;

use super::{MAX_PAGE, PAGE_SIZE};
use crate::tmdb::types::Paged;

/// A request's query parameters.
pub(super) type Params = HashMap<String, String>;

/// The `query` parameter, empty when absent.
pub(super) fn query_param(params: &Params) -> &str {
    params.get("query").map_or("", String::as_str)
}

/// A year parameter; unparsable values are ignored, as TMDB ignores them.
pub(super) fn year_param(params: &Params, name: &str) -> Option<i32> {
    params.get(name)?.trim().parse().ok()
}

/// The page, 1 by default; `None` when outside 1–500.
pub(super) fn page_param(params: &Params) -> Option<usize> {
    match params.get("page") {
        None => Some(1),
        Some(p) => p.trim().parse().ok().filter(|p| (1..=MAX_PAGE).contains(p)),
    }
}

/// Whether `append_to_response` asks for `part`.
pub(super) fn appends(params: &Params, part: &str) -> bool {
    params
        .get("append_to_response")
        .is_some_and(|a| a.split(',').any(|p| p.trim() == part))
}

/// Page `page` of `all`, as TMDB pages its results.
pub(super) fn paged<T>(all: Vec<T>, page: usize) -> Paged<T> {
    let total_results = all.len();
    let results = all
        .into_iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    Paged {
        page: page as u32,
        results,
        // TMDB answers an empty search with one (empty) page.
        total_pages: total_results.div_ceil(PAGE_SIZE).clamp(1, MAX_PAGE) as u32,
        total_results: total_results as u32,
    }
}
