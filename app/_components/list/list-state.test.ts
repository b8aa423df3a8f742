import { describe, expect, it } from "vitest";
import {
  back,
  changed,
  forward,
  isFiltered,
  type ListSpec,
  listInput,
  readListState,
  toSearch,
} from "./list-state";

const spec: ListSpec = {
  sorts: ["name", "createdAt"],
  order: "asc",
  search: true,
  filters: { status: "select", online: "bool", since: "since", until: "until" },
};
const read = (qs: string) => {
  const p = new URLSearchParams(qs);
  return readListState(spec, (k) => p.get(k));
};

describe("list state in the URL", () => {
  it("reads defaults from an empty URL and writes none back", () => {
    const s = read("");
    expect(s).toMatchObject({ q: "", sort: "name", order: "asc", limit: 50, page: 1 });
    expect(toSearch(spec, s)).toBe("");
    expect(isFiltered(s)).toBe(false);
  });

  it("drops what is malformed instead of failing", () => {
    const s = read("sort=password&order=up&limit=7&cursor=a%20b&online=maybe&since=2026-13-99");
    expect(s).toMatchObject({ sort: "name", order: "asc", limit: 50, cursor: undefined });
    expect(s.filters).toEqual({});
  });

  it("turns filters into the procedure's input (UTC days; until is inclusive)", () => {
    const s = read("q=hq&online=false&since=2026-01-02&until=2026-01-31&sort=createdAt");
    expect(isFiltered(s)).toBe(true);
    expect(listInput(spec, s)).toEqual({
      q: "hq",
      online: false,
      since: "2026-01-02T00:00:00.000Z",
      until: "2026-02-01T00:00:00.000Z",
      sort: "createdAt",
      order: "asc",
    });
  });

  it("pages forward and back through a trail, round-tripping the URL", () => {
    let s = read("q=x");
    s = forward(s, "c2");
    s = read(toSearch(spec, forward(s, "c3")));
    expect(s).toMatchObject({ cursor: "c3", page: 3, trail: ["", "c2"] });
    s = read(toSearch(spec, back(s)));
    expect(s).toMatchObject({ cursor: "c2", page: 2, q: "x" });
    s = read(toSearch(spec, back(s)));
    expect(s).toMatchObject({ cursor: undefined, page: 1, trail: [] });
  });

  it("goes to the first page on any other change, and past the trail's start", () => {
    let s = read("");
    for (let i = 0; i < 12; i++) s = forward(s, `c${i}`);
    expect(s.trail).toHaveLength(8);
    expect(changed(s, { q: "new" })).toMatchObject({ cursor: undefined, page: 1, trail: [] });
    for (let i = 0; i < 8; i++) s = back(s);
    expect(s.page).toBe(5);
    expect(back(s)).toMatchObject({ cursor: undefined, page: 1 });
  });
});
