// Every row a list's filters match, as CSV, paged through the list's own procedure with the
// caller of the signed-in user (so the same permission and tenant checks: another org's list
// is a 404, a missing permission a 403). Streamed page by page: an org's whole audit log
// never sits in memory.
import { TRPCError } from "@trpc/server";
import { listInput, readListState } from "@/app/_components/list/list-state";
import { CSV_BOM, csvRow, safeFilename } from "@/app/_lib/csv";
import { PAGE_MAX } from "@/server/api/shared";
import { isListName, LIST_SPECS } from "../../list-specs";
import { type Caller, EXPORTS } from "./exports";

const STATUS: Partial<Record<TRPCError["code"], number>> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
};

const problem = (status: number, detail: string) =>
  Response.json({ title: detail, status }, { status, headers: { "cache-control": "no-store" } });

/** The CSV answer of `list` in org `slug`, for `caller`, with the filters of `search`. */
export async function exportCsv(
  caller: Caller,
  slug: string,
  list: string,
  search: URLSearchParams,
): Promise<Response> {
  if (!isListName(list)) return problem(404, "No such list");
  const spec = LIST_SPECS[list];
  const { columns, fetch } = EXPORTS[list];
  const state = readListState(spec, (name) => search.get(name));
  const input = { ...listInput(spec, state), orgSlug: slug, limit: PAGE_MAX };

  // The first page before the answer starts, so a refusal is a status rather than a file.
  let first: Awaited<ReturnType<typeof fetch>>;
  try {
    first = await fetch(caller, input);
  } catch (error) {
    if (!(error instanceof TRPCError) || !STATUS[error.code]) throw error;
    const status = STATUS[error.code] as number;
    return problem(status, status === 400 ? error.message : "Not available");
  }

  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(out) {
      out.enqueue(encoder.encode(CSV_BOM + csvRow(columns.map(([header]) => header))));
      let page = first;
      for (;;) {
        out.enqueue(
          encoder.encode(page.items.map((row) => csvRow(columns.map(([, v]) => v(row)))).join("")),
        );
        if (!page.next) break;
        page = await fetch(caller, { ...input, cursor: page.next });
      }
      out.close();
    },
  });
  const day = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${safeFilename(`${slug}-${list}-${day}.csv`)}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
