// A small S3-compatible stand-in for development and tests: path-style PUT/GET/DELETE of
// objects, kept in memory, each request's SigV4 signature verified with the same secret
// (bad ones get S3's XML error). Loopback only. Not a storage service: no listing,
// multipart, versioning or persistence.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { type Credentials, S3Error, verifySignature } from "./verify";

/** Larger bodies are refused (EntityTooLarge) before they are read to the end. */
const MAX_OBJECT_BYTES = 16 * 1024 * 1024;

export interface S3StandIn {
  /** http://127.0.0.1:<port> */
  url: string;
  /** bucket/key -> object, for tests to look at. */
  objects: Map<string, { bytes: Buffer; contentType: string }>;
  close(): Promise<void>;
}

export interface StandInOptions extends Credentials {
  buckets: string[];
  port?: number;
}

function xmlError(error: S3Error, resource: string) {
  const esc = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.code}</Code><Message>${esc(error.message)}</Message><Resource>${esc(resource)}</Resource><RequestId>${randomBytes(8).toString("hex")}</RequestId></Error>`;
}

async function readBody(req: IncomingMessage) {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_OBJECT_BYTES) throw new S3Error(400, "EntityTooLarge", "Object too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function startS3StandIn(options: StandInOptions): Promise<S3StandIn> {
  const objects: S3StandIn["objects"] = new Map();
  const server = createServer(async (req, res) => {
    const rawPath = req.url ?? "/";
    try {
      const body = await readBody(req);
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : v]),
      );
      verifySignature(req.method ?? "", rawPath, headers, body, options);
      const match = /^\/([^/?]+)\/([^?]+)$/.exec(rawPath);
      if (!match) throw new S3Error(400, "InvalidRequest", "Expected /<bucket>/<key>");
      const bucket = decodeURIComponent(match[1]!);
      if (!options.buckets.includes(bucket))
        throw new S3Error(404, "NoSuchBucket", "The specified bucket does not exist");
      const id = `${bucket}/${decodeURIComponent(match[2]!)}`;
      if (req.method === "PUT") {
        const contentType = req.headers["content-type"] ?? "binary/octet-stream";
        objects.set(id, { bytes: body, contentType });
        res.writeHead(200, { etag: `"${id.length}"` }).end();
      } else if (req.method === "GET") {
        const object = objects.get(id);
        if (!object) throw new S3Error(404, "NoSuchKey", "The specified key does not exist.");
        res.writeHead(200, { "content-type": object.contentType }).end(object.bytes);
      } else if (req.method === "DELETE") {
        objects.delete(id);
        res.writeHead(204).end();
      } else throw new S3Error(405, "MethodNotAllowed", "Only PUT, GET and DELETE");
    } catch (e) {
      const error = e instanceof S3Error ? e : new S3Error(500, "InternalError", "Internal error");
      if (!res.headersSent)
        res
          .writeHead(error.status, { "content-type": "application/xml" })
          .end(xmlError(error, rawPath));
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    objects,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
