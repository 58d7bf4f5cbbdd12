import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Vitest's order, except that the Workers project's files start first. Vitest queues projects one
 * after another by name ("node" before "workers"), so test/workers/http.test.ts — the whole shared
 * HTTP suite in workerd, about 3 minutes — started only when every node file had been handed out,
 * and ran alone at the end while the other worker sat idle (CI62: its 177 s were the run's last).
 */
export default class WorkersFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const workers = (f: TestSpecification) => f.project.name === "workers";
    return [...sorted.filter(workers), ...sorted.filter((f) => !workers(f))];
  }
}
