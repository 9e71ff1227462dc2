// The marketplace's RDF checks, run by the tests (offline: no document is ever fetched).
//   node validate.mjs <data.ttl|data.jsonld> <shapes.ttl>
//     SHACL validation; prints one line per violation and "violations: N"; exits 0 when N is 0, 1 otherwise.
//   node validate.mjs compare <a.ttl|a.jsonld> <b.ttl|b.jsonld>
//     Whether both files hold the same RDF graph (isomorphic: equal canonical N-Quads, RDFC-1.0); prints
//     "isomorphic (N triples)" and exits 0, or the triples only one side has and exits 1.
// Exits 2 on bad input. JSON-LD is read with a document loader that refuses the network: a remote @context
// must have a local copy in contexts/ (listed in LocalContexts), else the input is refused.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser, Writer } from 'n3';
import jsonld from 'jsonld';
import factory from '@zazuko/env';
import SHACLValidator from 'rdf-validate-shacl';

const here = path.dirname(fileURLToPath(import.meta.url));

// Remote context URL -> local copy under contexts/. The catalog's own @context is inline, so none is needed yet.
const LocalContexts = {};

async function documentLoader(url) {
  const local = LocalContexts[url];
  if (!local) {
    // Said here too: jsonld wraps the loader's error in its own, which does not repeat the message.
    console.error(`refusing to fetch ${url}: this validator is offline`);
    throw new Error(`refusing to fetch ${url}: this validator is offline; add a local copy to contexts/ and LocalContexts`);
  }
  return { contextUrl: null, documentUrl: url, document: JSON.parse(fs.readFileSync(path.join(here, 'contexts', local), 'utf8')) };
}

// The file's triples as N-Quads, from Turtle or (by its .jsonld/.json extension) JSON-LD.
async function nquads(file) {
  const text = fs.readFileSync(file, 'utf8');
  if (/\.(jsonld|json)$/i.test(file)) {
    return jsonld.toRDF(JSON.parse(text), { format: 'application/n-quads', documentLoader, safe: true });
  }
  const writer = new Writer({ format: 'N-Quads' });
  writer.addQuads(new Parser({ baseIRI: 'urn:local:' }).parse(text));
  return new Promise((resolve, reject) => writer.end((error, result) => (error ? reject(error) : resolve(result))));
}

async function load(file) {
  const dataset = factory.dataset();
  for (const quad of new Parser({ format: 'N-Quads' }).parse(await nquads(file))) {
    dataset.add(quad);
  }
  return dataset;
}

async function validate(dataFile, shapesFile) {
  const validator = new SHACLValidator(await load(shapesFile), { factory });
  const report = await validator.validate(await load(dataFile));
  const violations = report.results.filter(r => r.severity && r.severity.value.endsWith('#Violation'));
  for (const r of violations) {
    const message = r.message.map(m => m.value).join('; ');
    console.log(`${r.focusNode && r.focusNode.value} ${r.path && r.path.value} ${message}`);
  }
  console.log(`violations: ${violations.length}`);
  return violations.length === 0 ? 0 : 1;
}

async function canonical(file) {
  const canonized = await jsonld.canonize(await nquads(file), { inputFormat: 'application/n-quads' });
  return new Set(canonized.split('\n').filter(line => line.length > 0));
}

async function compare(first, second) {
  const [a, b] = await Promise.all([canonical(first), canonical(second)]);
  const onlyA = [...a].filter(q => !b.has(q));
  const onlyB = [...b].filter(q => !a.has(q));
  if (a.size === 0 || onlyA.length > 0 || onlyB.length > 0) {
    for (const q of onlyA) console.log(`only in ${path.basename(first)}: ${q}`);
    for (const q of onlyB) console.log(`only in ${path.basename(second)}: ${q}`);
    console.log(`not isomorphic (${a.size} and ${b.size} triples)`);
    return 1;
  }
  console.log(`isomorphic (${a.size} triples)`);
  return 0;
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === 'compare' && args.length === 3) {
    return compare(args[1], args[2]);
  }
  if (args.length === 2) {
    return validate(args[0], args[1]);
  }
  console.error('usage: node validate.mjs <data.ttl|data.jsonld> <shapes.ttl>\n       node validate.mjs compare <a.ttl|a.jsonld> <b.ttl|b.jsonld>');
  return 2;
}

main().then(code => process.exit(code), e => { console.error(e && e.stack || e); process.exit(2); });
