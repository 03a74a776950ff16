/**
 * Ironic's (openstacksdk's) exact genisoimage command line for a config drive, less the output and the
 * directory (REFERENCE.md section 1). The unit tests' copy is libs/configdrive's test-support, which
 * the integration suite cannot import.
 */
export const IRONIC_GENISOIMAGE_FLAGS = [
  '-ldots',
  '-allow-lowercase',
  '-allow-multidot',
  '-l',
  '-publisher',
  'metalsmith',
  '-quiet',
  '-J',
  '-r',
  '-V',
  'config-2',
];
