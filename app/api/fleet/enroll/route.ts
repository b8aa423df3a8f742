import { enrollHandler } from "@/server/fleet/enroll/http";

export const dynamic = "force-dynamic";
export const POST = enrollHandler;
