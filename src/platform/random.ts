/** mulberry32: a small, fast, seedable PRNG in [0, 1) for seeded data and simulations. Not for secrets. */
export function seededRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The draws seeded data is built from, all on one `seededRng(seed)` stream (same seed, same data). */
export function seededDraws(seed: number) {
  const next = seededRng(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    /** true with probability p */
    chance: (p: number) => next() < p,
    /** an integer in [min, max] */
    int,
    /** one item, with probability proportional to its weight */
    weighted: (items: readonly [string, number][]) => {
      let r = next() * items.reduce((s, [, w]) => s + w, 0);
      for (const [x, w] of items) if ((r -= w) < 0) return x;
      return items[items.length - 1]![0];
    },
    pick: <T>(xs: readonly T[]) => xs[int(0, xs.length - 1)]!,
  };
}
