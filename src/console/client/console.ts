/**
 * The console's one island on every page: keyboard help for operators on a live call.
 * `/` jumps to the customer search (unless typing in a field); Esc leaves a field.
 */
document.addEventListener("keydown", (e) => {
  const target = e.target as HTMLElement | null;
  const typing = !!target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT" || target.isContentEditable);
  if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
    const search = document.getElementById("q") as HTMLInputElement | null;
    if (search) {
      e.preventDefault();
      search.focus();
      search.select();
    }
  } else if (e.key === "Escape" && typing && target) {
    target.blur();
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
  document.querySelector<HTMLElement>("[data-autofocus]")?.focus();
}

// A required field's message in the page's language (data-required-message), not the browser's own
// ("Please check this box…" on a Japanese console).
for (const field of document.querySelectorAll<HTMLInputElement>("input[data-required-message]")) {
  const check = () => {
    field.setCustomValidity("");
    if (field.validity.valueMissing) field.setCustomValidity(field.dataset.requiredMessage ?? "");
  };
  field.addEventListener("change", check);
  check();
}

// An action the API answered "not now" (console/pages refusalOf): its form, the same fields and
// attempt key, is sent again after the API's Retry-After, so the change is made or answered once.
const resend = document.querySelector<HTMLFormElement>("form[data-resend-after]");
if (resend) setTimeout(() => resend.requestSubmit(), Number(resend.dataset.resendAfter) * 1000);
