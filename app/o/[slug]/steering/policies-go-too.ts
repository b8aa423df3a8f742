/** The confirmation of deleting a class or group that `policies` steering policies name. */
export const policiesGoToo = (policies?: number) =>
  policies
    ? `The ${policies} steering policies that use it are deleted with it.`
    : "No steering policy uses it.";
