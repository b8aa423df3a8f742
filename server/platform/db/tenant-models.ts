/**
 * Models whose rows belong to one organization. Each carries `orgId`, is covered by a
 * row-level-security policy in the migrations, and is guarded by tenant-guard.ts.
 * test/platform/db/isolation-layers.int.test.ts checks this list against the tables that have RLS enabled.
 *
 * `scopeKeys` are the fields a query may be scoped by. They mirror the RLS policies:
 * a user may list their own memberships in every org, and whoever holds an invitation's
 * token may read that invitation.
 */
export const TENANT_MODELS = {
  Membership: { table: "memberships", scopeKeys: ["orgId", "userId"] },
  Invitation: { table: "invitations", scopeKeys: ["orgId", "tokenHash"] },
  AuditLog: { table: "audit_logs", scopeKeys: ["orgId"] },
  FleetCa: { table: "fleet_cas", scopeKeys: ["orgId"] },
  FleetRevision: { table: "fleet_revisions", scopeKeys: ["orgId"] },
  IntentSnapshot: { table: "intent_snapshots", scopeKeys: ["orgId"] },
  Site: { table: "sites", scopeKeys: ["orgId"] },
  EnrollmentToken: { table: "enrollment_tokens", scopeKeys: ["orgId", "tokenHash"] },
  Device: { table: "devices", scopeKeys: ["orgId", "pollTokenHash"] },
  DeviceCertificate: { table: "device_certificates", scopeKeys: ["orgId"] },
  PolicyRule: { table: "policy_rules", scopeKeys: ["orgId"] },
  PortForward: { table: "port_forwards", scopeKeys: ["orgId"] },
  LbService: { table: "lb_services", scopeKeys: ["orgId"] },
  Rollout: { table: "rollouts", scopeKeys: ["orgId"] },
  WanLink: { table: "wan_links", scopeKeys: ["orgId"] },
  OverlaySettings: { table: "overlay_settings", scopeKeys: ["orgId"] },
  SlaClass: { table: "sla_classes", scopeKeys: ["orgId"] },
  AppClass: { table: "app_classes", scopeKeys: ["orgId"] },
  UserGroup: { table: "user_groups", scopeKeys: ["orgId"] },
  SteeringPolicy: { table: "steering_policies", scopeKeys: ["orgId"] },
  L2Segment: { table: "l2_segments", scopeKeys: ["orgId"] },
  PathEvent: { table: "path_events", scopeKeys: ["orgId"] },
  PathSample: { table: "path_samples", scopeKeys: ["orgId"] },
  BillingAccount: { table: "billing_accounts", scopeKeys: ["orgId"] },
  BillingInvoice: { table: "billing_invoices", scopeKeys: ["orgId"] },
  DeviceUsage: { table: "device_usage", scopeKeys: ["orgId"] },
  UsageHour: { table: "usage_hours", scopeKeys: ["orgId"] },
  UsageReport: { table: "usage_reports", scopeKeys: ["orgId"] },
} as const;

export type TenantModel = keyof typeof TENANT_MODELS;

/** Tables keyed by orgId on purpose without row-level security, and why. */
export const PUBLIC_ORG_TABLES: Record<string, string> = {
  fleet_trust: "public CA certificates and CRLs, which the broker trusts for every org",
};
