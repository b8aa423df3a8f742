import { docsAsset } from "@/server/api/handlers";

export async function GET(request: Request, { params }: { params: Promise<{ asset: string }> }) {
  return docsAsset((await params).asset)(request);
}
