import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { startupProblem } from "../config";
import { exitProcess } from "../db/threads";

/** The database a command works on, once its configuration is read: startupProblem names a server's failures by it. */
export type CommandDatabase = { url: string; authToken?: string };

/**
 * Makes an error nothing caught in this process — a setting refused (`PORT=abc`), a database
 * directory that does not exist, a server down or refusing its token, anywhere before or after the
 * command's own try — one line on stderr and exit 1: startupProblem's message alone (a stack only
 * for a bug), after `name: ` for an operations command (`tenant:create: …`), alone for `npm start`.
 * Node would otherwise print the throwing source line and a stack. A top-level await that throws
 * arrives here too. `database` is read when the error comes.
 */
export function refuseInOneLine(name: string | null, database: () => CommandDatabase | undefined = () => undefined): void {
  process.on("uncaughtException", (err) => {
    const text = startupProblem(err, database());
    console.error(name === null || text.startsWith(`${name}:`) ? text : `${name}: ${text}`);
    exitProcess(1);
  });
}

/**
 * An operations command's arguments (node:util parseArgs, strict): `--help` / `-h` prints `usage` and
 * exits 0; an option it does not know or a value missing prints what is wrong and `usage`, exit 2.
 */
export function commandArgs<const O extends ParseArgsOptionsConfig>(name: string, usage: string, options: O, allowPositionals = false) {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals, strict: true });
  } catch (e) {
    // Node's own text for an unknown option goes on to advise putting it after "--", which no
    // command here reads: the first sentence says what is wrong, the usage what is right.
    const message = e instanceof Error ? ((e as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? e.message.replace(/\. .*$/s, "") : e.message) : String(e);
    console.error(`${name}: ${message}\n${usage}`);
    process.exit(2);
  }
  if (parsed.values.help) {
    console.log(usage);
    process.exit(0);
  }
  return parsed as unknown as { values: ParsedValues<O>; positionals: string[] };
}
type ParsedValues<O extends ParseArgsOptionsConfig> = { [K in keyof O]?: O[K] extends { type: "boolean" } ? boolean : string };
