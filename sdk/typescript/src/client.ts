// createPatronus(): the typed client of the Patronus REST API v1, on openapi-fetch with the
// types generated from sdk/openapi.json. Each method answers `{ data, response }` and throws
// a PatronusError (errors.ts) for anything but a 2xx, after the retries of retry.ts.
import createClient, {
  type Client,
  type FetchResponse,
  type MaybeOptionalInit,
} from "openapi-fetch";
import { errorOf, networkError } from "./errors.js";
import { type RetryOptions, retryingFetch } from "./retry.js";
import type { paths } from "./schema.js";

export const SDK_VERSION = "0.1.0";

export interface PatronusOptions {
  /** The portal's URL (https://patronus.example.com); /api/v1 is added when missing. */
  baseUrl: string;
  /** An org API key, pat_… */
  apiKey: string;
  /** A fetch to use instead of the global one (proxies, tests). */
  fetch?: (input: Request, init?: RequestInit) => Promise<Response>;
  /** Retries of 429, 503 and network failures: a count, or the details (retry.ts). */
  retries?: number | RetryOptions;
  /** Extra headers sent with every call. */
  headers?: Record<string, string>;
}

type Method = "get" | "put" | "post" | "delete" | "patch";
type PathsWith<M extends Method> = {
  [P in keyof paths]: paths[P] extends { [K in M]: object } ? P : never;
}[keyof paths];
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type InitArg<Init> = RequiredKeys<Init> extends never ? [Init?] : [Init];
/** A successful answer: errors are thrown, so `data` is always the 2xx body. */
type Success<R extends { data?: unknown }> = { data: NonNullable<R["data"]>; response: Response };

/** A typed call: the path's parameters, body and answer come from the OpenAPI document. */
export type PatronusMethod<M extends Method> = <
  P extends PathsWith<M>,
  Init extends MaybeOptionalInit<paths[P], M>,
>(
  path: P,
  ...init: InitArg<Init>
) => Promise<Success<FetchResponse<paths[P][M] & object, Init, `${string}/${string}`>>>;

export interface Patronus {
  GET: PatronusMethod<"get">;
  POST: PatronusMethod<"post">;
  PUT: PatronusMethod<"put">;
  PATCH: PatronusMethod<"patch">;
  DELETE: PatronusMethod<"delete">;
  /** The openapi-fetch client underneath: answers `{ data, error }` instead of throwing. */
  raw: Client<paths>;
}

function apiBase(baseUrl: string) {
  const trimmed = baseUrl.replace(/\/+$/, "");
  return trimmed.endsWith("/api/v1") ? trimmed : `${trimmed}/api/v1`;
}

export function createPatronus(options: PatronusOptions): Patronus {
  const retries = typeof options.retries === "number" ? { max: options.retries } : options.retries;
  const base = options.fetch ?? ((input: Request, init?: RequestInit) => fetch(input, init));
  const raw = createClient<paths>({
    baseUrl: apiBase(options.baseUrl),
    fetch: retryingFetch(base, retries),
    headers: {
      ...options.headers,
      authorization: `Bearer ${options.apiKey}`,
      "user-agent": `patronus-sdk-typescript/${SDK_VERSION}`,
    },
  });
  const strict =
    (method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE") =>
    async (path: string, init?: object) => {
      const call = raw[method] as (
        p: string,
        i?: object,
      ) => Promise<FetchResponse<never, never, never>>;
      let answer: { data?: unknown; error?: unknown; response: Response };
      try {
        answer = await call(path, init);
      } catch (error) {
        throw error instanceof TypeError ? networkError(error) : error;
      }
      if (!answer.response.ok) throw errorOf(answer.response, answer.error);
      return answer;
    };
  return {
    GET: strict("GET") as PatronusMethod<"get">,
    POST: strict("POST") as PatronusMethod<"post">,
    PUT: strict("PUT") as PatronusMethod<"put">,
    PATCH: strict("PATCH") as PatronusMethod<"patch">,
    DELETE: strict("DELETE") as PatronusMethod<"delete">,
    raw,
  };
}
