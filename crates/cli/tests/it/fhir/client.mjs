// A partner's system reading Concordat through a third-party FHIR client
// (the npm package fhir-kit-client): the CapabilityStatement, a Patient
// found by NHS number and read by id, the crisis plan (CarePlan) and its
// first version, the safety flags (Flag), the consent directives
// (Consent), the contacts (Encounter), again a page at a time, referrals
// (ServiceRequest, Task), messages (Communication), the care team
// (CareTeam) with a member (Practitioner), and the organisations
// (Organization), one of them read by id. Arguments: the FHIR base, a
// bearer token, an NHS number. Prints what it read as one JSON object.
// The package is found in $CONCORDAT_TEST_FHIR_TOOLS/node_modules.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [base, token, nhs] = process.argv.slice(2);
const entry = path.join(
  process.env.CONCORDAT_TEST_FHIR_TOOLS, 'node_modules', 'fhir-kit-client', 'dist', 'index.js',
);
const { Client } = await import(pathToFileURL(entry).href);

const client = new Client({ baseUrl: base, bearerToken: token });
const capability = await client.capabilityStatement();
const found = await client.search({
  resourceType: 'Patient',
  searchParams: { identifier: `https://fhir.nhs.uk/Id/nhs-number|${nhs}` },
});
const patient = await client.read({ resourceType: 'Patient', id: found.entry[0].resource.id });
const plans = await client.search({
  resourceType: 'CarePlan',
  searchParams: { patient: `Patient/${patient.id}` },
});
const plan = plans.entry[0].resource;
const first = await client.vread({ resourceType: 'CarePlan', id: plan.id, version: '1' });
const flags = await client.search({
  resourceType: 'Flag',
  searchParams: { subject: `Patient/${patient.id}` },
});
const consents = await client.search({
  resourceType: 'Consent',
  searchParams: { patient: `Patient/${patient.id}` },
});
const encounters = await client.search({
  resourceType: 'Encounter',
  searchParams: { patient: `Patient/${patient.id}` },
});
// The contacts again, a page of one at a time, following the `next` link.
const firstPage = await client.search({
  resourceType: 'Encounter',
  searchParams: { patient: `Patient/${patient.id}`, _count: 1 },
});
const secondPage = await client.nextPage({ bundle: firstPage });
// What else is about the person: referrals as requests and tasks, messages,
// and the care team with one of its members resolved.
const about = {};
for (const resourceType of ['ServiceRequest', 'Task', 'Communication', 'CareTeam']) {
  about[resourceType] = await client.search({
    resourceType,
    searchParams: { patient: `Patient/${patient.id}` },
  });
}
const member = about.CareTeam.entry[0].resource.participant[0].member.reference.split('/')[1];
const practitioner = await client.read({ resourceType: 'Practitioner', id: member });
const organizations = await client.search({ resourceType: 'Organization' });
const organization = await client.read({
  resourceType: 'Organization',
  id: organizations.entry[0].resource.id,
});
console.log(JSON.stringify({
  capability, found, patient, plans, first, flags, consents, encounters, firstPage, secondPage,
  about, practitioner, organizations, organization,
}));
