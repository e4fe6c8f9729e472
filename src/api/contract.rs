//! Makes the generated OpenAPI document one that client generators accept
//! without a warning (openapi-typescript, openapi-python-client, progenitor):
//! a wrapper around the API tuple that rewrites the metadata poem-openapi
//! derives, in one place, for every operation — present and future.
//!
//! The rewrites:
//!
//! - A field documented with a doc comment whose type is another schema comes
//!   out of poem-openapi as `allOf: [{$ref}, {description}]` (OpenAPI 3.0
//!   ignores siblings of `$ref`). openapi-python-client cannot take `allOf`
//!   of an enum and drops every model that holds one, so such a wrapper is
//!   collapsed to the plain `$ref`; the referenced schema keeps its own
//!   description.
//! - An optional field whose type is an enum comes out as such a `$ref`,
//!   which OpenAPI 3.0 cannot mark nullable; it is written as a nullable
//!   string with the field's own description (the enum itself is documented
//!   where a required field uses it).
//! - An `Option` field is sent as `null` when it has no value (by poem-openapi
//!   and by the serde JSON of the event streams alike), but poem-openapi only
//!   leaves it out of `required`. Such a property (optional, without a
//!   default) is marked `nullable`, so that validators and typed clients
//!   expect the `null` they will get.
//! - poem-openapi describes a `text/event-stream` body as an array of its
//!   events. Before OpenAPI 3.2 (and its `itemSchema`), the schema of an event
//!   stream describes one event, as validators such as schemathesis read it:
//!   the message `{event, id, data}`. The array gives way to its item here,
//!   and [`describe_event_streams`] then wraps that item into the message,
//!   with `data` declared as JSON of the item through `contentMediaType` and
//!   `contentSchema` (which poem-openapi's metadata cannot carry).
//! - poem-openapi upper-cases response header names (`LOCATION`); they are
//!   written in their canonical form (`Location`, `X-Accel-Buffering`,
//!   `WWW-Authenticate`), which generators use verbatim as property names.
//! - The error enum is shared by every operation, but only those that
//!   declare the owner-token scheme can answer 401 or 403: the others do
//!   not list them.

use std::collections::HashMap;

use poem::endpoint::BoxEndpoint;
use poem::http::Method;
use poem_openapi::OpenApi;
use poem_openapi::registry::{MetaApi, MetaSchema, MetaSchemaRef, Registry};
use serde_yaml_ng::{Mapping, Value};

/// The API tuple `T`, with its document made generator-friendly.
#[derive(Default)]
pub struct GeneratorFriendly<T>(pub T);

impl<T: OpenApi> OpenApi for GeneratorFriendly<T> {
    fn meta() -> Vec<MetaApi> {
        let mut apis = T::meta();
        let operations = apis
            .iter_mut()
            .flat_map(|api| api.paths.iter_mut())
            .flat_map(|path| path.operations.iter_mut());
        for operation in operations {
            if operation.security.is_empty() {
                // The error enum is shared; only a writing operation can
                // answer for a missing or wrong owner token.
                operation
                    .responses
                    .responses
                    .retain(|r| !matches!(r.status, Some(401 | 403)));
            }
            for param in &mut operation.params {
                normalise(&mut param.schema);
            }
            if let Some(request) = &mut operation.request {
                for media in &mut request.content {
                    normalise(&mut media.schema);
                }
            }
            for response in &mut operation.responses.responses {
                for media in &mut response.content {
                    normalise(&mut media.schema);
                    if media.content_type == EVENT_STREAM {
                        one_event(&mut media.schema);
                    }
                }
                for header in &mut response.headers {
                    header.name = canonical_header_name(&header.name);
                    normalise(&mut header.schema);
                }
            }
        }
        apis
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
        let enums: Vec<String> = registry
            .schemas
            .iter()
            .filter(|(_, schema)| !schema.enum_items.is_empty())
            .map(|(name, _)| name.clone())
            .collect();
        for schema in registry.schemas.values_mut() {
            inline_optional_enums(schema, &enums);
            normalise_schema(schema);
        }
    }

    fn add_routes(self, route_table: &mut HashMap<String, HashMap<Method, BoxEndpoint<'static>>>) {
        self.0.add_routes(route_table);
    }
}

const EVENT_STREAM: &str = "text/event-stream";

/// An event stream's array schema → the schema of one event.
fn one_event(schema_ref: &mut MetaSchemaRef) {
    if let MetaSchemaRef::Inline(schema) = schema_ref
        && schema.ty == "array"
        && let Some(item) = schema.items.take()
    {
        *schema_ref = *item;
    }
}

