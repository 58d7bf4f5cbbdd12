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

type FullSnap = Snap & { snapshot: { meta: { edge_fields: string[]; edge_types: [string[]] } }; edges: number[] };

/**
 * What snapshot `after` holds that `before` (taken earlier in the same process: ids carry over) did
 * not, by what holds it: each new object is put down to the first object of `before` up its chain
 * of retainers (weak edges skipped), named with the edge it hangs from. A cache that grows between
 * the two shows up as its own map or array; request-scoped garbage does not (a snapshot collects first).
 */
export function printHeapGrowth(before: string, after: string, top: number) {
  const a = JSON.parse(readFileSync(before, "utf8")) as FullSnap;
  const b = JSON.parse(readFileSync(after, "utf8")) as FullSnap;
  const f = b.snapshot.meta.node_fields;
  const [typeAt, nameAt, idAt, sizeAt, edgesAt] = ["type", "name", "id", "self_size", "edge_count"].map((k) => f.indexOf(k)) as [number, number, number, number, number];
  const ef = b.snapshot.meta.edge_fields;
  const [eTypeAt, eNameAt, eToAt] = ["type", "name_or_index", "to_node"].map((k) => ef.indexOf(k)) as [number, number, number];
  const types = b.snapshot.meta.node_types[0];
  const eTypes = b.snapshot.meta.edge_types[0];
  const oldIds = new Set<number>();
  for (let i = 0; i < a.nodes.length; i += f.length) oldIds.add(a.nodes[i + idAt]!);
  const n = b.nodes.length / f.length;
  const isNew = new Uint8Array(n);
  for (let k = 0; k < n; k++) isNew[k] = oldIds.has(b.nodes[k * f.length + idAt]!) ? 0 : 1;
  // One retainer per new node: the first edge met that is not weak.
  const holder = new Int32Array(n).fill(-1);
  const holderEdge = new Array<string>(n);
  let e = 0;
  for (let k = 0; k < n; k++) {
    const count = b.nodes[k * f.length + edgesAt]!;
    for (let j = 0; j < count; j++, e += ef.length) {
      const to = b.edges[e + eToAt]! / f.length;
      const et = eTypes[b.edges[e + eTypeAt]!]!;
      if (holder[to] !== -1 || et === "weak" || et === "shortcut") continue;
      holder[to] = k;
      holderEdge[to] = et === "element" || et === "hidden" ? `[${et}]` : String(b.strings[b.edges[e + eNameAt]!]);
    }
  }
  const describe = (k: number) => `${types[b.nodes[k * f.length + typeAt]!]} ${String(b.strings[b.nodes[k * f.length + nameAt]!]).slice(0, 50).replace(/\s+/g, " ")}`;
  const by = new Map<string, { n: number; bytes: number }>();
  let total = 0;
  for (let k = 0; k < n; k++) {
    if (!isNew[k]) continue;
    let at = k;
    let edge = "";
    for (let steps = 0; steps < 50 && holder[at] !== -1 && isNew[at]; steps++) {
      edge = holderEdge[at]!;
      at = holder[at]!;
    }
    const size = b.nodes[k * f.length + sizeAt]!;
    total += size;
    // The old holder named by its own holder too (a Map says little; the variable holding it, more).
    const up = holder[at]!;
    const key = isNew[at] ? `(no old holder) ${describe(at)}` : `${up === -1 ? "" : `${describe(up)} .${holderEdge[at]} → `}${describe(at)} .${edge}`;
    const x = by.get(key) ?? { n: 0, bytes: 0 };
    x.n++;
    x.bytes += size;
    by.set(key, x);
  }
  console.log(`  new and still held: ${(total / 1024).toFixed(0)} kB; by the old object holding it:`);
  for (const [key, x] of [...by].sort((p, q) => q[1].bytes - p[1].bytes).slice(0, top)) console.log(`  ${(x.bytes / 1024).toFixed(0).padStart(7)} kB ${String(x.n).padStart(7)}  ${key}`);
}
