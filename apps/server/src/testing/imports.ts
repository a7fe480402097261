import type { DomainErrorShape, ImportFailure, ImportKind, ImportMessage, ImportMode, ImportProgress, ImportResult } from '@frontdesk/shared';

// Posts a CSV file to a running server's import endpoint and reads its
// answer (JSON lines, or one JSON error before the file was read).

export interface ImportAnswer {
  status: number;
  contentType: string;
  progress: ImportProgress[];
  result: ImportResult | null;
  failure: ImportFailure | null;
  /** The error of a refusal before the file was read (a status other than 200). */
  refusal: DomainErrorShape | null;
  body: string;
}

export interface PostImportOptions {
  fileName?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Query string sent as is instead of mode and fileName. */
  query?: string;
}

export async function postImport(
  serverUrl: string,
  token: string | null,
  kind: ImportKind | string,
  mode: ImportMode | string,
  body: string | Uint8Array | AsyncIterable<Uint8Array>,
  options: PostImportOptions = {},
): Promise<ImportAnswer> {
  const query = options.query ?? new URLSearchParams({ mode, fileName: options.fileName ?? `${kind}.csv` }).toString();
  const streamed = typeof body !== 'string' && !(body instanceof Uint8Array);
  const response = await fetch(`${serverUrl}/import/${kind}?${query}`, {
    method: 'POST',
    headers: { 'content-type': options.contentType ?? 'text/csv', ...(token ? { authorization: `Bearer ${token}` } : {}), ...options.headers },
    body: streamed ? (body as unknown as ReadableStream) : (body as string | Uint8Array<ArrayBuffer>),
    ...(streamed ? { duplex: 'half' } : {}),
  } as RequestInit);
  const text = await response.text();
  const answer: ImportAnswer = { status: response.status, contentType: response.headers.get('content-type') ?? '', progress: [], result: null, failure: null, refusal: null, body: text };
  if (response.status !== 200) {
    answer.refusal = (JSON.parse(text) as { error?: { data?: { domain?: DomainErrorShape } } }).error?.data?.domain ?? null;
    return answer;
  }
  for (const line of text.split('\n')) {
    if (!line) continue;
    const message = JSON.parse(line) as ImportMessage;
    if (message.type === 'progress') answer.progress.push(message);
    else if (message.type === 'result') answer.result = message;
    else answer.failure = message;
  }
  return answer;
}
