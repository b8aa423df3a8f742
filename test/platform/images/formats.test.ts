import { describe, expect, it } from "vitest";
import { AppError } from "../../../server/platform/errors";
import { validateImage } from "../../../server/platform/images";
import { gif, ico, jpeg, png, svg, webpExtended, webpLossless, webpLossy } from "./build-images";

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("BAD_REQUEST");
    return (error as AppError).message;
  }
  throw new Error("expected a refusal");
}

describe("sniffing and dimensions, by content", () => {
  const cases: [string, Buffer, string, number, number][] = [
    ["PNG", png(300, 120), "image/png", 300, 120],
    ["JPEG", jpeg(640, 200), "image/jpeg", 640, 200],
    ["GIF", gif(100, 50), "image/gif", 100, 50],
    ["WebP lossless", webpLossless(1000, 333), "image/webp", 1000, 333],
    ["WebP lossy", webpLossy(257, 99), "image/webp", 257, 99],
    ["WebP extended", webpExtended(2048, 1024), "image/webp", 2048, 1024],
    [
      "SVG",
      svg("<rect width='1' height='1'/>", 'viewBox="0 0 120.5 40"'),
      "image/svg+xml",
      121,
      40,
    ],
  ];
  it.each(cases)("reads a %s", (_n, bytes, contentType, width, height) => {
    const image = validateImage("logo", bytes);
    expect(image).toMatchObject({ contentType, width, height });
  });

  it("reads an ICO's size from its PNG image, and SVG width/height over viewBox", () => {
    expect(validateImage("favicon", ico(48, 48))).toMatchObject({
      contentType: "image/x-icon",
      width: 48,
      height: 48,
    });
    expect(validateImage("favicon", ico(256, 256))).toMatchObject({ width: 256, height: 256 });
    const s = validateImage("favicon", svg("", 'width="32px" height="32" viewBox="0 0 1 1"'));
    expect(s).toMatchObject({ width: 32, height: 32 });
  });

  it("ignores what a file claims to be: a PNG named .svg is a PNG, HTML is refused", () => {
    expect(validateImage("logo", png(20, 20)).contentType).toBe("image/png");
    expect(refusal(() => validateImage("logo", Buffer.from("<html><script>1</script>")))).toMatch(
      /not an image this logo accepts \(PNG, JPEG, WebP, GIF, SVG\)/,
    );
    expect(refusal(() => validateImage("logo", Buffer.from("%PDF-1.7\n")))).toMatch(/not an image/);
    expect(refusal(() => validateImage("logo", Buffer.alloc(0)))).toBe("The file is empty");
  });
});

describe("limits per slot, naming the limit and what was measured", () => {
  it("refuses too large, too small, too wide and the wrong format", () => {
    expect(refusal(() => validateImage("logo", png(4096, 20)))).toBe(
      "The logo is 4096x20 pixels; at most 2048x2048 is allowed",
    );
    expect(refusal(() => validateImage("logo", png(8, 8)))).toBe(
      "The logo is 8x8 pixels; at least 16x16 is needed",
    );
    expect(refusal(() => validateImage("favicon", png(64, 32)))).toBe(
      "The favicon is 64x32; its sides may differ by at most 1.25:1",
    );
    expect(refusal(() => validateImage("favicon", png(1024, 1024)))).toMatch(
      /1024x1024 pixels; at most 512x512/,
    );
    expect(refusal(() => validateImage("favicon", jpeg(32, 32)))).toBe(
      "A favicon cannot be JPEG; use PNG, ICO, SVG",
    );
    expect(refusal(() => validateImage("logo", ico(32, 32)))).toMatch(/A logo cannot be ICO/);
    const big = Buffer.concat([png(20, 20), Buffer.alloc(512 * 1024)]);
    expect(refusal(() => validateImage("logo", big))).toMatch(
      /^The logo is 512\.\d KiB; at most 512 KiB is allowed$/,
    );
    const svgBig = svg(`<desc>${"x".repeat(110 * 1024)}</desc>`);
    expect(refusal(() => validateImage("favicon", svgBig))).toMatch(/at most 100 KiB/);
  });
});

describe("truncated and damaged files", () => {
  const files = {
    png: png(20, 20),
    jpeg: jpeg(20, 20),
    gif: gif(20, 20),
    webp: webpLossless(20, 20),
    webpLossy: webpLossy(20, 20),
    ico: ico(20, 20),
  };
  it.each(Object.entries(files))(
    "refuses every truncation of a %s with a clear error",
    (_n, file) => {
      for (let length = 1; length < file.length; length++) {
        const slot = _n === "ico" ? "favicon" : "logo";
        expect(refusal(() => validateImage(slot, file.subarray(0, length)))).toMatch(
          /truncated|damaged|not an image|no valid|no frame|no end|has no|unknown/,
        );
      }
    },
  );

  it("refuses a PNG whose chunk checksum does not match", () => {
    const file = png(20, 20);
    file[45] = (file[45] ?? 0) ^ 0xff; // inside IDAT's data
    expect(refusal(() => validateImage("logo", file))).toBe(
      "The PNG file is damaged (a chunk's checksum does not match)",
    );
  });

  it("refuses random garbage behind each format's signature, never failing otherwise", () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 16;
    };
    for (const file of Object.values(files))
      for (let n = 0; n < 300; n++) {
        const copy = Buffer.from(file);
        for (let k = 0; k < 1 + (rand() % 4); k++)
          copy[12 + (rand() % (copy.length - 12))] = rand() & 255;
        try {
          validateImage("favicon", copy);
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
        }
      }
  });
});
