//! Turning uploaded bytes into CSV text: the encoding (a BOM's, UTF-8, or a
//! legacy one guessed from the bytes), emptiness and binary sniffing, each
//! with its own rejection.

use std::borrow::Cow;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

use super::error::ImportError;

/// How much of the file the control-character sniff looks at: binary formats
/// show themselves in their first kilobytes.
const SNIFF_LEN: usize = 8192;

/// The character encoding a file was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextEncoding(&'static Encoding);

impl TextEncoding {
    /// UTF-8, with or without a BOM.
    pub const UTF_8: Self = Self(UTF_8);
    /// Windows-1252, the legacy encoding of Western spreadsheets and old IMDb exports.
    pub const WINDOWS_1252: Self = Self(WINDOWS_1252);
    /// UTF-16, little-endian, with a BOM.
    pub const UTF_16LE: Self = Self(encoding_rs::UTF_16LE);
    /// UTF-16, big-endian, with a BOM.
    pub const UTF_16BE: Self = Self(encoding_rs::UTF_16BE);

    /// The WHATWG label in lowercase, stored with a session: `utf-8`,
    /// `utf-16le`, `windows-1252`, `shift_jis` …
    pub fn label(self) -> String {
        self.0.name().to_ascii_lowercase()
    }

    /// Whether the file was UTF-8 (the encoding every export should have).
    pub fn is_utf8(self) -> bool {
        self.0 == UTF_8
    }
}

impl std::fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

/// A file's text and the encoding it was read in.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// The text, without its BOM; borrowed when the file was UTF-8.
    pub text: Cow<'a, str>,
    /// The encoding it was read in.
    pub encoding: TextEncoding,
}

/// Decodes an uploaded file as CSV text. A BOM decides the encoding (UTF-8,
/// UTF-16LE or UTF-16BE); without one, UTF-8 when the bytes are valid UTF-8,
/// otherwise the legacy encoding the bytes look like (Windows-1252 for the
/// old IMDb exports). Binary data is refused whatever its encoding.
pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>, ImportError> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        let text = if encoding == UTF_8 {
            // A file that declares UTF-8 and is not is damaged, not legacy text.
            Cow::Borrowed(
                std::str::from_utf8(body).map_err(|err| ImportError::InvalidUtf8 {
                    row: line_of(body, err.valid_up_to()),
                })?,
            )
        } else {
            encoding
                .decode_without_bom_handling_and_without_replacement(body)
                .ok_or_else(|| {
                    ImportError::unsupported(format!(
                        "the file starts with a {} byte-order mark but is not {} text",
                        encoding.name(),
                        encoding.name()
                    ))
                })?
        };
        check_text(
            text.chars().map(u32::from),
            text.trim().is_empty(),
            text.contains('\0'),
        )?;
        return Ok(Decoded {
            text,
            encoding: TextEncoding(encoding),
        });
    }
    check_text(
        bytes.iter().map(|&b| u32::from(b)),
        bytes.iter().all(u8::is_ascii_whitespace),
        bytes.contains(&0),
    )?;
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Decoded {
            text: Cow::Borrowed(text),
            encoding: TextEncoding::UTF_8,
        });
    }
    Ok(legacy(bytes))
}

/// Reads bytes that are not UTF-8 in the legacy encoding they look like.
/// chardetng weighs the bytes against every legacy encoding a browser knows,
/// preferring Windows-1252 as the web does without a hint; a guess the bytes
/// do not decode in, or that decodes them as Windows-1252 does, is
/// Windows-1252, which decodes any byte.
fn legacy(bytes: &[u8]) -> Decoded<'_> {
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(None, Utf8Detection::Deny);
    let windows_1252 = || WINDOWS_1252.decode_without_bom_handling(bytes).0;
    let (text, encoding) = match guess.decode_without_bom_handling_and_without_replacement(bytes) {
        // Windows-1252 first: a guess that reads the very same text (the
        // bytes are letters both encodings share) says nothing more.
        Some(text) if guess != WINDOWS_1252 && text == windows_1252() => (text, WINDOWS_1252),
        Some(text) => (text, guess),
        None => (windows_1252(), WINDOWS_1252),
    };
    Decoded {
        text,
        encoding: TextEncoding(encoding),
    }
}

