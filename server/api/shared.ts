// Values the browser bundle shares with the server (no secrets, no I/O).
export { ROLES } from "../platform/tenancy/permissions";
