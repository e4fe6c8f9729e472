//! The credential a request carries: the v3 API key as a query parameter or
//! the v4 read token as a bearer header.

use reqwest::header::HeaderValue;

use super::{TmdbAuth, TmdbError};

/// Credentials ready to attach (the client's `Secrets` scrub them from texts).
#[derive(Debug)]
pub(super) enum Credential {
    Query(TmdbAuth),
    Header(HeaderValue),
}

/// Checks `auth` and makes it ready to attach: a query parameter, or a
/// header marked sensitive so that no log prints it.
pub(super) fn credential(auth: TmdbAuth) -> Result<Credential, TmdbError> {
    if auth.secret().trim().is_empty() {
        return Err(TmdbError::Config(
            "the TMDB API key or read token is empty".into(),
        ));
    }
    match auth {
        TmdbAuth::ApiKey(_) => Ok(Credential::Query(auth)),
        TmdbAuth::ReadToken(ref token) => {
            let mut value = HeaderValue::try_from(format!("Bearer {token}"))
                // The message names the problem, never the token.
                .map_err(|_| {
                    TmdbError::Config(
                        "the TMDB read token holds characters not allowed in a header".into(),
                    )
                })?;
            value.set_sensitive(true);
            Ok(Credential::Header(value))
        }
    }
}
