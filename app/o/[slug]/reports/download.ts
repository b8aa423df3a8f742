// The report downloads (/o/{slug}/reports/sla.csv and .pdf): the signed-in user's caller,
// so the same permission and tenant checks as the page (another org or site is a 404, a
// bad month a 400 that says why), then the file.
import { TRPCError } from "@trpc/server";
import type { NextRequest } from "next/server";
import { safeFilename } from "@/app/_lib/csv";
import { createContext } from "@/server/api/context";
import { createCaller } from "@/server/api/root";

const STATUS: Partial<Record<TRPCError["code"], number>> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
};

type Caller = ReturnType<typeof createCaller>;
type Input = Parameters<Caller["report"]["sla"]>[0];

/** The procedure's input from the query string (?month=YYYY-MM&siteId= or ?from=&to=). */
function inputOf(slug: string, search: URLSearchParams): Input {
  const input: Record<string, string> = { orgSlug: slug };
  for (const name of ["month", "from", "to", "siteId"]) {
    const value = search.get(name);
    if (value) input[name] = value;
  }
  return input as Input;
}

/** `make`'s file, or the refusal as problem+json. */
export async function download(
  request: NextRequest,
  params: Promise<{ slug: string }>,
  ext: "csv" | "pdf",
  make: (caller: Caller, input: Input) => Promise<{ body: BodyInit; type: string; month: string }>,
) {
  const { slug } = await params;
  const caller = createCaller(await createContext(request.headers));
  let file: Awaited<ReturnType<typeof make>>;
  try {
    file = await make(caller, inputOf(slug, request.nextUrl.searchParams));
  } catch (error) {
    const status = error instanceof TRPCError ? STATUS[error.code] : undefined;
    if (!status) throw error;
    const title = status === 400 ? (error as Error).message : "Not available";
    return Response.json(
      { title, status },
      {
        status,
        headers: { "cache-control": "no-store", "content-type": "application/problem+json" },
      },
    );
  }
  const name = safeFilename(`${slug}-sla-${file.month}.${ext}`);
  return new Response(file.body, {
    headers: {
      "content-type": file.type,
      "content-disposition": `attachment; filename="${name}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}

/** The report's period in a file name: the month, or the from date. */
export const monthOf = (p: { month: string | null; from: Date }) =>
  p.month ?? p.from.toISOString().slice(0, 10);
