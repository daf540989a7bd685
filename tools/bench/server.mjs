// The benchmark's HTTP server: Node's http module, so the server is never the bottleneck of a
// Python client measurement. It serves prepared bodies from the fixture folder given as the
// first argument, listens on 127.0.0.1 only, and prints its port on stdout.
//   GET  /api/v3/runs/{id}            the ~4 KB run in run.json
//   GET  /api/v1/runs?page[size]=N    cursor pages over TOTAL runs (the items of items.json, repeated)
//   POST /api/v1/tasks/{id}/trigger   a trigger response
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const fixtures = process.argv[2];
const total = Number(process.argv[3] ?? 10000);
const run = readFileSync(join(fixtures, "run.json"));
const items = JSON.parse(readFileSync(join(fixtures, "items.json"), "utf8")).map((item) => JSON.stringify(item));
const triggered = Buffer.from(JSON.stringify({ id: "run_bench", isCached: false }));

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
