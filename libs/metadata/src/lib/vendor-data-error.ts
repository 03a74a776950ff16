// Apart from vendor-data.ts, whose HTTP client a program that only reports this error need not load.
/** A vendor data setting that cannot be used; the message names the file or target and the fix. `code` is `VENDOR_DATA`. */
export class VendorDataError extends Error {
  /** Stable code to branch on. */
  readonly code = 'VENDOR_DATA';

  constructor(message: string) {
    super(message);
    this.name = 'VendorDataError';
  }
}
