import { describe, expect, it } from "vitest";
import { parseWgDump, wgSetArgs } from "./wg-dump";

const PRIV = "SECRETSECRETSECRETSECRETSECRETSECRETSECRE=";
const ME = "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=";
const PEER = "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08=";
const OLD = "R9liKP2giJpoMewolVhT64hADkEuEGE1PWZBurRkK3U=";

const dump = (peerLine: string) =>
  [`pw1\t${PRIV}\t${ME}\t51820\t0x7b000000`, peerLine, "pw2\t(none)\t(none)\t0\toff", ""].join(
    "\n",
  );

const want = {
  publicKey: ME,
  keyPath: "/var/lib/patronus/overlay.key",
  fwmark: 0x7b000000,
  path: {
    listenPort: 51820,
    remote: {
      siteId: "b",
      siteName: "B",
      role: "edge" as const,
      deviceId: "d",
      linkId: "l",
      linkName: "fiber",
      publicKey: PEER,
      endpoint: { address: "198.51.100.7", port: 51820 },
    },
  },
};

describe("wg show all dump", () => {
  it("parses interfaces and peers, and never keeps the private key", () => {
    const m = parseWgDump(
      dump(`pw1\t${PEER}\t(none)\t198.51.100.7:51820\t0.0.0.0/0,::/0\t1764115041\t9776\t9984\t1`),
    );
    expect(m.get("pw1")).toEqual({
      publicKey: ME,
      listenPort: 51820,
      fwmark: 0x7b000000,
      peers: [
        {
          publicKey: PEER,
          endpoint: "198.51.100.7:51820",
          allowedIps: ["0.0.0.0/0", "::/0"],
          latestHandshake: 1764115041,
          rxBytes: 9776,
          txBytes: 9984,
          keepalive: 1,
        },
      ],
    });
    expect(m.get("pw2")).toMatchObject({ listenPort: 0, fwmark: 0, peers: [] });
    expect(JSON.stringify([...m.values()])).not.toContain(PRIV);
  });
});

describe("wg set arguments", () => {
  it("are empty when the interface already matches", () => {
    const m = parseWgDump(
      dump(`pw1\t${PEER}\t(none)\t198.51.100.7:51820\t0.0.0.0/0,::/0\t0\t0\t0\t1`),
    );
    expect(wgSetArgs(m.get("pw1"), want)).toEqual([]);
  });

  it("configure a fresh interface completely, the key by file", () => {
    expect(wgSetArgs(undefined, want).join(" ")).toBe(
      `private-key /var/lib/patronus/overlay.key listen-port 51820 fwmark 0x7b000000 peer ${PEER} endpoint 198.51.100.7:51820 allowed-ips 0.0.0.0/0,::/0 persistent-keepalive 1`,
    );
  });

  it("remove a peer whose key changed, and leave a learnt endpoint alone when none is configured", () => {
    const m = parseWgDump(dump(`pw1\t${OLD}\t(none)\t10.0.0.9:4444\t0.0.0.0/0,::/0\t0\t0\t0\toff`));
    const noEndpoint = {
      ...want,
      path: { ...want.path, remote: { ...want.path.remote, endpoint: undefined } },
    };
    const args = wgSetArgs(m.get("pw1"), noEndpoint).join(" ");
    expect(args).toContain(`peer ${OLD} remove peer ${PEER} allowed-ips`);
    expect(args).not.toContain("endpoint");
    expect(args).toContain("persistent-keepalive off");
    const learnt = parseWgDump(
      dump(`pw1\t${PEER}\t(none)\t10.0.0.9:4444\t0.0.0.0/0,::/0\t0\t0\t0\toff`),
    );
    expect(wgSetArgs(learnt.get("pw1"), noEndpoint)).toEqual([]);
  });
});
