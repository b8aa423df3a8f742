import { appClassLabel, TopList } from "../_charts/top-list";
import { Tile } from "./tile";
import type { Overview } from "./types";

type Applications = Overview["applications"];

/**
 * The top application classes over the window as a bar list: each bar is the class's bytes
 * against the largest class's, its in/out split shown as text (the bars are decoration:
 * every figure is in the text, for screen readers and without colour).
 */
export function AppsTile({ orgSlug, apps }: { orgSlug: string; apps: Applications }) {
  const label = apps.window === "1h" ? "last hour" : "last day";
  return (
    <Tile title={`Top applications, ${label}`} href={`/o/${orgSlug}/steering`} testId="tile-apps">
      {apps.items.length > 0 ? (
        <TopList
          label={`Bytes per application class, ${label}`}
          items={apps.items.map((a) => ({ ...a, id: a.name }))}
          rowTestId="app-row"
          nameOf={(a) => appClassLabel(a.name)}
        />
      ) : (
        <p className="text-sm text-fg-muted">
          {apps.reported
            ? `No traffic by application class in the ${label}.`
            : `No agent reported traffic by application class in the ${label}; the classes are on the steering page.`}
        </p>
      )}
    </Tile>
  );
}
