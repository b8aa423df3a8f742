import type { NextConfig } from "next";

const config: NextConfig = {
  // Node-only packages stay out of the bundle and load from node_modules at run time.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "bullmq", "ioredis", "nodemailer"],
  poweredByHeader: false,
};

export default config;
