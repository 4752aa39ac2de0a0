// The connector's errors as classes, one per case of the WIT `error-code`
// variant (and one for `webhook-error`), with LINE's fields; the same
// classes as the Python package's exceptions.

/** Any error an action returned. `type` is the `error-code` case
 * (`invalid-input`, `api`, ...); `data` the whole error as JSON. */
export class LineError extends Error {
  static type = "error";
  constructor(data) {
    super(data.message || data.type);
    this.name = new.target.name;
    this.data = data;
  }
  get type() {
    return this.data.type;
  }
}

/** Bad input or config; nothing was sent. `field` is the field path in
 * LINE's names (`messages[2].text`, `config.clientSecret`). */
export class InvalidInput extends LineError {
  static type = "invalid-input";
  get field() {
    return this.data.field ?? "";
  }
}

/** LINE answered with an error: `status`, LINE's `message`, `details` and
 * `requestId` (`x-line-request-id`). */
export class ApiError extends LineError {
  static type = "api";
  get status() {
    return this.data.status ?? 0;
  }
  get details() {
    return this.data.details ?? [];
  }
  get requestId() {
    return this.data.requestId ?? null;
  }
}

/** The token endpoint refused the credentials, or LINE answered 401. */
export class Authentication extends ApiError {
  static type = "authentication";
}

/** LINE answered 429 for a rate limit, on every attempt. */
export class RateLimited extends ApiError {
  static type = "rate-limited";
}

/** LINE answered 429: the monthly message quota is used up. */
export class QuotaExceeded extends ApiError {
  static type = "quota-exceeded";
}

/** No HTTP answer (or one that is not LINE's). `kind`: `connect`,
 * `timeout`, `protocol` or `denied`. */
export class Transport extends LineError {
  static type = "transport";
  get kind() {
    return this.data.kind ?? "";
  }
}

/** Some batches of a multicast failed, the others were sent: re-run with
 * `retryKey` to send only the failed ones. `batches` says which. */
export class BatchesFailed extends LineError {
  static type = "batches-failed";
  get retryKey() {
    return this.data.retryKey ?? "";
  }
  get batches() {
    return this.data.batches ?? [];
  }
}

/** A push with `requireFriend` to a user who is not a friend; nothing was
 * sent. */
export class NotAFriend extends LineError {
  static type = "not-a-friend";
  get userId() {
    return this.data.userId ?? "";
  }
}

/** A webhook batch that is not LINE's: `type` is the `webhook-error` case
 * (`signature-mismatch`, `missing-signature`, ...). */
export class WebhookError extends LineError {
  static type = "webhook-error";
}

const ERRORS = new Map(
  [InvalidInput, Authentication, RateLimited, QuotaExceeded, ApiError, Transport, BatchesFailed, NotAFriend].map(
    (cls) => [cls.type, cls],
  ),
);

/** The error object for an error's JSON (`{type: case, ...}`). */
export function errorFor(data) {
  const cls = ERRORS.get(data.type) ?? LineError;
  return new cls(data);
}
