// GET /o/{slug}/export/{list}?{the list's filters}: the list as CSV (export-csv.ts).
import type { NextRequest } from "next/server";
import { createContext } from "@/server/api/context";
import { createCaller } from "@/server/api/root";
import { exportCsv } from "./export-csv";

export async function GET(
  request: NextRequest,
  { params }: { params: Promise<{ slug: string; list: string }> },
) {
  const { slug, list } = await params;
  const caller = createCaller(await createContext(request.headers));
  return exportCsv(caller, slug, list, request.nextUrl.searchParams);
}
