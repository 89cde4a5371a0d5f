// V8 settings the headless kit runs with, shared by `npm start` and the bench
// (package.json's `serve` script spells the same flag: npm scripts cannot
// import). A 4 MB young-generation semi-space keeps a busy proxy's resident
// memory about 15-20 MB lower, and measured no slower (a little faster: the
// young generation stays in cache) on the bench's chat, embeddings and
// streaming cells; the kit's garbage is short-lived (buffers and per-request
// objects), which is what a small young generation collects cheaply.
// See docs/benchmarks.md.
export const KIT_NODE_FLAGS = ['--max-semi-space-size=4'];
