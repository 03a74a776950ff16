/** An error answer, raised anywhere while handling a request and turned into Ironic's error body. */
export class IronicFault extends Error {
  constructor(
    readonly status: 400 | 404 | 405 | 406,
    message: string,
  ) {
    super(message);
    this.name = 'IronicFault';
  }
}

/** Ironic's error body: a JSON document whose `error_message` is itself JSON text. */
export function faultBody(fault: IronicFault): string {
  return JSON.stringify({ error_message: JSON.stringify({ faultcode: 'Client', faultstring: fault.message, debuginfo: null }) });
}
