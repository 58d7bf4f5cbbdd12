/**
 * The console's one island on every page: keyboard help for operators on a live call.
 * `/` jumps to the customer search when focus is on no form control, unless the operator turned it
 * off (the header's 「「/」キーで検索へ」 toggle, kept in localStorage); Esc leaves a field for the
 * heading of the part it is in, so the next Tab continues from there (not from <body>).
 */
const SLASH_OFF = "tsuzuku.console.slashOff";
const slashOn = () => {
  try {
    return localStorage.getItem(SLASH_OFF) !== "1";
  } catch {
    return true;
  }
};
const toggle = document.getElementById("slash-toggle");
if (toggle) {
  toggle.hidden = false;
  toggle.setAttribute("aria-pressed", String(slashOn()));
  toggle.addEventListener("click", () => {
    const on = !slashOn();
    try {
      if (on) localStorage.removeItem(SLASH_OFF);
      else localStorage.setItem(SLASH_OFF, "1");
    } catch {
      // Storage refused (private mode): the choice lasts for this page only.
    }
    toggle.setAttribute("aria-pressed", String(on));
  });
}

/** Where Esc takes the focus from a field: the heading of its section (or form), else the main content. */
function placeOf(field: HTMLElement): HTMLElement | null {
  const part = field.closest("section, [role=search]");
  const heading = part?.querySelector<HTMLElement>("h1, h2, h3") ?? null;
  const target = heading ?? document.getElementById("main");
  if (target && !target.hasAttribute("tabindex")) target.tabIndex = -1;
  return target;
}

document.addEventListener("keydown", (e) => {
  const target = e.target as HTMLElement | null;
  const typing = !!target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT" || target.isContentEditable);
  const control = typing || target?.tagName === "BUTTON";
  // Already in the search box with nothing typed, or what was typed all selected (where a page with no
  // one found starts): "/" still means "search", not a "/" in a phone number, e-mail or name.
  const box = target?.id === "q" && target instanceof HTMLInputElement && (target.value === "" || (target.selectionStart === 0 && target.selectionEnd === target.value.length));
  if (e.key === "/" && (!control || box) && slashOn() && !e.ctrlKey && !e.metaKey && !e.altKey) {
    const search = document.getElementById("q") as HTMLInputElement | null;
    if (search) {
      e.preventDefault();
      search.focus();
      search.select();
    }
  } else if (e.key === "Escape" && typing && target) {
    placeOf(target)?.focus();
  }
});

// After an action the page says what happened; move focus there so a screen reader reads it first.
// Else the page's own starting point (data-autofocus, tabindex=-1: the offers after 「提案を表示」, the
// receipt, a confirmation's heading), so the next Tab is there and not in the header.
const notice = document.querySelector<HTMLElement>(".notice, .error");
if (notice) {
  notice.tabIndex = -1;
  notice.focus();
} else {
  const start = document.querySelector<HTMLElement>("[data-autofocus]");
  start?.focus();
  // The search box after a search that found no one: what was typed, selected, so typing replaces it.
  if (start instanceof HTMLInputElement) start.select();
}

// A field's messages in the page's language — missing (data-required-message), out of range or not a
// number (data-range-message) — not the browser's own ("Please check this box…", "Value must be
// greater than or equal to 1" on a Japanese console).
for (const field of document.querySelectorAll<HTMLInputElement>("input[data-required-message], input[data-range-message]")) {
  const check = () => {
    field.setCustomValidity("");
    const v = field.validity;
    if (v.valueMissing && field.dataset.requiredMessage) field.setCustomValidity(field.dataset.requiredMessage);
    else if ((v.rangeUnderflow || v.rangeOverflow || v.badInput || v.stepMismatch) && field.dataset.rangeMessage) field.setCustomValidity(field.dataset.rangeMessage);
  };
  field.addEventListener("input", check);
  field.addEventListener("change", check);
  check();
}

// An action the API answered "not now" (console/pages refusalOf): its form, the same fields and
// attempt key, is sent again after the API's Retry-After, so the change is made or answered once.
const resend = document.querySelector<HTMLFormElement>("form[data-resend-after]");
if (resend) setTimeout(() => resend.requestSubmit(), Number(resend.dataset.resendAfter) * 1000);

// The session ends at a known time (data-session-ends): say so on the page five minutes before
// (WCAG 2.2.1), with the time, so a note being typed is saved first.
const endsAt = Date.parse(document.body.dataset.sessionEnds ?? "");
const warning = document.getElementById("session-warning");
if (Number.isFinite(endsAt) && warning) {
  const warn = () => {
    const left = Math.max(0, Math.round((endsAt - Date.now()) / 60_000));
    const time = new Date(endsAt).toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" });
    warning.textContent = (document.body.dataset.sessionWarning ?? "").replace("{time}", time).replace("{n}", String(left));
    warning.hidden = false;
  };
  const wait = endsAt - 5 * 60_000 - Date.now();
  // Past 24.8 days setTimeout fires at once; a session lasts at most 12 h.
  if (wait <= 0) warn();
  else setTimeout(warn, wait);
}

// A contact note being typed (data-keep) is kept in sessionStorage until the karte says it was saved
// (done=contact) — not merely sent: a send refused because the session ended keeps it — so it is
// back when the operator opens the same karte again with a new console URL.
const saved = new URLSearchParams(location.search).get("done") === "contact";
for (const field of document.querySelectorAll<HTMLTextAreaElement>("textarea[data-keep]")) {
  const key = `tsuzuku.console.${field.dataset.keep}`;
  try {
    if (saved) sessionStorage.removeItem(key);
    const kept = sessionStorage.getItem(key);
    if (kept && field.value === "") field.value = kept;
    field.addEventListener("input", () => (field.value ? sessionStorage.setItem(key, field.value) : sessionStorage.removeItem(key)));
  } catch {
    // Storage refused (private mode): the note is not kept.
  }
}
