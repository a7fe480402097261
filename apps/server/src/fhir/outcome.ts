import type http from 'node:http';
import { DomainError, type AppointmentView, type SlotSuggestion } from '@frontdesk/shared';
import { toTRPCError } from '../trpc/errors.js';
import { ERROR_SYSTEM, FHIR_JSON, type Resource } from './resources.js';

// Every refusal of the FHIR API is an OperationOutcome carrying the domain
// error's code (details.coding) and its plain sentence, with the HTTP status
// a FHIR client expects; what the domain error offers to recover (the nearest
// free times, the current version) goes along as contained resources.

const STATUS: Partial<Record<DomainError['code'], number>> = {
  BAD_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  SLOT_TAKEN: 409,
  HOLD_EXPIRED: 409,
  INVALID_STATE: 409,
  CAPACITY_FULL: 409,
  OUT_OF_STOCK: 409,
  OUTSIDE_HOURS: 422,
  AFFECTS_APPOINTMENTS: 409,
  STALE: 412,
  TOO_MANY_ATTEMPTS: 429,
  UNAVAILABLE: 503,
};

const ISSUE: Partial<Record<DomainError['code'], string>> = {
  BAD_INPUT: 'invalid',
  UNAUTHORIZED: 'login',
  FORBIDDEN: 'forbidden',
  NOT_FOUND: 'not-found',
  SLOT_TAKEN: 'conflict',
  STALE: 'conflict',
  HOLD_EXPIRED: 'expired',
  TOO_MANY_ATTEMPTS: 'throttled',
  UNAVAILABLE: 'transient',
};

export class FhirError extends Error {
  constructor(
    readonly status: number,
    readonly outcome: Resource,
    readonly headers: Record<string, string> = {},
  ) {
    super(String((outcome.issue as { diagnostics?: string }[] | undefined)?.[0]?.diagnostics ?? 'FHIR error'));
  }
}

export function operationOutcome(code: string, message: string, issueCode: string, extra: { expression?: string; contained?: Resource[]; severity?: string } = {}): Resource {
  return {
    resourceType: 'OperationOutcome',
    ...(extra.contained?.length ? { contained: extra.contained } : {}),
    issue: [
      {
        severity: extra.severity ?? 'error',
        code: issueCode,
        details: { coding: [{ system: ERROR_SYSTEM, code }], text: message },
        diagnostics: message,
        ...(extra.expression ? { expression: [extra.expression] } : {}),
      },
    ],
  };
}

export const fhirError = (status: number, code: string, message: string, issueCode: string, expression?: string) =>
  new FhirError(status, operationOutcome(code, message, issueCode, expression ? { expression } : {}));

export const badInput = (message: string, field?: string) => fhirError(400, 'BAD_INPUT', message, 'invalid', field);
export const notFoundError = (what: string) => fhirError(404, 'NOT_FOUND', `There is no such ${what}.`, 'not-found');

export interface Recovery {
  /** The nearest free times, as proposed Appointments. */
  proposed: (alternatives: readonly SlotSuggestion[]) => Promise<Resource[]>;
  /** The appointment as it is now. */
  current: (view: AppointmentView) => Promise<Resource>;
}

/** Anything thrown, as a FHIR answer; internal failures say nothing more than that. */
export async function toFhirError(error: unknown, recover: Recovery): Promise<FhirError | null> {
  if (error instanceof FhirError) return error;
  const mapped = toTRPCError(error);
  const domain: DomainError | null = mapped.cause instanceof DomainError ? (mapped.cause as DomainError) : null;
  if (!domain) return null;
  const status = STATUS[domain.code] ?? 400;
  const issue = ISSUE[domain.code] ?? 'business-rule';
  const details = domain.details as { field?: string; alternatives?: SlotSuggestion[]; current?: AppointmentView };
  const contained: Resource[] = [];
  const headers: Record<string, string> = {};
  if (domain.code === 'SLOT_TAKEN' && details.alternatives) contained.push(...(await recover.proposed(details.alternatives)));
  if (domain.code === 'STALE' && details.current) {
    contained.push(await recover.current(details.current));
    headers.etag = etag(details.current.version);
  }
  const outcome = operationOutcome(domain.code, domain.message, issue, { ...(details.field ? { expression: details.field } : {}), contained });
  return new FhirError(status, outcome, headers);
}

export const etag = (version: number) => `W/"${version}"`;

/** The version an If-Match names (W/"3", "3" or 3), or null when absent; a malformed one is refused. */
export function ifMatch(header: string | string[] | undefined): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') return null;
  const m = /^(?:W\/)?"?(\d{1,10})"?$/.exec(value.trim());
  if (!m) throw badInput('If-Match names the version as W/"<version>", as the ETag gave it.', 'If-Match');
  return Number(m[1]);
}

export function send(res: http.ServerResponse, status: number, body: Resource | object, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': `${FHIR_JSON}; charset=utf-8`, 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body));
}
