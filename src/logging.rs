//! Log output that user text cannot forge or flood.

use std::fmt;

/// The most bytes of one piece of user text (a title, an upstream error)
/// written to a log line.
pub const MAX_LOGGED_BYTES: usize = 300;

/// User text as it goes into a log line: control characters (a newline
/// that would start a forged line, a terminal escape) escaped, and cut to
/// [`MAX_LOGGED_BYTES`] with the full length noted.
pub struct Clipped<'a>(pub &'a str);

impl fmt::Display for Clipped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0;
        let mut end = text.len().min(MAX_LOGGED_BYTES);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        for ch in text[..end].chars() {
            if ch.is_control() {
                write!(f, "{}", ch.escape_default())?;
            } else {
                f.write_str(ch.encode_utf8(&mut [0; 4]))?;
            }
        }
        if end < text.len() {
            write!(f, "… ({} bytes)", text.len())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_long_text_cut() {
        let forged = "Heat\n2026-12-02T00:00:00Z  INFO admin logged in\u{1b}[31m";
        let shown = Clipped(forged).to_string();
        assert!(!shown.contains('\n') && !shown.contains('\u{1b}'));
        assert!(shown.starts_with("Heat\\n2026"));
        let long = "é".repeat(1000);
        let shown = Clipped(&long).to_string();
        assert!(shown.ends_with("… (2000 bytes)"));
        assert!(shown.len() <= MAX_LOGGED_BYTES + 20);
    }
}
