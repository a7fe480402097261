import type { Resource } from './resources.js';

// GET /fhir/R4/metadata: what this server does, for a FHIR client to discover.

const read = (type: string, search: string[] = []) => ({
  type,
  interaction: [{ code: 'read' }, { code: 'search-type' }],
  searchParam: search.map((name) => ({ name, type: name === 'start' || name === 'date' || name === 'birthdate' ? 'date' : name === 'identifier' || name === 'status' ? 'token' : name === 'name' ? 'string' : 'reference' })),
});

export function capabilityStatement(base: string, date: string): Resource {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date,
    publisher: 'Frontdesk',
    kind: 'instance',
    software: { name: 'Frontdesk' },
    implementation: { description: 'Frontdesk clinic booking: find, hold and book, backed by the same database constraints as the desks', url: base },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    patchFormat: ['application/json-patch+json'],
    instantiates: ['https://profiles.ihe.net/ITI/Scheduling/CapabilityStatement/IHE.Scheduling.server'],
    rest: [
      {
        mode: 'server',
        security: {
          service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
          description: `OAuth2 client credentials: POST ${base}/auth/token with the client id and secret an admin registered; send the token as Authorization: Bearer.`,
          extension: [{ url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris', extension: [{ url: 'token', valueUri: `${base}/auth/token` }] }],
        },
        resource: [
          read('Location'),
          read('Practitioner'),
          read('PractitionerRole'),
          read('HealthcareService'),
          read('Schedule', ['actor']),
          read('Slot', ['schedule', 'start', 'status', 'service-type']),
          {
            ...read('Appointment', ['date', 'patient', 'actor', 'location', 'status']),
            interaction: [{ code: 'read' }, { code: 'search-type' }, { code: 'update' }, { code: 'patch' }],
            versioning: 'versioned-update',
            updateCreate: false,
            operation: [
              { name: 'find', definition: 'https://profiles.ihe.net/ITI/Scheduling/OperationDefinition/appointment-find' },
              { name: 'hold', definition: 'https://profiles.ihe.net/ITI/Scheduling/OperationDefinition/appointment-hold' },
              { name: 'book', definition: 'https://profiles.ihe.net/ITI/Scheduling/OperationDefinition/appointment-book' },
            ],
          },
          { ...read('Patient', ['identifier', 'name', 'birthdate']), interaction: [{ code: 'read' }, { code: 'search-type' }, { code: 'create' }] },
        ],
        operation: [{ name: 'bulk-publish', definition: 'http://fhir-registry.smarthealthit.org/OperationDefinition/bulk-publish' }],
      },
    ],
  };
}
