use super::*;

#[test]
fn routes_parse() {
    assert_eq!(ApiRoute::parse("/3/search/movie"), ApiRoute::SearchMovie);
    assert_eq!(ApiRoute::parse("/3/search/tv/"), ApiRoute::SearchTv);
    assert_eq!(ApiRoute::parse("/3/movie/841"), ApiRoute::Movie("841"));
    assert_eq!(ApiRoute::parse("/3/tv/87108"), ApiRoute::Tv("87108"));
    assert_eq!(
        ApiRoute::parse("/3/find/tt0087182"),
        ApiRoute::Find("tt0087182")
    );
    assert_eq!(ApiRoute::parse("/3/movie/841/credits"), ApiRoute::Unknown);
    assert_eq!(ApiRoute::parse("/movie/841"), ApiRoute::Unknown);
}

#[test]
fn paging_follows_tmdb() {
    let p = paged((0..45).collect(), 3);
    assert_eq!(
        (p.page, p.total_pages, p.total_results, p.results),
        (3, 3, 45, (40..45).collect())
    );
    let empty = paged(Vec::<u8>::new(), 1);
    assert_eq!((empty.total_pages, empty.total_results), (1, 0));
    let params: Params = [("page".to_owned(), "501".to_owned())].into();
    assert_eq!(page_param(&params), None);
}
