//! Opaque Relay global ids: `base64url("Type:123")`. Clients must treat them as opaque;
//! the type prefix lets `node(id:)` dispatch and stops an id of one type being used as another.

use async_graphql::ID;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

use crate::error::{AppError, AppResult};

/// The global id of row `id` of `type_name`.
pub fn encode(type_name: &str, id: i64) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{type_name}:{id}")))
}

/// Splits a global id into its type name and row id.
pub fn decode(id: &str) -> Option<(String, i64)> {
    let bytes = URL_SAFE_NO_PAD.decode(id).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (type_name, number) = text.split_once(':')?;
    Some((type_name.to_owned(), number.parse().ok()?))
}

/// The row id of a global id that must be of `type_name`; `field` names the input in the error.
pub fn decode_as(id: &str, type_name: &str, field: &str) -> AppResult<i64> {
    match decode(id) {
        Some((found, number)) if found == type_name => Ok(number),
        _ => Err(AppError::bad_input(
            field,
            format!("`{id}` is not the id of a {type_name}"),
        )),
    }
}

/// An opaque pagination cursor for a sort key.
pub fn encode_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("cursor:{key}"))
}

/// The sort key inside a cursor made by [`encode_cursor`].
pub fn decode_cursor(cursor: &str) -> AppResult<String> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("cursor:").map(str::to_owned))
        .ok_or_else(|| AppError::bad_input("after", "not a cursor of this list"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_ids_round_trip_and_keep_their_type() {
        let id = encode("School", 42);
        assert_eq!(decode(&id), Some(("School".to_owned(), 42)));
        assert!(decode_as(&id, "Region", "id").is_err());
        assert_eq!(decode_as(&id, "School", "id").unwrap(), 42);
        assert!(decode("not base64 at all!").is_none());
    }
}
