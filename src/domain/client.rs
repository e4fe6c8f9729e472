//! Who a request comes from, as far as limits and fair shares go.

use std::fmt;
use std::net::IpAddr;

use sha2::{Digest, Sha256};

/// A client: its address (the peer's, or the one a trusted proxy forwards
/// for), with an IPv6 address taken as its /64, which one host holds whole.
/// Stored and shown only as [`Client::key`], a hash, never as the address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Client(IpAddr);

impl Client {
    /// The client at `ip`.
    pub fn new(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self(IpAddr::V4(v4)),
                None => {
                    let mut segments = v6.segments();
                    segments[4..].fill(0);
                    Self(IpAddr::V6(segments.into()))
                }
            },
            v4 => Self(v4),
        }
    }

    /// A stable, opaque key for the client: what sessions record.
    pub fn key(&self) -> ClientKey {
        let digest = Sha256::digest(self.0.to_string().as_bytes());
        ClientKey(digest[..8].iter().map(|b| format!("{b:02x}")).collect())
    }
}

/// A client as sessions record it: 16 hex digits of its address's SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientKey(String);

impl ClientKey {
    /// A key as stored.
    pub fn from_stored(stored: String) -> Self {
        Self(stored)
    }

    /// The stored form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClientKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv6_host_is_its_64_and_a_mapped_ipv4_its_address() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(Client::new(a).key(), Client::new(b).key());
        assert_ne!(Client::new(a).key(), Client::new(c).key());
        let mapped: IpAddr = "::ffff:203.0.113.7".parse().unwrap();
        let v4: IpAddr = "203.0.113.7".parse().unwrap();
        assert_eq!(Client::new(mapped), Client::new(v4));
        assert!(!Client::new(v4).key().as_str().contains("203"));
    }
}
