/**
 * What a V8 heap snapshot (`writeHeapSnapshot`) holds, for bench/heap.ts (the app in process) and
 * bench/start-heap.ts (the started server): self size summed by kind — objects, arrays and native
 * or hidden nodes by their constructor name, everything else by type — and the strings of 50 kB or
 * more, largest first. Printed to the terminal; the file is left where it is.
 */
import { readFileSync } from "node:fs";

const mb = (n: number) => (n / 2 ** 20).toFixed(1);

type Snap = { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[]; strings: string[] };

export function printHeapSnapshot(file: string, top: number) {
  const snap = JSON.parse(readFileSync(file, "utf8")) as Snap;
  const f = snap.snapshot.meta.node_fields;
  const [typeAt, nameAt, sizeAt] = [f.indexOf("type"), f.indexOf("name"), f.indexOf("self_size")];
  const types = snap.snapshot.meta.node_types[0];
  const by = new Map<string, { n: number; bytes: number }>();
  const bigStrings: [number, string][] = [];
  for (let i = 0; i < snap.nodes.length; i += f.length) {
    const type = types[snap.nodes[i + typeAt]!]!;
    const name = snap.strings[snap.nodes[i + nameAt]!]!;
    const size = snap.nodes[i + sizeAt]!;
    const key = type === "object" || type === "native" || type === "hidden" || type === "array" ? `${type} ${name.slice(0, 60)}` : type;
    const b = by.get(key) ?? { n: 0, bytes: 0 };
    b.n++;
    b.bytes += size;
    by.set(key, b);
    if (type === "string" && size >= 50_000) bigStrings.push([size, name.slice(0, 100).replace(/\s+/g, " ")]);
  }
  console.log(`snapshot ${file}; largest kinds by self size:`);
  for (const [key, b] of [...by].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, top)) console.log(`  ${mb(b.bytes).padStart(7)} MB  ${String(b.n).padStart(8)}  ${key}`);
  console.log(`strings ≥ 50 kB: ${bigStrings.length}, ${mb(bigStrings.reduce((s, [n]) => s + n, 0))} MB; largest:`);
  for (const [n, s] of bigStrings.sort((a, b) => b[0] - a[0]).slice(0, 12)) console.log(`  ${mb(n).padStart(6)} MB  ${s}`);
}
