import { assertContentType, assertKey, type BlobStore } from "./blob-store";
import { sha256Hex, signRequest } from "./sigv4";

export interface S3Config {
  /** http(s)://host[:port] of the S3-compatible service; requests are path-style. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** One request's time limit. */
  timeoutMs?: number;
}

/** S3's error code from its XML answer (<Code>…</Code>), for the message. */
function errorCode(body: string) {
  return /<Code>([^<]{1,100})<\/Code>/.exec(body)?.[1] ?? "unknown error";
}

/**
 * Objects in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2, …), path-style
 * (<endpoint>/<bucket>/<key>), every request signed with SigV4 (sigv4.ts).
 */
export function s3Store(config: S3Config): BlobStore {
  const base = config.endpoint.replace(/\/+$/, "");

  async function send(method: string, key: string, body?: Uint8Array, contentType?: string) {
    const url = new URL(`${base}/${encodeURIComponent(config.bucket)}/${assertKey(key)}`);
    const headers = signRequest({
      method,
      url,
      headers: contentType ? { "content-type": contentType } : {},
      payloadHash: sha256Hex(body ?? new Uint8Array()),
      region: config.region,
      accessKeyId: config.accessKeyId,
      secretAccessKey: config.secretAccessKey,
      now: new Date(),
    });
    return fetch(url, {
      method,
      headers,
      body: body ? new Uint8Array(body) : undefined,
      signal: AbortSignal.timeout(config.timeoutMs ?? 15_000),
    });
  }

  async function fail(response: Response, what: string): Promise<never> {
    const body = await response.text().catch(() => "");
    throw new Error(`S3 ${what} failed: HTTP ${response.status} ${errorCode(body)}`);
  }

  return {
    driver: "s3",
    async put(key, bytes, contentType) {
      const response = await send("PUT", key, bytes, assertContentType(contentType));
      if (!response.ok) await fail(response, `PUT ${key}`);
      await response.body?.cancel();
    },
    async get(key) {
      const response = await send("GET", key);
      if (response.status === 404) {
        await response.body?.cancel();
        return null;
      }
      if (!response.ok) await fail(response, `GET ${key}`);
      return {
        bytes: new Uint8Array(await response.arrayBuffer()),
        contentType: response.headers.get("content-type") ?? "application/octet-stream",
      };
    },
    async delete(key) {
      const response = await send("DELETE", key);
      if (!response.ok && response.status !== 404) await fail(response, `DELETE ${key}`);
      await response.body?.cancel();
    },
  };
}
