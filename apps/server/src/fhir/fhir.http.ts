import { createHash } from 'node:crypto';
import type http from 'node:http';
import type { AppointmentView } from '@frontdesk/shared';
import type { ApiCaller } from '../api-clients/api-clients.service.js';
import { withTenant } from '../db/request-scope.js';
import type { Deps } from '../deps.js';
import { bearer } from '../trpc/context.js';
import { BULK_TYPES, type BulkType } from './bulk-publish.js';
import { capabilityStatement } from './capability.js';
import { badInput, etag, FhirError, fhirError, ifMatch, notFoundError, operationOutcome, send, toFhirError } from './outcome.js';
import { idOf, parameters, readProposal, valueOf, window, type Proposal } from './params.js';
import { RateLimiter, type RateLimit } from './rate-limit.js';
import { FHIR_JSON, searchset, type Resource } from './resources.js';

// The FHIR R4 scheduling API at /fhir/R4 (JSON only):
//   GET  metadata                         CapabilityStatement (no token needed)
//   POST auth/token                       OAuth2 client credentials → bearer token
//   GET  Location|Practitioner|PractitionerRole|HealthcareService|Schedule|Slot|Appointment|Patient[/id]
//   POST Patient                          a minimal new patient
//   GET|POST Appointment/$find            free times as proposed Appointments (IHE ITI-115)
//   POST Appointment/$hold | $book        hold or book one (ITI-116, ITI-117)
//   PUT|PATCH Appointment/<id>            move, book a hold, cancel; If-Match: W/"<version>"
//   GET  $bulk-publish[/<Type>.ndjson]    SMART Scheduling Links, with _since
// A system acts as an actor whose desk is its name: its bookings go through
// the desks' own commands and appear on every desk live.

export const FHIR_PREFIX = '/fhir/R4';
const READABLE = ['Location', 'Practitioner', 'PractitionerRole', 'HealthcareService', 'Schedule', 'Slot', 'Appointment', 'Patient'] as const;
const MAX_COUNT = 100;

export function isFhirPath(url: string | undefined): boolean {
  const u = url ?? '';
  return u === FHIR_PREFIX || u.startsWith(`${FHIR_PREFIX}/`) || u.startsWith(`${FHIR_PREFIX}?`);
}

export interface FhirOptions {
  rate?: RateLimit;
  maxBodyBytes?: number;
}

interface Request {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  base: string;
  parts: string[];
}

