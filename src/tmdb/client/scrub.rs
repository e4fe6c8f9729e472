//! The one place where text from outside the client (TMDB's bodies,
//! reqwest's errors, serde's parse errors) is rid of the credentials before
//! it can become part of a [`super::TmdbError`].
//!
//! A TMDB error's text fields are [`Scrubbed`], which only [`Secrets::scrub`]
//! makes: an error path that forgets to scrub does not compile.

use std::fmt;

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use super::TmdbAuth;

/// What replaces a secret.
const REDACTED: &str = "<redacted>";

/// Text that holds no credential of the client it came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scrubbed(String);

impl Scrubbed {
    /// The text itself.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// At most `max` bytes, cut on a character boundary. Cutting after
    /// scrubbing is safe; cutting before could split a secret and leave its head.
    pub fn truncate(mut self, max: usize) -> Self {
        if self.0.len() > max {
            let mut end = max;
            while !self.0.is_char_boundary(end) {
                end -= 1;
            }
            self.0.truncate(end);
        }
        self
    }
}

impl From<&'static str> for Scrubbed {
    /// Text written in the code cannot hold a secret given at run time.
    fn from(text: &'static str) -> Self {
        Self(text.to_owned())
    }
}

impl fmt::Display for Scrubbed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Every spelling of the client's secrets that a text may carry.
#[derive(Clone, Default)]
pub(crate) struct Secrets {
    /// ASCII-lowercased, longest first, so that a longer form is replaced
    /// before a shorter one inside it could break it up.
    forms: Vec<String>,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets({} forms)", self.forms.len())
    }
}

impl Secrets {
    /// The forms of `auth`'s secret: literal, as a query string sends it
    /// (`application/x-www-form-urlencoded`, which reqwest uses), and fully
    /// percent-encoded (as an echo may re-encode it).
    pub(crate) fn new(auth: Option<&TmdbAuth>) -> Self {
        let mut forms: Vec<String> = Vec::new();
        if let Some(secret) = auth.map(TmdbAuth::secret).filter(|s| !s.is_empty()) {
            let form_encoded: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
            let percent = utf8_percent_encode(secret, NON_ALPHANUMERIC).to_string();
            // A decoder may leave `+` for a space alone but decode the rest.
            let plus_for_space = percent.replace("%20", "+");
            for form in [secret.to_owned(), form_encoded, percent, plus_for_space] {
                let form = form.to_ascii_lowercase();
                if !forms.contains(&form) {
                    forms.push(form);
                }
            }
        }
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        Self { forms }
    }

    /// `text` with every form of the secrets replaced by `<redacted>`.
    /// Matching ignores ASCII case, so `%2f` is caught as well as `%2F`.
    pub(crate) fn scrub(&self, text: impl Into<String>) -> Scrubbed {
        let mut text = text.into();
        for form in &self.forms {
            text = replace_ignoring_ascii_case(&text, form);
        }
        Scrubbed(text)
    }
}

/// `text` with each match of `lower` (already ASCII-lowercased) replaced.
fn replace_ignoring_ascii_case(text: &str, lower: &str) -> String {
    // ASCII lowercasing keeps every byte offset, and both strings are UTF-8,
    // so a match starts and ends on character boundaries of `text`.
    let folded = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (start, _) in folded.match_indices(lower) {
        out.push_str(&text[copied..start]);
        out.push_str(REDACTED);
        copied = start + lower.len();
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "Ab+/= k3y&ü";

    fn secrets() -> Secrets {
        Secrets::new(Some(&TmdbAuth::ApiKey(KEY.into())))
    }

    #[test]
    fn the_literal_key_is_scrubbed() {
        let text = secrets().scrub(format!("GET /3/movie/1 key {KEY}, again {KEY}."));
        assert_eq!(
            text.as_str(),
            "GET /3/movie/1 key <redacted>, again <redacted>."
        );
    }

    #[test]
    fn url_encoded_forms_are_scrubbed() {
        let form: String = form_urlencoded::byte_serialize(KEY.as_bytes()).collect();
        let percent = utf8_percent_encode(KEY, NON_ALPHANUMERIC).to_string();
        assert_eq!(form, "Ab%2B%2F%3D+k3y%26%C3%BC");
        assert_eq!(percent, "Ab%2B%2F%3D%20k3y%26%C3%BC");
        for encoded in [form.clone(), percent.clone(), percent.to_lowercase()] {
            let text = secrets().scrub(format!("/3/search/movie?query=x&api_key={encoded}&page=1"));
            assert_eq!(
                text.as_str(),
                "/3/search/movie?query=x&api_key=<redacted>&page=1",
                "{encoded}"
            );
        }
    }

    #[test]
    fn the_bearer_token_is_scrubbed_and_other_text_kept() {
        let token = "eyJhbGciOiJIUzI1NiJ9.e30.abc/def+ghi=";
        let secrets = Secrets::new(Some(&TmdbAuth::ReadToken(token.into())));
        let text = secrets.scrub(format!(
            "Authorization: Bearer {token} ü {}",
            utf8_percent_encode(token, NON_ALPHANUMERIC)
        ));
        assert_eq!(
            text.as_str(),
            "Authorization: Bearer <redacted> ü <redacted>"
        );
        assert_eq!(Secrets::new(None).scrub("ü plain").as_str(), "ü plain");
        assert_eq!(Secrets::new(None).scrub("aü").truncate(2).as_str(), "a");
        assert!(!format!("{secrets:?}").contains("eyJ"));
    }
}
