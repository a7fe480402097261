import type http from 'node:http';
import type { TRPCError } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY, type TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import type { DomainErrorShape } from '@frontdesk/shared';

// The edge answers in the same envelope as tRPC, so every client (the tRPC
// client, a script, a proxy log) reads one error shape from this server.

/**
 * tRPC's own protocol errors carry library text (a JSON parser's message, the
 * path sent back); a client gets a plain sentence instead.
 */
const PROTOCOL: Partial<Record<TRPC_ERROR_CODE_KEY, DomainErrorShape>> = {
  PARSE_ERROR: { code: 'BAD_INPUT', message: 'The request could not be read as JSON.', details: {} },
  BAD_REQUEST: { code: 'BAD_INPUT', message: 'The request is not valid.', details: {} },
  NOT_FOUND: { code: 'NOT_FOUND', message: 'There is no such operation.', details: { entity: 'procedure' } },
  METHOD_NOT_SUPPORTED: { code: 'BAD_INPUT', message: 'That operation does not accept this HTTP method.', details: {} },
  UNSUPPORTED_MEDIA_TYPE: { code: 'BAD_INPUT', message: 'Send the request body as application/json.', details: {} },
  PAYLOAD_TOO_LARGE: { code: 'BAD_INPUT', message: 'The request is larger than the server accepts.', details: {} },
};

/** The domain error for a tRPC protocol failure that carries none of its own. */
export function protocolDomainError(error: TRPCError): DomainErrorShape | null {
  // tRPC reports a body or `?input=` that JSON.parse rejects as BAD_REQUEST.
  if (error.code === 'BAD_REQUEST' && error.cause instanceof SyntaxError) return PROTOCOL.PARSE_ERROR ?? null;
  return PROTOCOL[error.code] ?? null;
}

const STATUS_KEY: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: 'BAD_REQUEST',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_SUPPORTED',
  408: 'TIMEOUT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'BAD_REQUEST',
  431: 'BAD_REQUEST',
  500: 'INTERNAL_SERVER_ERROR',
};

/** The body of an error answered at the edge, shaped like a tRPC error response. */
export function edgeErrorBody(status: number, domain: DomainErrorShape | null, message = domain?.message ?? 'Something went wrong on the server. Please try again.'): string {
  const key = STATUS_KEY[status] ?? (status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST');
  return JSON.stringify({
    error: { message, code: TRPC_ERROR_CODES_BY_KEY[key], data: { code: key, httpStatus: status, path: null, domain, zodIssues: null } },
  });
}

/** Answers a request at the edge with a domain error; closes the connection when the body was not read. */
export function sendEdgeError(res: http.ServerResponse, status: number, domain: DomainErrorShape | null, extraHeaders: Record<string, string> = {}): void {
  const body = edgeErrorBody(status, domain);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...extraHeaders,
  });
  res.end(body);
}

/** A raw HTTP/1.1 error response for a socket the HTTP parser gave up on. */
export function rawEdgeError(status: number, reason: string, domain: DomainErrorShape): string {
  const body = edgeErrorBody(status, domain);
  return [
    `HTTP/1.1 ${status} ${reason}`,
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(body)}`,
    'cache-control: no-store',
    'x-content-type-options: nosniff',
    'connection: close',
    '',
    body,
  ].join('\r\n');
}
