// The Helm chart (deploy/helm/patronus): helm lint and helm template pass with the default
// values and with a production-shaped values file; every rendered object is valid for its
// Kubernetes kind (kubernetes-models' schemas); and what the chart promises holds in the
// output: secrets only by reference, probes, resources and non-root everywhere, budgets and
// autoscalers that select their Deployments, singletons that stay single, and every
// variable of .env.example either configurable or deliberately set.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Job } from "kubernetes-models/batch/v1";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Service, ServiceAccount } from "kubernetes-models/v1";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import schema from "../../deploy/helm/patronus/values.schema.json";
import {
  CHART,
  containersOf,
  exampleVariables,
  type Helm,
  installHelm,
  type Manifest,
  podSpecOf,
  ROOT,
  render,
} from "./chart";

const SCALED = join(import.meta.dirname, "fixtures", "scaled-values.yaml");
const SECRET_VARIABLES = Object.keys(schema.properties.secrets.properties.env.properties);
const CONFIG_VARIABLES = Object.keys(schema.properties.config.properties);
/** Variables of .env.example a cluster install does not use, and why. */
const NOT_IN_CLUSTER: Record<string, string> = {
  FLEET_MOSQUITTO_DIR: "the chart runs the embedded broker (FLEET_BROKER=embedded)",
  STORAGE_DIR: "the filesystem storage driver needs a volume shared by every portal",
  MAIL_OUTBOX_UI: "never on in production",
  PATRONUS_LOCAL_SERVICES: "npm start only",
  TEST_DATABASE_ADMIN_URL: "tests only",
  TEST_REDIS_CLUSTER: "tests only",
};

/** The kinds the chart renders, each with its model; a new kind is added here. */
const MODELS: Record<string, new (data: Manifest) => { validate(): void }> = {
  "apps/v1 Deployment": Deployment,
  "autoscaling/v2 HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "batch/v1 Job": Job,
  "networking.k8s.io/v1 Ingress": Ingress,
  "policy/v1 PodDisruptionBudget": PodDisruptionBudget,
  "v1 ConfigMap": ConfigMap,
  "v1 Service": Service,
  "v1 ServiceAccount": ServiceAccount,
};

