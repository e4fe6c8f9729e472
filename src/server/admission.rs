//! Connection admission: a global cap and a per-client cap, so that one client
//! holding connections cannot starve the others or exhaust open files, and a
//! polite refusal above them.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use dashmap::DashMap;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Counts what is open, in total and per client address.
#[derive(Clone)]
pub struct Admission {
    inner: Arc<Counts>,
}

struct Counts {
    total: AtomicUsize,
    per_client: DashMap<IpAddr, usize>,
    max_total: usize,
    max_per_client: usize,
}

/// Why a connection or request was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The server holds as many connections as it may.
    Full,
    /// This client holds as many as one client may.
    ClientFull,
}

/// One admitted connection (or request); gives its places back when dropped.
pub struct Permit {
    counts: Arc<Counts>,
    /// Whether it holds a place in the total.
    total: bool,
    /// The client whose place it holds, if it holds one.
    client: Option<IpAddr>,
}

impl Admission {
    /// Caps of `max_total` in all and `max_per_client` per address.
    pub fn new(max_total: usize, max_per_client: usize) -> Self {
        Self {
            inner: Arc::new(Counts {
                total: AtomicUsize::new(0),
                per_client: DashMap::new(),
                max_total,
                max_per_client,
            }),
        }
    }

    /// Admits a connection: counted in the total, and against `client`'s
    /// cap when given (a trusted proxy's connections are not: its clients
    /// are counted per request by [`Admission::admit_request`]).
    pub fn admit(&self, client: Option<IpAddr>) -> Result<Permit, Refusal> {
        let counts = &self.inner;
        counts
            .total
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < counts.max_total).then_some(n + 1)
            })
            .map_err(|_| Refusal::Full)?;
        let mut permit = Permit {
            counts: counts.clone(),
            total: true,
            client: None,
        };
        if let Some(client) = client {
            self.take_client_slot(client)?;
            permit.client = Some(client);
        }
        Ok(permit)
    }

    /// Admits one request from `client` behind a trusted proxy, against the
    /// per-client cap alone.
    pub fn admit_request(&self, client: IpAddr) -> Result<Permit, Refusal> {
        self.take_client_slot(client)?;
        Ok(Permit {
            counts: self.inner.clone(),
            total: false,
            client: Some(client),
        })
    }

    fn take_client_slot(&self, client: IpAddr) -> Result<(), Refusal> {
        let mut held = self.inner.per_client.entry(client).or_insert(0);
        if *held >= self.inner.max_per_client {
            return Err(Refusal::ClientFull);
        }
        *held += 1;
        Ok(())
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if self.total {
            self.counts.total.fetch_sub(1, Ordering::AcqRel);
        }
        // The entry goes at zero, so the map holds only clients with
        // something open, however many addresses have come and gone.
        if let Some(client) = self.client {
            self.counts.per_client.remove_if_mut(&client, |_, held| {
                *held -= 1;
                *held == 0
            });
        }
    }
}

impl Refusal {
    /// The problem document's detail.
    pub fn detail(self) -> &'static str {
        match self {
            Refusal::Full => "The server is at its connection limit; try again shortly.",
            Refusal::ClientFull => {
                "This client has too many connections open; close some and try again."
            }
        }
    }
}

/// The whole answer to a refused connection, written before any request is
/// read: a 503 problem document, then the connection closes.
fn refusal_response(refusal: Refusal) -> Vec<u8> {
    let body = unavailable_problem(refusal.detail());
    format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/problem+json\r\n\
         retry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A 503 problem document saying `detail`.
pub(super) fn unavailable_problem(detail: &str) -> String {
    serde_json::json!({
        "type": "about:blank",
        "title": "Service Unavailable",
        "status": 503,
        "detail": detail,
    })
    .to_string()
}

/// How long a refused connection is given to take its answer.
const REFUSAL_TIME: Duration = Duration::from_secs(2);

/// Answers a refused connection and closes it. What the client already sent
/// is read and dropped first (within a bound), so closing does not reset
/// the connection before the client has read the answer.
pub async fn refuse(mut stream: TcpStream, refusal: Refusal) {
    let answer = async {
        stream.write_all(&refusal_response(refusal)).await?;
        stream.shutdown().await?;
        let mut sink = [0u8; 4096];
        let mut drained = 0;
        while drained < 64 * 1024 {
            match stream.read(&mut sink).await? {
                0 => break,
                n => drained += n,
            }
        }
        std::io::Result::Ok(())
    };
    let _ = tokio::time::timeout(REFUSAL_TIME, answer).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_hold_and_places_come_back() {
        let admission = Admission::new(3, 2);
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        let first = admission.admit(Some(a)).unwrap();
        let _second = admission.admit(Some(a)).unwrap();
        assert_eq!(admission.admit(Some(a)).err(), Some(Refusal::ClientFull));
        let _third = admission.admit(Some(b)).unwrap();
        assert_eq!(admission.admit(Some(b)).err(), Some(Refusal::Full));
        drop(first);
        assert!(admission.admit(Some(a)).is_ok());
        assert_eq!(admission.inner.total.load(Ordering::Acquire), 2);
        let request = admission.admit_request(b).unwrap();
        assert_eq!(admission.admit_request(b).err(), Some(Refusal::ClientFull));
        drop(request);
        assert!(admission.admit_request(b).is_ok());
    }
}
