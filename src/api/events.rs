//! The live streams of a session: Server-Sent Events (in the OpenAPI spec);
//! the WebSocket carrying the same JSON messages is `ws` (SPEC §5).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use poem::web::Data;
use poem::{Body, IntoResponse, Response};
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::{EventStream, Payload};
use poem_openapi::registry::{MetaSchemaRef, Registry};
use poem_openapi::{ApiResponse, OpenApi};
use tokio_util::sync::CancellationToken;

use super::ApiTags;
use super::error::ApiError;
use super::session::parse_id;
use crate::domain::Client;
use crate::events::subscription::{Streams, Subscription, parse_last_event_id};
use crate::events::{Event, Published};
use crate::state::AppState;

/// Proxies close idle streams (nginx and AWS load balancers after 60 s).
pub(super) const KEEP_ALIVE: Duration = Duration::from_secs(15);

type Events = BoxStream<'static, LiveEvent>;

/// The last lines of a stream the server ends because it stops: come back
/// in a second (to a restarted server or another replica), resuming with
/// `Last-Event-ID`, which an `EventSource` sends by itself.
const GOODBYE: &[u8] = b"retry: 1000\n: the server is restarting; reconnect with Last-Event-ID\n\n";

/// A session's event stream, which says goodbye when the server stops.
pub struct LiveStream {
    events: EventStream<Events>,
    stopping: CancellationToken,
}

impl Payload for LiveStream {
    const CONTENT_TYPE: &'static str = EventStream::<Events>::CONTENT_TYPE;

    fn schema_ref() -> MetaSchemaRef {
        <EventStream<Events> as Payload>::schema_ref()
    }

    fn register(registry: &mut Registry) {
        <EventStream<Events> as Payload>::register(registry);
    }
}

impl IntoResponse for LiveStream {
    fn into_response(self) -> Response {
        let (parts, body) = self.events.into_response().into_parts();
        let stopping = self.stopping;
        // After the last event: the goodbye, when the stream ended because
        // the server stops (not because the session completed).
        let goodbye = futures_util::stream::once(async move {
            let bytes = if stopping.is_cancelled() {
                Bytes::from_static(GOODBYE)
            } else {
                Bytes::new()
            };
            Ok::<_, std::io::Error>(bytes)
        });
        let body = body.into_bytes_stream().chain(goodbye);
        Response::from_parts(parts, Body::from_bytes_stream(body))
    }
}

/// An event on the wire: already serialised, described in the spec as [`Event`].
pub struct LiveEvent(Arc<Published>);

impl poem_openapi::types::Type for LiveEvent {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> std::borrow::Cow<'static, str> {
        Event::name()
    }

    fn schema_ref() -> poem_openapi::registry::MetaSchemaRef {
        Event::schema_ref()
    }

    fn register(registry: &mut poem_openapi::registry::Registry) {
        Event::register(registry);
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(std::iter::once(self))
    }
}

impl poem_openapi::types::ToJSON for LiveEvent {
    fn to_json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(self.0.json()).ok()
    }
}

/// The event stream response.
#[derive(ApiResponse)]
pub enum EventsResponse {
    /// `snapshot` first, then one `movie` event per film that becomes final,
    /// then `completed`, after which the stream ends. Each SSE message has
    /// `event:` = the type and `id:` = the seq; keep-alive comments every 15 s.
    /// When the server stops, the stream ends with `retry: 1000` and a
    /// comment: reconnect, with `Last-Event-ID`, to resume with no gap.
    #[oai(status = 200)]
    Stream(
        LiveStream,
        /// Always `no`: tells nginx not to buffer the stream.
        #[oai(header = "X-Accel-Buffering")]
        String,
        /// Always `no-cache`.
        #[oai(header = "Cache-Control")]
        String,
    ),
    /// The session is completed and `Last-Event-ID` is its last event, the
    /// `completed` already received: nothing follows (and an `EventSource`
    /// stops reconnecting).
    #[oai(status = 204)]
    Ended,
}

/// Live progress.
#[derive(Default)]
pub struct EventsApi;

#[OpenApi(tag = "ApiTags::Sessions")]
impl EventsApi {
    /// Follow a session live over Server-Sent Events.
    ///
    /// Resume after a disconnect with the `Last-Event-ID` header (browsers
    /// send it on reconnect) or the `last_event_id` query parameter: missed
    /// events are replayed from the log with no gap and no duplicate. An id
    /// beyond the log, or not a number, gets a fresh `snapshot`; so does one
    /// further behind than the server's replay depth (1000 events by
    /// default): read the films with `listMovies` then.
    #[oai(
        path = "/session/:id/events",
        method = "get",
        operation_id = "streamEvents"
    )]
    async fn events(
        &self,
        state: Data<&AppState>,
        client: Data<&Client>,
        /// Session id (a UUID), as the upload answered it.
        #[oai(example = "super::session::example_session_id")]
        id: Path<String>,
        /// The seq of the last event received.
        #[oai(name = "Last-Event-ID")]
        last_event_id_header: Header<Option<String>>,
        /// The seq of the last event received (for clients that cannot set headers).
        last_event_id: Query<Option<String>>,
    ) -> Result<EventsResponse, ApiError> {
        let session_id = parse_id(&id)?;
        let permit = state.admission.stream(&client.key())?;
        let resume = parse_last_event_id(last_event_id_header.0.as_deref())
            .or_else(|| parse_last_event_id(last_event_id.0.as_deref()));
        let streams = streams(&state);
        let events = match streams.subscribe(&session_id, resume).await? {
            Some(Subscription::Events(events)) => events,
            Some(Subscription::Ended) => return Ok(EventsResponse::Ended),
            None => return Err(ApiError::session_not_found(&session_id)),
        };
        let guard = streams.metrics.connected("sse");
        let metrics = streams.metrics.clone();
        let stopping = state.stopping.clone();
        let events: Events = events
            .take_until(stopping.clone().cancelled_owned())
            .map(move |event| {
                let _connected = (&guard, &permit);
                metrics.sent("sse");
                LiveEvent(event)
            })
            .boxed();
        let stream =
            EventStream::new(events)
                .keep_alive(KEEP_ALIVE)
                .to_event(|LiveEvent(event)| {
                    poem::web::sse::Event::message(event.json())
                        .event_type(event.kind())
                        .id(event.seq().to_string())
                });
        Ok(EventsResponse::Stream(
            LiveStream {
                events: stream,
                stopping,
            },
            "no".into(),
            "no-cache".into(),
        ))
    }
}

/// The subscription machinery of a state.
pub fn streams(state: &AppState) -> Streams {
    Streams {
        db: state.db.clone(),
        hub: state.hub.clone(),
        metrics: state.metrics.clone(),
        replay_max_events: state.config.replay_max_events,
    }
}