let dir: string;
let helm: Helm;
const rendered: Record<"defaults" | "scaled", Manifest[]> = { defaults: [], scaled: [] };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "patronus-helm-"));
  helm = installHelm(dir);
  for (const [name, files] of [
    ["defaults", []],
    ["scaled", [SCALED]],
  ] as const) {
    const { error, manifests } = render(helm, [...files]);
    if (error) throw new Error(`helm template (${name}) failed:\n${error}`);
    rendered[name] = manifests;
  }
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const byKind = (manifests: Manifest[], kind: string) => manifests.filter((m) => m.kind === kind);
const matches = (labels: Record<string, string>, selector: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

describe.each(["defaults", "scaled"] as const)("the chart rendered with %s", (name) => {
  const manifests = () => rendered[name];

  it("passes helm lint --strict", () => {
    const run = helm("lint", "--strict", CHART, ...(name === "scaled" ? ["-f", SCALED] : []));
    expect(run.status, run.out).toBe(0);
  });

  it("renders only objects valid for their Kubernetes kind", () => {
    expect(manifests().length).toBeGreaterThan(10);
    for (const m of manifests()) {
      const Model = MODELS[`${m.apiVersion} ${m.kind}`];
      expect(Model, `${m.apiVersion} ${m.kind} has a model in MODELS`).toBeTypeOf("function");
      if (Model)
        expect(() => new Model(m).validate(), `${m.kind}/${m.metadata.name}`).not.toThrow();
    }
  });

  it("holds no secret value: secrets come only through secretKeyRef", () => {
    expect(byKind(manifests(), "Secret")).toEqual([]);
    for (const cm of byKind(manifests(), "ConfigMap"))
      for (const key of Object.keys(cm.data ?? {})) expect(SECRET_VARIABLES).not.toContain(key);
    for (const { owner, container } of containersOf(manifests())) {
      for (const entry of container.env ?? []) {
        if (!SECRET_VARIABLES.includes(entry.name)) continue;
        const where = `${owner.metadata.name}/${container.name} ${entry.name}`;
        expect(entry.value, where).toBeUndefined();
        expect(entry.valueFrom?.secretKeyRef?.name, where).toBeTruthy();
        expect(entry.valueFrom?.secretKeyRef?.key, where).toBeTruthy();
      }
    }
  });

  it("gives the owner connection to the migration Job only", () => {
    const owners = containersOf(manifests())
      .filter(({ container }) =>
        container.env?.some((e: { name: string }) => e.name === "DATABASE_URL"),
      )
      .map(({ owner }) => owner.kind);
    expect(owners).toEqual(["Job"]);
  });

  it("gives every container resources, and runs it as non-root on a read-only root", () => {
    for (const { owner, pod, container } of containersOf(manifests())) {
      const where = `${owner.metadata.name}/${container.name}`;
      expect(container.resources?.requests?.cpu, where).toBeTruthy();
      expect(container.resources?.requests?.memory, where).toBeTruthy();
      expect(container.resources?.limits?.memory, where).toBeTruthy();
      const ctx = { ...pod.securityContext, ...container.securityContext };
      expect(ctx.runAsNonRoot, where).toBe(true);
      expect(ctx.runAsUser, where).toBeGreaterThan(0);
      expect(ctx.readOnlyRootFilesystem, where).toBe(true);
      expect(ctx.allowPrivilegeEscalation, where).toBe(false);
      expect(ctx.capabilities?.drop, where).toContain("ALL");
      expect(pod.automountServiceAccountToken, where).toBe(false);
    }
  });

  it("probes every process on an endpoint it serves", () => {
    const deployments = byKind(manifests(), "Deployment");
    expect(
      deployments.map((d) => d.metadata.labels?.["app.kubernetes.io/component"]).sort(),
    ).toEqual(["fleet", "ingest", "portal", "worker"]);
    for (const { owner, container, init } of containersOf(deployments)) {
      if (init) continue;
      const where = `${owner.metadata.name}/${container.name}`;
      const ports = new Map<string, number>(
        (container.ports ?? []).map((p: { name: string; containerPort: number }) => [
          p.name,
          p.containerPort,
        ]),
      );
      const env = new Map<string, string | undefined>(
        (container.env ?? []).map((e: { name: string; value?: string }) => [e.name, e.value]),
      );
      for (const kind of ["startupProbe", "readinessProbe", "livenessProbe"]) {
        const probe = container[kind];
        expect(probe, `${where} ${kind}`).toBeTruthy();
        if (probe.httpGet) {
          expect(ports.has(probe.httpGet.port), `${where} ${kind} port`).toBe(true);
          const route = join(ROOT, "app", probe.httpGet.path, "route.ts");
          expect(existsSync(route), `${where} ${kind}: ${route}`).toBe(true);
        } else if (probe.tcpSocket) {
          expect(ports.has(probe.tcpSocket.port), `${where} ${kind} port`).toBe(true);
        } else {
          // The image's probe script on the process's own /metrics port.
          const [node, script, url] = probe.exec.command;
          expect([node, script]).toEqual(["node", "deploy/docker/probe.mjs"]);
          expect(existsSync(join(ROOT, script))).toBe(true);
          const port = Number(new URL(url).port);
          expect([...ports.values()], `${where} ${kind}`).toContain(port);
          const metricsPort = [...env].find(([k]) => k.startsWith("METRICS_PORT_"))?.[1];
          expect(Number(metricsPort), `${where}: probed port is its METRICS_PORT_*`).toBe(port);
        }
      }
    }
  });

  it("has budgets, autoscalers and Services that select their Deployments' pods", () => {
    const deployments = byKind(manifests(), "Deployment");
    const podsOf = (selector: Record<string, string>) =>
      deployments.filter((d) => matches(d.spec.template.metadata.labels, selector));
    const pdbs = byKind(manifests(), "PodDisruptionBudget");
    expect(pdbs).toHaveLength(4);
    for (const pdb of pdbs) {
      const [target, ...more] = podsOf(pdb.spec.selector.matchLabels);
      expect(target, pdb.metadata.name).toBeTruthy();
      expect(more, pdb.metadata.name).toEqual([]);
      expect(target?.spec.selector.matchLabels).toEqual(pdb.spec.selector.matchLabels);
    }
    for (const service of byKind(manifests(), "Service")) {
      const [target, ...more] = podsOf(service.spec.selector);
      expect(target, service.metadata.name).toBeTruthy();
      expect(more).toEqual([]);
      const portNames = podSpecOf(target as Manifest).containers.flatMap(
        (c: { ports?: { name: string }[] }) => (c.ports ?? []).map((p) => p.name),
      );
      for (const port of service.spec.ports) expect(portNames).toContain(port.targetPort);
    }
    const hpas = byKind(manifests(), "HorizontalPodAutoscaler");
    expect(hpas.map((h) => h.spec.scaleTargetRef.name).sort()).toEqual(
      name === "scaled" ? ["patronus-portal", "patronus-worker"] : [],
    );
    for (const hpa of hpas) {
      const target = deployments.find((d) => d.metadata.name === hpa.spec.scaleTargetRef.name);
      expect(target, hpa.metadata.name).toBeTruthy();
      // An autoscaled Deployment leaves replicas to its autoscaler (else each upgrade resets them).
      expect(target?.spec.replicas, hpa.metadata.name).toBeUndefined();
    }
  });

  it("keeps a lone fleet broker single and stop-first; clustered brokers and ingest workers roll", () => {
    const deployment = (component: string) =>
      byKind(manifests(), "Deployment").find(
        (m) => m.metadata.labels?.["app.kubernetes.io/component"] === component,
      );
    const config = byKind(manifests(), "ConfigMap")[0]?.data ?? {};
    const [fleet, ingest] = [deployment("fleet"), deployment("ingest")];
    if (name === "defaults") {
      expect(config.FLEET_BROKER_CLUSTER).toBe("off");
      expect(fleet?.spec.replicas).toBe(1);
      expect(fleet?.spec.strategy?.type).toBe("Recreate");
      expect(ingest?.spec.replicas).toBe(1);
    } else {
      // Several brokers sharing their state through Redis; a new one joins before one leaves.
      expect(config.FLEET_BROKER_CLUSTER).toBe("redis");
      expect(fleet?.spec.replicas).toBe(3);
      expect(fleet?.spec.strategy).toEqual({
        type: "RollingUpdate",
        rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
      });
      expect(ingest?.spec.replicas).toBe(3);
      const fleetEnv = containersOf([fleet as Manifest]).flatMap(({ container }) =>
        (container.env ?? []).map((e: { name: string }) => e.name),
      );
      expect(fleetEnv).toContain("FLEET_BROKER_REDIS_URL");
    }
    // Ingest workers hold shared subscriptions: old and new may overlap during a roll.
    expect(ingest?.spec.strategy?.type).not.toBe("Recreate");
  });
});

describe("the chart's values", () => {
  it("name every variable of .env.example: configurable, secret, set by the chart, or not for clusters", () => {
    const { manifests } = { manifests: rendered.defaults };
    const setByChart = new Set([
      ...byKind(manifests, "ConfigMap").flatMap((cm) => Object.keys(cm.data ?? {})),
      ...containersOf(manifests).flatMap(({ container }) =>
        (container.env ?? [])
          .filter((e: { value?: string }) => e.value !== undefined)
          .map((e: { name: string }) => e.name),
      ),
    ]);
    const unclaimed = exampleVariables().filter(
      (v) =>
        !CONFIG_VARIABLES.includes(v) &&
        !SECRET_VARIABLES.includes(v) &&
        !setByChart.has(v) &&
        !(v in NOT_IN_CLUSTER),
    );
    expect(unclaimed).toEqual([]);
    // And nothing the schema offers is gone from the application.
    const known = new Set([...exampleVariables(), "DATABASE_REPLICA_URL"]);
    expect([...CONFIG_VARIABLES, ...SECRET_VARIABLES].filter((v) => !known.has(v))).toEqual([]);
  });

  it.each([
    ["a secret as plain configuration", { config: { AUTH_SECRET: "x".repeat(40) } }, "AUTH_SECRET"],
    [
      "a secret as a process's plain env",
      { portal: { env: { STRIPE_SECRET_KEY: "sk" } } },
      "STRIPE_SECRET_KEY",
    ],
    [
      "a required secret left out",
      { secrets: { env: { FLEET_MASTER_KEY: { key: "" } } } },
      "FLEET_MASTER_KEY",
    ],
    ["a second fleet broker without the cluster", { fleet: { replicas: 2 } }, "/fleet/replicas"],
    [
      "an agent URL on another port",
      { fleet: { agentUrl: "mqtts://mqtt.example.com:1883" } },
      "one port",
    ],
    [
      "a broker port only root may bind",
      { fleet: { service: { port: 443 } } },
      "/fleet/service/port",
    ],
    ["metrics exposed without a token", { metrics: { expose: true } }, "METRICS_TOKEN"],
    ["a root security context", { securityContext: { runAsNonRoot: false } }, "runAsNonRoot"],
  ])("refuses %s", (_what, values, message) => {
    const file = join(dir, "refused-values.yaml");
    writeFileSync(file, stringify(values));
    const { error } = render(helm, [file]);
    expect(error).toContain(message);
  });
});
