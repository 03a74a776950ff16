import { runProgram } from '../../support/processes';

// Debian's Python has PyYAML (cloud-init depends on it); whatever python3 comes first on PATH may not.
const DEBIAN_PYTHON = '/usr/bin/python3';
const TO_JSON = 'import json, sys, yaml; print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))';

/** Every document of a YAML file, parsed by a real YAML parser (PyYAML). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function readYamlDocuments(path: string): Promise<any[]> {
  return JSON.parse(await runProgram(DEBIAN_PYTHON, ['-c', TO_JSON, path]));
}
