import { pollHandler } from "@/server/api/handlers";

export const dynamic = "force-dynamic";
export const POST = pollHandler;
