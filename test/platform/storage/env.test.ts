import { describe, expect, it } from "vitest";
import { parseEnv } from "../../../server/platform/env";
import { storeFromEnv } from "../../../server/platform/storage";

describe("storage settings", () => {
  it("defaults to the database driver", () => {
    expect(parseEnv({}).STORAGE_DRIVER).toBe("database");
  });

  it("names every S3 setting the s3 driver is missing", () => {
    expect(() => parseEnv({ STORAGE_DRIVER: "s3", S3_BUCKET: "logos" })).toThrow(
      /S3_ENDPOINT: required when STORAGE_DRIVER=s3[\s\S]*S3_ACCESS_KEY_ID[\s\S]*S3_SECRET_ACCESS_KEY/,
    );
  });

  it("refuses malformed values", () => {
    expect(() => parseEnv({ STORAGE_DRIVER: "ftp" })).toThrow(/STORAGE_DRIVER/);
    expect(() => parseEnv({ S3_BUCKET: "Not_A_Bucket" })).toThrow(/S3_BUCKET is not a valid/);
    expect(() => parseEnv({ S3_ENDPOINT: "ftp://x" })).toThrow(/S3_ENDPOINT/);
  });

  it("builds the driver the settings name", () => {
    const s3 = parseEnv({
      STORAGE_DRIVER: "s3",
      S3_ENDPOINT: "http://127.0.0.1:9000",
      S3_BUCKET: "logos",
      S3_ACCESS_KEY_ID: "id",
      S3_SECRET_ACCESS_KEY: "secret",
    });
    expect(storeFromEnv(s3).driver).toBe("s3");
    expect(storeFromEnv(parseEnv({ STORAGE_DRIVER: "filesystem" })).driver).toBe("filesystem");
  });
});
