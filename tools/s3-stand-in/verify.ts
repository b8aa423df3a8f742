// SigV4 verification, written apart from the portal's signer (server/platform/storage/
// sigv4.ts) on purpose: a mistake shared by signer and verifier would pass unnoticed.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/s3\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;

function encode(s: string) {
  let out = "";
  for (const byte of Buffer.from(s, "utf8")) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Throws S3Error unless `headers` carry a valid signature of this request under `creds`. */
export function verifySignature(
  method: string,
  rawPath: string,
  headers: Record<string, string | undefined>,
  body: Buffer,
  creds: Credentials,
) {
  const auth = headers.authorization;
  if (!auth) throw new S3Error(403, "AccessDenied", "Anonymous access is not allowed");
  const m = AUTH.exec(auth);
  if (!m) throw new S3Error(400, "AuthorizationHeaderMalformed", "Malformed Authorization");
  const [, keyId, day, region, signedHeaders, signature] = m as unknown as string[];
  if (keyId !== creds.accessKeyId)
    throw new S3Error(403, "InvalidAccessKeyId", "The access key id does not exist");
  if (region !== creds.region)
    throw new S3Error(400, "AuthorizationHeaderMalformed", `Region must be ${creds.region}`);
  const stamp = headers["x-amz-date"] ?? "";
  if (!/^\d{8}T\d{6}Z$/.test(stamp) || stamp.slice(0, 8) !== day)
    throw new S3Error(400, "AuthorizationHeaderMalformed", "Bad or mismatched x-amz-date");
  const payloadHash = headers["x-amz-content-sha256"] ?? "";
  if (payloadHash !== createHash("sha256").update(body).digest("hex"))
    throw new S3Error(400, "XAmzContentSHA256Mismatch", "Body does not match its hash");
  const names = signedHeaders!.split(";");
  if (!names.includes("host") || !names.includes("x-amz-date"))
    throw new S3Error(400, "AuthorizationHeaderMalformed", "host and x-amz-date must be signed");

  const [pathPart, query = ""] = rawPath.split("?", 2) as [string, string?];
  const canonicalPath = pathPart
    .split("/")
    .map((s) => encode(decodeURIComponent(s)))
    .join("/");
  const canonicalQuery = query
    .split("&")
    .filter(Boolean)
    .map((p) =>
      p
        .split("=", 2)
        .map((x) => encode(decodeURIComponent(x ?? "")))
        .join("="),
    )
    .sort()
    .join("&");
  const canonicalHeaders = names
    .map((n) => `${n}:${(headers[n] ?? "").trim().replace(/\s+/g, " ")}\n`)
    .join("");
  const canonical = [
    method,
    canonicalPath,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join("\n");
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = `AWS4-HMAC-SHA256\n${stamp}\n${scope}\n${createHash("sha256").update(canonical).digest("hex")}`;
  const mac = (key: Buffer | string, data: string) =>
    createHmac("sha256", key).update(data).digest();
  const signingKey = mac(
    mac(mac(mac(`AWS4${creds.secretAccessKey}`, day!), region!), "s3"),
    "aws4_request",
  );
  const expected = createHmac("sha256", signingKey).update(toSign).digest();
  if (!timingSafeEqual(expected, Buffer.from(signature!, "hex")))
    throw new S3Error(
      403,
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided",
    );
}
