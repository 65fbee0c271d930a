import type { Child } from "hono/jsx";
import type { CurrentUser } from "../deps.js";
import { mayOpen } from "./page-access.js";

/** Which pages a person's roles open to them (the API still decides what they may see). */
export function navFor(user: CurrentUser | undefined) {
  if (!user) return [];
  const items = [
    { href: "/", label: "My duty" },
    { href: "/me", label: "My details" },
    { href: "/rota", label: "Rota" },
    { href: "/board", label: "Board" },
    { href: "/team", label: "My team" },
    { href: "/staff", label: "Staff" },
    { href: "/swaps", label: "Swaps" },
    { href: "/drills", label: "Drills" },
    { href: "/hr", label: "HR" },
    { href: "/admin/policy", label: "Admin" },
  ] as const;
  return items.filter((n) => mayOpen(user, n.href)).map((n) => ({ ...n }));
}

export function Layout(props: {
  title: string;
  user?: CurrentUser;
  current?: string;
  scripts?: string[];
  tz?: string;
  children: Child;
}) {
  const nav = navFor(props.user);
  return (
    <html lang="en-GB">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="theme-color" content="#0b3d6e" />
        {/* The header's no-referrer makes a browser send `Origin: null` on a form post, which the
            origin check (CSRF) refuses; same-origin keeps the origin on our own forms and still
            sends nothing to other sites. */}
        <meta name="referrer" content="same-origin" />
        <title>{`${props.title} · Dutyline`}</title>
        <link rel="manifest" href="/static/manifest.webmanifest" />
        <link rel="icon" href="/static/icon.svg" type="image/svg+xml" />
        <link rel="apple-touch-icon" href="/static/icon-192.png" />
        <link rel="stylesheet" href="/static/app.css" />
        <script src="/static/common.js" defer></script>
        {(props.scripts ?? []).map((s) => (
          <script src={`/static/${s}`} defer></script>
        ))}
      </head>
      <body data-tz={props.tz ?? "Europe/London"} data-user={props.user?.id ?? ""}>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <a class="brand" href="/">
            <img src="/static/icon.svg" alt="" width="28" height="28" />
            <span>Dutyline</span>
          </a>
          {props.user ? (
            <nav aria-label="Main">
              <ul>
                {nav.map((n) => (
                  <li>
                    <a href={n.href} aria-current={props.current === n.href ? "page" : undefined}>
                      {n.label}
                    </a>
                  </li>
                ))}
                <li>
                  <button type="button" class="linkish" id="sign-out">
                    Sign out
                  </button>
                </li>
              </ul>
            </nav>
          ) : null}
        </header>
        <div id="net" class="net" role="status" aria-live="polite" hidden></div>
        <main id="main">{props.children}</main>
      </body>
    </html>
  );
}
