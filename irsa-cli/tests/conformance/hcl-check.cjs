'use strict';
// HashiCorp's own HCL implementations, compiled to WebAssembly and pinned in the repository's
// package-lock.json: @cdktf/hcl2json (hclsyntax, the parser Terraform uses) and
// @cdktf/hcl-tools (hclwrite.Format, the layout `terraform fmt` applies).
//
//   node hcl-check.cjs check FILE...  every file must parse, and formatting must change nothing;
//                                     prints "ok FILE" or "FAIL FILE: why", exits 1 on a failure
//   node hcl-check.cjs json FILE      prints hcl2json's JSON rendering of FILE
const fs = require('fs');
const path = require('path');
const { parse } = require('@cdktf/hcl2json');
const { format } = require('@cdktf/hcl-tools');

async function check(files) {
  let failed = 0;
  for (const file of files) {
    const source = fs.readFileSync(file, 'utf8');
    try {
      await parse(path.basename(file), source);
    } catch (e) {
      failed++;
      console.log(`FAIL ${file}: HashiCorp's parser rejects it: ${String(e.message || e)}`);
      continue;
    }
    const formatted = await format(source);
    if (formatted !== source) {
      failed++;
      console.log(`FAIL ${file}: terraform fmt would change it:\n--- as written\n${source}\n--- as formatted\n${formatted}`);
      continue;
    }
    console.log(`ok ${file}`);
  }
  return failed === 0 ? 0 : 1;
}

async function main(argv) {
  const [mode, ...files] = argv;
  if (mode === 'check' && files.length > 0) return check(files);
  if (mode === 'json' && files.length === 1) {
    const source = fs.readFileSync(files[0], 'utf8');
    process.stdout.write(JSON.stringify(await parse(path.basename(files[0]), source)));
    return 0;
  }
  console.error('usage: hcl-check.cjs check FILE... | json FILE');
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => { console.error(String(e && e.stack || e)); process.exit(2); },
);
