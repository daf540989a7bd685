// The official TypeScript SDK's batchTrigger, in chunks of 1,000 items, against the benchmark
// server: the reference the Python bulk trigger is compared with (tools/bench/bulk.py).
// Usage: node official_batch.mjs <base URL> <items>. Prints one JSON line of figures.
import { configure, tasks } from "@trigger.dev/sdk";

const [url, total] = [process.argv[2], Number(process.argv[3])];
configure({ secretKey: "tr_dev_benchKey", baseURL: url });

let peak = process.memoryUsage().rss;
const started = performance.now();
for (let start = 0; start < total; start += 1000) {
  const items = [];
  for (let i = start; i < Math.min(start + 1000, total); i++) items.push({ payload: { row: i, name: `row ${i}` } });
  await tasks.batchTrigger("import-row", items);
  peak = Math.max(peak, process.memoryUsage().rss);
}
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ items: total, seconds, peak_rss_mb: peak / 2 ** 20 }));
