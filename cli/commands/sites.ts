// patronus sites list: every site of the org, all pages.
import { collect, paginate } from "../../sdk/typescript/src/index";
import { type Command, ORG_OPTION } from "../command";
import { table } from "../table";

export const sitesList: Command = {
  words: ["sites", "list"],
  summary: "List the org's sites",
  options: {
    ...ORG_OPTION,
    json: { type: "boolean", description: "Print a JSON array (every field) instead of a table" },
  },
  async run({ api, values, out }) {
    const { patronus, orgSlug } = await api();
    const sites = await collect(
      paginate((cursor) =>
        patronus.GET("/orgs/{orgSlug}/sites", {
          params: { path: { orgSlug }, query: { cursor, limit: 500 } },
        }),
      ),
    );
    if (values.json) {
      out(JSON.stringify(sites, null, 2));
      return 0;
    }
    out(
      table(
        ["ID", "NAME", "DEVICES", "ONLINE", "CREATED"],
        sites.map((s) => [
          s.id,
          s.name,
          String(s.devices),
          String(s.online),
          s.createdAt.slice(0, 10),
        ]),
      ),
    );
    return 0;
  },
};
