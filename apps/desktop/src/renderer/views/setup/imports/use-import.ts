import { useCallback, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { DomainErrorShape, ImportKind, ImportMessage, ImportMode, ImportResult } from '@frontdesk/shared';
import { getToken, setSession } from '../../../lib/session.js';
import type { Running } from './progress.js';
import { useTRPC } from '../../../lib/trpc.js';

// One import's lifecycle: the file posted to the server's import endpoint (not
// tRPC: the body is a CSV, streamed), its answer read line by line as it comes
// (progress, then a result or an error).

export type ImportState =
  | { status: 'idle' }
  | Running
  | { status: 'done'; mode: ImportMode; result: ImportResult }
  | { status: 'failed'; mode: ImportMode; message: string };

async function serverUrl(): Promise<string> {
  return window.frontdesk ? (await window.frontdesk.getSettings()).serverUrl : location.origin;
}

/** The domain error of a refusal answered before the file was read, in the edge's envelope. */
function refusalOf(text: string): DomainErrorShape | null {
  try {
    return (JSON.parse(text) as { error?: { data?: { domain?: DomainErrorShape | null } } }).error?.data?.domain ?? null;
  } catch {
    return null;
  }
}

export function useImport() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [state, setState] = useState<ImportState>({ status: 'idle' });
  const running = useRef<AbortController | null>(null);

  const reset = useCallback(() => {
    running.current?.abort();
    running.current = null;
    setState({ status: 'idle' });
  }, []);

  const run = useCallback(
    async (kind: ImportKind, mode: ImportMode, file: File): Promise<ImportResult | null> => {
      running.current?.abort();
      const abort = new AbortController();
      running.current = abort;
      const fail = (message: string) => {
        setState({ status: 'failed', mode, message });
        return null;
      };
      setState({ status: 'running', mode, progress: null, fileBytes: file.size });
      let response: Response;
      try {
        const query = new URLSearchParams({ mode, fileName: file.name });
        response = await fetch(`${await serverUrl()}/import/${kind}?${query.toString()}`, {
          method: 'POST',
          headers: { 'content-type': 'text/csv', authorization: `Bearer ${getToken() ?? ''}` },
          body: file,
          signal: abort.signal,
        });
      } catch {
        if (abort.signal.aborted) return null;
        return fail("Can't reach the server. Nothing was imported; try again when it is back.");
      }
      if (!response.ok || !response.body) {
        const refusal = refusalOf(await response.text().catch(() => ''));
        if (refusal?.code === 'UNAUTHORIZED') void setSession(null);
        return fail(refusal?.message ?? 'The server refused the file. Nothing was imported.');
      }

      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = '';
      let outcome: ImportMessage | null = null;
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffered += value;
          let end: number;
          while ((end = buffered.indexOf('\n')) !== -1) {
            const message = JSON.parse(buffered.slice(0, end)) as ImportMessage;
            buffered = buffered.slice(end + 1);
            if (message.type === 'progress') setState({ status: 'running', mode, progress: message, fileBytes: file.size });
            else outcome = message;
          }
        }
      } catch {
        if (abort.signal.aborted) return null;
        // An apply may have committed before the answer was lost: a preview of the same file will say so.
        return fail(
          mode === 'apply'
            ? 'The connection was lost before the server answered; the import may or may not have finished. Preview the file again: if it was imported, the preview says so.'
            : "The connection was lost before the server answered. Nothing was imported; try again.",
        );
      }
      if (running.current === abort) running.current = null;
      if (!outcome) return fail('The server did not finish its answer. Preview the file again to see where things stand.');
      if (outcome.type === 'error') return fail(outcome.message);
      setState({ status: 'done', mode, result: outcome });
      if (outcome.applied) void queryClient.invalidateQueries({ queryKey: trpc.setup.imports.runs.queryKey() });
      return outcome;
    },
    [queryClient, trpc],
  );

  return { state, run, reset };
}
