// The colour theme a user picked: kept in a cookie so the server renders it on first paint.

export const THEMES = ["system", "light", "dark"] as const;
export type Theme = (typeof THEMES)[number];
export const THEME_COOKIE = "theme";

/** The cookie's value when it names a theme, else "system" (the browser decides). */
export function parseTheme(value: string | undefined | null): Theme {
  return THEMES.find((t) => t === value) ?? "system";
}

/** A year; not HttpOnly: the page sets it when the user picks a theme. */
export function themeCookie(theme: Theme) {
  return `${THEME_COOKIE}=${theme}; Path=/; Max-Age=31536000; SameSite=Lax`;
}
