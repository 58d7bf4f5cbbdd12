import type { Child } from "hono/jsx";
import { raw } from "hono/html";
import { t, type Lang } from "./strings";

/** Standards mode: without it Chromium lays the console out in quirks mode. */
const DOCTYPE = raw("<!DOCTYPE html>");

/** The head every console page has: charset, viewport, title, icon and the console's stylesheet; `children` adds a page's own. */
function Head(props: { title: string; children?: Child }) {
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{`${props.title} — Tsuzuku`}</title>
      <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
      <link rel="stylesheet" href="/console/assets/console.css" />
      {props.children}
    </head>
  );
}

export type PageContext = {
  lang: Lang;
  csrf: string;
  operatorName: string;
  supervisor: boolean;
  /** The shop's time zone (settings) and today's date in it: dates and times are shown in it. */
  timeZone: string;
  today: string;
  /** When the operator's session ends (ISO instant): console.ts warns a few minutes before. */
  sessionEndsAt?: string;
};

/**
 * Every console page: a skip link, the search box (the screen pop by hand), the operator's name,
 * the language switch and logout. No inline script or style: the CSP allows only our own files.
 */
export function Layout(props: { page: PageContext; title: string; children: Child; scripts?: string[]; styles?: string[]; search?: string; searchFocus?: boolean }) {
  const { lang, csrf, operatorName, supervisor } = props.page;
  return (
    <>
      {DOCTYPE}
    <html lang={lang}>
      <Head title={props.title}>
        {(props.styles ?? []).map((href) => (
          <link rel="stylesheet" href={href} />
        ))}
        <script src="/console/assets/console.js" defer></script>
        {(props.scripts ?? []).map((src) => (
          <script src={src} defer></script>
        ))}
      </Head>
      <body data-csrf={csrf} data-session-ends={props.page.sessionEndsAt} data-session-warning={t(lang, "sessionEndsSoon")}>
        <a class="skip" href="#main">
          {t(lang, "skipToMain")}
        </a>
        <header class="bar">
          <nav aria-label={t(lang, "console")}>
            <a href="/console" class="brand">
              続く · {t(lang, "console")}
            </a>
            <a href="/console/winback">{t(lang, "winbackList")}</a>
            <a href="/console/knowledge">{t(lang, "knowledge")}</a>
            {supervisor ? <a href="/console/at-risk">{t(lang, "atRisk")}</a> : null}
            {supervisor ? <a href="/console/metrics">{t(lang, "metrics")}</a> : null}
          </nav>
          <form method="get" action="/console" role="search" class="search" aria-label={t(lang, "search")}>
            <label for="q">{t(lang, "searchLabel")}</label>
            {/* searchFocus: a page where the next thing is to search (again): focus starts in the box, its text selected (console.ts). */}
            <input id="q" name="q" type="search" autocomplete="off" value={props.search ?? ""} data-autofocus={props.searchFocus ? true : undefined} />
            <button type="submit">{t(lang, "searchButton")}</button>
          </form>
          {/* The `/` shortcut can be turned off (WCAG 2.1.4); console.ts reads and keeps the choice (localStorage). */}
          <button type="button" id="slash-toggle" aria-pressed="true" hidden>
            {t(lang, "slashShortcut")}
          </button>
          <span class="who">{operatorName}</span>
          <form method="post" action="/console/language">
            <input type="hidden" name="csrf" value={csrf} />
            <input type="hidden" name="lang" value={lang === "ja" ? "en" : "ja"} />
            <button type="submit" lang={lang === "ja" ? "en" : "ja"}>
              {t(lang, "language")}
            </button>
          </form>
          <form method="post" action="/console/logout">
            <input type="hidden" name="csrf" value={csrf} />
            <button type="submit">{t(lang, "logout")}</button>
          </form>
        </header>
        <main id="main" tabindex={-1}>
          <p id="session-warning" class="session-warning" role="alert" hidden></p>
          {props.children}
        </main>
      </body>
    </html>
    </>
  );
}

/** A page for a visitor without a session (ended, logged out, bad link). */
export function Bare(props: { lang: Lang; title: string; children: Child }) {
  return (
    <>
      {DOCTYPE}
    <html lang={props.lang}>
      <Head title={props.title} />
      <body>
        <main id="main">
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
    </>
  );
}
