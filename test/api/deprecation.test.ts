import { describe, expect, it } from "vitest";
import { deprecate, deprecationHeaders } from "../../server/api/rest/deprecation";

describe("deprecated routes", () => {
  deprecate("GET /orgs/{orgSlug}/old-things/{thingId}", {
    since: "2027-01-01",
    sunset: "2027-07-01",
  });

  it("answer with Deprecation (RFC 9745) and Sunset (RFC 8594) on their paths only", () => {
    expect(deprecationHeaders("GET", "/api/v1/orgs/acme/old-things/t1")).toEqual({
      deprecation: "@1798761600",
      sunset: "Thu, 01 Jul 2027 00:00:00 GMT",
    });
    expect(deprecationHeaders("DELETE", "/api/v1/orgs/acme/old-things/t1")).toEqual({});
    expect(deprecationHeaders("GET", "/api/v1/orgs/acme/old-things/t1/more")).toEqual({});
    expect(deprecationHeaders("GET", "/api/v1/orgs/acme/sites")).toEqual({});
  });

  it("refuses a date that is not one", () => {
    expect(() => deprecate("GET /x", { since: "soon", sunset: "2027-07-01" })).toThrow(
      /YYYY-MM-DD/,
    );
  });
});