export function fhirHandler(deps: Deps, options: FhirOptions = {}): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
  const limiter = new RateLimiter(options.rate);
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://frontdesk.invalid');
    const base = `http://${req.headers.host ?? 'localhost'}${FHIR_PREFIX}`;
    const parts = url.pathname.slice(FHIR_PREFIX.length).split('/').filter(Boolean).map(decodeURIComponent);
    const r: Request = { req, res, url, base, parts };
    // The service a refused placement was for: its alternatives are offered as proposals of it.
    let serviceId: string | null = null;
    let caller: ApiCaller | null = null;
    try {
      if (parts[0] === 'metadata' && parts.length === 1) return send(res, 200, capabilityStatement(base, deps.now().toISOString()));
      if (parts[0] === '.well-known' && parts[1] === 'smart-configuration') {
        return send(res, 200, { token_endpoint: `${base}/auth/token`, grant_types_supported: ['client_credentials'], token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'], capabilities: ['client-confidential-symmetric'] });
      }
      if (parts[0] === 'auth' && parts[1] === 'token' && parts.length === 2) return await token(r);

      const presented = bearer(req.headers.authorization);
      caller = presented ? await deps.apiClients.authenticate(presented) : null;
      if (!caller) throw new FhirError(401, operationOutcome('UNAUTHORIZED', 'Send a bearer token from POST /fhir/R4/auth/token (it may have expired).', 'login'), { 'www-authenticate': 'Bearer' });
      const wait = limiter.take(caller.clientId);
      if (wait > 0) throw new FhirError(429, operationOutcome('TOO_MANY_ATTEMPTS', `Too many requests from this system: try again in ${wait} seconds.`, 'throttled'), { 'retry-after': String(wait) });
      const c = caller;
      await withTenant(c.actor.tenantId, () => route(r, c, (id) => (serviceId = id)));
    } catch (error) {
      const c = caller;
      const mapped = await toFhirError(error, {
        proposed: async (alternatives) => (c && serviceId ? deps.fhir.proposals(c, serviceId, alternatives, null) : []),
        current: async (view) => (c ? deps.fhir.toAppointment(c, view) : { resourceType: 'Appointment' }),
      }).catch(() => null);
      if (mapped) return send(res, mapped.status, mapped.outcome, mapped.headers);
      deps.logger.error({ err: error, path: url.pathname }, 'fhir request failed');
      send(res, 500, operationOutcome('INTERNAL', 'Something went wrong on the server; nothing was changed by this request unless it says so. Please try again.', 'exception'));
    }
  };

  async function token(r: Request): Promise<void> {
    if (r.req.method !== 'POST') throw fhirError(405, 'BAD_INPUT', 'Ask for a token with POST.', 'not-supported');
    const form = new URLSearchParams(await readBody(r.req));
    let id = form.get('client_id') ?? '';
    let secret = form.get('client_secret') ?? '';
    const basic = /^Basic\s+(.+)$/i.exec(r.req.headers.authorization ?? '');
    if (basic) {
      const [u = '', p = ''] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
      id = decodeURIComponent(u);
      secret = decodeURIComponent(p);
    }
    const plain = (status: number, body: object, headers: Record<string, string> = {}) => r.res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body));
    if (form.get('grant_type') !== 'client_credentials') return void plain(400, { error: 'unsupported_grant_type', error_description: 'Use grant_type=client_credentials.' });
    // Guessing secrets is slowed per client id as any other request is.
    const wait = limiter.take(`token:${id}`);
    if (wait > 0) return void plain(429, { error: 'slow_down', error_description: `Too many requests: try again in ${wait} seconds.` }, { 'retry-after': String(wait) });
    const issued = id && secret ? await deps.apiClients.issueToken(id, secret) : null;
    if (!issued) return void plain(401, { error: 'invalid_client', error_description: 'The client id or secret is not right, or the client is disabled.' }, { 'www-authenticate': 'Basic realm="frontdesk"' });
    plain(200, issued);
  }

  async function route(r: Request, c: ApiCaller, forService: (id: string) => void): Promise<void> {
    const { req, res, url, parts, base } = r;
    const method = req.method ?? 'GET';
    const q = url.searchParams;
    const [type, id, op] = parts;

    if (type === '$bulk-publish') {
      if (method !== 'GET') throw fhirError(405, 'BAD_INPUT', 'Read the manifest with GET.', 'not-supported');
      const since = q.get('_since');
      if (!id) return send(res, 200, deps.fhirBulk.manifest(c, base, since), { 'content-type': 'application/json; charset=utf-8' });
      const file = /^([A-Za-z]+)\.ndjson$/.exec(id)?.[1];
      if (!file || !BULK_TYPES.includes(file as BulkType)) throw notFoundError('file');
      const rows = await deps.fhirBulk.file(c, file as BulkType, since, (slot) => `${base}/Slot/${slot}`);
      res.writeHead(200, { 'content-type': 'application/fhir+ndjson', 'cache-control': 'no-store' }).end(rows.map((x) => JSON.stringify(x)).join('\n') + (rows.length ? '\n' : ''));
      return;
    }

    if (type === 'Appointment' && id?.startsWith('$')) {
      const body = method === 'POST' ? await readJson(req) : null;
      if (id === '$find' && (method === 'GET' || method === 'POST')) {
        const p = findParams(q, body);
        forService(p.serviceId);
        const found = await deps.fhir.find(c, p);
        return send(res, 200, searchset(base, url.href.replace('http://frontdesk.invalid', base.slice(0, -FHIR_PREFIX.length)), found));
      }
      if (method !== 'POST') throw fhirError(405, 'BAD_INPUT', `${id} is called with POST.`, 'not-supported');
      if (id === '$hold') {
        const proposal = readProposal(body);
        forService(proposal.serviceId);
        const minutes = valueOf(parameters(body).get('hold-minutes')?.[0]);
        return sendAppointment(r, c, await deps.fhir.hold(c, proposal, minutes ? Number(minutes) : undefined, idempotencyKey(req)), 201);
      }
      if (id === '$book') {
        const target = bookTarget(req, body);
        if ('proposal' in target) forService(target.proposal.serviceId);
        return sendAppointment(r, c, await deps.fhir.book(c, target, idempotencyKey(req)), 'proposal' in target ? 201 : 200);
      }
      throw notFoundError('operation');
    }

    if (!type || !(READABLE as readonly string[]).includes(type) || op !== undefined) throw notFoundError('resource type or address');

    if (type === 'Appointment' && id && (method === 'PUT' || method === 'PATCH')) {
      const current = await deps.fhir.appointment(c, id);
      const body = await readJson(req);
      const version = ifMatch(req.headers['if-match']) ?? versionIn(body);
      if (version === null) throw fhirError(428, 'BAD_INPUT', 'Send If-Match: W/"<version>" (the ETag you read), so a change made meanwhile is not overwritten.', 'required', 'If-Match');
      const next = method === 'PUT' ? body : patched(current.resource, body, req.headers['content-type']);
      if ((next as { resourceType?: string }).resourceType !== 'Appointment') throw badInput('Send an Appointment resource.', 'resourceType');
      forService(String(((current.resource.serviceType as { coding: { code: string }[] }[])[0]?.coding[0]?.code) ?? ''));
      const a = next as { status?: string; start?: string; participant?: { actor?: { reference?: string } }[]; cancelationReason?: { text?: string } };
      const patientId = (a.participant ?? []).map((p) => idOf(p.actor?.reference, 'Patient')).find((x) => x !== null) ?? null;
      return sendAppointment(r, c, await deps.fhir.update(c, id, version, { status: a.status, start: a.start, patientId, cancelReason: a.cancelationReason?.text }), 200);
    }

    if (type === 'Patient' && method === 'POST' && !id) {
      const created = await deps.fhir.createPatient(c, (await readJson(req)) as Record<string, unknown>);
      return send(res, 201, created, { location: `${base}/Patient/${created.id}` });
    }

    if (method !== 'GET' && method !== 'HEAD') throw fhirError(405, 'BAD_INPUT', `${type} is read here with GET.`, 'not-supported');

    if (id) {
      if (type === 'Appointment') {
        const { resource, version } = await deps.fhir.appointment(c, id);
        return send(res, 200, resource, { etag: etag(version) });
      }
      const found = await readOne(c, type, id, base);
      if (!found) throw notFoundError(type);
      return send(res, 200, found, { etag: weakTag(found) });
    }
    const bundle = searchset(base, `${base}/${type}${url.search}`, await search(c, type, q, base));
    send(res, 200, bundle);
  }

  async function readOne(c: ApiCaller, type: string, id: string, base: string): Promise<Resource | null> {
    switch (type) {
      case 'Location':
        return (await deps.fhir.locations(c, id))[0] ?? null;
      case 'Practitioner':
        return (await deps.fhir.practitioners(c, id))[0] ?? null;
      case 'PractitionerRole':
        return (await deps.fhir.practitionerRoles(c, id))[0] ?? null;
      case 'HealthcareService':
        return (await deps.fhir.healthcareServices(c, id))[0] ?? null;
      case 'Schedule':
        return (await deps.fhir.schedules(c, { id }))[0] ?? null;
      case 'Slot':
        return deps.fhir.slot(c, id, (slot) => `${base}/Slot/${slot}`);
      case 'Patient':
        return idOf(id, 'Patient') ? ((await deps.fhir.patientsFound(c, { id, limit: 1 }))[0] ?? null) : null;
      default:
        return null;
    }
  }

  async function search(c: ApiCaller, type: string, q: URLSearchParams, base: string): Promise<Resource[]> {
    const count = Math.min(MAX_COUNT, Math.max(1, Number(q.get('_count') ?? 50) || 50));
    switch (type) {
      case 'Location':
        return deps.fhir.locations(c);
      case 'Practitioner':
        return deps.fhir.practitioners(c);
      case 'PractitionerRole':
        return deps.fhir.practitionerRoles(c);
      case 'HealthcareService':
        return deps.fhir.healthcareServices(c);
      case 'Schedule':
        return deps.fhir.schedules(c, { actor: idOf(q.get('actor'), 'Practitioner') ?? idOf(q.get('actor'), 'Location') ?? undefined });
      case 'Slot': {
        const w = window(q.getAll('start'), 'start');
        const from = w.from ?? deps.now();
        const to = w.to ?? new Date(from.getTime() + 7 * 86_400_000);
        const schedule = q.get('schedule');
        return deps.fhir.slots(c, { from, to, schedule: schedule ? (schedule.split('/').pop() ?? schedule) : undefined, status: q.get('status') ?? undefined, serviceId: idOf(q.get('service-type'), 'HealthcareService') ?? undefined, deepLink: (s) => `${base}/Slot/${s}` });
      }
      case 'Appointment': {
        const w = window(q.getAll('date'), 'date');
        const statuses = q.get('status')?.split(',').flatMap((s) => STATUS_FROM_FHIR[s] ?? []);
        return deps.fhir.appointments(c, { from: w.from, to: w.to, patientId: idOf(q.get('patient'), 'Patient') ?? undefined, resourceId: idOf(q.get('actor') ?? q.get('practitioner'), 'Practitioner') ?? undefined, branchId: idOf(q.get('location'), 'Location') ?? undefined, statuses, limit: count });
      }
      case 'Patient': {
        const identifier = q.get('identifier');
        const [system, value] = identifier?.includes('|') ? identifier.split('|') : [undefined, identifier ?? undefined];
        const name = q.get('name') ?? undefined;
        const birthDate = q.get('birthdate') ?? undefined;
        if (!identifier && !name && !q.get('phone') && !q.get('_id')) throw badInput('Search patients by identifier, or by name (with birthdate), or by phone.', 'identifier');
        if (birthDate && !/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) throw badInput('birthdate is a date, e.g. 1980-04-02.', 'birthdate');
        const byId = system === undefined || system === 'https://frontdesk.dev/fhir/patient-id' ? value : undefined;
        if (byId && !idOf(byId, 'Patient') && system !== undefined) return [];
        return deps.fhir.patientsFound(c, {
          ...(q.get('_id') ? { id: idOf(q.get('_id'), 'Patient') ?? '00000000-0000-0000-0000-000000000000' } : {}),
          ...(identifier ? (byId && idOf(byId, 'Patient') ? { id: idOf(byId, 'Patient')! } : { nationalId: value }) : {}),
          name,
          birthDate,
          phone: q.get('phone') ?? undefined,
          limit: count,
        });
      }
      default:
        return [];
    }
  }

  async function sendAppointment(r: Request, c: ApiCaller, view: AppointmentView, status: number): Promise<void> {
    const resource = await deps.fhir.toAppointment(c, view);
    send(r.res, status, status === 201 || r.parts[1]?.startsWith('$') ? { resourceType: 'Bundle', type: 'searchset', total: 1, entry: [{ fullUrl: `${r.base}/Appointment/${view.id}`, resource, search: { mode: 'match' } }] } : resource, {
      etag: etag(view.version),
      'content-location': `${r.base}/Appointment/${view.id}/_history/${view.version}`,
    });
  }

  async function readBody(req: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req.iterator({ destroyOnReturn: false })) {
      size += (chunk as Buffer).length;
      if (size > maxBody) throw fhirError(413, 'BAD_INPUT', 'The request is larger than the server accepts.', 'too-long');
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async function readJson(req: http.IncomingMessage): Promise<unknown> {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type && !['application/fhir+json', 'application/json', 'application/json-patch+json'].includes(type)) {
      throw fhirError(415, 'BAD_INPUT', `Send JSON (${FHIR_JSON}).`, 'not-supported');
    }
    const text = await readBody(req);
    if (!text.trim()) return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw badInput('The request could not be read as JSON.');
    }
  }
}

