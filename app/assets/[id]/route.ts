import { assetRoute } from "@/server/api/handlers";

// Brand images, public: sign-in pages show them before anyone signs in.
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return assetRoute((await params).id)(request);
}
