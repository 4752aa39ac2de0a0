//! The `actions` exports, generated from the [`table`](crate::table) of LINE
//! operations: each row names an action's WIT function, its request and
//! response records, and its endpoint. Adding a LINE operation is one
//! endpoint in `table`, one row here, its records and function in `wit/`,
//! and their mapping in `request` and `response`.

use crate::actions::*;
pub use crate::table::{Endpoint, Host, Method};
use serde_json::{Map, Value};

/// Declares the exports: one function per row, each running its endpoint,
/// and [`dispatch`], which runs them by name.
macro_rules! endpoints {
    ($($action:ident($($request:ty)?) -> $response:ty = $endpoint:ident;)*) => {
        impl Guest for crate::Connector {
            $(
                #[allow(unused_variables)]
                fn $action(config: Config $(, request: $request)?) -> Result<$response, ErrorCode> {
                    let input = &();
                    $(let input: &$request = &request;)?
                    crate::call::run(&crate::table::$endpoint, &config, input)
                }
            )*
        }

        /// Runs the action named `action` (as in the WIT) through its typed
        /// function, with input fields checked by [`crate::json::fields`];
        /// returns the output as JSON text.
        #[allow(unused_variables)]
        pub fn dispatch(action: &str, config: Config, input: Map<String, Value>) -> Result<String, ErrorCode> {
            $(
                if action == crate::table::$endpoint.action {
                    let output = <crate::Connector as Guest>::$action(
                        config $(, crate::json::into::<$request>(input, "")?)?
                    )?;
                    return crate::json::output(&output);
                }
            )*
            unreachable!("the manifest names only the table's actions")
        }
    };
}

endpoints! {
    display_loading(DisplayLoadingRequest) -> AckResponse = DISPLAY_LOADING;
    push(PushRequest) -> SendResponse = PUSH;
    reply(ReplyRequest) -> SendResponse = REPLY;
    multicast(MulticastRequest) -> SendResponse = MULTICAST;
    broadcast(BroadcastRequest) -> SendResponse = BROADCAST;
    narrowcast(NarrowcastRequest) -> SendResponse = NARROWCAST;
    narrowcast_progress(NarrowcastProgressRequest) -> NarrowcastProgressResponse = NARROWCAST_PROGRESS;
    validate_push(ValidateRequest) -> AckResponse = VALIDATE_PUSH;
    validate_reply(ValidateRequest) -> AckResponse = VALIDATE_REPLY;
    validate_multicast(ValidateRequest) -> AckResponse = VALIDATE_MULTICAST;
    validate_broadcast(ValidateRequest) -> AckResponse = VALIDATE_BROADCAST;
    validate_narrowcast(ValidateRequest) -> AckResponse = VALIDATE_NARROWCAST;
    quota() -> QuotaResponse = QUOTA;
    quota_consumption() -> QuotaConsumptionResponse = QUOTA_CONSUMPTION;
    delivery_push(DeliveryRequest) -> DeliveryResponse = DELIVERY_PUSH;
    delivery_reply(DeliveryRequest) -> DeliveryResponse = DELIVERY_REPLY;
    delivery_multicast(DeliveryRequest) -> DeliveryResponse = DELIVERY_MULTICAST;
    delivery_broadcast(DeliveryRequest) -> DeliveryResponse = DELIVERY_BROADCAST;
}