/// Refuses empty text and binary data, from the text's code points (or the
/// bytes of a file without a BOM, which are the same below 0x80).
fn check_text(
    units: impl Iterator<Item = u32>,
    blank: bool,
    has_nul: bool,
) -> Result<(), ImportError> {
    if blank {
        return Err(ImportError::Empty);
    }
    // A NUL never occurs in CSV text, and databases refuse it in text columns.
    if has_nul || mostly_control(units.take(SNIFF_LEN)) {
        return Err(ImportError::unsupported(
            "the file is binary data, not CSV text or a ZIP archive",
        ));
    }
    Ok(())
}

/// True when more than one unit in twenty is a control character other than
/// the whitespace that text uses: text in any encoding has next to none,
/// compressed or random data about one in nine.
fn mostly_control(sample: impl Iterator<Item = u32>) -> bool {
    let (mut control, mut len) = (0usize, 0usize);
    for u in sample {
        len += 1;
        let whitespace = matches!(u, 0x09 | 0x0A | 0x0D | 0x0C);
        control += usize::from((u < 0x20 && !whitespace) || u == 0x7F);
    }
    control * 20 > len
}

/// 1-based line number of the byte at `offset`.
pub fn line_of(bytes: &[u8], offset: usize) -> u64 {
    let mut counter = LineCounter::new(bytes);
    counter.line_at(offset)
}

