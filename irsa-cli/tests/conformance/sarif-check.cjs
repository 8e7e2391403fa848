'use strict';
// Validates SARIF logs against the OASIS SARIF 2.1.0 JSON schema (sarif-schema-2.1.0.json,
// beside this script) with Ajv, pinned in the workspace's package-lock.json.
// usage: node sarif-check.cjs FILE.sarif...   exit 0 valid, 1 invalid, 2 usage
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: sarif-check.cjs FILE.sarif...');
  process.exit(2);
}
const schema = JSON.parse(fs.readFileSync(path.join(__dirname, 'sarif-schema-2.1.0.json'), 'utf8'));
// unicodeRegExp: false: the schema's `language` pattern (`...{2}]?$`) is not valid under JavaScript's
// u flag; without it, it compiles as the schema's authors tested it.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);
let failed = 0;
for (const file of files) {
  const log = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (validate(log)) {
    console.log(`${file}: valid SARIF 2.1.0`);
  } else {
    failed += 1;
    for (const error of validate.errors) console.log(`${file}: ${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`);
  }
}
process.exit(failed ? 1 : 0);
