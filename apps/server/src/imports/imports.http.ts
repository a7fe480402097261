import type http from 'node:http';
import { DomainError, IMPORT_KINDS, IMPORT_MODES, roleMay, type DomainErrorShape, type ImportKind, type ImportMessage, type ImportMode } from '@frontdesk/shared';
import { withTenant } from '../db/request-scope.js';
import type { Deps } from '../deps.js';
import { sendEdgeError } from '../http/errors.js';
import { toTRPCError } from '../trpc/errors.js';
import { bearer } from '../trpc/context.js';

// POST /import/<patients|resources>?mode=preview|apply&fileName=...
// The CSV file is the body (text/csv), streamed, never held whole; the answer
// is JSON lines (application/x-ndjson): progress as the file is read, checked
// and written, then one result, or one error. A CSV does not belong in a tRPC
// JSON call: it would be parsed whole, and the API's body limit is 1 MiB.
// Refusals before the file is read (sign-in, role, kind, type) are plain JSON
// errors in the edge's shape, with their HTTP status.

const PREFIX = '/import/';

export function isImportPath(url: string | undefined): boolean {
  return (url ?? '').startsWith(PREFIX);
}

const badInput = (message: string, field?: string): DomainErrorShape => ({ code: 'BAD_INPUT', message, details: field ? { field } : {} });

const STATUS: Partial<Record<string, number>> = { BAD_REQUEST: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, TOO_MANY_REQUESTS: 429, SERVICE_UNAVAILABLE: 503 };

/** Anything thrown, as the domain error a client may read (internal failures say nothing more). */
function shapeOf(error: unknown): { status: number; shape: DomainErrorShape | null } {
  const mapped = toTRPCError(error);
  const domain = mapped.cause instanceof DomainError ? mapped.cause.toShape() : null;
  return { status: STATUS[mapped.code] ?? 500, shape: domain };
}

/** A file name for the record: no path, no control characters, at most 200 characters. */
function cleanFileName(raw: string | null): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  return base.replace(/\p{Cc}/gu, '').trim().slice(0, 200);
}

/** text/csv (or text/plain, which some systems give a .csv), UTF-8 if a charset is named. */
function acceptableType(req: http.IncomingMessage): boolean {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  const [media, ...params] = type.split(';').map((s) => s.trim());
  if (media !== 'text/csv' && media !== 'text/plain') return false;
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}

export function importHandler(deps: Deps): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://frontdesk.invalid');
    const kind = url.pathname.slice(PREFIX.length) as ImportKind;
    if (!IMPORT_KINDS.includes(kind)) {
      sendEdgeError(res, 404, { code: 'NOT_FOUND', message: 'There is no such import: use /import/patients or /import/resources.', details: { entity: 'import' } });
      return;
    }
    const mode = (url.searchParams.get('mode') ?? 'preview') as ImportMode;
    if (!IMPORT_MODES.includes(mode)) {
      sendEdgeError(res, 400, badInput('mode is preview or apply.', 'mode'));
      return;
    }
    const encoding = req.headers['content-encoding'];
    if (!acceptableType(req) || (encoding !== undefined && encoding !== 'identity')) {
      sendEdgeError(res, 415, badInput('Send the file itself as the body, as text/csv in UTF-8.', 'file'));
      return;
    }
    const token = bearer(req.headers.authorization);
    let actor;
    try {
      actor = token ? await deps.auth.authenticate(token) : null;
    } catch (error) {
      const { status, shape } = shapeOf(error);
      sendEdgeError(res, status, shape);
      return;
    }
    if (!actor) {
      sendEdgeError(res, 401, { code: 'UNAUTHORIZED', message: 'Please sign in again.', details: {} });
      return;
    }
    if (!roleMay(actor.role, 'organisation.manage')) {
      sendEdgeError(res, 403, { code: 'FORBIDDEN', message: 'Your role does not allow importing.', details: {} });
      return;
    }

    res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' });
    // A client gone mid-answer: later writes fail quietly; an apply already under way still commits (re-running the file is a no-op).
    res.on('error', () => undefined);
    const send = (message: ImportMessage) => {
      if (!res.destroyed) res.write(`${JSON.stringify(message)}\n`);
    };
    try {
      // Reading may stop early (an error, a limit): the request is left to the edge, which drains and closes it.
      const request = { kind, mode, fileName: cleanFileName(url.searchParams.get('fileName')), body: req.iterator({ destroyOnReturn: false }) };
      // The tenant scope, set as the procedure builder sets it for a command.
      send(await withTenant(actor.tenantId, () => deps.imports.run(actor, request, send)));
    } catch (error) {
      const { status, shape } = shapeOf(error);
      if (status >= 500 && status !== 503) deps.logger.error({ err: error, kind, mode }, 'import failed');
      send({ type: 'error', error: shape, message: shape?.message ?? 'Something went wrong on the server; nothing was imported. Please try again.' });
    }
    res.end();
  };
}
