/**
 * The platform's one file storage interface. Drivers (database, filesystem, s3) store
 * opaque bytes under a key; what the bytes are and who may see them is decided above
 * (server/platform/assets). Keys are platform-made, never user input: a bad key is a bug.
 */
export interface StoredBlob {
  bytes: Uint8Array;
  contentType: string;
}

export interface BlobStore {
  readonly driver: "database" | "filesystem" | "s3";
  /** Stores `bytes` under `key`, replacing what was there. */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The object, or null when there is none. */
  get(key: string): Promise<StoredBlob | null>;
  /** Removes the object; a missing one is not an error (idempotent). */
  delete(key: string): Promise<void>;
}

// Segments of letters, digits, '.', '_' and '-', not starting with '.', joined by '/':
// no "..", no absolute paths, no empty segments, nothing a filesystem or URL would read
// differently from the string.
const KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}(\/[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}){0,7}$/;
// type/subtype, with optional parameters; no control characters (a header value).
const CONTENT_TYPE =
  /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}(;[ -~]{1,200})?$/i;

export function assertKey(key: string): string {
  if (!KEY.test(key)) throw new Error(`Invalid storage key: ${JSON.stringify(key)}`);
  return key;
}

export function assertContentType(contentType: string): string {
  if (!CONTENT_TYPE.test(contentType))
    throw new Error(`Invalid content type: ${JSON.stringify(contentType)}`);
  return contentType;
}
