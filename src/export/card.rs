//! The share card: a year's headline numbers and its top genres, directors
//! and films as a 1200×630 image (the size link previews use), written as
//! SVG and rendered to PNG with resvg. The fonts are built into the binary
//! and no system font is looked up, so a card renders the same everywhere.

use std::fmt::Write;
use std::sync::Arc;

use resvg::{tiny_skia, usvg};

/// Width of the card, in pixels.
pub const WIDTH: u32 = 1200;
/// Height of the card, in pixels.
pub const HEIGHT: u32 = 630;

/// The font family the card is set in.
const FAMILY: &str = "DejaVu Sans";
const REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Characters a line of a list keeps before it is cut with `…`.
const LINE_CHARS: usize = 22;

/// What a card shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Card {
    /// What the card covers: `2024`, or `All time`.
    pub period: String,
    /// Headline figures, a value and its label each (`"42"`, `"films"`).
    pub figures: Vec<(String, String)>,
    /// Top genres, most first.
    pub genres: Vec<String>,
    /// Top directors, most first.
    pub directors: Vec<String>,
    /// The heading of the films' list.
    pub films_heading: String,
    /// The films to name, each as it is to be shown.
    pub films: Vec<String>,
}

/// Why a card could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum CardError {
    /// The SVG did not parse: a bug in [`svg`], never the data's fault.
    #[error("the card's SVG is invalid: {0}")]
    Svg(#[from] usvg::Error),
    /// The PNG could not be encoded.
    #[error("the card could not be encoded as PNG: {0}")]
    Png(String),
}

/// Escapes text for an SVG text node or attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML at all.
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// `text` cut to `max` characters, with `…` when cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let kept: String = text.chars().take(max - 1).collect();
    format!("{}…", kept.trim_end())
}

/// The card as SVG: the source its PNG is rendered from.
pub fn svg(card: &Card) -> String {
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" \
         viewBox=\"0 0 {WIDTH} {HEIGHT}\" font-family=\"{FAMILY}\">\
         <defs><linearGradient id=\"bg\" x1=\"0\" y1=\"0\" x2=\"1\" y2=\"1\">\
         <stop offset=\"0\" stop-color=\"#14181c\"/><stop offset=\"1\" stop-color=\"#2c3440\"/>\
         </linearGradient></defs>\
         <rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"url(#bg)\"/>\
         <rect x=\"0\" y=\"0\" width=\"12\" height=\"{HEIGHT}\" fill=\"#ff8000\"/>\
         <text x=\"64\" y=\"76\" font-size=\"26\" fill=\"#9ab\">reelstream</text>\
         <text x=\"64\" y=\"146\" font-size=\"60\" font-weight=\"bold\" fill=\"#fff\">{} in film</text>",
        escape(&card.period)
    );
    let column = (WIDTH - 128) / 4;
    for (i, (value, label)) in card.figures.iter().take(4).enumerate() {
        let x = 64 + column * i as u32;
        let _ = write!(
            svg,
            "<text x=\"{x}\" y=\"250\" font-size=\"64\" font-weight=\"bold\" fill=\"#00e054\">{}</text>\
             <text x=\"{x}\" y=\"290\" font-size=\"26\" fill=\"#ccd\">{}</text>",
            escape(value),
            escape(label)
        );
    }
    let lists = [
        ("Top genres", &card.genres),
        ("Top directors", &card.directors),
        (card.films_heading.as_str(), &card.films),
    ];
    let column = (WIDTH - 128) / 3;
    for (i, (heading, items)) in lists.into_iter().enumerate() {
        let x = 64 + column * i as u32;
        let _ = write!(
            svg,
            "<text x=\"{x}\" y=\"372\" font-size=\"24\" font-weight=\"bold\" fill=\"#ff8000\">{}</text>",
            escape(heading)
        );
        for (n, item) in items.iter().take(4).enumerate() {
            let y = 420 + 44 * n as u32;
            let _ = write!(
                svg,
                "<text x=\"{x}\" y=\"{y}\" font-size=\"27\" fill=\"#fff\">{}</text>",
                escape(&cut(item, LINE_CHARS))
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Renders a card's SVG to PNG with the built-in fonts.
pub fn png(svg: &str) -> Result<Vec<u8>, CardError> {
    let mut fonts = usvg::fontdb::Database::new();
    fonts.load_font_data(REGULAR.to_vec());
    fonts.load_font_data(BOLD.to_vec());
    let options = usvg::Options {
        font_family: FAMILY.to_owned(),
        fontdb: Arc::new(fonts),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options)?;
    let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT)
        .ok_or_else(|| CardError::Png("no pixmap of the card's size".into()))?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap
        .encode_png()
        .map_err(|err| CardError::Png(err.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card() -> Card {
        Card {
            period: "2024".into(),
            figures: vec![
                ("42".into(), "films".into()),
                ("51".into(), "viewings".into()),
            ],
            genres: vec!["Drama".into(), "Crime".into()],
            directors: vec!["Akira Kurosawa".into()],
            films_heading: "Rated highest".into(),
            films: vec!["Seven Samurai ★5".into(), "<script>&\"x\"".into()],
        }
    }

    /// RGBA pixels of a PNG.
    fn pixels(png: &[u8]) -> (u32, u32, Vec<u8>) {
        let decoder = ::png::Decoder::new(std::io::Cursor::new(png));
        let mut reader = decoder.read_info().unwrap();
        let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buffer).unwrap();
        buffer.truncate(info.buffer_size());
        (info.width, info.height, buffer)
    }

    #[test]
    fn text_is_escaped_and_long_lines_cut() {
        let svg = svg(&Card {
            films: vec!["A Title Far Longer Than Any Card Line Can Hold".into()],
            ..card()
        });
        assert!(svg.contains(">A Title Far Longer Th…<"), "{svg}");
        let svg = super::svg(&card());
        assert!(svg.contains("&lt;script&gt;&amp;&quot;x&quot;"), "{svg}");
        assert!(!svg.contains("<script>"));
    }

    #[test]
    fn the_card_is_a_png_of_its_size_with_its_text_drawn() {
        let card = card();
        let (width, height, with_text) = pixels(&png(&svg(&card)).unwrap());
        assert_eq!((width, height), (WIDTH, HEIGHT));
        // The same card without any text: if the built-in fonts did not
        // load, resvg would draw no glyph and the two would be equal.
        let blank = Card {
            period: String::new(),
            figures: Vec::new(),
            genres: Vec::new(),
            directors: Vec::new(),
            films_heading: String::new(),
            films: Vec::new(),
        };
        let without = svg(&blank)
            .replace(">reelstream<", "><")
            .replace("> in film<", "><");
        let (_, _, without_text) = pixels(&png(&without).unwrap());
        let differing = with_text
            .chunks(4)
            .zip(without_text.chunks(4))
            .filter(|(a, b)| a != b)
            .count();
        assert!(differing > 5_000, "only {differing} pixels of text");
    }
}
