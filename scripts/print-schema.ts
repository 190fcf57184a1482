/**
 * Writes schema/schema.graphql from the code:  npm run schema:print
 * With --check, exits 1 when the file is stale instead of writing it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printGatewaySchema } from '../src/graphql/print-schema.js';

const file = join(import.meta.dirname, '..', 'schema', 'schema.graphql');
const printed = await printGatewaySchema();
if (process.argv.includes('--check')) {
  const current = readFileSync(file, 'utf8');
  if (current !== printed) {
    console.error('schema/schema.graphql is stale: run npm run schema:print');
    process.exit(1);
  }
  console.log('schema/schema.graphql is up to date');
} else {
  writeFileSync(file, printed);
  console.log(`wrote ${file}`);
}
