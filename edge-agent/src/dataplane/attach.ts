import type { LoaderClient } from "./loader-client";

/** How the WAN ingress pipeline is hooked: XDP (native or generic) or its TC build. */
export type WanIngressMode = "native" | "generic" | "tc";

export interface PipelineLinks {
  /** Name of the loaded object (the loader's `load` name). */
  name: string;
  /** Network namespace of the links, if not the loader's own. */
  netns?: string;
  wan: string;
  lan: string;
  wanIngress: WanIngressMode;
}

/**
 * Hooks the whole pipeline onto a site's links: WAN ingress (XDP, or TC on virtual links
 * where native XDP copies every GSO packet), SNAT on WAN egress, and classification and
 * steering on LAN ingress. Returns the WAN link's ifindex, the key of its interface config.
 */
export async function attachPipeline(loader: LoaderClient, links: PipelineLinks) {
  const base = { name: links.name, ...(links.netns ? { netns: links.netns } : {}) };
  const { ifindex } =
    links.wanIngress === "tc"
      ? await loader.call<{ ifindex: number }>("attach_tc", {
          ...base,
          prog: "tc_wan_ingress",
          ifname: links.wan,
          dir: "ingress",
        })
      : await loader.call<{ ifindex: number }>("attach_xdp", {
          ...base,
          prog: "xdp_ingress",
          ifname: links.wan,
          mode: links.wanIngress,
        });
  await loader.call("attach_tc", { ...base, prog: "tc_egress", ifname: links.wan, dir: "egress" });
  await loader.call("attach_tc", {
    ...base,
    prog: "tc_ingress",
    ifname: links.lan,
    dir: "ingress",
  });
  return ifindex;
}
