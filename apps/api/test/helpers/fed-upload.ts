/**
 * A POST /files whose file arrives as the test feeds it (a chunked multipart body): the
 * test decides when the upload stalls, goes on, ends, or the client vanishes.
 */
export interface FedUpload {
  send(bytes: Uint8Array): void;
  /** Ends the file and the body. */
  end(): void;
  /** The client goes away mid-body. */
  abort(): void;
  /** The answer, or the connection's failure. */
  response: Promise<Response>;
}

export function fedUpload(url: string, token: string, fields: Record<string, string> = {}): FedUpload {
  const boundary = `----stowage-${Math.random().toString(16).slice(2)}`;
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  const head = Object.entries(fields)
    .map(
      ([name, value]) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    )
    .join('');
  controller.enqueue(
    encoder.encode(
      `${head}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="fed.bin"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
  );
  const abort = new AbortController();
  const response = fetch(`${url}/files`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    body,
    signal: abort.signal,
    duplex: 'half',
  } as RequestInit);
  response.catch(() => {});
  return {
    send: (bytes) => controller.enqueue(bytes),
    end: () => {
      controller.enqueue(encoder.encode(`\r\n--${boundary}--\r\n`));
      controller.close();
    },
    abort: () => abort.abort(),
    response,
  };
}
