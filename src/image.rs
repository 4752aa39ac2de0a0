//! A rich menu's image, checked by LINE's rules from its own header before
//! it is sent: JPEG or PNG, at most 1 MB, 800 to 2500 pixels wide, at least
//! 250 high, width / height at least 1.45 (the header is read, the image is
//! not decoded).

use crate::error::invalid;
use crate::types::ErrorCode;
use crate::validate;
use imagesize::ImageType;

/// The largest image LINE takes: 1 MB.
pub const MAX_IMAGE_BYTES: usize = 1 << 20;

/// An image that passed the checks.
pub struct Image {
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// `image/jpeg` or `image/png`.
    pub media_type: &'static str,
    /// Its width in pixels.
    pub width: u64,
    /// Its height in pixels.
    pub height: u64,
}

/// `bytes` (the input field `field`) as a rich-menu image, or the rule it
/// breaks.
pub fn checked(field: &str, bytes: Vec<u8>) -> Result<Image, ErrorCode> {
    if bytes.is_empty() {
        return Err(invalid(field, "is required: a JPEG or PNG image"));
    }
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(invalid(
            field,
            format!(
                "is {} bytes; LINE takes a rich-menu image of at most {MAX_IMAGE_BYTES} (1 MB)",
                bytes.len()
            ),
        ));
    }
    let media_type = match imagesize::image_type(&bytes) {
        Ok(ImageType::Jpeg) => "image/jpeg",
        Ok(ImageType::Png) => "image/png",
        Ok(other) => {
            return Err(invalid(
                field,
                format!("is {other:?}; LINE takes a JPEG or PNG image"),
            ));
        }
        Err(_) => {
            return Err(invalid(field, "is not an image LINE takes: JPEG or PNG"));
        }
    };
    let size = imagesize::blob_size(&bytes).map_err(|_| {
        invalid(
            field,
            "has a header that gives no size (a damaged or cut JPEG or PNG)",
        )
    })?;
    let (width, height) = (size.width as u64, size.height as u64);
    validate::menu_size(field, width, height)?;
    Ok(Image {
        bytes,
        media_type,
        width,
        height,
    })
}
