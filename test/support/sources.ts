import { readdirSync } from "node:fs";
import { join } from "node:path";

/** The TypeScript sources under `dir` (generated assets left out), for tests that scan the code. */
export function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" ? [] : sources(path);
    return /\.tsx?$/.test(e.name) ? [path] : [];
  });
}
