// Reads our metadata service with the AWS SDK's IMDS client, as a node would, from a given source
// address. usage: node aws_imds_client.cjs ENDPOINT SOURCE_ADDRESS PATH... ; prints {path: value}.
// IMDSv1 is disabled, so every read must carry an IMDSv2 session token.
const http = require('node:http');

const [endpoint, sourceAddress, ...paths] = process.argv.slice(2);
const request = http.request;
// The SDK's HTTP handler looks up http.request when it first sends, so this reaches every request.
http.request = (options, callback) => request.call(http, { ...options, localAddress: sourceAddress }, callback);

const { MetadataService } = require('@aws-sdk/ec2-metadata-service');

(async () => {
  const service = new MetadataService({ endpoint, ec2MetadataV1Disabled: true, retries: 0, httpOptions: { timeout: 5000 } });
  const values = {};
  for (const path of paths) values[path] = await service.request(path, {});
  process.stdout.write(JSON.stringify(values));
})().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
