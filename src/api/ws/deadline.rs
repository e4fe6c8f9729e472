//! A deadline on each client message of a WebSocket, enforced below
//! tungstenite, which keeps an unfinished frame or fragmented message for as
//! long as the connection lasts and shows nothing of it to its reader.
//!
//! [`Watched`] follows the frame boundaries of the bytes it reads: once a
//! message has begun (its first byte read) and is not whole within the
//! timeout, reading fails with [`io::ErrorKind::TimedOut`].

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

/// Where the client's byte stream stands between and inside messages.
#[derive(Debug, Default)]
pub(super) struct Frames {
    /// The current frame header's bytes received so far (at most 14).
    header: Vec<u8>,
    /// Payload bytes of the current frame still to come.
    payload_left: u64,
    /// A data message was begun by a frame without FIN and is not finished.
    fragmented: bool,
}

/// The bit of the first header byte that ends a message.
const FIN: u8 = 0x80;
/// Opcodes with this bit are control frames (close, ping, pong).
const CONTROL: u8 = 0x08;

impl Frames {
    /// Takes bytes as read; true when a message (or a control frame outside
    /// a fragmented message) was completed by them.
    pub(super) fn feed(&mut self, mut bytes: &[u8]) -> bool {
        let mut completed = false;
        while !bytes.is_empty() {
            if self.payload_left > 0 {
                let take = usize::try_from(self.payload_left)
                    .unwrap_or(usize::MAX)
                    .min(bytes.len());
                bytes = &bytes[take..];
                self.payload_left -= take as u64;
                if self.payload_left == 0 {
                    completed |= self.frame_done();
                }
                continue;
            }
            self.header.push(bytes[0]);
            bytes = &bytes[1..];
            if let Some(len) = self.header_complete() {
                self.payload_left = len;
                if len == 0 {
                    completed |= self.frame_done();
                }
            }
        }
        completed
    }

    /// Whether a message has begun and is not yet whole.
    pub(super) fn inside(&self) -> bool {
        !self.header.is_empty() || self.payload_left > 0 || self.fragmented
    }

    /// The payload length once the header is whole (RFC 6455 §5.2).
    fn header_complete(&self) -> Option<u64> {
        let h = &self.header;
        let second = *h.get(1)?;
        let masked = second & 0x80 != 0;
        let (extended, len7) = match second & 0x7f {
            126 => (2, None),
            127 => (8, None),
            n => (0, Some(u64::from(n))),
        };
        let needed = 2 + extended + if masked { 4 } else { 0 };
        if h.len() < needed {
            return None;
        }
        Some(len7.unwrap_or_else(|| {
            h[2..2 + extended]
                .iter()
                .fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
        }))
    }

    /// Ends the current frame; true when that ends a message.
    fn frame_done(&mut self) -> bool {
        let first = self.header[0];
        self.header.clear();
        if first & CONTROL != 0 {
            // Control frames may come between a fragmented message's frames.
            return !self.fragmented;
        }
        self.fragmented = first & FIN == 0;
        !self.fragmented
    }
}

/// A connection whose reads fail once a client message takes too long.
pub struct Watched<S> {
    inner: S,
    frames: Frames,
    timeout: Duration,
    /// Set while a message is under way: when it must be whole.
    deadline: Option<Pin<Box<Sleep>>>,
}

impl<S> Watched<S> {
    /// Watches `inner`, allowing each message `timeout` from its first byte.
    pub fn new(inner: S, timeout: Duration) -> Self {
        Self {
            inner,
            frames: Frames::default(),
            timeout,
            deadline: None,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                let completed = this.frames.feed(&buf.filled()[before..]);
                if !this.frames.inside() {
                    this.deadline = None;
                } else if completed || this.deadline.is_none() {
                    // A new message began: its own time starts now.
                    this.deadline = Some(Box::pin(tokio::time::sleep(this.timeout)));
                }
                Poll::Ready(Ok(()))
            }
            Poll::Pending => {
                let expired = this
                    .deadline
                    .as_mut()
                    .is_some_and(|deadline| deadline.as_mut().poll(cx).is_ready());
                if expired {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "a client message did not arrive whole in time",
                    )));
                }
                Poll::Pending
            }
            failed => failed,
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::Frames;

    /// A masked client frame: FIN as given, `opcode`, `payload`.
    fn frame(fin: bool, opcode: u8, payload: &[u8]) -> Vec<u8> {
        let mut bytes = vec![if fin { 0x80 } else { 0 } | opcode];
        match payload.len() {
            n if n < 126 => bytes.push(0x80 | n as u8),
            n if n <= 0xffff => {
                bytes.push(0x80 | 126);
                bytes.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                bytes.push(0x80 | 127);
                bytes.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        bytes.extend_from_slice(&[1, 2, 3, 4]);
        bytes.extend_from_slice(payload);
        bytes
    }

    #[test]
    fn a_whole_message_fed_byte_by_byte_ends_at_its_last_byte() {
        let bytes = frame(true, 1, &[b'x'; 300]);
        let mut frames = Frames::default();
        let (last, rest) = bytes.split_last().unwrap();
        for b in rest {
            assert!(!frames.feed(std::slice::from_ref(b)));
            assert!(frames.inside());
        }
        assert!(frames.feed(&[*last]));
        assert!(!frames.inside());
    }

    #[test]
    fn a_fragmented_message_stays_open_across_pings_until_its_final_frame() {
        let mut frames = Frames::default();
        assert!(!frames.feed(&frame(false, 1, b"{\"type\":")));
        assert!(
            !frames.feed(&frame(true, 9, b"")),
            "a ping inside ends nothing"
        );
        assert!(frames.inside());
        assert!(!frames.feed(&frame(false, 0, b"\"resume\"")));
        assert!(frames.feed(&frame(true, 0, b"}")));
        assert!(!frames.inside());
    }

    #[test]
    fn a_message_then_the_start_of_the_next_in_one_read_is_inside_again() {
        let mut bytes = frame(true, 1, b"{}");
        bytes.extend_from_slice(&frame(true, 1, &[b'y'; 70_000])[..100]);
        let mut frames = Frames::default();
        assert!(frames.feed(&bytes));
        assert!(frames.inside());
    }

    #[test]
    fn empty_and_control_frames_between_messages_end_at_once() {
        let mut frames = Frames::default();
        assert!(frames.feed(&frame(true, 10, b"")));
        assert!(frames.feed(&frame(true, 1, b"")));
        assert!(!frames.inside());
    }
}
