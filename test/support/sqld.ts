/** The tests' sqld is the one `npm run dev:worker` starts (scripts/sqld.ts). */
export * from "../../scripts/sqld";
