import { safeExecute } from '@mcpmeter/core';
import { ERROR_STREAM_INCOMPLETE } from './errors.js';
import { readJsonBody, readStreamEvent, type StreamState, type WireFormat } from './formats.js';
import type { LlmOperation } from './operation.js';
import { SseParser } from './sse.js';

/** Largest non-streamed JSON body read for usage; past it usage is skipped, the body still flows. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

/**
 * Returns a Response equal to `response` whose body passes through an
 * observer: each chunk is handed on as soon as it is read (no buffering of
 * streams), server-sent events are parsed for chunk timing and usage, and the
 * operation ends when the body ends, fails or is cancelled by its reader.
 * Errors and empty bodies are returned untouched.
 */
export function observeResponse(response: Response, op: LlmOperation): Response {
  const body = response.body;
  if (body === null) {
    op.end({ status: response.status });
    return response;
  }
  op.observingBody = true;
  const contentType = response.headers.get('content-type') ?? '';
  const isSse = contentType.includes('text/event-stream');
  const format = op.init.format;
  let terminal = false;
  let parser: SseParser | undefined;
  let jsonParts: Uint8Array[] | undefined;
  let jsonBytes = 0;
  if (isSse) {
    const state: StreamState = {};
    const needsText = op.needsText;
    parser = new SseParser((data) => {
      if (op.ended) return;
      if (data === '[DONE]') {
        terminal = true;
        return;
      }
      op.onChunk();
      if (!needsText && op.chunks > 1 && !mayMatter(format, data)) return;
      let value: unknown;
      try {
        value = JSON.parse(data);
      } catch {
        return; // a relay's keep-alive or a non-JSON event: timing counted, nothing to read
      }
      if (readStreamEvent(format, value, op, state)) terminal = true;
    });
  } else {
    jsonParts = [];
  }

  const finish = () => {
    if (op.ended) return;
    if (parser !== undefined) {
      const p = parser;
      safeExecute(() => p.end(), 'parsing an LLM stream');
      op.end({
        status: response.status,
        errorType: terminal ? undefined : ERROR_STREAM_INCOMPLETE,
      });
      return;
    }
    if (jsonParts !== undefined && jsonBytes <= MAX_JSON_BYTES) {
      const text = Buffer.concat(jsonParts).toString('utf8');
      jsonParts = undefined;
      safeExecute(() => readJsonBody(format, JSON.parse(text), op), 'reading an LLM response body');
    }
    op.end({ status: response.status });
  };

  const take = (bytes: Uint8Array): void => {
    if (op.ended) return;
    if (parser !== undefined) {
      const p = parser;
      safeExecute(() => p.push(bytes), 'parsing an LLM stream');
    } else if (jsonParts !== undefined) {
      jsonBytes += bytes.byteLength;
      if (jsonBytes <= MAX_JSON_BYTES) jsonParts.push(bytes);
      else jsonParts = undefined;
    }
  };

  const reader = (body as ReadableStream<Uint8Array>).getReader();
  const observed = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (err) {
          op.end({ error: err, status: response.status });
          controller.error(err);
          return;
        }
        if (chunk.done) {
          finish();
          controller.close();
          return;
        }
        take(chunk.value);
        controller.enqueue(chunk.value);
      },
      cancel(reason) {
        // The reader gave up (the SDK's stream was closed, `break` out of `for await`).
        op.end({ error: cancellationOf(reason), status: response.status });
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  iterateDirectly(observed, reader, take, finish, (err) =>
    op.end({ error: err, status: response.status }),
  );
  return responseWithBody(response, observed);
}

/*
 * Both Stainless SDKs read a streamed body with `for await` over the body
 * (`body[Symbol.asyncIterator]()`). Going through the observed stream costs
 * every chunk a second stream hop (a pull, a promise per read, the enqueue and
 * the read request it settles). This iterator, an own property of the observed
 * stream only, reads the original body's reader directly and observes each
 * chunk in one promise reaction. It behaves as the stream's own iterator does:
 * the stream is locked while it runs, `return()` (a `break`) cancels the body,
 * an error rejects `next()`. Any other reader (getReader, pipeTo, tee, text())
 * goes through the observed stream as before.
 */
