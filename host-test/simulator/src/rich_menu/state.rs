//! What LINE keeps of the rich menus: the menus and their images, the
//! default, each user's link, the aliases and the batch changes.

use crate::seed::{FRIENDS, OTHER_RICH_MENU, RICH_MENU, RICH_MENU_ALIAS};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime};

/// One rich menu.
pub(crate) struct Menu {
    /// The menu as LINE answers it (`RichMenuResponse`).
    pub(crate) menu: Value,
    /// The image's media type and bytes, once uploaded.
    pub(crate) image: Option<(&'static str, Vec<u8>)>,
}

/// A batch change LINE accepted.
pub(crate) struct Batch {
    pub(crate) accepted: SystemTime,
    /// The rich menus it links users to (it fails if one is gone when it
    /// ends).
    pub(crate) targets: Vec<String>,
    /// Its phase once it ended (settled when first asked after its end).
    pub(crate) ended: Option<&'static str>,
}

/// The rich menus of the account and what refers to them.
pub(crate) struct RichMenus {
    pub(crate) menus: BTreeMap<String, Menu>,
    pub(crate) default: Option<String>,
    /// Each user's linked menu.
    pub(crate) links: HashMap<String, String>,
    pub(crate) aliases: BTreeMap<String, String>,
    pub(crate) batches: HashMap<String, Batch>,
    /// How long a batch change takes to end (default: it ends at once).
    pub(crate) batch_time: Duration,
}

impl RichMenus {
    /// The areas of menu `id`, if the account has it.
    pub(crate) fn areas(&self, id: &str) -> Option<Vec<Value>> {
        let menu = self.menus.get(id)?;
        Some(menu.menu["areas"].as_array().cloned().unwrap_or_default())
    }
}

impl Default for RichMenus {
    /// [`RICH_MENU`] (2500x843, with its image, the default, linked to the
    /// first friend and named by [`RICH_MENU_ALIAS`]) and
    /// [`OTHER_RICH_MENU`] (2500x1686, no image yet).
    fn default() -> Self {
        let mut menus = BTreeMap::new();
        for (id, width, height, image) in [
            (RICH_MENU, 2500, 843, true),
            (OTHER_RICH_MENU, 2500, 1686, false),
        ] {
            let mut menu = sample_menu(width, height);
            menu["richMenuId"] = json!(id);
            let image = image.then(|| ("image/png", png(width, height)));
            menus.insert(id.to_owned(), Menu { menu, image });
        }
        RichMenus {
            menus,
            default: Some(RICH_MENU.to_owned()),
            links: HashMap::from([(FRIENDS[0].to_owned(), RICH_MENU.to_owned())]),
            aliases: BTreeMap::from([(RICH_MENU_ALIAS.to_owned(), RICH_MENU.to_owned())]),
            batches: HashMap::new(),
            batch_time: Duration::ZERO,
        }
    }
}

/// A rich menu of `width` x `height` with one area over all of it.
pub fn sample_menu(width: u32, height: u32) -> Value {
    json!({
        "size": {"width": width, "height": height},
        "selected": false,
        "name": "SOC menu",
        "chatBarText": "Security",
        "areas": [{
            "bounds": {"x": 0, "y": 0, "width": width, "height": height},
            "action": {"type": "postback", "label": "Report", "data": "action=report"},
        }],
    })
}

/// A real PNG image of `width` x `height` pixels, one color (one bit a
/// pixel, so even LINE's largest menu takes a few hundred bytes).
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Indexed);
    encoder.set_depth(png::BitDepth::One);
    encoder.set_palette(vec![0x06, 0xc7, 0x55]);
    let mut writer = encoder.write_header().expect("a PNG header");
    let pixels = vec![0u8; width.div_ceil(8) as usize * height as usize];
    writer.write_image_data(&pixels).expect("PNG data");
    writer.finish().expect("a whole PNG");
    bytes
}
