// Every failed call surfaces as a PatronusError built from the API's problem+json answer
// (RFC 9457: type, title, status, detail, code, requestId, errors). The common statuses have
// subclasses, so callers can `instanceof NotFoundError`; `code` is the API's stable reason.

export interface FieldError {
  path: string;
  message: string;
}

interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  requestId?: string;
  errors?: FieldError[];
}

export class PatronusError extends Error {
  /** HTTP status; 0 when no answer came (network failure). */
  readonly status: number;
  /** The API's machine-readable reason (NOT_FOUND, ...), or NETWORK_ERROR / HTTP_<status>. */
  readonly code: string;
  /** What went wrong, for a person. */
  readonly detail: string;
  /** Quote it when asking for help. */
  readonly requestId: string | undefined;
  /** The fields at fault (400). */
  readonly errors: FieldError[];
  readonly type: string;
  readonly title: string;
  /** The answer's headers (RateLimit, Retry-After, ...); empty for a network failure. */
  readonly headers: Headers;

  constructor(
    problem: Problem & { status: number; code: string },
    headers = new Headers(),
    cause?: unknown,
  ) {
    const detail = problem.detail ?? problem.title ?? `HTTP ${problem.status}`;
    super(problem.requestId ? `${detail} (request id ${problem.requestId})` : detail, { cause });
    this.name = new.target.name;
    this.status = problem.status;
    this.code = problem.code;
    this.detail = detail;
    this.requestId = problem.requestId;
    this.errors = problem.errors ?? [];
    this.type = problem.type ?? "about:blank";
    this.title = problem.title ?? "";
    this.headers = headers;
  }
}

export class ValidationError extends PatronusError {}
export class UnauthorizedError extends PatronusError {}
export class ForbiddenError extends PatronusError {}
export class NotFoundError extends PatronusError {}
export class ConflictError extends PatronusError {}
export class PreconditionFailedError extends PatronusError {}
export class RateLimitedError extends PatronusError {
  /** Seconds the API asked to wait (Retry-After), when it said. */
  get retryAfterSeconds(): number | undefined {
    const value = Number(this.headers.get("retry-after"));
    return this.headers.has("retry-after") && Number.isFinite(value) ? value : undefined;
  }
}
export class NetworkError extends PatronusError {}

const BY_STATUS: Record<number, typeof PatronusError> = {
  400: ValidationError,
  401: UnauthorizedError,
  403: ForbiddenError,
  404: NotFoundError,
  409: ConflictError,
  412: PreconditionFailedError,
  422: ValidationError,
  429: RateLimitedError,
};

const isProblem = (body: unknown): body is Problem =>
  typeof body === "object" && body !== null && !Array.isArray(body);

/** The error of a failed answer; `body` is its parsed JSON, its text, or undefined. */
export function errorOf(response: Response, body: unknown): PatronusError {
  const problem: Problem = isProblem(body) ? body : {};
  const Kind = BY_STATUS[response.status] ?? PatronusError;
  return new Kind(
    {
      ...problem,
      status: response.status,
      code: typeof problem.code === "string" ? problem.code : `HTTP_${response.status}`,
      detail:
        problem.detail ??
        (typeof body === "string" && body ? body.slice(0, 500) : response.statusText),
      requestId: problem.requestId ?? response.headers.get("x-request-id") ?? undefined,
    },
    response.headers,
  );
}

export function networkError(cause: unknown): NetworkError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new NetworkError(
    { status: 0, code: "NETWORK_ERROR", detail: `No answer from the API: ${reason}` },
    new Headers(),
    cause,
  );
}
