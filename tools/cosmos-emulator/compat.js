"use strict";
// Compatibility layer for @vercel/cosmosdb-server 1.0.1 so the .NET SDK (Microsoft.Azure.Cosmos 3.x,
// Gateway mode) works against it. Loaded by server.js; it wraps the package's route table and two methods
// of its document store. Everything not listed below behaves exactly as the package does.
const { AsyncLocalStorage } = require("async_hooks");
const pkgDir = "@vercel/cosmosdb-server";

const { version } = require(`${pkgDir}/package.json`);
if (version !== "1.0.1") {
  // These patches reach into the package's internals: refuse to run against anything they were not written for.
  throw new Error(`compat.js is written for ${pkgDir}@1.0.1, found ${version}`);
}

const routes = require(`${pkgDir}/lib/routes`);
const readJson = require(`${pkgDir}/lib/json`).default;
const { parsePartitionKey } = require(`${pkgDir}/lib/utils/get-partition-from-header`);
const Documents = require(`${pkgDir}/lib/account/documents`).default;
const handler = name => require(`${pkgDir}/lib/handler/${name}`).default;
const queryDocuments = handler("query-documents");
const readDocument = handler("read-document");
const readDocuments = handler("read-documents");

const header = (req, name) => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};
const isTrue = (req, name) => String(header(req, name) || "").toLowerCase() === "true";

// A predicate "this document belongs to the logical partition in the x-ms-documentdb-partitionkey header"
// (a JSON array, one value per partition-key path; [{}] is PartitionKey.None = the property is absent).
function partitionFilter(collection, req) {
  const raw = header(req, "x-ms-documentdb-partitionkey");
  if (!raw) return null;
  const wanted = JSON.parse(raw);
  const paths = ((collection.read() || {}).partitionKey || {}).paths || ["/id"];
  const getters = paths.map(p => doc => p.slice(1).split("/").reduce((o, k) => (o == null ? undefined : o[k]), doc));
  const same = (actual, want) =>
    want !== null && typeof want === "object" ? actual === undefined : actual === want;
  return doc => getters.every((get, i) => i >= wanted.length || same(get(doc), wanted[i]));
}

// (a) Query plan. The real gateway answers a POST to .../docs carrying `x-ms-cosmos-is-query-plan-request:
// True` with a PartitionedQueryExecutionInfo: how the client must merge results across partitions (ORDER BY,
// TOP, aggregates, DISTINCT, ...) and which effective-partition-key ranges to visit. The .NET SDK asks for it
// before every query when it cannot compute the plan itself (always on Linux/macOS; on Windows x64 it uses
// its native ServiceInterop instead). The package treats it as an ordinary query and returns documents, which
// the SDK reads as a plan without ranges (ArgumentNullException "providedRanges"). This server has a single physical partition (pkrange 0 = "" .. "FF") and evaluates the
// whole query itself, so the correct plan is "no client-side rewriting, one full range": the SDK then streams
// the server's already filtered, sorted, paginated pages and passes its continuation tokens back unchanged.
async function queryPlan(req) {
  await readJson(req); // consume the query spec; the real query that follows is validated by the package
  return {
    partitionedQueryExecutionInfoVersion: 2,
    queryInfo: {
      distinctType: "None", top: null, offset: null, limit: null,
      orderBy: [], orderByExpressions: [], groupByExpressions: [], groupByAliases: [],
      aggregates: [], groupByAliasToAggregateType: {},
      rewrittenQuery: "", hasSelectValue: false,
      dCountInfo: null, hasNonStreamingOrderBy: false
    },
    queryRanges: [{ min: "", max: "FF", isMinInclusive: true, isMaxInclusive: false }]
  };
}

// (b) Partition key on queries. The real service runs a query that carries x-ms-documentdb-partitionkey
// against that logical partition only (and does not require the key in the WHERE clause). The package ignores
// the header, so QueryRequestOptions.PartitionKey returned other partitions' documents. The filter is applied
// to the document set before the query runs, so ORDER BY and continuation tokens stay consistent.
const queryScope = new AsyncLocalStorage();
const originalQuery = Documents.prototype.query;
Documents.prototype.query = function query(params, options) {
  const keep = queryScope.getStore();
  if (!keep) return originalQuery.call(this, params, options);
  const view = Object.create(this); // same collection, query cache and UDFs; only the data set is narrowed
  view._data = new Map([...this._data].filter(([, item]) => keep(item.read())));
  return originalQuery.call(view, params, options);
};

