//! The WebSocket handshake, done here rather than by poem's extractor so
//! that the upgraded connection can be wrapped in a [`Watched`] deadline
//! before tungstenite reads from it (poem hands out only its own stream).

use std::future::Future;
use std::time::Duration;

use poem::error::WebSocketError;
use poem::http::header::{self, HeaderValue};
use poem::http::{Method, StatusCode};
use poem::{Body, FromRequest, OnUpgrade, Request, RequestBody, Response, Upgraded};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

use super::deadline::Watched;

/// An upgraded WebSocket connection, its reads under a per-message deadline.
pub type Socket = WebSocketStream<Watched<Upgraded>>;

/// A valid WebSocket upgrade request (RFC 6455 §4.2.1), not yet answered.
pub struct WsUpgrade {
    key: HeaderValue,
    on_upgrade: OnUpgrade,
}

/// Whether a header's comma-separated values include `token`, ignoring case.
fn has_token(req: &Request, name: header::HeaderName, token: &str) -> bool {
    req.headers().get_all(name).iter().any(|value| {
        value
            .to_str()
            .is_ok_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
    })
}

impl<'a> FromRequest<'a> for WsUpgrade {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        let valid = req.method() == Method::GET
            && has_token(req, header::UPGRADE, "websocket")
            && has_token(req, header::CONNECTION, "upgrade")
            && req.headers().get(header::SEC_WEBSOCKET_VERSION)
                == Some(&HeaderValue::from_static("13"));
        let key = req.headers().get(header::SEC_WEBSOCKET_KEY).cloned();
        let (true, Some(key)) = (valid, key) else {
            return Err(WebSocketError::InvalidProtocol.into());
        };
        let on_upgrade = req.take_upgrade().map_err(WebSocketError::from)?;
        Ok(Self { key, on_upgrade })
    }
}

impl WsUpgrade {
    /// Answers 101 and runs `session` on the connection once it is upgraded,
    /// with tungstenite's limits `config` and `message_timeout` per client message.
    pub fn on_upgrade<F, Fut>(
        self,
        config: WebSocketConfig,
        message_timeout: Duration,
        session: F,
    ) -> Response
    where
        F: FnOnce(Socket) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let accept = derive_accept_key(self.key.as_bytes());
        let Ok(accept) = HeaderValue::from_str(&accept) else {
            // Base64 is always a valid header value; answer rather than panic.
            return StatusCode::INTERNAL_SERVER_ERROR.into();
        };
        tokio::spawn(async move {
            let Ok(upgraded) = self.on_upgrade.await else {
                return;
            };
            let watched = Watched::new(upgraded, message_timeout);
            let socket =
                WebSocketStream::from_raw_socket(watched, Role::Server, Some(config)).await;
            session(socket).await;
        });
        Response::builder()
            .status(StatusCode::SWITCHING_PROTOCOLS)
            .header(header::CONNECTION, "upgrade")
            .header(header::UPGRADE, "websocket")
            .header(header::SEC_WEBSOCKET_ACCEPT, accept)
            .body(Body::empty())
    }
}
