import { restHandler } from "@/server/api/handlers";

export {
  restHandler as DELETE,
  restHandler as GET,
  restHandler as OPTIONS,
  restHandler as PATCH,
  restHandler as POST,
  restHandler as PUT,
};
