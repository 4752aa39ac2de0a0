//! The one table of LINE endpoints: each row declares an action's WIT
//! function, its request and response types, HTTP method, LINE host and path.
//! The WIT exports are generated from it, so adding a LINE operation is one
//! row here plus its records in `wit/` and their mapping in `request` and
//! `response`.

use crate::actions::*;
pub use crate::retry::Resend;

/// Which of LINE's hosts an endpoint lives on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Host {
    /// The Messaging API (`api-base-url`, default `https://api.line.me`).
    Api,
    /// The data API (`data-api-base-url`, default `https://api-data.line.me`).
    #[allow(dead_code)] // the first data-API operation (content) is still to come
    Data,
}

/// The HTTP methods LINE's operations use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Reads.
    Get,
    /// Sends and other writes.
    Post,
}

/// One LINE operation.
#[derive(Debug)]
pub struct Endpoint {
    /// The HTTP method.
    pub method: Method,
    /// The host the path is relative to.
    pub host: Host,
    /// The path, as in LINE's reference.
    pub path: &'static str,
    /// Whether and how a failed attempt may be resent.
    pub resend: Resend,
    /// For a send: the endpoint that validates its messages instead
    /// (`dryRun`).
    pub dry_run: Option<&'static Endpoint>,
    /// A body field whose list is sent in batches of at most this many
    /// items, one request (and retry key) each.
    pub batch: Option<(&'static str, usize)>,
}

/// Declares the endpoints: one const per action in [`table`], and the
/// `actions` exports that run them.
macro_rules! endpoints {
    (@dry_run) => { None };
    (@dry_run $dry:ident) => { Some(&$dry) };
    (@batch) => { None };
    (@batch $size:literal $field:literal) => { Some(($field, $size)) };
    ($($action:ident($($request:ty)?) -> $response:ty = $method:ident $host:ident $path:literal $resend:ident $(, dry run: $dry:ident)? $(, batches of $size:literal $field:literal)?;)*) => {
        /// Every endpoint, named after its action.
        #[allow(non_upper_case_globals)]
        pub mod table {
            use super::*;
            $(
                #[doc = concat!("The `", stringify!($action), "` action: ", $path, ".")]
                pub const $action: Endpoint = Endpoint {
                    method: Method::$method,
                    host: Host::$host,
                    path: $path,
                    resend: Resend::$resend,
                    dry_run: endpoints!(@dry_run $($dry)?),
                    batch: endpoints!(@batch $($size $field)?),
                };
            )*
        }

        impl Guest for crate::Connector {
            $(
                #[allow(unused_variables)]
                fn $action(config: Config $(, request: $request)?) -> Result<$response, ErrorCode> {
                    let input = &();
                    $(let input: &$request = &request;)?
                    crate::call::run(&table::$action, &config, input)
                }
            )*
        }
    };
}

endpoints! {
    display_loading(DisplayLoadingRequest) -> AckResponse = Post Api "/v2/bot/chat/loading/start" Free;
    push(PushRequest) -> SendResponse = Post Api "/v2/bot/message/push" RetryKey, dry run: validate_push;
    reply(ReplyRequest) -> SendResponse = Post Api "/v2/bot/message/reply" Once, dry run: validate_reply;
    multicast(MulticastRequest) -> SendResponse = Post Api "/v2/bot/message/multicast" RetryKey, dry run: validate_multicast, batches of 500 "to";
    broadcast(BroadcastRequest) -> SendResponse = Post Api "/v2/bot/message/broadcast" RetryKey, dry run: validate_broadcast;
    narrowcast(NarrowcastRequest) -> SendResponse = Post Api "/v2/bot/message/narrowcast" RetryKey, dry run: validate_narrowcast;
    narrowcast_progress(NarrowcastProgressRequest) -> NarrowcastProgressResponse = Get Api "/v2/bot/message/progress/narrowcast" Free;
    validate_push(ValidateRequest) -> AckResponse = Post Api "/v2/bot/message/validate/push" Free;
    validate_reply(ValidateRequest) -> AckResponse = Post Api "/v2/bot/message/validate/reply" Free;
    validate_multicast(ValidateRequest) -> AckResponse = Post Api "/v2/bot/message/validate/multicast" Free;
    validate_broadcast(ValidateRequest) -> AckResponse = Post Api "/v2/bot/message/validate/broadcast" Free;
    validate_narrowcast(ValidateRequest) -> AckResponse = Post Api "/v2/bot/message/validate/narrowcast" Free;
    quota() -> QuotaResponse = Get Api "/v2/bot/message/quota" Free;
    quota_consumption() -> QuotaConsumptionResponse = Get Api "/v2/bot/message/quota/consumption" Free;
    delivery_push(DeliveryRequest) -> DeliveryResponse = Get Api "/v2/bot/message/delivery/push" Free;
    delivery_reply(DeliveryRequest) -> DeliveryResponse = Get Api "/v2/bot/message/delivery/reply" Free;
    delivery_multicast(DeliveryRequest) -> DeliveryResponse = Get Api "/v2/bot/message/delivery/multicast" Free;
    delivery_broadcast(DeliveryRequest) -> DeliveryResponse = Get Api "/v2/bot/message/delivery/broadcast" Free;
}
