// Validates an RDF Turtle file against SHACL shapes: node validate.js <data.ttl> <shapes.ttl>
// Prints one line per violation and "violations: N"; exits 0 when N is 0, 1 otherwise, 2 on bad input.
import fs from 'node:fs';
import { Parser } from 'n3';
import factory from '@zazuko/env';
import SHACLValidator from 'rdf-validate-shacl';

function load(file) {
  const dataset = factory.dataset();
  for (const quad of new Parser({ baseIRI: 'urn:local:' }).parse(fs.readFileSync(file, 'utf8'))) {
    dataset.add(quad);
  }
  return dataset;
}

async function main() {
  const [dataFile, shapesFile] = process.argv.slice(2);
  if (!dataFile || !shapesFile) {
    console.error('usage: node validate.js <data.ttl> <shapes.ttl>');
    process.exit(2);
  }
  const validator = new SHACLValidator(load(shapesFile), { factory });
  const report = await validator.validate(load(dataFile));
  const violations = report.results.filter(r => r.severity && r.severity.value.endsWith('#Violation'));
  for (const r of violations) {
    const message = r.message.map(m => m.value).join('; ');
    console.log(`${r.focusNode && r.focusNode.value} ${r.path && r.path.value} ${message}`);
  }
  console.log(`violations: ${violations.length}`);
  process.exit(violations.length === 0 ? 0 : 1);
}

main().catch(e => { console.error(e && e.stack || e); process.exit(2); });
