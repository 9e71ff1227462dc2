// Expands a JSON-LD document offline: node expand.mjs <document.jsonld> <odrl-context.jsonld>
// The ODRL context URL (http or https) resolves to the local copy given; any other URL is refused, so the check
// never touches the network. Safe mode makes a term the context does not define an error instead of dropping it.
// Prints the expanded form as JSON; exits 1 when the document does not expand, 2 on bad input.
import fs from 'node:fs';
import jsonld from 'jsonld';

const odrlContexts = new Set(['http://www.w3.org/ns/odrl.jsonld', 'https://www.w3.org/ns/odrl.jsonld']);

async function main() {
  const [documentFile, contextFile] = process.argv.slice(2);
  if (!documentFile || !contextFile) {
    console.error('usage: node expand.mjs <document.jsonld> <odrl-context.jsonld>');
    process.exit(2);
  }
  const context = JSON.parse(fs.readFileSync(contextFile, 'utf8'));
  const documentLoader = async url => {
    if (odrlContexts.has(url)) {
      return { contextUrl: null, documentUrl: url, document: context };
    }
    throw new Error(`refused to load ${url}: the check is offline and knows only the ODRL context`);
  };
  const document = JSON.parse(fs.readFileSync(documentFile, 'utf8'));
  try {
    const expanded = await jsonld.expand(document, { documentLoader, safe: true });
    process.stdout.write(JSON.stringify(expanded));
  } catch (e) {
    console.error(e && (e.stack || e.message) || e);
    if (e && e.details) {
      console.error(JSON.stringify(e.details, null, 2));
    }
    process.exit(1);
  }
}

main().catch(e => { console.error(e && e.stack || e); process.exit(2); });
