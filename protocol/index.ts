// The wire protocol of the fleet channel, imported by the server and the edge agent alike.
export * from "./acl";
export * from "./channels";
export * from "./clock";
export * from "./dataplane-telemetry";
export * from "./exposition";
export * from "./hash";
export * from "./messages";
export * from "./metrics-endpoint";
export * from "./overlay";
export * from "./sections";
export * from "./topics";
export * from "./trace";
export * from "./usage";
