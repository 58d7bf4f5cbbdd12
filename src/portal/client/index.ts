/**
 * The embed's entry (served as /embed/v1/tsuzuku.js): defines `<tsuzuku-portal>`. The API origin
 * defaults to the origin this script was loaded from, so `api-base` is only needed when the
 * script is self-hosted.
 */
import { TsuzukuPortal } from "./portal";

const script = document.currentScript as HTMLScriptElement | null;
if (script?.src) TsuzukuPortal.defaultBase = new URL(script.src).origin;
TsuzukuPortal.define();
(window as unknown as { TsuzukuPortal: typeof TsuzukuPortal }).TsuzukuPortal = TsuzukuPortal;
