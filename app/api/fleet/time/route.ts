import { timeHandler } from "@/server/api/handlers";

export const dynamic = "force-dynamic";
export const GET = timeHandler;
