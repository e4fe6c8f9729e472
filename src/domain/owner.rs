//! Who may change a session: the owner token an upload hands out once, and
//! the hash of it the database keeps instead.
//!
//! A token is 256 random bits, so a plain SHA-256 is enough to store it: a
//! slow password hash protects guessable secrets, and this one is not
//! guessable. The comparison runs in constant time all the same, so the
//! answer's timing says nothing about how close a wrong token came.

use std::fmt;

use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The prefix of every owner token, so that one pasted where it does not
/// belong (a log, an issue) is recognisable and secret scanners can find it.
const PREFIX: &str = "rso_";

/// A session's owner token, as handed out: the one secret that allows changes.
#[derive(Clone, PartialEq, Eq)]
pub struct OwnerToken(String);

impl OwnerToken {
    /// A new token from the operating system's random source: 32 bytes, hex.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self(format!("{PREFIX}{}", hex(&bytes)))
    }

    /// The token as a client sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the database keeps of it.
    pub fn hash(&self) -> OwnerTokenHash {
        OwnerTokenHash::of(&self.0)
    }
}

/// Never printed: a token in a debug line would be a token in a log.
impl fmt::Debug for OwnerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OwnerToken(…)")
    }
}

/// The SHA-256 of an owner token, hex: what `sessions.owner_token_hash` holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerTokenHash(String);

impl OwnerTokenHash {
    /// The hash of `token` as presented (valid or not).
    pub fn of(token: &str) -> Self {
        Self(hex(&Sha256::digest(token.as_bytes())))
    }

    /// The hash as stored.
    pub fn from_stored(stored: String) -> Self {
        Self(stored)
    }

    /// The stored form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `presented` is the token this is the hash of, in constant time.
    pub fn verifies(&self, presented: &str) -> bool {
        let presented = Self::of(presented);
        self.0.as_bytes().ct_eq(presented.0.as_bytes()).into()
    }
}

/// `bytes` as lowercase hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_carries_256_random_bits() {
        let a = OwnerToken::generate();
        let b = OwnerToken::generate();
        assert_ne!(a, b);
        let digits = a.expose().strip_prefix(PREFIX).unwrap();
        assert_eq!(digits.len(), 64);
        assert!(digits.chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn only_the_token_itself_verifies_against_its_hash() {
        let token = OwnerToken::generate();
        let stored = OwnerTokenHash::from_stored(token.hash().as_str().to_owned());
        assert!(stored.verifies(token.expose()));
        assert!(!stored.verifies(OwnerToken::generate().expose()));
        assert!(!stored.verifies(""));
        assert!(!stored.verifies(&token.expose()[..token.expose().len() - 1]));
        assert_ne!(stored.as_str(), token.expose());
    }

    #[test]
    fn debug_output_hides_the_token() {
        let token = OwnerToken::generate();
        assert!(!format!("{token:?}").contains(token.expose()));
    }
}