function iterateDirectly(
  observed: ReadableStream<Uint8Array>,
  reader: ReadableStreamDefaultReader<Uint8Array>,
  take: (bytes: Uint8Array) => void,
  finish: () => void,
  fail: (err: unknown) => void,
): void {
  const values = observed[Symbol.asyncIterator] as (
    this: ReadableStream<Uint8Array>,
    options?: { preventCancel?: boolean },
  ) => AsyncIterableIterator<Uint8Array>;
  const direct = function mcpmeterValues(
    this: ReadableStream<Uint8Array>,
    options?: { preventCancel?: boolean },
  ): AsyncIterableIterator<Uint8Array> {
    if (this !== observed || observed.locked || options?.preventCancel === true)
      return values.call(this, options);
    const lock = observed.getReader();
    let open = true;
    const close = (): void => {
      if (!open) return;
      open = false;
      lock.releaseLock();
    };
    const onRead = (chunk: Awaited<ReturnType<typeof reader.read>>) => {
      if (chunk.done) {
        finish();
        close();
      } else take(chunk.value);
      return chunk;
    };
    const onError = (err: unknown): never => {
      fail(err);
      close();
      throw err;
    };
    const iterator: AsyncIterableIterator<Uint8Array> = {
      next() {
        if (!open) return Promise.resolve({ done: true, value: undefined });
        return reader.read().then(onRead, onError) as Promise<IteratorResult<Uint8Array>>;
      },
      return(value?: unknown) {
        if (!open) return Promise.resolve({ done: true, value: undefined });
        close();
        // As the stream's own iterator: leaving the loop cancels the body (and so the observed stream).
        return observed.cancel(value).then(() => ({ done: true, value: undefined }));
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    return iterator;
  };
  Object.defineProperty(observed, Symbol.asyncIterator, {
    value: direct,
    writable: true,
    configurable: true,
  });
}

/** `response` as it was (status, headers, url, redirected, type) over another body. */
export function responseWithBody(response: Response, body: ReadableStream<Uint8Array>): Response {
  const wrapped = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  for (const key of ['url', 'redirected', 'type'] as const) {
    Object.defineProperty(wrapped, key, { value: response[key], configurable: true });
  }
  return wrapped;
}

/*
 * Most events of a long stream are content deltas that carry nothing we record
 * (unless content capture or token estimation wants their text). A substring
 * test is far cheaper than JSON.parse, so only events that may carry usage,
 * a model, a finish reason or an error are parsed. A false positive only costs
 * a parse; a delta never carries usage in any of these APIs.
 */
export function mayMatter(format: WireFormat, data: string): boolean {
  switch (format) {
    case 'openai.chat':
    case 'openai.embeddings':
      // A delta ends in `"finish_reason":null}]}` (or `…}],"usage":null}` with include_usage): searching
      // from the end finds it within a few dozen characters. Usage comes in a chunk without choices.
      return data.lastIndexOf('"finish_reason":null') === -1 || hasUsageObject(data);
    case 'openai.responses':
      return !data.includes('.delta"');
    case 'anthropic.messages':
      return !data.includes('"content_block_delta"');
    default:
      return true;
  }
}

/**
 * `data.includes('"usage":{')`, searched from `usage` on: V8 looks for a pattern's first character
 * first, and a `"` is every few characters of JSON (about 5× slower on a chat delta).
 */
function hasUsageObject(data: string): boolean {
  for (let i = data.indexOf('usage":{'); i !== -1; i = data.indexOf('usage":{', i + 1))
    if (i > 0 && data.charCodeAt(i - 1) === 34) return true;
  return false;
}

function cancellationOf(reason: unknown): unknown {
  if (
    reason !== null &&
    typeof reason === 'object' &&
    (reason as { name?: unknown }).name === 'AbortError'
  )
    return reason;
  const err = new Error('the response body was cancelled by its reader');
  err.name = 'AbortError';
  return err;
}
