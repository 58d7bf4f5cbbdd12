/**
 * The progress line of long command-line work (demo seeding, import, re-scoring, the bench's seeding),
 * Node only. On a terminal the line is rewritten in place. Anywhere else (CI logs, a pipe, a file) a
 * `\r` would glue thousands of updates into one line, so a line is written only when the work passes
 * another tenth of its total (or, with no total known, every 10 s), and `end` writes the last one.
 */
export interface Progress {
  /** `line` is the whole text to show; `done / total` says how far the work is, when known. */
  update(line: string, done?: number, total?: number): void;
  /** Writes `line` (or the last update) as a finished line. */
  end(line?: string): void;
}

const UNTIMED_EVERY_MS = 10_000;

export function progressOn(stream: NodeJS.WriteStream): Progress {
  let last = "";
  let written = "";
  let tenth = -1;
  let writtenAt = 0;
  let open = false;
  return {
    update(line, done, total) {
      last = line;
      if (stream.isTTY) {
        // `\x1b[K` clears what a longer earlier line left to the right.
        stream.write(`\r${line}\x1b[K`);
        open = true;
        return;
      }
      if (done !== undefined && total) {
        const now = Math.floor((10 * done) / total);
        if (now <= tenth) return;
        tenth = now;
      } else {
        if (Date.now() - writtenAt < UNTIMED_EVERY_MS) return;
        writtenAt = Date.now();
      }
      stream.write(`${line}\n`);
      written = line;
    },
    end(line = last) {
      if (!line) return;
      if (stream.isTTY) stream.write(open ? `\r${line}\x1b[K\n` : `${line}\n`);
      else if (line !== written) stream.write(`${line}\n`);
      open = false;
    },
  };
}
