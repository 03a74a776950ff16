import { STATUS_CODES } from 'node:http';
import { MAX_PATH_LENGTH, refuse, refusalReply, type Refusal } from '@ironic-metadata/metadata';

/** A client error as Node's HTTP parser reports it (`clientError`): the packet it was parsing when it gave up. */
export type ParserError = NodeJS.ErrnoException & { rawPacket?: Buffer };

/**
 * The raw HTTP/1.1 answer to a request Node's parser refused before any handler saw it (the
 * `clientError` event), with a one-line plain-text body as every other refusal has (`refusalReply`),
 * and `Connection: close`. Node's own answers carry no body and call an over-long path 431, as it
 * counts the request line towards `maxHeaderBytes`:
 *
 * - `HPE_HEADER_OVERFLOW`: 414 when the packet being parsed starts with a request line whose target
 *   is longer than `MAX_PATH_LENGTH` (metadata clients send their request in one write, so that
 *   packet is the request's first), else 431;
 * - `HPE_CHUNK_EXTENSIONS_OVERFLOW` 413, `ERR_HTTP_REQUEST_TIMEOUT` 408, anything else 400.
 */
export function clientErrorReply(error: ParserError, maxHeaderBytes: number): string {
  const { status, headers, body } = refusalReply(clientErrorRefusal(error, maxHeaderBytes));
  const head = [
    `HTTP/1.1 ${status} ${statusPhrase(status)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    `content-length: ${body.length}`,
    'connection: close',
  ];
  return `${head.join('\r\n')}\r\n\r\n${body.toString('utf8')}`;
}

function clientErrorRefusal(error: ParserError, maxHeaderBytes: number): Refusal {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return requestTargetLength(error.rawPacket) > MAX_PATH_LENGTH
        ? refuse(414, `the path is longer than ${MAX_PATH_LENGTH} characters`)
        : refuse(431, `the request line and headers together are larger than ${maxHeaderBytes / 1024} KiB`);
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return refuse(413, 'the chunk extensions of the request body are too large');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return refuse(408, 'the request did not arrive in time (REQUEST_TIMEOUT_SECONDS); send it whole and at once');
    default:
      return refuse(400, `the request is not valid HTTP/1.1 (${error.code ?? error.message})`);
  }
}

/** The length of the request target of the request line `packet` starts with (`GET /path HTTP/1.1`); 0 when it starts with none. */
function requestTargetLength(packet: Buffer | undefined): number {
  if (packet === undefined) return 0;
  // Enough to see a target past the limit, not the whole packet.
  const start = packet.subarray(0, MAX_PATH_LENGTH + 32).toString('latin1');
  return /^[A-Z]+ ([^ \r\n]*)/.exec(start)?.[1].length ?? 0;
}

/** The reason phrase of the status line: Node's own. */
function statusPhrase(status: number): string {
  return STATUS_CODES[status] ?? '';
}
