// The shape of embed.js, which src/portal/build.ts writes from src/portal/client (gitignored).
/** The minified `<tsuzuku-portal>` bundle served at /embed/v1/tsuzuku.js. */
export declare const EMBED_JS: string;
/** A short content hash of EMBED_JS, its ETag. */
export declare const EMBED_HASH: string;
