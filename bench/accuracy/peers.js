// The peers on the same free text: redact-pii (solvvy) and @redactpii/node.
// Each redacts a document's text; what a planted value became is read back
// by eval.py. Prints one JSON object per document and tool, with the time.
//   node bench/accuracy/peers.js DIR
const fs = require("fs");
const path = require("path");
const { SyncRedactor } = require("redact-pii");
const { Redactor } = require("@redactpii/node");
const dir = process.argv[2];
const files = fs.readdirSync(dir).filter((f) => f.endsWith(".txt")).sort();
const texts = files.map((f) => fs.readFileSync(path.join(dir, f), "utf8"));
const tools = {
  "redact-pii": new SyncRedactor(),
  "@redactpii/node": new Redactor(),
};
for (const [name, r] of Object.entries(tools)) {
  const t0 = process.hrtime.bigint();
  const out = texts.map((t) => r.redact(t));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  files.forEach((f, i) => process.stdout.write(JSON.stringify({ tool: name, file: f, text: out[i] }) + "\n"));
  process.stdout.write(JSON.stringify({ tool: name, ms, bytes: texts.reduce((a, t) => a + Buffer.byteLength(t), 0) }) + "\n");
}
