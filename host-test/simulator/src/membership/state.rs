//! What LINE keeps of the coupons.

use crate::seed::COUPON;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The coupons, by id (LINE's `CouponResponse`).
pub(crate) struct Coupons(pub(crate) BTreeMap<String, Value>);

impl Default for Coupons {
    /// [`COUPON`], `RUNNING`.
    fn default() -> Self {
        let body = json!({"title": "Security training: free lunch", "acquisitionCondition": {"type": "normal"},
            "reward": {"type": "free"}, "startTimestamp": 1_795_305_600, "endTimestamp": 1_797_984_000,
            "maxUseCountPerTicket": 1, "visibility": "UNLISTED", "timezone": "ASIA_TOKYO"});
        Coupons(BTreeMap::from([(COUPON.to_owned(), kept(COUPON, &body))]))
    }
}

/// A coupon as LINE answers it (`CouponResponse`).
pub(crate) fn kept(id: &str, body: &Value) -> Value {
    let mut coupon = body.clone();
    coupon["couponId"] = json!(id);
    coupon["status"] = json!("RUNNING");
    coupon["createdTimestamp"] = json!(1_795_000_000);
    coupon["maxTicketPerUser"] = json!(1);
    coupon
}