/// Counts lines incrementally, so that numbering every record of a file
/// costs one pass over it. A line ends at LF, CRLF, or a lone CR.
pub struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    /// A counter at the start of `bytes`, on line 1.
    pub fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    /// The line holding byte `offset`; offsets must not decrease between calls.
    pub fn line_at(&mut self, offset: usize) -> u64 {
        let end = offset.min(self.bytes.len());
        while self.offset < end {
            match self.bytes[self.offset] {
                b'\n' => self.line += 1,
                b'\r' if self.bytes.get(self.offset + 1) != Some(&b'\n') => self.line += 1,
                _ => {}
            }
            self.offset += 1;
        }
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        let units = "\u{feff}".encode_utf16().chain(text.encode_utf16());
        units
            .flat_map(|u| {
                if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    }

    #[test]
    fn utf8_with_or_without_the_bom() {
        for bytes in [&b"\xEF\xBB\xBFName,Year\n"[..], b"Name,Year\n"] {
            let decoded = decode(bytes).unwrap();
            assert_eq!(decoded.text, "Name,Year\n");
            assert_eq!(decoded.encoding, TextEncoding::UTF_8);
            assert!(
                matches!(decoded.text, Cow::Borrowed(_)),
                "no copy for UTF-8"
            );
        }
    }

    #[test]
    fn utf16_with_a_bom_either_way() {
        let text = "Title,Year\r\nKurôzu zero,2007\r\n七人の侍,1954\r\n";
        for (big_endian, encoding, label) in [
            (false, TextEncoding::UTF_16LE, "utf-16le"),
            (true, TextEncoding::UTF_16BE, "utf-16be"),
        ] {
            let bytes = utf16(text, big_endian);
            let decoded = decode(&bytes).unwrap();
            assert_eq!((decoded.text.as_ref(), decoded.encoding), (text, encoding));
            assert_eq!(encoding.label(), label);
        }
        let mut odd = utf16("Title\n", false);
        odd.push(b'x');
        assert!(matches!(decode(&odd), Err(ImportError::Unsupported { .. })));
        assert!(matches!(
            decode(&utf16(" \r\n", true)),
            Err(ImportError::Empty)
        ));
    }

    #[test]
    fn windows_1252_first_when_a_guess_reads_the_same_text() {
        // Titles in letters Windows-1250 and -1252 share, as a real IMDb
        // watchlist has them: chardetng leans Central European, but the text
        // is the same either way, so the common encoding is named.
        let text = "Const,Title,Year,Directors\r\n\
            tt1,Das weiße Band,2009,Michael Haneke\r\n\
            tt2,\"Szabadság, szerelem\",2006,Krisztina Goda\r\n\
            tt3,What's Eating Gilbert Grape,1993,Lasse Hallström\r\n\
            tt4,Ringu 0: Bâsudei,2000,Norio Tsuruta\r\n\
            tt5,Kontroll,2003,Nimród Antal\r\n";
        let (bytes, _, lossy) = WINDOWS_1252.encode(text);
        assert!(!lossy);
        let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
        detector.feed(&bytes, true);
        let guess = detector.guess(None, Utf8Detection::Deny);
        assert_ne!(guess, WINDOWS_1252, "the case this test is about");
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.encoding.label(), "windows-1252");
        assert_eq!(decoded.text, text);
    }

    #[test]
    fn invalid_utf8_is_read_as_windows_1252() {
        let bytes = b"Const,Title,Year\r\ntt1,Kur\xF4zu zero,2007\r\ntt2,180\xB0 South,2010\r\n";
        let decoded = decode(bytes).unwrap();
        assert_eq!(decoded.encoding, TextEncoding::WINDOWS_1252);
        assert_eq!(decoded.encoding.label(), "windows-1252");
        assert_eq!(
            decoded.text,
            "Const,Title,Year\r\ntt1,Kurôzu zero,2007\r\ntt2,180° South,2010\r\n"
        );
    }

    #[test]
    fn whitespace_or_a_lone_bom_is_empty() {
        assert!(matches!(decode(b""), Err(ImportError::Empty)));
        assert!(matches!(decode(b" \r\n\t\n"), Err(ImportError::Empty)));
        assert!(matches!(decode(b"\xEF\xBB\xBF\n"), Err(ImportError::Empty)));
    }

    #[test]
    fn binary_is_unsupported_in_any_encoding() {
        let garbage: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
        assert!(matches!(
            decode(&garbage),
            Err(ImportError::Unsupported { .. })
        ));
        assert!(matches!(
            decode(b"Name,Year\nAlien\0,1979\n"),
            Err(ImportError::Unsupported { .. })
        ));
        assert!(matches!(
            decode(b"Name,Year\nAm\xE9lie\0,2001\n"),
            Err(ImportError::Unsupported { .. })
        ));
        let controls = b"\x01\x02\x03\x04\x05\x06\x07\x08abcdefgh";
        assert!(matches!(
            decode(controls),
            Err(ImportError::Unsupported { .. })
        ));
        assert!(matches!(
            decode(&utf16("Name\0,Year\n", false)),
            Err(ImportError::Unsupported { .. })
        ));
        assert!(matches!(
            decode(&[0u8; 64]),
            Err(ImportError::Unsupported { .. })
        ));
    }

    #[test]
    fn a_utf8_bom_over_invalid_utf8_reports_its_line() {
        let bytes = b"\xEF\xBB\xBFName,Year\r\nAlien,1979\r\nAm\xE9lie,2001\r\n";
        assert!(matches!(
            decode(bytes),
            Err(ImportError::InvalidUtf8 { row: 3 })
        ));
    }

    #[test]
    fn counts_lf_crlf_and_lone_cr() {
        let bytes = b"a\nb\r\nc\rd";
        let mut counter = LineCounter::new(bytes);
        assert_eq!(counter.line_at(0), 1);
        assert_eq!(counter.line_at(2), 2);
        assert_eq!(counter.line_at(5), 3);
        assert_eq!(counter.line_at(7), 4);
        assert_eq!(counter.line_at(100), 4);
    }
}
