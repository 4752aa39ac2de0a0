//! Checks that ask LINE before an action sends: whether the user is a
//! friend (`requireFriend` on push), and whether an image fits the rich
//! menu it is for. Each is one read through the same request path as the
//! actions ([`send`](crate::send)); when it fails, nothing is sent.

use crate::config::Settings;
use crate::error::invalid;
use crate::image::Image;
use crate::request::{self, Draft};
use crate::send::{Part, send, url};
use crate::table::{Endpoint, GET_PROFILE, GET_RICH_MENU};
use crate::types::{ErrorCode, NotAFriend};
use serde_json::{Value, json};

/// Checks that the user in `to` is a friend, by LINE's profile lookup
/// (`getProfile`): a 404 is `not-a-friend`, and the send does not happen.
pub fn friend(settings: &Settings, draft: &Draft) -> Result<(), ErrorCode> {
    let to = draft
        .body
        .get("to")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !to.starts_with('U') {
        return Err(invalid(
            "requireFriend",
            "applies only to a user id in `to`",
        ));
    }
    match read(&GET_PROFILE, settings, json!({"userId": to})) {
        Ok(_) => Ok(()),
        Err(ErrorCode::Api(api)) if api.status == 404 => Err(ErrorCode::NotAFriend(NotAFriend {
            user_id: to.to_owned(),
            request_id: api.request_id,
        })),
        Err(error) => Err(error),
    }
}

/// Checks that `image` has the size of the rich menu it is for, as LINE
/// keeps the menu (`getRichMenu`); LINE's answer stands when it has none
/// (a 404 for a menu that does not exist).
pub fn image_fits_menu(settings: &Settings, draft: &Draft, image: &Image) -> Result<(), ErrorCode> {
    let id = draft.params.get("richMenuId").cloned().unwrap_or_default();
    let menu = read(&GET_RICH_MENU, settings, json!({"richMenuId": id}))?;
    let size = |key: &str| menu["size"][key].as_u64();
    let (Some(width), Some(height)) = (size("width"), size("height")) else {
        return Ok(());
    };
    if (image.width, image.height) == (width, height) {
        return Ok(());
    }
    Err(invalid(
        "image",
        format!(
            "is {}x{} pixels; the rich menu is {width}x{height}, and LINE takes only an image of its size",
            image.width, image.height
        ),
    ))
}

/// Reads `endpoint` with `input` (its path and query fields): LINE's JSON
/// answer, or the error.
fn read(endpoint: &Endpoint, settings: &Settings, input: Value) -> Result<Value, ErrorCode> {
    let draft = request::draft(endpoint, request::fields(&input)?, None, false)?;
    let url = url(endpoint, settings, &draft);
    let sent = send(endpoint, settings, &url, &Part::empty(), false);
    sent.answer.map(|answer| answer.body)
}
