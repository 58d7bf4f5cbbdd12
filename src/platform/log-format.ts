import { format } from "node:util";
import { ConfigError } from "../config";

/**
 * The Node server's log settings: ACCESS_LOG (`on`: one JSON line per request on stdout,
 * platform/access-log; `off`, the default) and LOG_FORMAT (`json`: errors and warnings as one JSON
 * line each on stderr; `text`, the default: as Node prints them, stacks on several lines).
 */
export function logSettings(env: Record<string, string | undefined>): { accessLog: boolean; json: boolean } {
  const accessLog = (env.ACCESS_LOG ?? "off").trim().toLowerCase();
  const logFormat = (env.LOG_FORMAT ?? "text").trim().toLowerCase();
  if (!["on", "off", "1", "0", ""].includes(accessLog)) throw new ConfigError(`ACCESS_LOG must be on or off, got ${env.ACCESS_LOG}`);
  if (!["json", "text", ""].includes(logFormat)) throw new ConfigError(`LOG_FORMAT must be json or text, got ${env.LOG_FORMAT}`);
  return { accessLog: accessLog === "on" || accessLog === "1", json: logFormat === "json" };
}

/**
 * One error or warning as a JSON line: `time` (UTC ISO), `level`, `requestId` when the message
 * starts with one (`[id] …`, as the app's error handler writes), `message` (console's formatting,
 * stack included, newlines escaped). A failed query's parameters (drizzle's `params:` line: customers'
 * data) are left out.
 */
export function jsonLogLine(level: "error" | "warn", args: unknown[], now: Date = new Date()): string {
  let message = format(...args).replace(/^(\s*params: ).*$/gm, "$1…");
  const id = /^\[([0-9a-f-]{8,})\] /i.exec(message);
  if (id) message = message.slice(id[0].length);
  return JSON.stringify({ time: now.toISOString(), level, ...(id ? { requestId: id[1] } : {}), message });
}

/** LOG_FORMAT=json: console.error and console.warn write jsonLogLine to stderr. */
export function logErrorsAsJson(out: { write(s: string): unknown } = process.stderr): void {
  console.error = (...args: unknown[]) => void out.write(jsonLogLine("error", args) + "\n");
  console.warn = (...args: unknown[]) => void out.write(jsonLogLine("warn", args) + "\n");
}
