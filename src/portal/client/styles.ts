/**
 * The portal's shadow-DOM styles. The shop brands it with custom properties (documented in the
 * README) and `::part(...)`; nothing leaks in or out otherwise.
 *
 * Readability rules (WCAG 2.2 AA, older customers): text at least 16 px whatever the host page's
 * root size, line height 1.6, targets at least 44 px, a 3 px focus ring, every action button the
 * same size and weight (continuing to cancel is never smaller or fainter than an offer), layouts
 * that wrap down to 320 px and at 200 % zoom.
 */
export const STYLES = `
/* Nothing the host page's text styles set (letter-spacing, text-transform, line-height…) is
   inherited: all resets them, but not custom properties, so --tsuzuku-* theming still comes in. */
:host {
  all: initial;
  display: block;
  --_brand: var(--tsuzuku-brand, #00695c);
  --_on-brand: var(--tsuzuku-on-brand, #ffffff);
  --_text: var(--tsuzuku-text, #1f2933);
  --_muted: var(--tsuzuku-muted, #4a5560);
  --_surface: var(--tsuzuku-surface, #ffffff);
  --_border: var(--tsuzuku-border, #8a939c);
  --_focus: var(--tsuzuku-focus, #1a4fd6);
  --_error: var(--tsuzuku-error, #b3261e);
  --_radius: var(--tsuzuku-radius, 8px);
  font-family: var(--tsuzuku-font, system-ui, -apple-system, "Hiragino Sans", "Noto Sans JP", "Yu Gothic", sans-serif);
  font-size: max(16px, var(--tsuzuku-font-size, 1rem));
  line-height: 1.6;
  color: var(--_text);
  /* Japanese wraps between phrases (「お知らせの受け取りを／停止する」), never a lone 「る」 on a line (trial52):
     Chromium 119+ only, other browsers keep their default. A phrase wider than the line still breaks
     anywhere, so nothing overflows at 320 px. */
  word-break: auto-phrase;
  overflow-wrap: anywhere;
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
/* A size container: the receipt's number is sized to the portal's width (cqi) so it stays on one line. */
/* em, not rem: a rem inside the shadow root is the host page's root, 480 px under a 62.5 % reset (trial43). */
/* No background: around the cards (the heading, the status line) the shop's page shows through, a
   tinted one included (trial52: a white band behind the heading). The cards carry --tsuzuku-surface. */
.portal { max-width: 48em; container-type: inline-size; }
h2, h3, h4 { line-height: 1.35; margin: 0 0 .5em; }
h2 { font-size: 1.375em; }
h3 { font-size: 1.2em; }
h4 { font-size: 1.05em; }
/* A heading the focus goes to after a change is scrolled to the top: a margin keeps its focus ring in
   sight, and a shop with a sticky header sets --tsuzuku-scroll-margin-top to the header's height. */
h2, h3 { scroll-margin-top: var(--tsuzuku-scroll-margin-top, 1em); }
h2:focus, h3:focus { outline: none; }
h2:focus-visible, h3:focus-visible { outline: 3px solid var(--_focus); outline-offset: 2px; }
/* A date input's focus sits in its inner fields, which Chromium does not mark :focus-visible: fields always show the ring. */
input:focus, input:focus-within, textarea:focus { outline: 3px solid var(--_focus); outline-offset: 2px; }
p { margin: 0 0 .75em; }
ul { margin: 0 0 .75em; padding-inline-start: 1.5em; }
li { margin: 0 0 .25em; }
.card { background: var(--_surface); border: 1px solid var(--_border); border-radius: var(--_radius); padding: 1em; margin: 0 0 1em; }
dl { display: grid; grid-template-columns: minmax(7em, max-content) 1fr; gap: .25em 1em; margin: 0 0 1em; }
dt { color: var(--_muted); }
dd { margin: 0; }
@media (max-width: 30em) { dl { grid-template-columns: 1fr; } dd { margin-bottom: .5em; } }
.actions { display: flex; flex-wrap: wrap; gap: .75em; margin: .75em 0; }
.choices { display: flex; flex-direction: column; gap: .5em; margin: .5em 0 1em; }
button {
  font: inherit; min-height: 44px; min-width: 44px; padding: .5em 1.1em; cursor: pointer;
  border: 2px solid var(--_brand); border-radius: var(--_radius);
  background: var(--_surface); color: var(--_brand); font-weight: 600; text-align: start;
}
button:hover { background: color-mix(in srgb, var(--_brand) 8%, var(--_surface)); }
button[aria-disabled="true"] { opacity: .6; cursor: progress; }
button.primary { background: var(--_brand); color: var(--_on-brand); }
:focus-visible { outline: 3px solid var(--_focus); outline-offset: 2px; }
textarea { font: inherit; width: 100%; padding: .5em; border: 1px solid var(--_border); border-radius: 4px; color: var(--_text); background: var(--_surface); }
input { font: inherit; min-height: 44px; padding: .25em .5em; border: 1px solid var(--_border); border-radius: 4px; color: var(--_text); background: var(--_surface); max-width: 100%; }
/* flex: none — in a .radio/.check label whose text wraps, a shrinking box was squashed to 13 × 20 px (trial24). */
input[type="checkbox"], input[type="radio"] { flex: none; min-height: 0; width: 1.25em; height: 1.25em; margin: 0 .5em 0 0; vertical-align: -.2em; accent-color: var(--_brand); }
label { display: inline-block; }
.field { display: flex; flex-direction: column; gap: .25em; margin: .5em 0; align-items: flex-start; }
fieldset { border: 1px solid var(--_border); border-radius: var(--_radius); padding: .5em 1em; margin: .5em 0; min-width: 0; }
/* The interval's month and day choices, each under what it keeps (portal #monthGroup). */
fieldset.group { border: 0; border-top: 1px solid var(--_border); border-radius: 0; padding: .25em 0 0; margin: .75em 0 0; }
fieldset.group > legend { font-weight: 600; padding: 0 .25em 0 0; }
legend { padding: 0 .25em; }
.radio, .check { display: flex; align-items: center; min-height: 44px; }
.field-error { color: var(--_error); font-weight: 600; margin: 0 0 .5em; }
input[aria-invalid="true"] { box-shadow: 0 0 0 2px var(--_error); }
details { margin: .5em 0; }
summary { cursor: pointer; min-height: 44px; display: flex; align-items: center; color: var(--_brand); font-weight: 600; }
/* display:flex drops the ▶ marker: a chevron drawn with borders (no text, so nothing is added to the
   name a screen reader reads) points right when closed and down when open, by shape, not colour. */
summary::before { content: ""; flex: none; width: .5em; height: .5em; margin: 0 .75em 0 .25em; border-right: .18em solid currentColor; border-bottom: .18em solid currentColor; transform: rotate(-45deg); transition: transform .15s; }
details[open] > summary::before { transform: rotate(45deg); }
@media (prefers-reduced-motion: reduce) { summary::before { transition: none; } }
summary:focus-visible { outline: 3px solid var(--_focus); outline-offset: 2px; }
details > form { padding: 0 0 .5em 1em; }
/* A plan change's final confirmation, framed like an offer: what the customer agrees to, then the button that commits. */
.review { border: 2px solid var(--_brand); border-radius: var(--_radius); padding: 1em; margin: .5em 0 1em; }
.review h4 { margin: 0 0 .5em; }
.offer { border: 2px solid var(--_brand); border-radius: var(--_radius); padding: 1em; margin: 0 0 1em; }
/* An offer's copy may list usage tips a line each. */
.description { white-space: pre-line; }
.note { color: var(--_muted); }
.message:empty { display: none; }
.message { border-left: 4px solid var(--_error); padding: .5em .75em; margin: .5em 0; background: color-mix(in srgb, var(--_error) 6%, var(--_surface)); }
/* The one way on after a session ran out (#run): right under the message that asks for it. */
.reload { display: block; margin: 0 0 1em; }
.status:empty { display: none; }
.status { border-left: 4px solid var(--_brand); padding: .5em .75em; margin: 0 0 1em; }
.receipt { white-space: pre-wrap; font-family: inherit; margin: 0 0 1em; }
/* Printed, the receipt is what it says: its number and terms, not the portal's buttons (the shop's own page is its to style). */
@media print { .actions { display: none; } }
/* A confirmation number is read out over the phone, so it is never split mid-number: large, but sized
   to the portal's width (cqi) so that its 18 characters fit inside a card — a 260 px wide phone at 150 %
   zoom included. A monospace face gives every character the same advance (≈ 0.6em: 18 of them ≈ 10.9em),
   so a number drawn all in wide letters (CN-20281228-WWWMMW) fits as well as 2s and 7s; narrower
   than 16 px allows, it may break at a hyphen only. */
.number { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace; font-size: clamp(16px, calc((100cqi - 36px) / 11.6), 1.375em); font-weight: 700; overflow-wrap: normal; word-break: keep-all; }
.receipt-number .number { font-size: clamp(16px, calc((100cqi - 36px) / 11.6), 1.5em); }
`;
