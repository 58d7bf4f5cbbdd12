import { readFileSync } from "node:fs";
import { connect } from "node:net";

/**
 * A loopback port that refuses connections now and stays refused for the run: one below the
 * kernel's ephemeral range (/proc/sys/net/ipv4/ip_local_port_range), which every listen(0) in this
 * suite (sqld, receivers, servers) draws from. A port picked by listen(0) and released was free
 * only for a moment: CI once saw another server take it, and the "down" database answered.
 */
export async function refusedLoopbackPort(): Promise<number> {
  let low = 32768;
  try {
    low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]) || low;
  } catch {
    // not Linux: keep the common default
  }
  const refused = (port: number) =>
    new Promise<boolean>((done) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), done(false)));
      socket.once("error", (e: NodeJS.ErrnoException) => done(e.code === "ECONNREFUSED"));
    });
  for (let tries = 0; tries < 50; tries++) {
    const port = low - 1 - Math.floor(Math.random() * Math.min(8000, low - 1025));
    if (await refused(port)) return port;
  }
  throw new Error("no refused loopback port found below the ephemeral range");
}
