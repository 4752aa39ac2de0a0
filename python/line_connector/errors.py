"""The connector's errors as exceptions, one class per case of the WIT
`error-code` variant (and of `webhook-error`), with LINE's fields."""

from typing import Any, Dict, List, NoReturn, Optional


class LineError(Exception):
    """Any error an action returned. `type` is the `error-code` case
    (`invalid-input`, `api`, ...); `data` the whole error as JSON."""

    type = "error"

    def __init__(self, data: Dict[str, Any]):
        self.data = data
        super().__init__(data.get("message") or data.get("type"))


class InvalidInput(LineError):
    """Bad input or config; nothing was sent. `field` is the field path in
    LINE's names (`messages[2].text`, `config.clientSecret`)."""

    type = "invalid-input"

    @property
    def field(self) -> str:
        return self.data.get("field", "")


class ApiError(LineError):
    """LINE answered with an error: `status`, LINE's `message`, `details`
    and `request_id` (`x-line-request-id`)."""

    type = "api"

    @property
    def status(self) -> int:
        return self.data.get("status", 0)

    @property
    def details(self) -> List[Dict[str, Any]]:
        return self.data.get("details", [])

    @property
    def request_id(self) -> Optional[str]:
        return self.data.get("requestId")


class Authentication(ApiError):
    """The token endpoint refused the credentials, or LINE answered 401."""

    type = "authentication"


class RateLimited(ApiError):
    """LINE answered 429 for a rate limit, on every attempt."""

    type = "rate-limited"


class QuotaExceeded(ApiError):
    """LINE answered 429: the monthly message quota is used up."""

    type = "quota-exceeded"


class Transport(LineError):
    """No HTTP answer (or one that is not LINE's). `kind`: `connect`,
    `timeout`, `protocol` or `denied`."""

    type = "transport"

    @property
    def kind(self) -> str:
        return self.data.get("kind", "")


class BatchesFailed(LineError):
    """Some batches of a multicast failed, the others were sent: re-run with
    `retry_key` to send only the failed ones. `batches` says which."""

    type = "batches-failed"

    @property
    def retry_key(self) -> str:
        return self.data.get("retryKey", "")

    @property
    def batches(self) -> List[Dict[str, Any]]:
        return self.data.get("batches", [])


class NotAFriend(LineError):
    """A push with `requireFriend` to a user who is not a friend; nothing
    was sent."""

    type = "not-a-friend"

    @property
    def user_id(self) -> str:
        return self.data.get("userId", "")


class WebhookError(LineError):
    """A webhook batch that is not LINE's: `type` is the `webhook-error`
    case (`signature-mismatch`, `missing-signature`, ...)."""

    type = "webhook-error"


ERRORS = {
    cls.type: cls
    for cls in (
        InvalidInput,
        Authentication,
        RateLimited,
        QuotaExceeded,
        ApiError,
        Transport,
        BatchesFailed,
        NotAFriend,
    )
}


def raise_for(data: Dict[str, Any]) -> NoReturn:
    """Raises the exception of an error (`{"type": case, ...}`)."""
    raise ERRORS.get(data.get("type"), LineError)(data)