const STATUS_FROM_FHIR: Record<string, string[]> = {
  pending: ['HELD'],
  booked: ['BOOKED'],
  'checked-in': ['CHECKED_IN', 'IN_CONSULTATION'],
  fulfilled: ['COMPLETED'],
  cancelled: ['CANCELLED', 'EXPIRED', 'RELEASED'],
  noshow: ['NO_SHOW'],
};

/** A retried $hold or $book with the same key answers the first one's appointment (idempotency/), never a second booking. */
function idempotencyKey(req: http.IncomingMessage): string | undefined {
  const v = req.headers['idempotency-key'];
  return (Array.isArray(v) ? v[0] : v) || undefined;
}

function weakTag(r: Resource): string {
  return `W/"${createHash('sha256').update(JSON.stringify(r)).digest('base64url').slice(0, 16)}"`;
}

function versionIn(body: unknown): number | null {
  const v = (body as { meta?: { versionId?: string } } | null)?.meta?.versionId;
  return v && /^\d{1,10}$/.test(v) ? Number(v) : null;
}

/** $find's parameters, from the query (GET) or a Parameters body (POST). */
function findParams(q: URLSearchParams, body: unknown) {
  const params = parameters(body);
  const all = (name: string) => [...q.getAll(name), ...(params.get(name) ?? []).map(valueOf).filter((v): v is string => v !== undefined)];
  const one = (name: string) => all(name)[0];
  const start = one('start');
  const end = one('end');
  if (!start || Number.isNaN(Date.parse(start))) throw badInput('Give start, the beginning of the search, as a date or instant.', 'start');
  if (!end || Number.isNaN(Date.parse(end))) throw badInput('Give end, the end of the search, as a date or instant.', 'end');
  const service = one('service-type') ?? one('healthcare-service');
  const serviceId = idOf(service, 'HealthcareService');
  if (!serviceId) throw badInput('Name the service: service-type=HealthcareService/<id>.', 'service-type');
  const refs = (name: string, type: string) =>
    all(name).map((v) => {
      const id = idOf(v, type);
      if (!id) throw badInput(`${name} is a reference such as ${type}/<id>.`, name);
      return id;
    });
  const patient = one('patient');
  if (patient && !idOf(patient, 'Patient')) throw badInput('patient is a reference such as Patient/<id>.', 'patient');
  const count = Number(one('_count') ?? 20);
  return {
    from: new Date(start),
    to: new Date(end),
    serviceId,
    practitionerIds: refs('practitioner', 'Practitioner'),
    branchIds: refs('location', 'Location'),
    patientId: patient ? idOf(patient, 'Patient')! : undefined,
    limit: Number.isInteger(count) && count >= 1 ? Math.min(count, 200) : 20,
  };
}

