// The identity domain's public surface (users, orgs, members, invitations, sign-in): other
// domains import only this file.
export { identityRouters as routers } from "./router";