// (d) Change feed. The real service versions every write with a log sequence number (LSN); a change-feed read
// (GET .../docs with `A-IM: Incremental feed`) returns documents changed after the LSN in If-None-Match (all
// when absent, none before "now" when "*"; If-Modified-Since for a start time), in LSN order, latest version
// only, at most x-ms-max-item-count of them, with the continuation in the ETag header, and 304 Not Modified
// when nothing is newer. The package answers every such read with ETag "1" and 304 once If-None-Match is
// set, so the SDK's second read never saw anything again. Deletes are not in this feed (as in the service's
// latest-version mode).
const lsnOf = new WeakMap();
let lastLsn = 0;
const originalSet = Documents.prototype._set;
Documents.prototype._set = function set(data) {
  const stored = originalSet.call(this, data);
  lastLsn += 1;
  lsnOf.set(stored, lastLsn);
  return stored;
};

function changeFeed(account, req, res, { dbId, collId }) {
  delete req.headers["a-im"]; // keep the package's generic A-IM handling (ETag "1" / 304) off this response
  const collection = account.database(dbId).collection(collId);
  const meta = collection.read();
  if (!meta) {
    res.statusCode = 404;
    return { code: "NotFound", message: "Resource Not Found" };
  }
  const token = (header(req, "if-none-match") || "").replace(/"/g, "");
  const since = token === "*" ? lastLsn : parseInt(token, 10) || 0;
  const modifiedSince = !token && header(req, "if-modified-since") ? Date.parse(header(req, "if-modified-since")) : NaN;
  const inPartition = partitionFilter(collection, req);
  const changed = [...collection.documents._data.values()]
    .map(item => item.read())
    .filter(d => lsnOf.get(d) > since && (!inPartition || inPartition(d)) && !(d._ts * 1000 < modifiedSince))
    .sort((a, b) => lsnOf.get(a) - lsnOf.get(b));
  const max = parseInt(header(req, "x-ms-max-item-count"), 10);
  const page = max > 0 ? changed.slice(0, max) : changed;
  const next = page.length ? lsnOf.get(page[page.length - 1]) : since;
  res.setHeader("etag", `"${next}"`);
  res.setHeader("x-ms-item-count", String(page.length));
  res.statusCode = page.length ? 200 : 304;
  return { _rid: meta._rid, Documents: page.map(d => ({ ...d, _lsn: lsnOf.get(d) })), _count: page.length };
}

const originalRoute = routes.default;
routes.default = req => {
  const route = originalRoute(req);
  if (!route) return route;
  const [params, original] = route;

  if (original === queryDocuments && isTrue(req, "x-ms-cosmos-is-query-plan-request")) {
    return [params, (account, rq) => queryPlan(rq)];
  }

  if (original === queryDocuments && header(req, "x-ms-documentdb-partitionkey")) {
    return [params, (account, rq, rs, p) => {
      const collection = account.database(p.dbId).collection(p.collId);
      if (!collection.read()) return original(account, rq, rs, p);
      // the package rejects single-partition queries whose WHERE lacks the key; the filter makes them exact
      rq.headers["x-ms-documentdb-query-enablecrosspartition"] = "true";
      return queryScope.run(partitionFilter(collection, rq), () => original(account, rq, rs, p));
    }];
  }

  // (c) Missing item. The real service answers a point read of an absent id with 404 and a JSON body
  // { code: "NotFound", message }, which the SDK turns into CosmosException(404) / ResponseMessage 404. The
  // package dereferences the missing document while checking the partition key and answers 500.
  if (original === readDocument) {
    return [params, (account, rq, rs, p) => {
      const collection = account.database(p.dbId).collection(p.collId);
      const key = header(rq, "x-ms-documentdb-partitionkey");
      if (collection.read() && key && !collection.document(p.docId, parsePartitionKey(key, p.docId)).read()) {
        rs.statusCode = 404;
        return { code: "NotFound", message: "Entity with the specified id does not exist in the system." };
      }
      return original(account, rq, rs, p);
    }];
  }

  if (original === readDocuments && /incremental feed/i.test(header(req, "a-im") || "")) {
    return [params, changeFeed];
  }
  return route;
};

// (e) Resource ids. The real service writes a resource id (_rid) in base64 with '-' in place of '/', so a
// rid can travel in a URL path. The package uses plain base64: every 256th database or so gets a rid with
// a '/', and the SDK's cross-partition queries in it fail with 404 "stale cache". Encode as the service does.
const ResourceId = require(`${pkgDir}/lib/account/resource-id`).default;
ResourceId.toBase64String = buffer => buffer.toString("base64").replace(/\//g, "-");
ResourceId.fromBase64String = text => Buffer.from(text.replace(/-/g, "/"), "base64");
