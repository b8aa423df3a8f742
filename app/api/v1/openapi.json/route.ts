import { openApiRoute } from "@/server/api/handlers";

export { openApiRoute as GET };
