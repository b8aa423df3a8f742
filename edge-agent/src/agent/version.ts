/** Reported in presence and enrollment; bump with the package version. */
export const AGENT_VERSION = "0.1.0";
