//! Owners and viewers: a session's id lets anyone read it; changing it takes
//! the owner token its upload handed out, as `Authorization: Bearer …`.

use poem::http::StatusCode;
use poem_openapi::SecurityScheme;
use poem_openapi::auth::Bearer;

use super::error::ApiError;
use crate::domain::OwnerTokenHash;
use crate::store::entities::session;

/// The owner token of the session an operation changes, as the upload
/// answered it (`owner_token`): `Authorization: Bearer <owner_token>`.
#[derive(SecurityScheme)]
#[oai(rename = "ownerToken", ty = "bearer", bearer_format = "owner token")]
pub struct OwnerAuth(Bearer);

impl std::fmt::Debug for OwnerAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OwnerAuth(…)")
    }
}

/// 403 unless `auth` is `session`'s owner token; a session stored before
/// owner tokens has no owner until an operator gives it one.
pub fn check(session: &session::Model, auth: &OwnerAuth) -> Result<(), ApiError> {
    let presented = &auth.0.token;
    let Some(stored) = &session.owner_token_hash else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "this session predates owner tokens and has no owner; an operator can give it \
             one with `reelstream token <session-id>`",
        ));
    };
    if OwnerTokenHash::from_stored(stored.clone()).verifies(presented) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "the bearer token is not this session's owner token: a shared link can \
             read the session but not change it",
        ))
    }
}
