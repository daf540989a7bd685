// Node preload for the real-server lane: every server a Node process starts listens on
// 127.0.0.1, whatever address it asked for ("every interface" included). Loaded with
// `--require` (through NODE_OPTIONS, so child processes get it too).
"use strict";

const net = require("node:net");

const LOOPBACK = "127.0.0.1";
const ANY = new Set(["", "0.0.0.0", "::", "[::]", "localhost", "::1", "[::1]"]);
const listen = net.Server.prototype.listen;

function isPort(value) {
  return typeof value === "number" || (typeof value === "string" && /^\d+$/.test(value));
}

net.Server.prototype.listen = function loopbackListen(...args) {
  const first = args[0];
  if (args.length === 0 || typeof first === "function") {
    // listen() or listen(callback): a random port, on loopback.
    args.unshift({ port: 0, host: LOOPBACK });
  } else if (isPort(first)) {
    const second = args[1];
    if (typeof second === "string" || second === null || second === undefined) {
      if (second == null || ANY.has(second)) args[1] = LOOPBACK;
      else if (second !== LOOPBACK && !second.startsWith("127.")) {
        throw new Error(`loopback preload: refusing to listen on ${second}`);
      }
    } else {
      // listen(port, backlog, cb) or listen(port, cb): put the host in.
      args.splice(1, 0, LOOPBACK);
    }
  } else if (first && typeof first === "object" && !("_handle" in first) && !("fd" in first)) {
    // listen(options): a socket path is local already; a port gets loopback.
    if (!("path" in first) || first.path == null) {
      const host = first.host;
      if (host == null || ANY.has(host)) args[0] = { ...first, host: LOOPBACK };
      else if (host !== LOOPBACK && !String(host).startsWith("127.")) {
        throw new Error(`loopback preload: refusing to listen on ${host}`);
      }
    }
  }
  return listen.apply(this, args);
};
