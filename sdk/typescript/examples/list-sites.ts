// Lists an org's sites, every page: PATRONUS_URL=https://… PATRONUS_API_KEY=pat_…
// PATRONUS_ORG=acme npx tsx sdk/typescript/examples/list-sites.ts
import { createPatronus, PatronusError, paginate } from "../src/index.js";

const { PATRONUS_URL, PATRONUS_API_KEY, PATRONUS_ORG } = process.env;
if (!PATRONUS_URL || !PATRONUS_API_KEY || !PATRONUS_ORG) {
  console.error("Set PATRONUS_URL, PATRONUS_API_KEY and PATRONUS_ORG");
  process.exit(2);
}

const patronus = createPatronus({ baseUrl: PATRONUS_URL, apiKey: PATRONUS_API_KEY });
const orgSlug = PATRONUS_ORG;

try {
  const sites = paginate((cursor) =>
    patronus.GET("/orgs/{orgSlug}/sites", {
      params: { path: { orgSlug }, query: { cursor, limit: 100 } },
    }),
  );
  for await (const site of sites)
    console.log(`${site.id}  ${site.name}  ${site.online}/${site.devices} online`);
} catch (error) {
  if (!(error instanceof PatronusError)) throw error;
  console.error(`${error.code}: ${error.detail} (request id ${error.requestId ?? "none"})`);
  process.exit(1);
}
