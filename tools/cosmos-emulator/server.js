#!/usr/bin/env node
"use strict";
// Local in-memory Cosmos DB (SQL API) server for development and tests.
//   node server.js [--port 8081] [--host 127.0.0.1] [--no-ssl]
// --port 0 picks a free port. Prints exactly one line when ready: "cosmos-emulator listening on <url>".
// HTTPS by default, with a self-signed certificate made in memory at start (EC P-256, CN=localhost,
// SAN localhost/127.0.0.1/::1, valid one day back and 30 days ahead); clients must accept it.
// --no-ssl serves plain HTTP, which the .NET SDK also accepts in Gateway mode.
require("./compat"); // must patch the package before it serves a request
const crypto = require("crypto");
const { createHttpServer, createHttpsServer } = require("@vercel/cosmosdb-server");

function parseArgs(argv) {
  const args = { port: 8081, host: "127.0.0.1", ssl: true };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === "--port" || a === "-p") args.port = Number(argv[++i]);
    else if (a === "--host") args.host = argv[++i];
    else if (a === "--no-ssl") args.ssl = false;
    else {
      process.stderr.write(`unknown argument: ${a}\nusage: node server.js [--port N] [--host ADDR] [--no-ssl]\n`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) {
    process.stderr.write("--port must be an integer 0..65535\n");
    process.exit(2);
  }
  return args;
}

// Minimal DER writer: enough for one self-signed X.509 v3 certificate (node's crypto signs but cannot
// build certificates, and openssl is not on every developer machine).
function der(tag, ...parts) {
  const body = Buffer.concat(parts);
  let len = [body.length];
  if (body.length >= 0x80) {
    len = [];
    for (let n = body.length; n > 0; n >>= 8) len.unshift(n & 0xff);
    len.unshift(0x80 | len.length);
  }
  return Buffer.concat([Buffer.from([tag, ...len]), body]);
}
const seq = (...p) => der(0x30, ...p);
function oid(dotted) {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const bytes = [a * 40 + b];
  for (const v of rest) {
    const enc = [v & 0x7f];
    for (let x = v >> 7; x > 0; x >>= 7) enc.unshift((x & 0x7f) | 0x80);
    bytes.push(...enc);
  }
  return der(0x06, Buffer.from(bytes));
}
const utcTime = d => der(0x17, Buffer.from(d.toISOString().replace(/[-:T]/g, "").slice(2, 14) + "Z"));

function selfSignedCertificate() {
  const { publicKey, privateKey } = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const ecdsaWithSha256 = seq(oid("1.2.840.10045.4.3.2"));
  const name = seq(der(0x31, seq(oid("2.5.4.3"), der(0x0c, Buffer.from("localhost")))));
  const serial = crypto.randomBytes(16);
  serial[0] &= 0x7f;
  const now = Date.now();
  const altNames = seq(
    der(0x82, Buffer.from("localhost")),
    der(0x87, Buffer.from([127, 0, 0, 1])),
    der(0x87, Buffer.concat([Buffer.alloc(15), Buffer.from([1])]))
  );
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.from([2]))), // v3
    der(0x02, serial),
    ecdsaWithSha256,
    name,
    seq(utcTime(new Date(now - 86400e3)), utcTime(new Date(now + 30 * 86400e3))),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    der(0xa3, seq(
      seq(oid("2.5.29.17"), der(0x04, altNames)),
      seq(oid("2.5.29.37"), der(0x04, seq(oid("1.3.6.1.5.5.7.3.1")))) // extended key usage: server auth
    ))
  );
  const signature = crypto.sign("sha256", tbs, privateKey);
  const cert = seq(tbs, ecdsaWithSha256, der(0x03, Buffer.from([0]), signature));
  const pem = `-----BEGIN CERTIFICATE-----\n${cert.toString("base64").match(/.{1,64}/g).join("\n")}\n-----END CERTIFICATE-----\n`;
  return { cert: pem, key: privateKey.export({ type: "pkcs8", format: "pem" }) };
}

const args = parseArgs(process.argv.slice(2));
// keepAlive: the package's CLI answers "Connection: close", so every SDK call would pay a new TCP (and TLS)
// handshake. The idle timeout is kept above .NET's pooled-connection idle timeout (1 min) so the server never
// closes a connection the client is about to reuse.
const options = { keepAlive: true };
const server = args.ssl ? createHttpsServer({ ...options, ...selfSignedCertificate() }) : createHttpServer(options);
server.keepAliveTimeout = 5 * 60e3;
server.headersTimeout = 5 * 60e3 + 10e3;

server.on("error", err => {
  process.stderr.write(`cosmos-emulator: ${err.message}\n`);
  process.exit(1);
});
server.listen(args.port, args.host, () => {
  const { port } = server.address();
  const host = args.host.includes(":") ? `[${args.host}]` : args.host;
  process.stdout.write(`cosmos-emulator listening on ${args.ssl ? "https" : "http"}://${host}:${port}/\n`);
});

function shutdown() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
