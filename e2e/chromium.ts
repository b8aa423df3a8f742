// How the journeys launch Debian's Chromium: the one list of flags, shared by
// playwright.config.ts and the custom-domain launch options (fixtures.ts CUSTOM_HOSTS).
export const CHROMIUM_LAUNCH = {
  executablePath: "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};