/// `LOCATION` → `Location`, `X-ACCEL-BUFFERING` → `X-Accel-Buffering`.
pub fn canonical_header_name(name: &str) -> String {
    if name.eq_ignore_ascii_case("www-authenticate") {
        return "WWW-Authenticate".to_owned();
    }
    name.split('-')
        .map(|word| {
            let lower = word.to_ascii_lowercase();
            let mut chars = lower.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Writes an optional property whose type is one of `enums` as a nullable
/// string with the property's own description: OpenAPI 3.0 cannot mark a
/// `$ref` nullable, and the `allOf` that could is what generators refuse.
fn inline_optional_enums(schema: &mut MetaSchema, enums: &[String]) {
    let required = schema.required.clone();
    for (name, property) in &mut schema.properties {
        let MetaSchemaRef::Inline(inline) = property else {
            continue;
        };
        let optional_enum =
            annotated_reference(inline).is_some_and(|reference| enums.contains(&reference));
        let defaulted = inline.default.is_some()
            || inline.all_of.iter().any(|part| match part {
                MetaSchemaRef::Inline(part) => part.default.is_some(),
                MetaSchemaRef::Reference(_) => false,
            });
        if optional_enum && !defaulted && !required.contains(name) {
            let description = inline.all_of.iter().find_map(|part| match part {
                MetaSchemaRef::Inline(part) => part.description,
                MetaSchemaRef::Reference(_) => None,
            });
            *property = MetaSchemaRef::Inline(Box::new(MetaSchema {
                description,
                ..MetaSchema::new("string")
            }));
        }
    }
}

/// Collapses `allOf: [{$ref}, {annotations only}]` to the `$ref`, recursively.
fn normalise(schema_ref: &mut MetaSchemaRef) {
    if let MetaSchemaRef::Inline(schema) = schema_ref {
        match annotated_reference(schema) {
            Some(reference) => *schema_ref = MetaSchemaRef::Reference(reference),
            None => normalise_schema(schema),
        }
    }
}

fn normalise_schema(schema: &mut MetaSchema) {
    let required = schema.required.clone();
    for (name, property) in &mut schema.properties {
        normalise(property);
        if let MetaSchemaRef::Inline(property) = property
            && !required.contains(name)
            && property.default.is_none()
        {
            property.nullable = true;
        }
    }
    for nested in [&mut schema.items, &mut schema.additional_properties]
        .into_iter()
        .flatten()
    {
        normalise(nested);
    }
    for nested in schema
        .all_of
        .iter_mut()
        .chain(&mut schema.any_of)
        .chain(&mut schema.one_of)
    {
        normalise(nested);
    }
}

/// The referenced schema's name when `schema` only wraps a `$ref` to annotate it.
fn annotated_reference(schema: &MetaSchema) -> Option<String> {
    let [MetaSchemaRef::Reference(name), rest @ ..] = schema.all_of.as_slice() else {
        return None;
    };
    let annotations_only = |s: &MetaSchemaRef| match s {
        MetaSchemaRef::Inline(s) => {
            s.ty.is_empty()
                && s.properties.is_empty()
                && s.items.is_none()
                && s.enum_items.is_empty()
                && s.all_of.is_empty()
                && s.any_of.is_empty()
                && s.one_of.is_empty()
        }
        MetaSchemaRef::Reference(_) => false,
    };
    let wrapper_only = schema.ty.is_empty() && schema.properties.is_empty() && !schema.nullable;
    (wrapper_only && rest.iter().all(annotations_only)).then(|| name.clone())
}

/// Rewrites every `text/event-stream` response of the document, whose schema
/// is a `$ref` to the payload of one message, into the schema of the message
/// itself: `event` (the payload's discriminator values), `id` (the seq) and
/// `data`, the payload as JSON.
pub fn describe_event_streams(document: &mut Value) {
    let kinds = |reference: &str| -> Vec<Value> {
        let name = reference.rsplit('/').next().unwrap_or_default();
        document["components"]["schemas"][name]["discriminator"]["mapping"]
            .as_mapping()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    let mut streams = Vec::new();
    for (path, item) in document["paths"].as_mapping().into_iter().flatten() {
        for (method, operation) in item.as_mapping().into_iter().flatten() {
            for (status, response) in operation["responses"].as_mapping().into_iter().flatten() {
                if let Some(reference) =
                    response["content"][EVENT_STREAM]["schema"]["$ref"].as_str()
                {
                    let key = (path.clone(), method.clone(), status.clone());
                    streams.push((key, reference.to_owned(), kinds(reference)));
                }
            }
        }
    }
    for ((path, method, status), reference, kinds) in streams {
        let schema = &mut document["paths"][&path][&method]["responses"][&status]["content"]
            [EVENT_STREAM]["schema"];
        *schema = event_message(&reference, kinds);
    }
}

fn event_message(reference: &str, kinds: Vec<Value>) -> Value {
    let map = |entries: Vec<(&str, Value)>| {
        Value::Mapping(
            entries
                .into_iter()
                .map(|(k, v)| (Value::from(k), v))
                .collect::<Mapping>(),
        )
    };
    let text = |description: &str| {
        map(vec![
            ("type", "string".into()),
            ("description", description.into()),
        ])
    };
    let mut event = text("The message's type: the payload's `type`.");
    if !kinds.is_empty() {
        event
            .as_mapping_mut()
            .expect("a mapping")
            .insert("enum".into(), Value::Sequence(kinds));
    }
    let mut data = text("The payload, as JSON.");
    let fields = data.as_mapping_mut().expect("a mapping");
    fields.insert("contentMediaType".into(), "application/json".into());
    fields.insert(
        "contentSchema".into(),
        map(vec![("$ref", reference.into())]),
    );
    map(vec![
        ("type", "object".into()),
        (
            "description",
            "One Server-Sent Event: `event` names the type, `id` is the seq (send it back \
             as `Last-Event-ID` to resume), `data` is the payload as JSON."
                .into(),
        ),
        (
            "required",
            Value::Sequence(vec!["event".into(), "id".into(), "data".into()]),
        ),
        (
            "properties",
            map(vec![
                ("event", event),
                ("id", text("The seq of the message in the session's log.")),
                ("data", data),
            ]),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::canonical_header_name;

    #[test]
    fn header_names_are_canonical() {
        assert_eq!(canonical_header_name("LOCATION"), "Location");
        assert_eq!(
            canonical_header_name("X-ACCEL-BUFFERING"),
            "X-Accel-Buffering"
        );
        assert_eq!(canonical_header_name("cache-control"), "Cache-Control");
    }
}
