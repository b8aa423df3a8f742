import type { z } from "zod";
import type { ZCustomersOverview, ZOverview } from "@/server/domains/overview/schemas";

export type Overview = z.infer<typeof ZOverview>;
export type CustomerRow = z.infer<typeof ZCustomersOverview>["customers"][number];
