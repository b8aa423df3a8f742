"use client";
import NextLink from "next/link";
import { type ComponentProps, useState } from "react";

/**
 * The portal's link: next/link that prefetches its page only once the pointer is over it.
 * Every page of the portal is dynamic, so Next's default (prefetch each link as it scrolls
 * into view) renders the org layout on the server for every link on screen: the org menu
 * alone made ~15 renders per page view, and a list's rows one per row. A hover still gets
 * the page ahead of the click. (An architecture test keeps next/link out of app/ elsewhere.)
 */
export function Link({ prefetch, onMouseEnter, ...props }: ComponentProps<typeof NextLink>) {
  const [hovered, setHovered] = useState(false);
  return (
    <NextLink
      {...props}
      prefetch={prefetch ?? (hovered ? null : false)}
      onMouseEnter={(event) => {
        setHovered(true);
        onMouseEnter?.(event);
      }}
    />
  );
}
