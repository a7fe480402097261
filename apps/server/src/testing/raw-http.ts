import net from 'node:net';

// Requests written byte for byte, for what fetch and http.request would
// normalise or refuse to send (malformed escapes, bad hosts, header floods).

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The JSON body, when there is one. */
  json(): unknown;
}

/** Removes HTTP/1.1 chunk framing from a response body. */
export function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd === -1) break;
    const size = parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

export function parseResponse(data: Buffer): RawResponse {
  const headEnd = data.indexOf('\r\n\r\n');
  if (headEnd === -1) throw new Error(`no complete HTTP response: ${JSON.stringify(data.toString('latin1').slice(0, 200))}`);
  const [statusLine, ...lines] = data.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(statusLine?.split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = data.subarray(headEnd + 4);
  if (headers['transfer-encoding']?.includes('chunked')) body = dechunk(body);
  const text = body.toString('utf8');
  return { status, headers, body: text, json: () => JSON.parse(text) as unknown };
}

/** Writes `request` as is and reads until the server closes, `until` matches what arrived, or `timeoutMs`. */
export function rawRequest(port: number, request: string | Buffer, options: { timeoutMs?: number; until?: RegExp } = {}): Promise<RawResponse> {
  const { timeoutMs = 10_000, until } = options;
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const finish = () => {
      clearTimeout(timer);
      try {
        resolve(parseResponse(Buffer.concat(chunks)));
      } catch (error) {
        reject(error as Error);
      }
    };
    const timer = setTimeout(() => {
      socket.destroy();
      finish();
    }, timeoutMs);
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      // For a stream that stays open (SSE): stop once the awaited text is in.
      if (until?.test(Buffer.concat(chunks).toString('utf8'))) {
        socket.destroy();
        finish();
      }
    });
    // A reset after the answer arrived still leaves the answer to read.
    socket.on('error', () => finish());
    socket.on('close', finish);
    socket.write(request);
  });
}

/** A GET with the given target and extra header lines, connection closed after. */
export function rawGet(port: number, target: string, headerLines: string[] = [], until?: RegExp): Promise<RawResponse> {
  return rawRequest(port, [`GET ${target} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: close', ...headerLines, '', ''].join('\r\n'), { until });
}

/** A POST of `body` (a JSON string unless told) to `target`. */
export function rawPost(port: number, target: string, body: string, headerLines: string[] = ['Content-Type: application/json']): Promise<RawResponse> {
  return rawRequest(
    port,
    [`POST ${target} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: close', `Content-Length: ${Buffer.byteLength(body)}`, ...headerLines, '', body].join('\r\n'),
  );
}

/** One server-sent event as it came: its `event`, `id` and `data` fields. */
export interface SseEvent {
  event?: string;
  id?: string;
  data: string;
}

/** The events of an SSE body (dechunked), in order. */
export function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const out: SseEvent = { data: '' };
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        const field = line.slice(0, colon);
        const value = line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') out.event = value;
        else if (field === 'id') out.id = value;
        else if (field === 'data') out.data += value;
      }
      return out;
    });
}

/** A GET that stays open (SSE), read as it arrives on a socket of its own. */
export class RawStream {
  private readonly chunks: Buffer[] = [];
  readonly socket: net.Socket;

  constructor(port: number, target: string, headerLines: string[] = []) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.on('data', (d: Buffer) => this.chunks.push(d));
    this.socket.on('error', () => undefined);
    this.socket.write([`GET ${target} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Accept: text/event-stream', ...headerLines, '', ''].join('\r\n'));
  }

  /** Everything received, as bytes. */
  get raw(): Buffer {
    return Buffer.concat(this.chunks);
  }

  /** The response so far: status, headers and the body's complete chunks. */
  response(): RawResponse {
    return parseResponse(this.raw);
  }

  /** Its events so far. */
  events(): SseEvent[] {
    const raw = this.raw;
    return raw.includes('\r\n\r\n') ? parseSse(parseResponse(raw).body) : [];
  }

  /** Whether the server ended the response (its last chunk came). */
  get ended(): boolean {
    return this.raw.subarray(-5).toString() === '0\r\n\r\n';
  }

  close(): void {
    this.socket.destroy();
  }
}
