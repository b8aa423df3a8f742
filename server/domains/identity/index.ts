// The identity domain's public surface (users, orgs, members, invitations, sign-in): other
// domains import only this file. Its API is ./router.ts, which only server/api/root.ts uses.

export { identityFeature as feature } from "./feature";
