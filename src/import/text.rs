//! Turning uploaded bytes into CSV text: BOM, emptiness, binary sniffing and
//! UTF-8 validation, each with its own rejection.

use super::error::ImportError;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// How much of the file the control-character sniff looks at: binary formats
/// show themselves in their first kilobytes.
const SNIFF_LEN: usize = 8192;

/// Decodes an uploaded file as UTF-8 CSV text, without its BOM.
pub fn decode(bytes: &[u8]) -> Result<&str, ImportError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(ImportError::unsupported(
            "the file is UTF-16 text; save it as UTF-8 CSV",
        ));
    }
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::Empty);
    }
    // A NUL never occurs in CSV text, and databases refuse it in text columns.
    if bytes.contains(&0) || mostly_control(&bytes[..bytes.len().min(SNIFF_LEN)]) {
        return Err(ImportError::unsupported(
            "the file is binary data, not CSV text or a ZIP archive",
        ));
    }
    std::str::from_utf8(bytes).map_err(|err| ImportError::InvalidUtf8 {
        row: line_of(bytes, err.valid_up_to()),
    })
}

/// True when more than one byte in twenty is a control character other than
/// the whitespace that text uses: text in any 8-bit encoding has next to
/// none, compressed or random data about one in nine.
fn mostly_control(sample: &[u8]) -> bool {
    let control = sample
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)) || b == 0x7F)
        .count();
    control * 20 > sample.len()
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

    #[test]
    fn strips_the_bom() {
        assert_eq!(decode(b"\xEF\xBB\xBFName,Year\n").unwrap(), "Name,Year\n");
    }

    #[test]
    fn whitespace_or_a_lone_bom_is_empty() {
        assert!(matches!(decode(b""), Err(ImportError::Empty)));
        assert!(matches!(decode(b" \r\n\t\n"), Err(ImportError::Empty)));
        assert!(matches!(decode(b"\xEF\xBB\xBF\n"), Err(ImportError::Empty)));
    }

    #[test]
    fn binary_is_unsupported() {
        let garbage: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
        assert!(matches!(
            decode(&garbage),
            Err(ImportError::Unsupported { .. })
        ));
        assert!(matches!(
            decode(b"Name,Year\nAlien\0,1979\n"),
            Err(ImportError::Unsupported { .. })
        ));
        let controls = b"\x01\x02\x03\x04\x05\x06\x07\x08abcdefgh";
        assert!(matches!(
            decode(controls),
            Err(ImportError::Unsupported { .. })
        ));
    }

    #[test]
    fn utf16_is_named_as_such() {
        let err = decode(b"\xFF\xFEN\0a\0").unwrap_err();
        assert!(err.to_string().contains("UTF-16"), "{err}");
    }

    #[test]
    fn invalid_utf8_reports_its_line() {
        let bytes = b"Name,Year\r\nAlien,1979\r\nAm\xE9lie,2001\r\n";
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
