//! The WIT records actions take and return, and the one byte list a record
//! may hold (an image to upload, content downloaded): it travels beside the
//! JSON, not in it, as bytes in WIT and base64 in JSON, so a megabyte is
//! never a million JSON numbers.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// An action's input or output record (the build script writes the impls
/// from the WIT).
pub trait Record: Serialize + DeserializeOwned {
    /// Its byte list, if it has one: camelCase name.
    const BYTES: Option<&'static str> = None;

    /// Whether its JSON keeps LINE's snake_case names
    /// ([`crate::names::SNAKE_CASE_INTERFACES`]) instead of camelCase.
    const SNAKE_CASE: bool = false;

    /// Puts the bytes in the record.
    fn set_bytes(&mut self, _bytes: Vec<u8>) {}

    /// Takes the bytes out of the record (left empty).
    fn take_bytes(&mut self) -> Vec<u8> {
        Vec::new()
    }
}

/// An action without input.
impl Record for () {}
