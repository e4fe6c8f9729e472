//! One request on its way from hyper to poem's endpoint: the client it comes
//! from (a trusted proxy's `X-Forwarded-For`), its place under that client's
//! cap, and poem's request built from hyper's.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use http_body_util::combinators::BoxBody;
use hyper::body::{Bytes, Incoming};
use poem::endpoint::DynEndpoint;
use poem::http::{HeaderValue, StatusCode, header};
use poem::web::{LocalAddr, RemoteAddr};
use poem::{Addr, Response};

use super::{Admission, NetSettings};
use crate::domain::Client;

/// The service each connection runs.
#[derive(Clone)]
pub(super) struct Service {
    pub app: Arc<dyn DynEndpoint<Output = Response>>,
    pub local: LocalAddr,
    pub peer: SocketAddr,
    /// Whether `peer` is a trusted proxy.
    pub trusted: bool,
    pub settings: Arc<NetSettings>,
    pub admission: Admission,
}

impl Service {
    /// Answers one request.
    pub async fn call(
        &self,
        req: hyper::Request<Incoming>,
    ) -> hyper::Response<BoxBody<Bytes, std::io::Error>> {
        let forwarded = self
            .trusted
            .then(|| forwarded_client(&req, &self.settings.trusted_proxies))
            .flatten();
        let permit = match forwarded.map(|ip| self.admission.admit_request(ip)) {
            Some(Err(refusal)) => return refused(refusal.detail()).into(),
            Some(Ok(permit)) => Some(permit),
            None => None,
        };
        let remote = RemoteAddr(Addr::SocketAddr(self.peer));
        let scheme = poem::http::uri::Scheme::HTTP;
        let mut request: poem::Request = (req, self.local.clone(), remote, scheme).into();
        // Limits and TMDB's fair share count per client: the forwarded
        // address behind a trusted proxy, the peer's otherwise.
        let client = Client::new(forwarded.unwrap_or_else(|| self.peer.ip()));
        request.extensions_mut().insert(client);
        let response = match self.app.call(request).await {
            Ok(response) => response,
            Err(error) => error.into_response(),
        };
        drop(permit);
        response.into()
    }
}

/// The client a trusted proxy names: the right-most `X-Forwarded-For`
/// address that is not itself a trusted proxy (the left ones are the
/// client's own to forge).
fn forwarded_client<B>(req: &hyper::Request<B>, trusted: &[IpAddr]) -> Option<IpAddr> {
    req.headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|part| part.trim().parse::<IpAddr>().ok())
        .rev()
        .find(|ip| !trusted.contains(ip))
}

/// A 503 problem document for a client over its cap.
fn refused(detail: &str) -> Response {
    Response::builder()
        .status(StatusCode::SERVICE_UNAVAILABLE)
        .header(header::RETRY_AFTER, HeaderValue::from_static("1"))
        .content_type("application/problem+json")
        .body(super::admission::unavailable_problem(detail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_is_the_rightmost_untrusted_address() {
        let proxy: IpAddr = [10, 0, 0, 1].into();
        let req = hyper::Request::builder()
            .header("x-forwarded-for", "6.6.6.6, 203.0.113.7")
            .header("x-forwarded-for", "10.0.0.1")
            .body(())
            .unwrap();
        assert_eq!(
            forwarded_client(&req, &[proxy]),
            Some([203, 0, 113, 7].into())
        );
        let bare = hyper::Request::builder().body(()).unwrap();
        assert_eq!(forwarded_client(&bare, &[proxy]), None);
    }
}
