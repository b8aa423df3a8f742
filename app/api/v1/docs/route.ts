import { docsPage } from "@/server/api/handlers";

export { docsPage as GET };
