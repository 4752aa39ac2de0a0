// The connector's errors, one class per case of the WIT `error-code`
// variant (and one for `webhook-error`), with LINE's fields (errors.js).

/** An error's JSON as the component returned it. */
export interface ErrorData {
  /** The `error-code` case: `invalid-input`, `api`, `transport`, ... */
  type: string;
  message?: string;
  [field: string]: unknown;
}

/** Any error an action returned; `data` is the whole error as JSON. */
export class LineError extends Error {
  static type: string;
  constructor(data: ErrorData);
  readonly data: ErrorData;
  readonly type: string;
}

/** Bad input or config; nothing was sent. */
export class InvalidInput extends LineError {
  /** The field path in LINE's names (`messages[2].text`, `config.clientSecret`). */
  readonly field: string;
}

/** LINE answered with an error. */
export class ApiError extends LineError {
  readonly status: number;
  readonly details: Array<{ message?: string; property?: string }>;
  /** LINE's `x-line-request-id`. */
  readonly requestId: string | null;
}

/** The token endpoint refused the credentials, or LINE answered 401. */
export class Authentication extends ApiError {}

/** LINE answered 429 for a rate limit, on every attempt. */
export class RateLimited extends ApiError {}

/** LINE answered 429: the monthly message quota is used up. */
export class QuotaExceeded extends ApiError {}

/** No HTTP answer (or one that is not LINE's). */
export class Transport extends LineError {
  readonly kind: "connect" | "timeout" | "protocol" | "denied" | "";
}

/** Some batches of a multicast failed, the others were sent. */
export class BatchesFailed extends LineError {
  readonly retryKey: string;
  readonly batches: Array<Record<string, unknown>>;
}

/** A push with `requireFriend` to a user who is not a friend; nothing was sent. */
export class NotAFriend extends LineError {
  readonly userId: string;
}

/** A webhook batch that is not LINE's (`data.type`: `signature-mismatch`, ...). */
export class WebhookError extends LineError {}

/** The error object for an error's JSON. */
export function errorFor(data: ErrorData): LineError;
