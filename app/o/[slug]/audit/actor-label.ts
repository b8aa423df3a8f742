const KIND_LABELS: Record<string, string> = {
  apiKey: "API key",
  device: "device",
  system: "system",
};

/** A user by email; an API key, device or system job by kind and id. */
export function actorLabel(e: {
  actorKind: string | null;
  actorId: string | null;
  actorEmail: string | null;
}) {
  if (e.actorEmail) return e.actorEmail;
  if (!e.actorKind || e.actorKind === "user") return "system";
  return `${KIND_LABELS[e.actorKind] ?? e.actorKind} ${e.actorId ?? ""}`.trim();
}
