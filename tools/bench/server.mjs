// The benchmark's HTTP server: Node's http module, so the server is never the bottleneck of a
// Python client measurement. It serves prepared bodies from the fixture folder given as the
// first argument, listens on 127.0.0.1 only, and prints its port on stdout.
//   GET  /api/v3/runs/{id}            the ~4 KB run in run.json
//   GET  /api/v1/runs?page[size]=N    cursor pages over TOTAL runs (the items of items.json, repeated)
//   POST /api/v1/tasks/{id}/trigger   a trigger response
//   POST /api/v3/batches               batch creation behind a token bucket (each run costs a
//                                      token; BATCH_CAPACITY, BATCH_REFILL per second from the
//                                      environment), 429 with Retry-After when it cannot pay
//   POST /api/v3/batches/{id}/items    NDJSON items: counted, sealed once all have arrived
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const fixtures = process.argv[2];
const total = Number(process.argv[3] ?? 10000);
const run = readFileSync(join(fixtures, "run.json"));
const items = JSON.parse(readFileSync(join(fixtures, "items.json"), "utf8")).map((item) => JSON.stringify(item));
const triggered = Buffer.from(JSON.stringify({ id: "run_bench", isCached: false }));

// The batch limiter, as the server's: a token bucket where each run of a batch costs one.
const capacity = Number(process.env.BATCH_CAPACITY ?? 1200);
const refill = Number(process.env.BATCH_REFILL ?? 10);
let tokens = capacity;
let refilledAt = performance.now();
let batchCount = 0;
const batches = new Map(); // id -> { runCount, received }
const stats = { created: 0, limited: 0, items: 0 };

function takeTokens(count) {
  const now = performance.now();
  tokens = Math.min(capacity, tokens + ((now - refilledAt) / 1000) * refill);
  refilledAt = now;
  if (tokens >= count) {
    tokens -= count;
    return 0;
  }
  return (count - tokens) / refill;
}

function json(response, status, value, headers = {}) {
  const body = Buffer.from(JSON.stringify(value));
  response.writeHead(status, { "content-type": "application/json", "content-length": body.length, ...headers });
  response.end(body);
}

function readBody(request, done) {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => done(Buffer.concat(chunks)));
}

function page(query) {
  const size = Math.min(Number(query.get("page[size]") ?? 25), 100);
  const start = Number(query.get("page[after]") ?? 0);
  const end = Math.min(start + size, total);
  const data = [];
  for (let i = start; i < end; i++) data.push(items[i % items.length]);
  const next = end < total ? `,"next":"${end}"` : "";
  return Buffer.from(`{"data":[${data.join(",")}],"pagination":{"previous":"${start}"${next}}}`);
}

const server = createServer((request, response) => {
  const url = new URL(request.url, "http://127.0.0.1");
  if (request.method === "POST" && url.pathname === "/api/v3/batches") {
    readBody(request, (raw) => {
      const runCount = JSON.parse(raw.toString()).runCount;
      const wait = takeTokens(runCount);
      if (wait > 0) {
        stats.limited++;
        json(response, 429, { error: "Batch rate limit exceeded" }, {
          "retry-after": String(Math.max(0.001, Math.ceil(wait * 1000) / 1000).toFixed(3)),
          "x-ratelimit-reset": String(Math.ceil(Date.now() / 1000 + wait)),
          "x-ratelimit-remaining": "0",
        });
        return;
      }
      const id = `batch_${String(batchCount++).padStart(8, "0")}`;
      batches.set(id, { runCount, received: 0 });
      stats.created++;
      json(response, 200, { id, runCount, isCached: false });
    });
    return;
  }
  if (request.method === "POST" && url.pathname.startsWith("/api/v3/batches/") && url.pathname.endsWith("/items")) {
    const id = url.pathname.split("/")[4];
    readBody(request, (raw) => {
      const batch = batches.get(id);
      let lines = 0;
      for (const byte of raw) if (byte === 10) lines++;
      batch.received += lines;
      stats.items += lines;
      const sealed = batch.received >= batch.runCount;
      if (sealed) batches.delete(id);
      json(response, 200, { id, itemsAccepted: lines, itemsDeduplicated: 0, sealed });
    });
    return;
  }
  if (request.method === "GET" && url.pathname === "/stats") {
    json(response, 200, stats);
    return;
  }
  let body;
  if (request.method === "GET" && url.pathname.startsWith("/api/v3/runs/")) body = run;
  else if (request.method === "GET" && url.pathname === "/api/v1/runs") body = page(url.searchParams);
  else if (request.method === "POST" && url.pathname.endsWith("/trigger")) body = triggered;
  else {
    response.writeHead(404, { "content-type": "application/json" });
    response.end('{"error":"Not found"}');
    return;
  }
  request.resume();
  request.on("end", () => {
    response.writeHead(200, { "content-type": "application/json", "content-length": body.length });
    response.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