/** $book's target: a proposed Appointment to book at once, or a held one (by reference, or sent back whole with its id). */
function bookTarget(req: http.IncomingMessage, body: unknown): { proposal: Proposal } | { appointmentId: string; version: number | null; patientId: string | null } {
  const params = parameters(body);
  const reference = valueOf(params.get('appointment-reference')?.[0]);
  const resource = (params.get('appointment-resource')?.[0]?.resource ?? (params.size === 0 ? body : null)) as { id?: string; status?: string; meta?: { versionId?: string }; participant?: { actor?: { reference?: string } }[] } | null;
  const heldId = idOf(reference, 'Appointment') ?? (resource?.id && resource.status !== 'proposed' ? idOf(resource.id, 'Appointment') : null);
  if (reference && !heldId) throw badInput('appointment-reference names a held appointment as Appointment/<id>; send a proposed one whole as appointment-resource.', 'appointment-reference');
  if (heldId) {
    const patientId = (resource?.participant ?? []).map((p) => idOf(p.actor?.reference, 'Patient')).find((x) => x !== null) ?? null;
    return { appointmentId: heldId, version: ifMatch(req.headers['if-match']) ?? versionIn(resource), patientId };
  }
  return { proposal: readProposal(body) };
}

/** A JSON Patch (replace/add of /status, /start, /participant, /cancelationReason) applied to the appointment as read. */
function patched(current: Resource, body: unknown, contentType: string | undefined): unknown {
  if (!(contentType ?? '').toLowerCase().startsWith('application/json-patch+json')) throw fhirError(415, 'BAD_INPUT', 'PATCH takes a JSON Patch (application/json-patch+json).', 'not-supported');
  if (!Array.isArray(body)) throw badInput('A JSON Patch is a list of operations.');
  const next: Record<string, unknown> = structuredClone(current);
  for (const op of body as { op?: string; path?: string; value?: unknown }[]) {
    const field = /^\/(status|start|participant|cancelationReason)$/.exec(op.path ?? '')?.[1];
    if (!field || (op.op !== 'replace' && op.op !== 'add')) throw badInput('Only /status, /start, /participant and /cancelationReason can be replaced.', op.path ?? 'path');
    next[field] = op.value;
  }
  return next;
}
