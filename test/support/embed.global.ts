import { buildEmbed } from "../../src/portal/build";

/** Vitest global setup: bundles the <tsuzuku-portal> embed before either runtime imports the app. */
export default async function setup() {
  await buildEmbed();
}
