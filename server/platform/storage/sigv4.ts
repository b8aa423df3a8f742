import { createHash, createHmac } from "node:crypto";

/**
 * AWS Signature Version 4 for S3-compatible stores, with node:crypto only
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html).
 * Checked against AWS's published example in test/platform/storage/sigv4.test.ts.
 */
export interface SigningInput {
  method: string;
  url: URL;
  /** Headers to sign (host is added from the URL); names in any case. */
  headers: Record<string, string>;
  /** Hex SHA-256 of the body, also sent as x-amz-content-sha256. */
  payloadHash: string;
  region: string;
  service?: string;
  accessKeyId: string;
  secretAccessKey: string;
  now: Date;
}

export const sha256Hex = (data: Uint8Array | string) =>
  createHash("sha256").update(data).digest("hex");

const hmac = (key: Uint8Array | string, data: string) =>
  createHmac("sha256", key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters. */
export const uriEncode = (s: string) =>
  encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/** YYYYMMDD'T'HHMMSS'Z' */
export const amzDate = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");

function canonicalQuery(url: URL) {
  return [...url.searchParams]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort(([a, x], [b, y]) => (a! < b! ? -1 : a! > b! ? 1 : x! < y! ? -1 : x! > y! ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

/** The canonical request and the signed header names, exactly as the signature covers them. */
export function canonicalRequest(input: Omit<SigningInput, "accessKeyId" | "secretAccessKey">) {
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries({ host: input.url.host, ...input.headers }))
    headers.set(name.toLowerCase(), value.trim().replace(/\s+/g, " "));
  const names = [...headers.keys()].sort();
  // S3 signs the path as sent: each segment encoded once (no double encoding).
  const path = input.url.pathname
    .split("/")
    .map((segment) => uriEncode(decodeURIComponent(segment)))
    .join("/");
  const signedHeaders = names.join(";");
  const text = [
    input.method.toUpperCase(),
    path || "/",
    canonicalQuery(input.url),
    names.map((n) => `${n}:${headers.get(n)}\n`).join(""),
    signedHeaders,
    input.payloadHash,
  ].join("\n");
  return { text, signedHeaders };
}

/** The signature (hex) of a canonical request under the given secret and scope. */
export function signatureOf(
  canonical: string,
  secretAccessKey: string,
  stamp: string,
  region: string,
  service = "s3",
) {
  const day = stamp.slice(0, 8);
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", stamp, scope, sha256Hex(canonical)].join("\n");
  let key = hmac(`AWS4${secretAccessKey}`, day);
  for (const part of [region, service, "aws4_request"]) key = hmac(key, part);
  return { scope, signature: createHmac("sha256", key).update(toSign).digest("hex") };
}

/** The headers to send: the input's, plus x-amz-date, x-amz-content-sha256, Authorization. */
export function signRequest(input: SigningInput): Record<string, string> {
  const stamp = amzDate(input.now);
  const headers = {
    ...input.headers,
    "x-amz-date": stamp,
    "x-amz-content-sha256": input.payloadHash,
  };
  const { text, signedHeaders } = canonicalRequest({ ...input, headers });
  const { scope, signature } = signatureOf(
    text,
    input.secretAccessKey,
    stamp,
    input.region,
    input.service,
  );
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${input.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}
